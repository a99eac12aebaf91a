"""The real browser app in Debian's chromium, driven by Playwright: sign in, enter, chat, see each other."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import RunningServer
from tests.helpers_browser import (
    ARTIFACTS,
    accept_sign_up_notices,
    assert_accessible,
    enter_room,
    signed_in_page,
)

pytestmark = pytest.mark.browser


async def test_two_browsers_chat_in_a_facilitated_session(browser: Any, web_server: RunningServer) -> None:
    base = web_server.url
    sam = await signed_in_page(browser, base, "Sam")
    river = await signed_in_page(browser, base, "River")
    willow = await signed_in_page(browser, base, "Willow", width=375)  # a phone-sized screen

    await enter_room(sam)
    await enter_room(river)
    await enter_room(willow)
    presence = river.get_by_test_id("presence")
    for name in ("Sam", "River", "Willow"):
        await presence.get_by_text(name, exact=False).first.wait_for()

    # The facilitator opens the session; members see it go live.
    await sam.get_by_test_id("start-session").click()
    await river.get_by_test_id("composer").and_(river.locator(":enabled")).wait_for()

    hostile = '<img src=x onerror="window.__pwned=1">Hello from River'
    await river.get_by_test_id("composer").fill(hostile)
    await river.get_by_test_id("composer").press("Enter")
    received = willow.get_by_test_id("message").filter(has_text="Hello from River")
    await received.wait_for()
    assert hostile in await received.inner_text(), "the markup is shown as the text it is"
    assert await willow.evaluate("window.__pwned") is None, "message text is never HTML"
    assert await willow.locator("[data-testid=messages] img").count() == 0

    await willow.get_by_test_id("composer").fill("Hi River, welcome")
    await willow.get_by_test_id("send").click()
    await river.get_by_test_id("message").filter(has_text="Hi River, welcome").wait_for()
    facilitator_line = "Thank you both for coming."
    await sam.get_by_test_id("composer").fill(facilitator_line)
    await sam.get_by_test_id("send").click()
    sams_message = river.get_by_test_id("message").filter(has_text=facilitator_line)
    await sams_message.wait_for()
    assert re.search("facilitator", await sams_message.inner_text(), re.IGNORECASE)

    # The message list is a live log (around the list, so that its items stay list items).
    log = river.get_by_role("log").filter(has=river.locator("#messages"))
    assert await log.get_attribute("aria-live") == "polite"
    await assert_accessible(river, "a room with messages")
    time_text = await river.get_by_test_id("message").first.locator("time").get_attribute("datetime")
    assert time_text and time_text.endswith("Z")

    ARTIFACTS.mkdir(exist_ok=True)
    await river.screenshot(path=str(ARTIFACTS / "room-desktop.png"), full_page=True)
    await willow.screenshot(path=str(ARTIFACTS / "room-phone.png"), full_page=True)

    # The facilitator ends the session; the room says so and the composer closes.
    await sam.get_by_test_id("end-session").click()
    confirm = sam.get_by_test_id("confirm-ok")
    if await confirm.count():
        await confirm.click()
    await river.get_by_test_id("composer").and_(river.locator(":disabled")).wait_for()
    assert "ended" in (await river.get_by_test_id("session-status").inner_text()).lower()

    for page in (sam, river, willow):
        assert page.errors == []
        await page.context.close()


async def test_admin_creates_group_and_new_member_joins_by_accepting_agreement(
    browser: Any, web_server: RunningServer
) -> None:
    base = web_server.url
    admin = await signed_in_page(browser, base, "hub-admin")
    await admin.goto(base + "/#/admin")
    await admin.get_by_test_id("group-name").fill("Sunday walk & talk")
    await admin.get_by_test_id("group-description").fill("Gentle conversation, all welcome.")
    await admin.get_by_test_id("group-agreement").fill("Be kind.\nWhat is said here stays here.")
    await admin.get_by_test_id("create-group").click()
    await admin.get_by_test_id("new-group-link").wait_for()

    context = await browser.new_context(viewport={"width": 390, "height": 844})
    member = await context.new_page()
    errors: list[str] = []
    member.on("pageerror", lambda exc: errors.append(str(exc)))
    await member.goto(base + "/#/signup")
    await member.get_by_test_id("signup-pseudonym").fill("Morning Lark")
    await member.get_by_test_id("signup-password").fill("a long enough password")
    await accept_sign_up_notices(member)
    await member.get_by_test_id("signup-submit").click()
    link = member.get_by_role("link", name="Sunday walk & talk")
    await link.wait_for()
    await link.click()
    agreement = member.get_by_test_id("agreement")
    await agreement.wait_for()
    assert await agreement.inner_text() == "Be kind.\nWhat is said here stays here."
    # Joining needs the agreement accepted: the button does nothing useful until the box is ticked.
    await member.get_by_test_id("agreement-accept").check()
    await member.get_by_test_id("join-group").click()
    await member.get_by_test_id("enter-room").click()
    from playwright.async_api import expect

    await expect(member.get_by_test_id("session-status")).to_contain_text("not in session", ignore_case=True)
    await expect(member.get_by_test_id("composer")).to_be_disabled()
    assert errors == []
    await context.close()
    await admin.context.close()


async def test_a_changed_agreement_sends_members_to_read_it(browser: Any, web_server: RunningServer) -> None:
    from playwright.async_api import expect

    from tests.conftest import Api

    river = await signed_in_page(browser, web_server.url, "River")
    await enter_room(river)
    admin = Api(web_server.url)
    try:
        await admin.login("hub-admin")
        status, _ = await admin.call("PATCH", "/api/groups/1", {"agreement": "Our updated agreement."})
        assert status == 200
    finally:
        await admin.close()
    await expect(river.get_by_test_id("agreement")).to_have_text("Our updated agreement.")
    await expect(river.get_by_role("status").filter(has_text="no longer in this room")).to_be_visible()
    await river.get_by_test_id("agreement-accept").check()
    await river.get_by_test_id("join-group").click()
    await river.get_by_test_id("enter-room").click()
    await river.get_by_test_id("composer").wait_for()
    assert river.errors == []
    await river.context.close()


async def test_a_dropped_connection_resumes_with_every_message_once(browser: Any, web_server: RunningServer) -> None:
    """Willow's network drops (her websocket is cut and reconnects are refused) while Sam keeps talking."""
    from playwright.async_api import expect

    offline = {"now": False}
    open_sockets: list[Any] = []

    async def websocket(route: Any) -> None:
        if offline["now"]:
            await route.close()
            return
        route.connect_to_server()
        open_sockets.append(route)

    async def polling(route: Any) -> None:
        await (route.abort() if offline["now"] else route.continue_())

    async def cut_off_switch(context: Any) -> None:
        await context.route_web_socket(re.compile(r".*/socket\.io/.*"), websocket)
        await context.route(re.compile(r".*/socket\.io/.*"), polling)

    sam = await signed_in_page(browser, web_server.url, "Sam")
    willow = await signed_in_page(browser, web_server.url, "Willow", prepare=cut_off_switch)
    await enter_room(sam)
    await enter_room(willow)
    await sam.get_by_test_id("start-session").click()
    await expect(willow.get_by_test_id("composer")).to_be_enabled()

    async def say(text: str) -> None:
        await sam.get_by_test_id("composer").fill(text)
        await sam.get_by_test_id("composer").press("Enter")
        await sam.get_by_test_id("message").filter(has_text=text).wait_for()

    await say("before the drop")
    await willow.get_by_test_id("message").filter(has_text="before the drop").wait_for()

    offline["now"] = True
    await willow.context.set_offline(True)
    assert open_sockets, "the room's websocket went through the route"
    for route in open_sockets:
        await route.close()
    await expect(willow.locator(".connection")).to_have_attribute("data-state", "reconnecting")
    await willow.get_by_test_id("composer").fill("typed while offline")
    await willow.get_by_test_id("composer").press("Enter")
    offline_alert = willow.get_by_role("alert").filter(has_text="offline")
    await expect(offline_alert).to_have_count(1)
    for n in range(5):
        await say(f"while Willow was away {n}")

    offline["now"] = False
    await willow.context.set_offline(False)
    await expect(willow.locator(".connection")).to_have_attribute(
        "data-state", re.compile("^(re)?connected$"), timeout=30_000
    )
    await expect(willow.get_by_test_id("message")).to_have_count(6, timeout=15_000)
    ids_willow = [await m.get_attribute("data-id") for m in await willow.get_by_test_id("message").all()]
    ids_sam = [await m.get_attribute("data-id") for m in await sam.get_by_test_id("message").all()]
    assert ids_willow == ids_sam and len(set(ids_willow)) == 6, "every message once, in order"
    await expect(offline_alert).to_have_count(0)  # the offline alert does not outlive the outage
    assert await willow.get_by_test_id("composer").input_value() == "typed while offline", "the draft is kept"
    assert willow.errors == [] and sam.errors == []
    await willow.context.close()
    await sam.context.close()
