"""Declared REST routes: one decorator says what a route takes, answers and refuses, and enforces the first two.

Each route declares its method, path, summary, tag, whether it needs a signed-in person, its request body
model, its success status and model, and the refusals it can give. The wrapper checks who is asking first
(before any body is read), then parses the body through its model; /api/openapi.json is generated from the
same declarations (server/openapi.py), so the document and the behaviour cannot drift apart.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel

from rooms.hooks import Actor
from server.auth import COOKIE_NAME
from server.http_errors import ApiError, read_body
from server.state import STATE, AppState

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Body = TypeVar("Body", bound=BaseModel)
ACTOR = web.RequestKey("alongside_actor", Actor)
BODY = web.RequestKey("alongside_body", BaseModel)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class QueryParam:
    """A documented query parameter; the handler reads and checks it (refusing with its own codes)."""

    name: str
    description: str
    schema: Mapping[str, Any]


@dataclass(frozen=True)
class Operation:
    """One documented route. `refusals` maps each error status to the codes it can carry."""

    method: str
    path: str
    summary: str
    tag: str
    auth: bool = True
    body: type[BaseModel] | None = None
    status: int = 200
    result: type[BaseModel] | None = None
    content_type: str = "application/json"
    refusals: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    description: str = ""
    other_results: Mapping[int, tuple[str, type[BaseModel] | None]] = field(default_factory=dict)
    query: tuple[QueryParam, ...] = ()

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)


def standard_refusals(
    method: str, path: str, *, auth: bool, body: bool, extra: Mapping[int, tuple[str, ...]]
) -> dict[int, tuple[str, ...]]:
    """What every route of this kind can answer, merged with the route's own refusals."""
    refusals: dict[int, list[str]] = {}

    def add(status: int, *codes: str) -> None:
        listed = refusals.setdefault(status, [])
        listed.extend(code for code in codes if code not in listed)

    if body:
        add(400, "invalid_payload")
        add(413, "payload_too_large")
        add(415, "unsupported_media_type")
    if auth:
        add(401, "not_authenticated")
    if method in UNSAFE_METHODS:
        add(403, "forbidden")  # a request from another site's page (origin guard)
    if "{" in path:
        add(404, "not_found")  # an id that names nothing
    for status, codes in extra.items():
        add(status, *codes)
    return {status: tuple(codes) for status, codes in sorted(refusals.items())}


class ApiRoutes(web.RouteTableDef):
    """A RouteTableDef whose routes are declared with `api`, keeping each declaration as an Operation."""

    def __init__(self) -> None:
        super().__init__()
        self.operations: list[Operation] = []

    def api(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        tag: str,
        auth: bool = True,
        body: type[BaseModel] | None = None,
        status: int = 200,
        result: type[BaseModel] | None = None,
        refusals: Mapping[int, tuple[str, ...]] | None = None,
        description: str = "",
        other_results: Mapping[int, tuple[str, type[BaseModel] | None]] | None = None,
        content_type: str = "application/json",
        query: tuple[QueryParam, ...] = (),
    ) -> Callable[[Handler], Handler]:
        operation = Operation(
            method=method,
            path=path,
            summary=summary,
            tag=tag,
            auth=auth,
            body=body,
            status=status,
            result=result,
            refusals=standard_refusals(method, path, auth=auth, body=body is not None, extra=refusals or {}),
            description=description,
            other_results=other_results or {},
            content_type=content_type,
            query=query,
        )

        def declare(handler: Handler) -> Handler:
            @functools.wraps(handler)
            async def checked(request: web.Request) -> web.StreamResponse:
                if operation.auth:
                    await request_actor(request)
                if operation.body is not None:
                    request[BODY] = await read_body(request, operation.body)
                return await handler(request)

            self.route(method, path)(checked)
            self.operations.append(operation)
            return handler

        return declare


def state_of(request: web.Request) -> AppState:
    return request.app[STATE]


async def request_actor(request: web.Request) -> Actor:
    """Who is asking, or 401. Looked up once per request."""
    if ACTOR in request:
        return request[ACTOR]
    state = state_of(request)
    async with state.readers() as db, db.begin():
        actor = await state.tokens.actor_for(db, request.cookies.get(COOKIE_NAME), state.rooms.clock())
    if actor is None:
        raise ApiError(401, "not_authenticated", "Please sign in.")
    request[ACTOR] = actor
    return actor


def request_body(request: web.Request, model: type[Body]) -> Body:
    """The body the route's declared model validated (the wrapper put it there)."""
    body = request.get(BODY)
    if not isinstance(body, model):
        raise TypeError(f"{request.method} {request.path} does not declare a {model.__name__} body")
    return body


def domain_values(body: BaseModel) -> dict[str, Any]:
    """The validated fields the client sent, as plain values for the domain's use cases."""
    return body.model_dump(exclude_unset=True)
