"""server/prompt_socket.py: the writer's wait for packets returns what python-engineio's own poll returns, gives
up as it does, and makes no task of its own; every connection of a running server gets it."""

from __future__ import annotations

import asyncio
from typing import Any

import engineio
import pytest
from engineio import exceptions, packet
from engineio.async_socket import AsyncSocket

from server.prompt_socket import PromptSocket
from tests.conftest import RunningServer
from tests.helpers_chat import NS, call


def sockets(ping_interval: float = 25, ping_timeout: float = 20) -> tuple[AsyncSocket, PromptSocket]:
    server = engineio.AsyncServer(ping_interval=ping_interval, ping_timeout=ping_timeout)
    return AsyncSocket(server, "stock"), PromptSocket(server, "prompt")


def texts(packets: list[Any]) -> list[Any]:
    return [p.data for p in packets]


async def test_queued_packets_come_back_at_once_and_the_end_marker_stays_for_the_next_poll() -> None:
    for socket in sockets():
        for n in range(3):
            socket.queue.put_nowait(packet.Packet(packet.MESSAGE, f"m{n}"))
        socket.queue.put_nowait(None)
        socket.queue.put_nowait(packet.Packet(packet.MESSAGE, "after the end"))
        assert texts(await socket.poll()) == ["m0", "m1", "m2"]  # up to the end marker, which goes back in
        assert texts(await socket.poll()) == ["after the end"]
        assert await socket.poll() == []  # the end marker itself
        assert socket.queue.empty()


async def test_a_poll_waits_for_the_next_packet_and_creates_no_task() -> None:
    loop = asyncio.get_running_loop()
    made: list[Any] = []

    def counting(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        made.append(coro)
        return asyncio.Task(coro, loop=loop, **kwargs)

    for socket in sockets():
        waiting = asyncio.ensure_future(socket.poll())
        await asyncio.sleep(0)  # the poll is now waiting on an empty queue
        loop.set_task_factory(counting)
        try:
            made.clear()
            for _ in range(5):  # five wakes of a writer that is idle in between
                socket.queue.put_nowait(packet.Packet(packet.MESSAGE, "hello"))
                assert texts(await waiting) == ["hello"]
                waiting = asyncio.ensure_future(socket.poll())
                await asyncio.sleep(0)
            tasks_per_wake = (len(made) - 5) / 5  # less the five pollers this test made itself
        finally:
            loop.set_task_factory(None)
        waiting.cancel()
        with pytest.raises(exceptions.QueueEmpty):  # cancelled: python-engineio's poll says QueueEmpty too
            await waiting
        assert tasks_per_wake == (0 if isinstance(socket, PromptSocket) else 1)


async def test_a_poll_gives_up_after_the_ping_interval_and_timeout() -> None:
    for socket in sockets(ping_interval=0.05, ping_timeout=0.05):
        started = loop_time()
        with pytest.raises(exceptions.QueueEmpty):
            await socket.poll()
        assert 0.09 <= loop_time() - started < 2
        assert socket.queue.empty()


def loop_time() -> float:
    return asyncio.get_running_loop().time()


async def test_every_connection_of_a_running_server_polls_promptly(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    river_io = await live_room["river"].socket()
    assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]  # a round trip over the socket's writer
    sio = server.state.sio
    eio_sid = sio.manager.eio_sid_from_sid(river_io.get_sid(NS), NS)
    assert type(sio.eio.sockets[eio_sid]) is PromptSocket


async def test_a_websocket_writer_waits_without_a_timer_and_a_long_poll_with_one() -> None:
    """A WebSocket's reader always ends its writer's wait with the end marker, so only a long poll arms a
    timer (the asyncio loop's own list of scheduled timers shows it)."""
    loop: Any = asyncio.get_running_loop()
    _, websocket = sockets()
    _, long_poll = sockets()
    websocket.upgraded = True
    armed = {}
    for name, socket in (("websocket", websocket), ("long poll", long_poll)):
        before = len(loop._scheduled)
        waiting = asyncio.ensure_future(socket.poll())
        await asyncio.sleep(0)
        armed[name] = len(loop._scheduled) - before
        socket.queue.put_nowait(None)  # the end marker the reader queues when it stops
        assert await waiting == []
    assert armed == {"websocket": 0, "long poll": 1}
