"""The composer's rough edges (issue 10): sending an empty box does nothing, quietly; an error about the text
goes away as soon as it stops being true."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Api, open_session
from tests.helpers_browser import chromium, demo_server, enter_room, signed_in_page
from tests.helpers_chat import call

pytestmark = pytest.mark.browser


async def test_an_empty_send_does_nothing_and_a_text_error_clears_when_fixed(tmp_path: Path) -> None:
    from playwright.async_api import expect

    async with demo_server(tmp_path) as server, chromium() as browser:
        sam = Api(server.url)
        try:
            await sam.login("Sam")
            await open_session(sam)
            sam_io = await sam.socket()
            assert (await call(sam_io, "room:join", {"group_id": 1}))["ok"]
            river = await signed_in_page(browser, server.url, "River")
            await enter_room(river)
            composer, alert = river.get_by_test_id("composer"), river.get_by_test_id("send-alert")
            messages = river.get_by_test_id("message")

            await composer.focus()
            await composer.press("Enter")
            await composer.fill("   ")
            await river.get_by_test_id("send").click()
            await expect(alert).to_be_empty()
            await composer.fill("a sentinel after the empty sends")
            await composer.press("Enter")
            await expect(messages.filter(has_text="a sentinel after the empty sends")).to_have_count(1)
            await expect(messages).to_have_count(1)  # nothing was sent for the empty box

            await composer.fill("x" * 4001)
            await river.get_by_test_id("send").click()
            await expect(alert).not_to_be_empty()
            await composer.press("End")
            await composer.press("Backspace")
            await expect(alert).to_be_empty()
            await expect(composer).to_have_value("x" * 4000)
        finally:
            await sam.close()
