"""Redis stalled or down (issue 9): acks do not wait out the stall, /readyz says so quickly, and a message whose
publish was lost still reaches the other process's members, through the room watermark (server/watermarks.py)
read from the database, without anyone sending anything."""

from __future__ import annotations

import signal
import time

import aiohttp
import pytest

from tests.conftest import Api, Database, open_session
from tests.helpers_chat import Inbox, call, send
from tests.helpers_processes import server_processes
from tests.services import RedisProcess

pytestmark = pytest.mark.redis
FAST = {"watermark_interval_ms": "300", "publish_timeout_ms": "500"}


async def publish_errors(url: str) -> float:
    """alongside_redis_publish_errors_total from the process's /metrics (open in development)."""
    async with aiohttp.ClientSession() as http, http.get(url + "/metrics") as response:
        text = await response.text()
    line = next(line for line in text.splitlines() if line.startswith("alongside_redis_publish_errors_total"))
    return float(line.split()[-1])


async def test_a_stalled_redis_holds_no_ack_and_loses_no_message(database: Database) -> None:
    redis = RedisProcess()
    redis.start()
    apis: list[Api] = []
    try:
        async with server_processes(database, redis.url, settings=FAST) as [(url_a, _), (url_b, _)]:
            sam, river, willow, admin = Api(url_a), Api(url_a), Api(url_b), Api(url_b)
            apis += [sam, river, willow, admin]
            for api, name in ((sam, "Sam"), (river, "River"), (willow, "Willow"), (admin, "hub-admin")):
                await api.login(name)
            await open_session(sam)
            sam_io, river_io, willow_io = await sam.socket(), await river.socket(), await willow.socket()
            willow_inbox = Inbox(willow_io)
            willow_io.on("room:watermark", willow_inbox._recorder("room:watermark"), namespace="/chat")
            for client in (sam_io, river_io, willow_io):
                assert (await call(client, "room:join", {"group_id": 1}))["ok"]
            before = await send(river_io, "before the stall")
            await willow_inbox.wait_for("message:new", lambda d: d["message"]["id"] == before["message"]["id"])

            assert redis.proc is not None
            assert await publish_errors(url_a) == 0
            redis.proc.send_signal(signal.SIGSTOP)
            try:
                started = time.monotonic()
                during = await send(river_io, "while Redis is stalled")
                assert during["ok"], during
                assert time.monotonic() - started < 3, "the ack waited out the stall"
                assert await publish_errors(url_a) >= 1, "/metrics counts the publish that did not reach Redis"
                started = time.monotonic()
                async with aiohttp.ClientSession() as http, http.get(url_a + "/readyz") as response:
                    assert response.status == 503
                    assert (await response.json())["checks"]["redis"].startswith("unavailable")
                assert time.monotonic() - started < 3, "/readyz hung on the stalled Redis"

                # Willow, on the other process, hears of it from the watermark, with Redis still stalled.
                message_id = during["message"]["id"]
                mark = await willow_inbox.wait_for("room:watermark", lambda d: d["last_id"] >= message_id, 10)
                assert mark["group_id"] == 1
                caught_up = await call(willow_io, "history:since", {"group_id": 1, "since_id": message_id - 1})
                assert [m["body"] for m in caught_up["messages"]] == ["while Redis is stalled"]

                # Changes that tell every process over the control channel answer too: a group's settings
                # (every process re-checks the room) and signing out (every process closes that browser's
                # connections). The sweeps do that work if the message is lost.
                started = time.monotonic()
                status, _ = await admin.call("PATCH", "/api/groups/1", {"description": "Changed while Redis stalled"})
                assert status == 200 and time.monotonic() - started < 3, "a settings change waited out the stall"
                started = time.monotonic()
                status, _ = await admin.call("POST", "/api/auth/logout")
                assert status == 204 and time.monotonic() - started < 3, "signing out waited out the stall"
            finally:
                redis.proc.send_signal(signal.SIGCONT)
            after = await send(river_io, "after the stall")
            await willow_inbox.wait_for("message:new", lambda d: d["message"]["id"] == after["message"]["id"], 15)
    finally:
        for api in apis:
            await api.close()
        redis.close()
