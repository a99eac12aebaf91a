"""A Socket.IO websocket is served past the HTTP middlewares (server/app.py `socket_fast_lane`): it stays open
for hours, and each middleware's suspended frame would stay with it (issue 9: memory per connection). It is
still counted, and an HTTP request to the same path still takes the whole chain. And a connection opened as the
server stops is refused plainly."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
import socketio

from tests.conftest import RunningServer
from tests.helpers_chat import call
from tests.helpers_sockets import connect_chat

MIDDLEWARES = {"add_headers", "count_requests", "json_errors", "guard", "two_factor_gate"}


def awaited_names(coroutine: Any) -> list[str]:
    """The names of the coroutines a suspended task is awaiting through, outermost first."""
    names: list[str] = []
    while coroutine is not None and hasattr(coroutine, "cr_code"):
        names.append(coroutine.cr_code.co_name)
        coroutine = coroutine.cr_await
    return names


async def test_a_websocket_holds_no_middleware_frames_and_is_still_counted(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    river_io = await live_room["river"].socket()
    assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]
    chains = [awaited_names(task.get_coro()) for task in asyncio.all_tasks()]
    websockets = [chain for chain in chains if "socket_fast_lane" in chain]
    assert websockets, "the open websocket is served through the fast lane"
    assert all(MIDDLEWARES.isdisjoint(chain) for chain in websockets), websockets
    await river_io.disconnect()
    metrics = server.state.metrics

    async def counted() -> float:
        while (value := metrics.value("alongside_http_requests_total", route="/socket.io/", status="101")) < 1:
            await asyncio.sleep(0.02)
        return value

    assert await asyncio.wait_for(counted(), 10) >= 1


async def test_a_plain_request_to_the_socket_path_takes_the_whole_chain(server: RunningServer) -> None:
    url = server.url + "/socket.io/?EIO=4&transport=polling"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.headers.get("X-Content-Type-Options") == "nosniff", "the security headers' middleware ran"
        assert response.headers.get("X-Frame-Options") == "DENY"


async def test_a_connection_opened_as_the_server_stops_is_refused_at_once(
    server: RunningServer, api_factory: Any
) -> None:
    river = await api_factory("River")
    await server.state.entry_reads.close()  # as the lifecycle does at shutdown
    client = socketio.AsyncClient(reconnection=False)
    refusals: list[Any] = []
    client.on("connect_error", refusals.append, namespace="/chat")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await connect_chat(client, river.base, headers={"Cookie": river.cookie_header()}, wait_timeout=10)
    assert refusals == [{"message": "server_stopping"}]
