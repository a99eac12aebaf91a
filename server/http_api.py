"""The JSON REST API: groups, memberships and sessions (see docs/api.md; hubs and staff: server/http_hubs.py).

Each route is declared with what it takes, answers and refuses (server/api_spec.py); /api/openapi.json is
generated from those declarations and the models in server/api_models.py.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from rooms import community, directory, sessions, validate
from server import api_models as m
from server.api_models_schedules import DIRECTORY_QUERY, DIRECTORY_REFUSALS
from server.api_spec import ApiRoutes, domain_values, request_actor, request_body, state_of
from server.http_errors import ApiError

__all__ = ["request_actor", "routes", "state_of"]

routes = ApiRoutes()
log = logging.getLogger("alongside.http")
T = TypeVar("T")


async def once_more_on_conflict(work: Callable[[], Awaitable[T]]) -> T:
    """Run a get-then-insert use case; if a concurrent twin inserted first (a double-click on Join), run it
    again, when it finds the row and updates it instead."""
    try:
        return await work()
    except IntegrityError:
        return await work()


def path_int(request: web.Request, name: str) -> int:
    try:
        value = int(request.match_info[name])
    except ValueError:
        raise ApiError(404, "not_found", "There is no such thing here.") from None
    if not 1 <= value <= validate.ROW_ID_MAX:
        raise ApiError(404, "not_found", "There is no such thing here.")
    return value


@routes.api(
    "GET",
    "/api/groups",
    summary="Group directory",
    tag="groups",
    result=m.GroupList,
    query=DIRECTORY_QUERY,
    refusals=DIRECTORY_REFUSALS,
    description="Archived groups are left out, and unlisted ones but for their members and hub staff; the "
    "asker's own groups (member or staff) come first, then by name.",
)
async def list_groups(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    wanted = directory.parse_filter(request.query)
    state = state_of(request)
    async with state.readers() as db:
        groups = await community.list_group_views(db, state.rooms, actor, wanted)
    return web.json_response({"groups": groups})


@routes.api(
    "POST",
    "/api/hubs/{hub_id}/groups",
    summary="Create a group (hub admin)",
    tag="groups",
    body=m.GroupCreateBody,
    status=201,
    result=m.GroupResult,
    refusals={400: ("markup_removed",), 403: ("forbidden",)},
    description="400 also when a text is empty once markup is removed; `markup_removed` when a text would lose "
    "markup (the message quotes it cleaned: send that again).",
)
async def create_group(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, m.GroupCreateBody))
    async with state.sessions() as db:
        group = await community.do_create_group(db, state.rooms, actor, path_int(request, "hub_id"), body)
    return web.json_response({"group": group}, status=201)


@routes.api("GET", "/api/groups/{group_id}", summary="A group, with its agreement", tag="groups", result=m.GroupResult)
async def get_group(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        group = await community.get_group_view(db, state.rooms, actor, path_int(request, "group_id"))
    return web.json_response({"group": group})


@routes.api(
    "DELETE",
    "/api/groups/{group_id}/membership",
    summary="Leave the group",
    tag="groups",
    status=204,
    refusals={404: ("not_member",)},
    description="Open connections in the room get `room:removed`.",
)
async def leave_group(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.sessions() as db:
        await community.do_leave_group(db, state.rooms, actor, path_int(request, "group_id"))
    return web.Response(status=204)


@routes.api(
    "GET",
    "/api/groups/{group_id}/sessions",
    summary="Sessions of a group, newest first (members and staff)",
    tag="sessions",
    result=m.SessionList,
    refusals={404: ("not_member",)},
)
async def list_sessions(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await sessions.list_session_views(db, state.rooms, actor, path_int(request, "group_id"))
    return web.json_response({"sessions": found})


@routes.api(
    "POST",
    "/api/groups/{group_id}/sessions",
    summary="Open a session now, or schedule one (trained facilitator)",
    tag="sessions",
    body=m.OpenSessionBody,
    status=201,
    result=m.SessionResult,
    refusals={403: ("forbidden",), 409: ("session_already_live", "group_archived")},
    description="400 also for a time in the past. Opening now takes over a session scheduled within 2 hours.",
)
async def open_session(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, m.OpenSessionBody))
    async with state.sessions() as db:
        session = await sessions.do_open_session(db, state.rooms, actor, path_int(request, "group_id"), body)
    return web.json_response({"session": session}, status=201)


@routes.api(
    "POST",
    "/api/sessions/{session_id}/end",
    summary="End a live session (trained facilitator)",
    tag="sessions",
    result=m.SessionResult,
    refusals={403: ("forbidden",), 409: ("no_live_session", "standing_room")},
)
async def end_session(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.sessions() as db:
        session = await sessions.do_end_session(db, state.rooms, actor, path_int(request, "session_id"))
    return web.json_response({"session": session})
