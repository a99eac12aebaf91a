"""The JSON REST API: accounts, hubs, groups, memberships and sessions (see docs/api.md)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from rooms import community, presence, sessions, store, validate
from rooms.errors import InvalidInput
from rooms.hooks import Actor
from rooms.models import User
from server.auth import COOKIE_NAME, client_address, web_session_room
from server.broker import CHAT_NAMESPACE
from server.http_errors import ApiError, read_json
from server.state import STATE, AppState

routes = web.RouteTableDef()
log = logging.getLogger("alongside.http")
T = TypeVar("T")


def state_of(request: web.Request) -> AppState:
    return request.app[STATE]


async def request_actor(request: web.Request) -> Actor:
    state = state_of(request)
    async with state.readers() as db, db.begin():
        actor = await state.tokens.actor_for(db, request.cookies.get(COOKIE_NAME), state.rooms.clock())
    if actor is None:
        raise ApiError(401, "not_authenticated", "Please sign in.")
    return actor


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


async def user_view(state: AppState, user: User) -> dict[str, Any]:
    async with state.readers() as db, db.begin():
        staff = await store.all_staff_roles(db, user.id)
    return {
        "id": user.id,
        "pseudonym": user.pseudonym,
        "email": user.email,
        "is_platform_admin": user.is_platform_admin,
        "staff": [{"hub_id": s.hub_id, "role": s.role} for s in staff],
    }


def set_session_cookie(state: AppState, response: web.Response, token: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        token,
        httponly=True,
        samesite="Lax",
        secure=state.settings.cookie_secure,
        path="/",
        max_age=int(state.tokens.ttl.total_seconds()),
    )


def _password(value: Any) -> str:
    if not isinstance(value, str) or not 10 <= len(value) <= 256:
        raise InvalidInput("A password is 10 to 256 characters.")
    return value


def _email(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 254 or "@" not in value or any(c.isspace() for c in value):
        raise InvalidInput("That email address does not look right; it is optional, so you can leave it out.")
    return value


@routes.post("/api/auth/signup")
async def signup(request: web.Request) -> web.Response:
    state = state_of(request)
    body = await read_json(request)
    pseudonym = validate.pseudonym(body.get("pseudonym"))
    password = _password(body.get("password"))
    email = _email(body.get("email"))
    password_hash = await state.passwords.hash(password)
    now = state.rooms.clock()
    async with state.sessions() as db, db.begin():
        user = await community.create_user(db, pseudonym=pseudonym, email=email, password_hash=password_hash, now=now)
        token = await state.tokens.issue(db, user.id, now)
    response = web.json_response({"user": await user_view(state, user)}, status=201)
    set_session_cookie(state, response, token)
    return response


@functools.cache
def warn_untrusted_proxy_once() -> None:
    log.warning(
        "X-Forwarded-For arrives but trusted_proxy_hops is 0: every client looks like the proxy's address to "
        "sign-in throttling. Set ALONGSIDE_TRUSTED_PROXY_HOPS to the number of proxies in front."
    )


@routes.post("/api/auth/login")
async def login(request: web.Request) -> web.Response:
    state = state_of(request)
    body = await read_json(request)
    pseudonym, password = body.get("pseudonym"), body.get("password")
    if (
        not isinstance(pseudonym, str)
        or not isinstance(password, str)
        or len(password) > 256
        or len(pseudonym) > 64
        or validate.has_control_characters(pseudonym)
    ):
        raise InvalidInput("Send your pseudonym and password.")
    forwarded_for = request.headers.get("X-Forwarded-For")
    if forwarded_for and not state.settings.trusted_proxy_hops:
        warn_untrusted_proxy_once()
    address = client_address(request.remote, forwarded_for, state.settings.trusted_proxy_hops)
    keys = state.throttle.keys(pseudonym, address)
    now = state.rooms.clock()
    async with state.sessions() as db, db.begin():
        wait = await state.throttle.attempt(db, keys, now)
        user = None if wait else await store.get_user_by_pseudonym(db, pseudonym)
    if wait:
        raise ApiError(
            429,
            "too_many_attempts",
            "Too many sign-in attempts. Please wait and try again.",
            {"Retry-After": str(wait)},
        )
    if not await state.passwords.verify(user.password_hash if user else None, password) or user is None:
        raise ApiError(401, "invalid_credentials", "That pseudonym and password do not match.")
    async with state.sessions() as db, db.begin():
        await state.throttle.succeeded(db, keys)
        token = await state.tokens.issue(db, user.id, now)
    response = web.json_response({"user": await user_view(state, user)})
    set_session_cookie(state, response, token)
    return response


@routes.post("/api/auth/logout")
async def logout(request: web.Request) -> web.Response:
    state = state_of(request)
    token = request.cookies.get(COOKIE_NAME)
    if token:
        digest = state.tokens.digest(token)
        async with state.sessions() as db, db.begin():
            await state.tokens.revoke(db, token)
            rooms_open = await store.connections(db, web_session=digest)
        # Its connections leave every room at once, on every process; the tabs are told to sign in again,
        # and the connections themselves are closed at their next event or the next sweep.
        # Told first, so an open room page shows "signed out" rather than the reason for a room removal.
        await state.sio.emit("auth:signed_out", {}, room=web_session_room(digest), namespace=CHAT_NAMESPACE)
        async with state.sessions() as db:
            await presence.evict(db, state.rooms, rooms_open)
    response = web.Response(status=204)
    response.del_cookie(COOKIE_NAME, path="/")
    return response


@routes.get("/api/me")
async def me(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db, db.begin():
        user = await store.get_user(db, actor.user_id)
    if user is None:
        raise ApiError(401, "not_authenticated", "Please sign in.")
    return web.json_response({"user": await user_view(state, user)})


@routes.get("/api/hubs")
async def list_hubs(request: web.Request) -> web.Response:
    await request_actor(request)
    state = state_of(request)
    async with state.readers() as db, db.begin():
        hubs = [{"id": h.id, "slug": h.slug, "name": h.name, "locality": h.locality} for h in await store.list_hubs(db)]
    return web.json_response({"hubs": hubs})


@routes.post("/api/hubs")
async def create_hub(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = await read_json(request)
    async with state.sessions() as db:
        hub = await community.do_create_hub(db, state.rooms, actor, body)
    return web.json_response({"hub": hub}, status=201)


@routes.get("/api/hubs/{hub_id}/staff")
async def list_staff(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        staff = await community.list_hub_staff(db, actor, path_int(request, "hub_id"))
    return web.json_response({"staff": staff})


@routes.post("/api/hubs/{hub_id}/staff")
async def add_staff(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = await read_json(request)
    hub_id = path_int(request, "hub_id")

    async def add() -> dict[str, Any]:
        async with state.sessions() as db:
            return await community.do_add_staff(db, state.rooms, actor, hub_id, body)

    return web.json_response({"staff": await once_more_on_conflict(add)}, status=201)


@routes.get("/api/groups")
async def list_groups(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        groups = await community.list_group_views(db, state.rooms, actor)
    return web.json_response({"groups": groups})


@routes.post("/api/hubs/{hub_id}/groups")
async def create_group(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = await read_json(request)
    async with state.sessions() as db:
        group = await community.do_create_group(db, state.rooms, actor, path_int(request, "hub_id"), body)
    return web.json_response({"group": group}, status=201)


@routes.get("/api/groups/{group_id}")
async def get_group(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        group = await community.get_group_view(db, state.rooms, actor, path_int(request, "group_id"))
    return web.json_response({"group": group})


@routes.patch("/api/groups/{group_id}")
async def update_group(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = await read_json(request)
    async with state.sessions() as db:
        group = await community.do_update_group(db, state.rooms, actor, path_int(request, "group_id"), body)
    return web.json_response({"group": group})


@routes.put("/api/groups/{group_id}/membership")
async def accept_agreement(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = await read_json(request)
    group_id = path_int(request, "group_id")

    async def accept() -> dict[str, Any]:
        async with state.sessions() as db:
            return await community.do_accept_agreement(db, state.rooms, actor, group_id, body)

    return web.json_response({"group": await once_more_on_conflict(accept)})


@routes.delete("/api/groups/{group_id}/membership")
async def leave_group(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.sessions() as db:
        await community.do_leave_group(db, state.rooms, actor, path_int(request, "group_id"))
    return web.Response(status=204)


@routes.get("/api/groups/{group_id}/sessions")
async def list_sessions(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await sessions.list_session_views(db, actor, path_int(request, "group_id"))
    return web.json_response({"sessions": found})


@routes.post("/api/groups/{group_id}/sessions")
async def open_session(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = await read_json(request)
    async with state.sessions() as db:
        session = await sessions.do_open_session(db, state.rooms, actor, path_int(request, "group_id"), body)
    return web.json_response({"session": session}, status=201)


@routes.post("/api/sessions/{session_id}/end")
async def end_session(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.sessions() as db:
        session = await sessions.do_end_session(db, state.rooms, actor, path_int(request, "session_id"))
    return web.json_response({"session": session})
