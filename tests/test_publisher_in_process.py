"""Without Redis an emit only queues frames for this process's connections: a loop busy for longer than
`publish_timeout_ms` delays it, but must not count it as a failed publish or warn (CI once failed on that
warning while a crowd of 200 entered on a loaded machine)."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from rooms.events import RoomEvent
from server.broker import SocketIOPublisher
from tests.conftest import Api, base_settings, seeded_server
from tests.helpers_chat import NS, call
from tests.services import free_port


async def test_a_busy_loop_delays_an_in_process_publish_without_calling_it_failed(
    tmp_path: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    settings = base_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/alongside.db", port=free_port(), publish_timeout_ms=50
    )
    async with seeded_server(settings) as server:
        api = Api(server.url)
        try:
            await api.login("River")
            client = await api.socket()
            heard: asyncio.Future[object] = asyncio.get_running_loop().create_future()

            def hear(data: object) -> None:
                if not heard.done():
                    heard.set_result(data)

            client.on("test:sentinel", hear, namespace=NS)
            assert (await call(client, "room:join", {"group_id": 1}))["ok"]
            publisher = server.state.rooms.publisher
            assert isinstance(publisher, SocketIOPublisher)
            # The loop is held four times longer than the publish bound, between the emit's start and its end.
            asyncio.get_running_loop().call_soon(time.sleep, 0.2)
            await publisher.publish(RoomEvent(group_id=1, name="test:sentinel", payload={"n": 1}))
            assert await asyncio.wait_for(heard, 10) == {"n": 1}
            assert publisher.publish_errors == 0
        finally:
            await api.close()
    assert [r.getMessage() for r in caplog.records if r.name.startswith("alongside.broker")] == []
