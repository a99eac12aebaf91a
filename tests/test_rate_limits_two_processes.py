"""Message rate limits hold across processes: one member on two processes (over one Redis) is counted once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.conftest import Api, Database, open_session
from tests.helpers_chat import call, send
from tests.helpers_processes import server_processes
from tests.services import redis_server

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.redis
BURST = 4


@pytest.fixture
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture
async def two_servers(database: Database, redis_url: str) -> AsyncIterator[list[str]]:
    limits = {"messages_per_10s": str(BURST), "messages_per_minute": "100"}
    async with server_processes(database, redis_url, settings=limits) as processes:
        yield [url for url, _ in processes]


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
