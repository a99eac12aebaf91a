"""In the room, a message whose author deleted their account reads "Message removed." under "former member"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Api, open_session
from tests.helpers_browser import chromium, demo_server, enter_room, signed_in_page
from tests.helpers_chat import call, send

pytestmark = pytest.mark.browser


async def test_an_erased_authors_message_shows_as_removed(tmp_path: Path) -> None:
    from playwright.async_api import expect

    async with demo_server(tmp_path) as server, chromium() as browser:
        sam, river = Api(server.url), Api(server.url)
        try:
            await sam.login("Sam")
            await river.login("River")
            await open_session(sam)
            sam_io, river_io = await sam.socket(), await river.socket()
            for client in (sam_io, river_io):
                assert (await call(client, "room:join", {"group_id": 1}))["ok"]
            assert (await send(river_io, "something River wrote once"))["ok"]
            status, erased = await river.call("DELETE", "/api/me", {"password": "demo-member-pass"})
            assert status == 200 and erased["erased"], erased

            willow = await signed_in_page(browser, server.url, "Willow")
            await enter_room(willow)
            removed = willow.get_by_test_id("message").filter(has=willow.get_by_test_id("removed-placeholder"))
            await expect(removed).to_have_count(1)
            await expect(removed).to_contain_text("Message removed.")
            await expect(removed).to_contain_text("former member", ignore_case=True)
            await expect(willow.get_by_text("something River wrote once")).to_have_count(0)
        finally:
            await sam.close()
            await river.close()
