"""Fixtures: a real database (SQLite file or a PostgreSQL schema), a real server on loopback, real clients."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
import socketio
import yarl
from aiohttp import web
from sqlalchemy import text

from server.app import create_app
from server.db import create_engine, create_sessionmaker, migrate
from server.demo import seed_demo
from server.passwords import Passwords
from server.settings import Settings, load_settings
from server.state import STATE, AppState
from tests.helpers_sockets import close_socket, connect_chat
from tests.services import POSTGRES_URL, free_port, postgres_reachable, unavailable

CHEAP_HASHING = {"password_time_cost": 1, "password_memory_kib": 8}
DEMO_PASSWORD = {
    "hub-admin": "demo-admin-pass",
    "Sam": "demo-facilitator-pass",
    "River": "demo-member-pass",
    "Willow": "demo-member-pass",
    "Ash": "demo-lead-pass",
}
_postgres_problem: list[str | None] = []


def base_settings(**overrides: Any) -> Settings:
    return load_settings(env={}).replace(**{**CHEAP_HASHING, **overrides})


@dataclass(frozen=True)
class Database:
    backend: str
    url: str
    schema: str = ""

    def settings(self, **overrides: Any) -> Settings:
        return base_settings(database_url=self.url, database_schema=self.schema, **overrides)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[Database]:
    """An empty, migrated database on each backend (a fresh PostgreSQL schema in database `test`)."""
    if request.param == "sqlite":
        db = Database("sqlite", f"sqlite+aiosqlite:///{tmp_path}/alongside.db")
        engine = create_engine(db.url)
        await migrate(engine)
        await engine.dispose()
        yield db
        return
    if not _postgres_problem:
        _postgres_problem.append(await postgres_reachable())
    if _postgres_problem[0]:
        unavailable(_postgres_problem[0])
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database("postgresql", POSTGRES_URL, schema)
    engine = create_engine(db.url, schema)
    await migrate(engine)
    await engine.dispose()
    try:
        yield db
    finally:
        await _drop_schema(admin, schema)
        await admin.dispose()


async def _drop_schema(admin: Any, schema: str) -> None:
    """Drop a test's schema. A handler of the stopped server still finishing its last query can make
    PostgreSQL pick the DROP as a deadlock's victim: try again once that query is done."""
    from sqlalchemy.exc import DBAPIError

    for attempt in range(5):
        try:
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            return
        except DBAPIError as exc:
            if "deadlock" not in str(exc).lower() or attempt == 4:
                raise
            await asyncio.sleep(0.5 * (attempt + 1))


@dataclass
class RunningServer:
    url: str
    app: web.Application

    @property
    def state(self) -> AppState:
        return self.app[STATE]


async def start_server(settings: Settings) -> tuple[RunningServer, web.AppRunner]:
    app = create_app(settings)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", settings.port)
    await site.start()
    return RunningServer(f"http://127.0.0.1:{settings.port}", app), runner


@pytest.fixture
async def server(database: Database) -> AsyncIterator[RunningServer]:
    """A real Alongside on a loopback port with the demo hub seeded."""
    async with seeded_server(database.settings(port=free_port())) as running:
        yield running


@contextlib.asynccontextmanager
async def seeded_server(settings: Settings) -> AsyncIterator[RunningServer]:
    """A real Alongside with these settings, demo hub seeded, stopped afterwards."""
    running, runner = await start_server(settings)
    await seed_demo(running.state.engine, running.state.passwords)
    try:
        yield running
    finally:
        await runner.cleanup()


