"""create_app(settings): wires storage, the broker, HTTP and Socket.IO around the domain packages."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import hdrs, web
from sqlalchemy.ext.asyncio import AsyncSession

from moderation.risk.defaults import prepare_detectors
from moderation.sanitise import plain_text
from rooms import chat, facilitation, presence, retention, store
from rooms.context import RoomsContext
from rooms.read_batch import ReadBatch
from rooms.typing_notices import TypingLimit
from server import ops
from server.auth import SessionTokens, client_address
from server.broker import CHAT_NAMESPACE, SocketIOPublisher, client_manager
from server.connection_caps import ConnectionCap
from server.control_bus import ControlBus
from server.cookie_names import read_prefixed_cookies
from server.crisis_defaults import CRISIS_DEFAULTS, load_crisis_defaults
from server.db import create_engine, create_sessionmaker, migrate
from server.dispatcher import Dispatcher
from server.gc_tuning import monitor_pauses
from server.handshake_gate import HandshakeGate
from server.http_errors import error_response, json_errors
from server.http_routes import declared_routes
from server.http_safeguarding import DISPATCHER
from server.local_rate_storage import LocalRateStorage
from server.metrics import standard_metrics
from server.offload import CpuOffload
from server.passwords import Passwords
from server.policy_wiring import install_hooks, rate_storage
from server.realtime import ChatNamespace
from server.safeguarding_channels import Channels
from server.settings import Settings
from server.sign_in_throttle import AddressRateLimit, DeviceCookies, LoginThrottleGuard
from server.state import STATE, AppState
from server.static import add_frontend_routes, security_headers
from server.transport import create_socket_server
from server.two_factor import Challenges
from server.two_factor_gate import two_factor_gate
from server.watermarks import keep_announcing

log = logging.getLogger("alongside")
SWEEP_SECONDS = 30
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


SOCKET_IO_PATH = "/socket.io/"


@web.middleware
async def socket_fast_lane(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """A Socket.IO websocket stays open for hours inside the middleware chain, and every middleware's suspended
    frame stays with it: about a sixth of what Alongside kept per connection beyond bare python-socketio
    (issue 9). None of the middlewares below it acts on a websocket upgrade: security headers are set after the
    handler returns (the upgrade has long been answered), the origin guard looks only at state-changing methods,
    the two-factor gate only at staff API routes, and engineio answers its own errors. So an upgrade on the
    Socket.IO path goes straight to its handler (engineio checks the origin and Alongside's transport guard
    the rest), counted here as count_requests would; everything else takes the whole chain."""
    if request.path != SOCKET_IO_PATH or request.headers.get(hdrs.UPGRADE, "").lower() != "websocket":
        return await handler(request)
    metrics = request.app[STATE].metrics
    try:
        response = await request.match_info.handler(request)
    except web.HTTPException as exc:
        metrics.inc("alongside_http_requests_total", route=SOCKET_IO_PATH, status=str(exc.status))
        raise
    except Exception:
        metrics.inc("alongside_http_requests_total", route=SOCKET_IO_PATH, status="500")
        raise
    metrics.inc("alongside_http_requests_total", route=SOCKET_IO_PATH, status=str(response.status))
    return response


def create_app(settings: Settings) -> web.Application:
    """Build the application; storage and background work start in its cleanup context."""
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[
            *([read_prefixed_cookies] if settings.cookie_secure else []),
            socket_fast_lane,
            security_headers(hsts=not settings.is_development),
            count_requests,
            json_errors,
            origin_guard(settings.origins),
            two_factor_gate,
        ],
    )
    metrics = standard_metrics()
    sio = create_socket_server(
        client_manager=client_manager(settings.redis_url, settings.redis_pool_size),
        origins=list(settings.origins),
        max_bytes=settings.max_body_bytes,
        namespace=CHAT_NAMESPACE,
        gate=HandshakeGate(settings.socket_handshakes_per_minute),
        metrics=metrics,
        unauthenticated_timeout=settings.socket_unauthenticated_seconds,
        address_of=lambda request: client_address(
            request.remote, request.headers.get("X-Forwarded-For"), settings.trusted_proxy_hops
        ),
    )
    engine = create_engine(settings.database_url, settings.database_schema)
    offload = CpuOffload(limit=2)

    async def clean_text(text: str) -> str:
        return await offload.run(plain_text, text)

    control = ControlBus(settings.redis_url, settings.publish_timeout_ms / 1000)
    publisher = SocketIOPublisher(sio, control, settings.publish_timeout_ms / 1000 if settings.redis_url else None)
    rooms_ctx = RoomsContext(
        publisher=publisher,
        server_id=settings.server_id,
        clean_text=clean_text,
        presence_timeout=dt.timedelta(seconds=settings.presence_timeout_seconds),
    )
    limits_storage = rate_storage(settings.redis_url)  # per-person limits: Redis, shared by every process
    plugins = install_hooks(rooms_ctx.hooks, settings, create_sessionmaker(engine, read_only=True), limits_storage)
    if plugins:
        log.info("plugins loaded: %s", ", ".join(plugins))
    readers = create_sessionmaker(engine, read_only=True)
    state = AppState(
        settings=settings,
        control=control,
        engine=engine,
        sessions=create_sessionmaker(engine),
        readers=readers,
        sio=sio,
        rooms=rooms_ctx,
        tokens=SessionTokens(
            settings.secret_key,
            dt.timedelta(hours=settings.session_ttl_hours),
            dt.timedelta(minutes=settings.session_idle_minutes),
            writer=create_sessionmaker(engine),
        ),
        passwords=Passwords(settings.password_time_cost, settings.password_memory_kib),
        throttle=LoginThrottleGuard(
            settings.login_max_failures,
            dt.timedelta(seconds=settings.login_lockout_seconds),
            dt.timedelta(seconds=settings.login_backoff_max_seconds),
        ),
        devices=DeviceCookies(settings.secret_key),
        challenges=Challenges(settings.secret_key),
        signup_limit=AddressRateLimit("su", settings.signup_per_address_per_hour, dt.timedelta(hours=1)),
        password_check_limit=AddressRateLimit("pc", settings.password_check_per_minute, dt.timedelta(minutes=1)),
        metrics=metrics,
        entry_reads=ReadBatch(readers),
        typing_limit=TypingLimit(limits_storage, fallback=LocalRateStorage()),
        connections=ConnectionCap(
            settings.redis_url,
            settings.server_id,
            settings.socket_connections_per_person,
            settings.publish_timeout_ms / 1000,
        ),
    )
    app[STATE] = state
    app[CRISIS_DEFAULTS] = load_crisis_defaults()  # a bad file stops the start, naming it
    namespace = ChatNamespace(lambda: state)
    control.on_message(namespace.on_control_message)
    app[NAMESPACE] = namespace
    # Safeguarding: every process delivers the outbox, climbs the ladder and runs risk detection.
    dispatcher = Dispatcher(state, Channels(settings, sio, state.readers))
    rooms_ctx.hooks.message_stored.register(dispatcher.on_message_stored, name="risk_detection")
    namespace.dispatcher = dispatcher
    app[DISPATCHER] = dispatcher
    sio.register_namespace(namespace)
    sio.attach(app)
    for routes in declared_routes():
        app.add_routes(routes)
    app.add_routes(ops.routes)
    add_frontend_routes(app, settings.frontend_dir)
    app.cleanup_ctx.append(_lifecycle)
    monitor_pauses(app, metrics)
    app.on_shutdown.append(_close_connections)
    return app


SHUTDOWN_CLEANUP_SECONDS = 5  # a stuck database must not hold a deploy up


async def _close_connections(app: web.Application) -> None:
    """On SIGTERM: close every Socket.IO connection (websockets and waiting long-polls) so the process exits
    promptly; aiohttp would otherwise wait for them. Clients reconnect, to another process if there is one."""
    sio = app[STATE].sio
    try:
        async with asyncio.timeout(3):
            await sio.shutdown()
            await sio.close_all()
    except Exception:
        log.warning("not every connection closed within 3 s of shutdown; closing anyway")


async def heartbeat(state: AppState) -> None:
    """Every presence_heartbeat_seconds: this process's connections are still here, and sessions whose last
    facilitator is gone (a process that died) pause, or end when their grace period has run out."""
    await _run_steps(
        [
            ("presence heartbeat", lambda: _with_session(state, lambda db: chat.do_heartbeat(db, state.rooms))),
            (
                "facilitated sessions",
                lambda: _with_session(state, lambda db: facilitation.sweep_sessions(db, state.rooms)),
            ),
        ]
    )


async def housekeeping(state: AppState, namespace: ChatNamespace) -> None:
    """Every SWEEP_SECONDS: the sweeps that need no Redis, and the heartbeat's work too."""
    await heartbeat(state)
    await _run_steps(
        [
            ("ghost presence", lambda: _forget_ghosts(state, namespace)),
            ("lapsed room rights", namespace.sweep_room_rights),
            ("signed-out connections", namespace.sweep_signed_out),
            ("safeguarding console rights", namespace.sweep_console_rights),
            ("expired sign-ins", lambda: _purge_expired(state)),
            (
                "retention",
                lambda: _with_session(
                    state, lambda db: retention.run_once(db, state.settings.server_id, state.rooms.clock())
                ),
            ),
        ]
    )


