"""A person's open connections are capped across every process (issue 9: "nothing one process keeps alone ...
connection caps"), places of a killed process lapse, and a Redis fault falls back to each process's own count."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
import socketio

from server.connection_caps import ConnectionCap
from tests.conftest import Api, Database
from tests.helpers_processes import server_processes
from tests.helpers_sockets import chat_socket
from tests.services import free_port, redis_server

pytestmark = pytest.mark.redis


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    with redis_server() as url:
        yield url


async def test_two_processes_share_one_cap_per_person(redis_url: str) -> None:
    a = ConnectionCap(redis_url, "process-a", cap=3)
    b = ConnectionCap(redis_url, "process-b", cap=3)
    try:
        assert await a.admit(7, "a1") and await a.admit(7, "a2")
        assert await b.admit(7, "b1")
        assert not await b.admit(7, "b2"), "three held in all: a fourth is refused on the other process"
        assert not await a.admit(7, "a3")
        assert await b.admit(8, "b3"), "another person has places of their own"
        await a.release(7, "a1")
        assert await b.admit(7, "b2"), "a place given back on one process is free on the other"
        await a.release(7, "a1")  # a second release of the same connection gives nothing back twice
        assert not await a.admit(7, "a4")
    finally:
        await a.close()
        await b.close()


async def test_a_killed_process_s_places_lapse_and_a_living_one_s_are_renewed(redis_url: str) -> None:
    killed = ConnectionCap(redis_url, "process-killed", cap=2, lease_seconds=1)
    living = ConnectionCap(redis_url, "process-living", cap=2, lease_seconds=1)
    other = ConnectionCap(redis_url, "process-other", cap=2, lease_seconds=1)
    try:
        assert await killed.admit(1, "k1") and await killed.admit(1, "k2")
        assert not await other.admit(1, "o1")
        loop = asyncio.get_running_loop()
        started = loop.time()
        while not await other.admit(1, "o1"):  # the killed process never renews: its places lapse
            assert loop.time() - started < 10, "the killed process's places never lapsed"
            await asyncio.sleep(0.1)
        assert loop.time() - started >= 0.5

        assert await living.admit(2, "l1") and await living.admit(2, "l2")
        for _ in range(6):  # three leases long, renewed twice a lease
            await asyncio.sleep(0.5)
            await living.renew()
        assert not await other.admit(2, "o2"), "renewed places still count"
    finally:
        for cap in (killed, living, other):
            await cap.close()


async def test_a_process_that_stops_cleanly_gives_its_places_back(redis_url: str) -> None:
    stopping = ConnectionCap(redis_url, "process-stopping", cap=2)
    other = ConnectionCap(redis_url, "process-other", cap=2)
    try:
        assert await stopping.admit(3, "s1") and await stopping.admit(3, "s2")
        assert not await other.admit(3, "o1")
        await stopping.close()
        assert await other.admit(3, "o1") and await other.admit(3, "o2"), "freed at once, not after the lease"
    finally:
        await other.close()


async def test_without_redis_each_process_counts_its_own_and_never_locks_anyone_out() -> None:
    down = ConnectionCap(f"redis://127.0.0.1:{free_port()}/0", "process-a", cap=2, timeout_seconds=0.5)
    try:
        assert await down.admit(1, "x1") and await down.admit(1, "x2"), "Redis down: still admitted"
        assert not await down.admit(1, "x3"), "and still capped, by this process's own count"
        await down.release(1, "x1")
        assert await down.admit(1, "x3")
        await down.renew()  # logged, not raised
    finally:
        await down.close()


async def test_no_redis_configured_is_one_process_s_count() -> None:
    solo = ConnectionCap("", "solo", cap=1)
    assert await solo.admit(1, "s1")
    assert not await solo.admit(1, "s2")
    await solo.release(1, "s1")
    assert await solo.admit(1, "s2")
    await solo.close()


async def _socket_on(url: str, cookie: str) -> socketio.AsyncClient:
    return await chat_socket(url, headers={"Cookie": cookie}, wait_timeout=10)


async def _refusals(url: str) -> float:
    async with aiohttp.ClientSession() as http, http.get(url + "/metrics") as response:
        text = await response.text()
    found = re.search(r'^alongside_refusals_total\{code="too_many_connections"\} (\S+)$', text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


@pytest.mark.parametrize("database", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
async def test_one_person_s_connections_are_capped_across_two_server_processes(
    database: Database, redis_url: str
) -> None:
    settings = {"socket_connections_per_person": "2"}
    async with server_processes(database, redis_url, settings=settings) as [(url_a, _), (url_b, _)]:
        async with Api(url_a) as river:
            await river.login("River")
            cookie = river.cookie_header()
        opened = [await _socket_on(url_a, cookie), await _socket_on(url_b, cookie)]
        try:
            for url in (url_a, url_b):
                with pytest.raises(socketio.exceptions.ConnectionError):
                    await _socket_on(url, cookie)  # each process holds one: two in all
                assert await _refusals(url) == 1, "refused as too many connections, on each process"
            await opened.pop(0).disconnect()
            loop = asyncio.get_running_loop()
            started = loop.time()
            while True:  # the close reaches process A's handler, which gives the place back
                try:
                    opened.append(await _socket_on(url_b, cookie))
                    break
                except socketio.exceptions.ConnectionError:
                    assert loop.time() - started < 10, "the closed connection's place never came back"
                    await asyncio.sleep(0.1)
        finally:
            for client in opened:
                await client.disconnect()
