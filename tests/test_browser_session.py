"""A facilitated session in real browsers: hand up and the turn, the backchannel, a member taking a break and
asking for a private word, and the pause members see when the facilitator closes the tab."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, RunningServer, open_session
from tests.helpers_browser import assert_accessible, enter_room, signed_in_page
from tests.helpers_staff import make_trained_facilitator

pytestmark = pytest.mark.browser
SPACE_LINK = "Facilitators\u2019 space"  # the header link, with a typographic apostrophe


async def test_a_facilitator_runs_a_session_with_the_tools_and_members_see_the_pause(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    await make_trained_facilitator(web_server, "Willow")  # a co-facilitator, so the backchannel has a reader
    sam_api = Api(web_server.url)
    try:
        await sam_api.login("Sam")
        await open_session(sam_api)
    finally:
        await sam_api.close()

    sam = await signed_in_page(browser, web_server.url, "Sam")
    await enter_room(sam)
    willow = await signed_in_page(browser, web_server.url, "Willow")
    await enter_room(willow)
    river = await signed_in_page(browser, web_server.url, "River")
    await enter_room(river)
    await expect(river.get_by_test_id("session-tools")).to_be_visible()

    # River raises a hand; Sam sees the queue and gives River the turn in one-voice mode.
    await river.get_by_test_id("hand-toggle").click()
    await expect(river.get_by_test_id("hand-toggle")).to_have_attribute("aria-pressed", "true")
    await expect(sam.get_by_test_id("hands-queue")).to_contain_text("River")
    await sam.get_by_test_id("one-voice").check()
    await sam.get_by_role("button", name="Give the turn to River").click()
    await expect(sam.get_by_test_id("hands-queue")).not_to_contain_text("River")
    await expect(river.get_by_test_id("hand-toggle")).to_have_attribute("aria-pressed", "false")
    await river.get_by_test_id("composer").fill("Thank you, I'd like to share something.")
    await river.get_by_test_id("composer").press("Enter")
    await expect(sam.get_by_test_id("message").last).to_contain_text("I'd like to share")

    # The backchannel: Sam writes, Willow reads; River's page has no backchannel at all.
    await sam.get_by_test_id("backchannel-input").fill("River may need a check-in afterwards.")
    await sam.get_by_test_id("backchannel-send").click()
    await expect(willow.get_by_test_id("backchannel-log")).to_contain_text("check-in afterwards")
    await expect(river.get_by_test_id("backchannel-log")).to_be_hidden()
    await expect(river.get_by_text("check-in afterwards")).to_have_count(0)

    # River takes a break: shown as stepping out; then asks for a private word, which Sam opens.
    await river.get_by_test_id("break-toggle").click()
    await expect(sam.get_by_test_id("stepping-out")).to_be_visible()
    await river.get_by_test_id("break-toggle").click()
    await expect(sam.get_by_test_id("stepping-out")).to_have_count(0)
    await river.get_by_test_id("private-request").click()
    await expect(river.get_by_test_id("private-state")).to_contain_text("asked for a private word")
    await sam.get_by_role("button", name="Open a private word with River").click()
    await expect(river.get_by_test_id("private-state")).to_contain_text("open below")
    river_thread = river.locator("[data-testid^='private-log-']")
    await expect(river.locator("[data-testid^='private-'][data-testid$='-input']")).to_be_visible()
    sam_input = sam.locator("[data-testid^='private-'][data-testid$='-input']").first
    await sam_input.fill("How are you doing?")
    await sam.locator("[data-testid^='private-'][data-testid$='-send']").first.click()
    await expect(river_thread).to_contain_text("How are you doing?")
    await assert_accessible(river, "the room with the session tools, as a member")
    await assert_accessible(sam, "the room with the session tools, as a facilitator")

    # The facilitators close their tabs: the session pauses, and River sees why and cannot post.
    await willow.context.close()
    await sam.context.close()
    await expect(river.get_by_test_id("session-status")).to_contain_text("Paused")
    await expect(river.get_by_test_id("composer")).to_be_disabled()
    assert river.errors == []


async def test_a_facilitator_finds_the_facilitators_space_from_the_header(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    sam = await signed_in_page(browser, web_server.url, "Sam")
    await sam.get_by_role("link", name=SPACE_LINK).click()
    await expect(sam.get_by_role("heading", level=1)).to_have_text("Facilitators' space")
    await expect(sam.get_by_test_id("session-status")).to_contain_text("Live")
    await sam.get_by_test_id("composer").fill("Hello from Riverside: how do others open a first session?")
    await sam.get_by_test_id("composer").press("Enter")
    await expect(sam.get_by_test_id("message").last).to_contain_text("how do others open")
    await assert_accessible(sam, "the facilitators' space")

    river = await signed_in_page(browser, web_server.url, "River")
    await expect(river.get_by_role("link", name=SPACE_LINK)).to_have_count(0)
    assert sam.errors == [] and river.errors == []