async def _run_steps(steps: list[tuple[str, Callable[[], Awaitable[None]]]]) -> None:
    """Each step on its own, so one failing does not stop the others; it runs again next round."""
    for name, step in steps:
        try:
            await step()
        except Exception:
            log.exception("periodic step %r failed; it runs again next round", name)


async def _with_session(state: AppState, work: Callable[[AsyncSession], Awaitable[None]]) -> None:
    async with state.sessions() as db:
        await work(db)


async def _forget_ghosts(state: AppState, namespace: ChatNamespace) -> None:
    """Presence rows of this process whose connection is gone (a disconnect that raced a join, or whose cleanup
    timed out): one read and one delete, however many."""
    async with state.sessions() as db:
        async with db.begin():
            rows = await store.connections(db, server_id=state.settings.server_id)
        live = namespace.local_sids()
        await presence.forget(db, state.rooms, [(sid, group_id) for sid, group_id in rows if sid not in live])


async def _purge_expired(state: AppState) -> None:
    now = state.rooms.clock()
    async with state.sessions() as db, db.begin():
        await state.tokens.purge_expired(db, now)
        await state.throttle.purge_idle(db, now)


async def _periodic(state: AppState, namespace: ChatNamespace) -> None:
    """The heartbeat often, the sweeps every SWEEP_SECONDS (they cost a query per connection or room)."""
    interval = state.settings.presence_heartbeat_seconds
    loop = asyncio.get_running_loop()
    next_sweep = loop.time() + SWEEP_SECONDS
    while True:
        await asyncio.sleep(interval)
        if loop.time() >= next_sweep:
            next_sweep = loop.time() + SWEEP_SECONDS
            await housekeeping(state, namespace)
        else:
            await heartbeat(state)


