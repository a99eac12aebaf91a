"""create_app(settings): wires storage, the broker, HTTP and Socket.IO around the domain packages."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import socketio
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from moderation.policy import register_text_policy
from moderation.sanitise import plain_text
from rooms import chat, store
from rooms.context import RoomsContext
from server import http_api, ops
from server.auth import LoginThrottleGuard, SessionTokens
from server.broker import SocketIOPublisher, client_manager
from server.db import create_engine, create_sessionmaker, migrate
from server.http_errors import error_response, json_errors
from server.metrics import standard_metrics
from server.passwords import Passwords
from server.realtime import ChatNamespace
from server.settings import Settings
from server.state import STATE, AppState
from server.static import add_frontend_routes, security_headers

log = logging.getLogger("alongside")
HEARTBEAT_SECONDS = 30
NAMESPACE = web.AppKey("alongside_chat_namespace", ChatNamespace)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def origin_guard(allowed: tuple[str, ...]) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Refuse state-changing requests from other sites' pages (a second wall beside SameSite cookies)."""

    @web.middleware
    async def guard(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if request.method in UNSAFE_METHODS and origin is not None and origin not in allowed:
            return error_response(403, "forbidden", "Requests from this origin are not allowed.")
        return await handler(request)

    return guard


@web.middleware
async def count_requests(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Outside the error middleware, so refusals and errors are counted with their final status."""
    resource = request.match_info.route.resource
    route = resource.canonical if resource else "other"
    metrics = request.app[STATE].metrics
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        metrics.inc("alongside_http_requests_total", route=route, status=str(exc.status))
        raise
    metrics.inc("alongside_http_requests_total", route=route, status=str(response.status))
    return response


def create_app(settings: Settings) -> web.Application:
    """Build the application; storage and background work start in its cleanup context."""
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[security_headers, count_requests, json_errors, origin_guard(settings.origins)],
    )
    sio = socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=client_manager(settings.redis_url, settings.redis_pool_size),
        cors_allowed_origins=list(settings.origins),
        cors_credentials=True,
        max_http_buffer_size=settings.max_body_bytes,
        logger=False,
        engineio_logger=False,
    )
    engine = create_engine(settings.database_url, settings.database_schema)
    rooms_ctx = RoomsContext(publisher=SocketIOPublisher(sio), server_id=settings.server_id, clean_text=plain_text)
    register_text_policy(
        rooms_ctx.message_checks, max_chars=settings.max_message_chars, messages_per_10s=settings.messages_per_10s
    )
    state = AppState(
        settings=settings,
        engine=engine,
        sessions=create_sessionmaker(engine),
        readers=create_sessionmaker(engine, read_only=True),
        sio=sio,
        rooms=rooms_ctx,
        tokens=SessionTokens(settings.secret_key, dt.timedelta(hours=settings.session_ttl_hours)),
        passwords=Passwords(settings.password_time_cost, settings.password_memory_kib),
        throttle=LoginThrottleGuard(settings.login_max_failures, dt.timedelta(seconds=settings.login_lockout_seconds)),
        metrics=standard_metrics(),
    )
    app[STATE] = state
    namespace = ChatNamespace(lambda: state)
    app[NAMESPACE] = namespace
    sio.register_namespace(namespace)
    sio.attach(app)
    app.add_routes(http_api.routes)
    app.add_routes(ops.routes)
    add_frontend_routes(app, settings.frontend_dir)
    app.cleanup_ctx.append(_lifecycle)
    return app


async def housekeeping(state: AppState, namespace: ChatNamespace) -> None:
    """One round of the periodic work; each step on its own, so one failing does not stop the others."""
    steps: list[tuple[str, Callable[[], Awaitable[None]]]] = [
        ("presence heartbeat", lambda: _with_session(state, lambda db: chat.do_heartbeat(db, state.rooms))),
        ("ghost presence", lambda: _forget_ghosts(state, namespace)),
        ("lapsed room rights", namespace.sweep_room_rights),
        ("signed-out connections", namespace.sweep_signed_out),
        ("expired sign-ins", lambda: _purge_expired(state)),
    ]
    for name, step in steps:
        try:
            await step()
        except Exception:
            log.exception("housekeeping step %r failed; it runs again in %s s", name, HEARTBEAT_SECONDS)


async def _with_session(state: AppState, work: Callable[[AsyncSession], Awaitable[None]]) -> None:
    async with state.sessions() as db:
        await work(db)


async def _forget_ghosts(state: AppState, namespace: ChatNamespace) -> None:
    """Presence rows of this process whose connection is gone (a disconnect that raced a join)."""
    async with state.sessions() as db:
        async with db.begin():
            rows = await store.connections(db, server_id=state.settings.server_id)
        live = namespace.local_sids()
        for sid in sorted({sid for sid, _ in rows if sid not in live}):
            await chat.do_leave_room(db, state.rooms, sid)


async def _purge_expired(state: AppState) -> None:
    now = state.rooms.clock()
    async with state.sessions() as db, db.begin():
        await state.tokens.purge_expired(db, now)
        await state.throttle.purge_idle(db, now)


async def _heartbeat(state: AppState, namespace: ChatNamespace) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        await housekeeping(state, namespace)


async def _lifecycle(app: web.Application) -> AsyncIterator[None]:
    state = app[STATE]
    if state.settings.apply_migrations_on_start:
        await migrate(state.engine)
    if not state.settings.redis_url:
        # Without Redis there is only this process: rows left by a crash of its predecessor are stale now.
        # With Redis other processes hold live connections; their rows age out by heartbeat instead.
        async with state.sessions() as db:
            await chat.do_forget_all_presence(db)
    heartbeat = asyncio.create_task(_heartbeat(state, app[NAMESPACE]))
    log.info(
        "Alongside %s ready (database %s, broker %s)",
        state.settings.server_id,
        state.engine.url.get_backend_name(),
        "redis" if state.settings.redis_url else "in-process",
    )
    yield
    heartbeat.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await heartbeat
    with contextlib.suppress(Exception):
        async with state.sessions() as db:
            await chat.do_server_shutdown(db, state.rooms)
    await state.engine.dispose()
