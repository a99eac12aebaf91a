"""Message rate limits hold across processes: one member on two processes (over one Redis) is counted once."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from server.db import create_engine
from server.demo import seed_demo
from server.passwords import Passwords
from tests.conftest import Api, Database, open_session
from tests.helpers_chat import call, send
from tests.services import ServerProcess, free_port, redis_server, wait_ready

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.redis
BURST = 4


@pytest.fixture
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture
async def two_servers(database: Database, redis_url: str) -> AsyncIterator[list[str]]:
    engine = create_engine(database.url, database.schema)
    await seed_demo(engine, Passwords(1, 8))
    await engine.dispose()
    servers, urls = [], []
    for name in ("a", "b"):
        port = free_port()
        env = {
            **os.environ,
            "ALONGSIDE_DATABASE_URL": database.url,
            "ALONGSIDE_DATABASE_SCHEMA": database.schema,
            "ALONGSIDE_REDIS_URL": redis_url,
            "ALONGSIDE_PASSWORD_TIME_COST": "1",
            "ALONGSIDE_PASSWORD_MEMORY_KIB": "8",
            "ALONGSIDE_SERVER_ID": f"process-{name}",
            "ALONGSIDE_MESSAGES_PER_10S": str(BURST),
            "ALONGSIDE_MESSAGES_PER_MINUTE": "100",
            "ALONGSIDE_CONFIG": str(ROOT / "config" / "alongside.toml"),
        }
        servers.append(ServerProcess([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], env, ROOT))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, server in zip(urls, servers, strict=True):
            await wait_ready(url, server)
        yield urls
    finally:
        for server in servers:
            server.proc.terminate()
        for server in servers:
            server.stop()


async def test_a_member_alternating_between_processes_is_limited_at_the_same_total(two_servers: list[str]) -> None:
    url_a, url_b = two_servers
    sam, river = Api(url_a), Api(url_a)
    try:
        await sam.login("Sam")
        await river.login("River")
        await open_session(sam)
        on_a = await river.socket()
        river.base = url_b  # the same browser's sign-in, a second tab landing on process B
        on_b = await river.socket()
        for client in (on_a, on_b):
            assert (await call(client, "room:join", {"group_id": 1}))["ok"]
        acks = [await send(on_a if n % 2 == 0 else on_b, f"message {n}") for n in range(BURST + 2)]
        assert [ack.get("ok", False) for ack in acks] == [True] * BURST + [False, False]
        assert {ack["error"]["code"] for ack in acks[BURST:]} == {"rate_limited"}
        # Willow, on either process, has a budget of her own.
        willow = Api(url_b)
        try:
            await willow.login("Willow")
            willow_io = await willow.socket()
            await call(willow_io, "room:join", {"group_id": 1})
            assert (await send(willow_io, "hello"))["ok"]
        finally:
            await willow.close()
    finally:
        await sam.close()
        await river.close()
