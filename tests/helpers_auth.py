"""Helpers for the account tests: cookies, sign-in bodies from chosen addresses."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import yarl

from server.auth import COOKIE_NAME
from server.demo import seed_demo
from tests.conftest import Api, Database, RunningServer, close_all, start_server
from tests.services import free_port


def cookie_value(api: Api, name: str) -> str | None:
    for cookie in api.http.cookie_jar:
        if cookie.key == name:
            return cookie.value
    return None


def session_token(api: Api) -> str:
    token = cookie_value(api, COOKIE_NAME)
    assert token, "this client holds no session cookie"
    return token


def with_session_cookie(api: Api, token: str) -> None:
    api.http.cookie_jar.update_cookies({COOKIE_NAME: token}, yarl.URL(api.base))


@asynccontextmanager
async def server_with(database: Database, **overrides: Any) -> AsyncIterator[RunningServer]:
    """A real server with the demo hub and some settings changed."""
    running, runner = await start_server(database.settings(port=free_port(), **overrides))
    await seed_demo(running.state.engine, running.state.passwords)
    try:
        yield running
    finally:
        await runner.cleanup()


@asynccontextmanager
async def clients(base: str, count: int = 1) -> AsyncIterator[list[Api]]:
    made = [Api(base) for _ in range(count)]
    try:
        yield made
    finally:
        await close_all(made)


def from_address(address: str) -> dict[str, Any]:
    """Request options that make a call come from `address` (the server trusts one proxy hop)."""
    return {"headers": {"X-Forwarded-For": address}}


async def sign_in(api: Api, pseudonym: str, password: str, address: str = "198.51.100.1") -> tuple[int, Any]:
    return await api.call(
        "POST", "/api/auth/login", {"pseudonym": pseudonym, "password": password}, **from_address(address)
    )


class FakeClock:
    """A clock the test moves by hand, installed as the server's clock."""

    def __init__(self, server: RunningServer) -> None:
        self.now = dt.datetime.now(dt.UTC)
        server.state.rooms.clock = self

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


async def refusal(api: Api, pseudonym: str, password: str, address: str) -> tuple[int, int | None, str]:
    """A sign-in's status, Retry-After (if any) and message."""
    body = {"pseudonym": pseudonym, "password": password}
    async with api.http.post(api.base + "/api/auth/login", json=body, **from_address(address)) as response:
        data = await response.json()
        retry = response.headers.get("Retry-After")
        message = data["error"]["message"] if "error" in data else ""
        return response.status, int(retry) if retry else None, message
