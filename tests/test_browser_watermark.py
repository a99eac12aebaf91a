"""In the browser, with two processes over Redis: a message whose publish was lost while Redis was stalled
still appears in a member's open room, from the room watermark, without anyone sending anything."""

from __future__ import annotations

import signal

import pytest

from tests.conftest import Api, Database, open_session
from tests.helpers_browser import chromium, enter_room, signed_in_page
from tests.helpers_chat import call, send
from tests.helpers_processes import server_processes
from tests.services import RedisProcess

pytestmark = [pytest.mark.browser, pytest.mark.redis]
FAST = {"watermark_interval_ms": "300", "publish_timeout_ms": "300"}


async def test_a_message_lost_with_redis_still_reaches_the_open_room(database: Database) -> None:
    from playwright.async_api import expect

    redis = RedisProcess()
    redis.start()
    sam, river = None, None
    try:
        async with server_processes(database, redis.url, settings=FAST) as [(url_a, _), (url_b, _)]:
            sam, river = Api(url_a), Api(url_a)
            await sam.login("Sam")
            await river.login("River")
            await open_session(sam)
            sam_io, river_io = await sam.socket(), await river.socket()
            for client in (sam_io, river_io):
                assert (await call(client, "room:join", {"group_id": 1}))["ok"]
            async with chromium() as browser:
                willow = await signed_in_page(browser, url_b, "Willow")
                await enter_room(willow)
                messages = willow.get_by_test_id("message")
                await send(river_io, "before the stall")
                await expect(messages.filter(has_text="before the stall")).to_have_count(1)
                assert redis.proc is not None
                redis.proc.send_signal(signal.SIGSTOP)
                try:
                    assert (await send(river_io, "while Redis is stalled"))["ok"]
                    await expect(messages.filter(has_text="while Redis is stalled")).to_have_count(1, timeout=10_000)
                finally:
                    redis.proc.send_signal(signal.SIGCONT)
                await send(river_io, "after the stall")
                await expect(messages.filter(has_text="after the stall")).to_have_count(1, timeout=15_000)
                await expect(messages.filter(has_text="while Redis is stalled")).to_have_count(1)
    finally:
        for api in (sam, river):
            if api is not None:
                await api.close()
        redis.close()