class Api:
    """A signed-in (or not) HTTP client with its own cookie jar."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.sockets: list[socketio.AsyncClient] = []

    async def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        if path == "/api/auth/signup" and isinstance(body, dict) and "pseudonym" in body:
            # Sign-up asks for the hub's notices and the minimum age (rooms/privacy.py); tests that are not
            # about them accept both, and tests/test_privacy.py sends them explicitly.
            body = {"accept_notices": True, "confirm_minimum_age": True, **body}
        if body is not None:
            kwargs["json"] = body
        async with self.http.request(method, self.base + path, **kwargs) as response:
            data = await response.json() if response.content_type == "application/json" else await response.text()
            return response.status, data

    async def login(self, pseudonym: str, password: str | None = None) -> dict[str, Any]:
        status, data = await self.call(
            "POST", "/api/auth/login", {"pseudonym": pseudonym, "password": password or DEMO_PASSWORD[pseudonym]}
        )
        assert status == 200, data
        user: dict[str, Any] = data["user"]
        return user

    def cookie_header(self) -> str:
        cookies = self.http.cookie_jar.filter_cookies(yarl.URL(self.base))
        return "; ".join(f"{k}={v.value}" for k, v in cookies.items())

    async def socket(self, **kwargs: Any) -> socketio.AsyncClient:
        """A connection to /chat with this client's cookies; a refused one raises, having closed what it
        opened (tests/helpers_sockets.py)."""
        client = socketio.AsyncClient(reconnection=kwargs.pop("reconnection", False))
        # python-socketio waits 1 s for /chat to answer by default; a loaded CI machine can take longer (the
        # connect handler reads the sign-in from the database), and the client then says only "Unexpected
        # connection error". A refused connect still fails at once.
        kwargs.setdefault("wait_timeout", 10)
        headers = {"Cookie": self.cookie_header(), **kwargs.pop("headers", {})}
        await connect_chat(client, self.base, headers=headers, **kwargs)
        self.sockets.append(client)
        return client

    async def close(self) -> None:
        """Close every socket this client opened, connected or not (one the server closed still holds its
        HTTP session until then), then the HTTP session; all of them even when one close fails."""
        async with contextlib.AsyncExitStack() as closing:
            closing.push_async_callback(self.http.close)
            for client in self.sockets:
                closing.push_async_callback(close_socket, client)

    async def __aenter__(self) -> Api:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()


async def close_all(apis: list[Api]) -> None:
    """Close every client, even when one close fails (its error is raised once the others are closed)."""
    async with contextlib.AsyncExitStack() as closing:
        for api in apis:
            closing.push_async_callback(api.close)


@pytest.fixture
async def api_factory(server: RunningServer) -> AsyncIterator[Any]:
    clients: list[Api] = []

    async def make(pseudonym: str | None = None) -> Api:
        api = Api(server.url)
        clients.append(api)
        if pseudonym:
            await api.login(pseudonym)
        return api

    yield make
    await close_all(clients)


async def open_session(api: Api, group_id: int = 1) -> dict[str, Any]:
    status, data = await api.call("POST", f"/api/groups/{group_id}/sessions", {})
    assert status == 201, data
    session: dict[str, Any] = data["session"]
    return session


def client_id() -> str:
    return secrets.token_hex(8)


async def make_seeded_engine(database: Database) -> Any:
    engine = create_engine(database.url, database.schema)
    await seed_demo(engine, Passwords(1, 8))
    return engine, create_sessionmaker(engine)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """A real chromium (tests/helpers_browser.py), for the browser tests."""
    from tests.helpers_browser import chromium

    async with chromium() as instance:
        yield instance


@pytest.fixture
async def web_server(tmp_path: Any) -> AsyncIterator[RunningServer]:
    """The demo, served with the built browser app, for the browser tests."""
    from tests.helpers_browser import demo_server

    async with demo_server(tmp_path) as running:
        yield running


@pytest.fixture
async def live_room(api_factory: Any) -> dict[str, Any]:
    """Sam (facilitator) has opened a session of group 1; River and Willow are signed in."""
    sam, river, willow = await api_factory("Sam"), await api_factory("River"), await api_factory("Willow")
    session = await open_session(sam)
    return {"sam": sam, "river": river, "willow": willow, "session": session}


async def platform_admin(server: RunningServer, api_factory: Any) -> Api:
    """A signed-in platform admin, made in the database as `alongside create-admin` makes one."""
    from rooms import community

    pseudonym, password = f"root-{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    state = server.state
    password_hash = await state.passwords.hash(password)
    async with state.sessions() as db, db.begin():
        await community.create_user(
            db,
            pseudonym=pseudonym,
            email=None,
            password_hash=password_hash,
            now=state.rooms.clock(),
            is_platform_admin=True,
        )
    api: Api = await api_factory()
    await api.login(pseudonym, password)
    return api