async def _lifecycle(app: web.Application) -> AsyncIterator[None]:
    state = app[STATE]
    if state.settings.apply_migrations_on_start:
        await migrate(state.engine)
    if not state.settings.redis_url:
        # Without Redis there is only this process: rows left by a crash of its predecessor are stale now.
        # With Redis other processes hold live connections; their rows age out by heartbeat instead.
        async with state.sessions() as db:
            await chat.do_forget_all_presence(db)
    prepare_detectors()  # before any connection: the first message would otherwise wait for it
    periodic = asyncio.create_task(_periodic(state, app[NAMESPACE]))
    control_listener = asyncio.create_task(state.control.listen())
    dispatcher = asyncio.create_task(app[DISPATCHER].run())
    leases = asyncio.create_task(state.connections.keep_renewing())
    watermarks = asyncio.create_task(
        keep_announcing(state.sio, state.readers, state.settings.watermark_interval_ms / 1000)
        if state.settings.redis_url  # without Redis every emit is in this process: none can be lost
        else asyncio.Event().wait()
    )
    log.info(
        "Alongside %s ready (database %s, broker %s)",
        state.settings.server_id,
        state.engine.url.get_backend_name(),
        "redis" if state.settings.redis_url else "in-process",
    )
    yield
    for task in (periodic, control_listener, dispatcher, watermarks, leases):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await app[DISPATCHER].close()
    await app[NAMESPACE].close()
    await state.control.close()
    await state.connections.close()
    await state.entry_reads.close()
    await state.tokens.close()  # the sessions' uses noted and not yet written
    try:
        async with asyncio.timeout(SHUTDOWN_CLEANUP_SECONDS), state.sessions() as db:
            await chat.do_server_shutdown(db, state.rooms)
    except Exception:  # the rows age out by heartbeat; exiting matters more
        log.warning("presence rows not cleared at shutdown; other processes will age them out")
    await state.engine.dispose()
    state.passwords.close()
    log.info("Alongside %s stopped", state.settings.server_id)
