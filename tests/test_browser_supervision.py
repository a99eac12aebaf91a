"""After a session, in Debian's chromium driven by Playwright: the facilitator ends the session in the room, lands on
the debrief form and writes it; the hub admin reads it under Supervision and marks it discussed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, RunningServer, open_session
from tests.helpers_browser import ARTIFACTS, assert_accessible, signed_in_page

pytestmark = pytest.mark.browser


async def signed_in(browser: Any, base: str, pseudonym: str) -> Any:
    return await signed_in_page(browser, base, pseudonym, locale="en-GB")


async def test_a_facilitator_debriefs_and_the_hub_admin_discusses_it(browser: Any, web_server: RunningServer) -> None:
    from playwright.async_api import expect

    base = web_server.url
    sam_api = Api(base)
    try:
        await sam_api.login("Sam")
        session = await open_session(sam_api)
    finally:
        await sam_api.close()

    sam = await signed_in(browser, base, "Sam")
    assert await sam.get_by_role("link", name="Supervision", exact=True).count() == 0  # a facilitator only
    await sam.goto(base + "/#/rooms/1")
    await sam.get_by_test_id("end-session").click()
    await sam.get_by_test_id("confirm-ok").click()
    await sam.wait_for_url(f"**/#/debrief/{session['id']}")
    await expect(sam.get_by_role("heading", level=1)).to_have_text("After the session")
    await expect(sam.get_by_test_id("debrief-intro")).to_contain_text("never shown to members")
    await expect(sam.get_by_test_id("debrief-session")).to_contain_text("Thursday evening circle")
    await sam.get_by_label("How did the session go?").fill("Gentle start; two people shared for the first time.")
    await sam.get_by_label("Anything to follow up?").fill("Check in with the quieter newcomer next week.")
    await sam.get_by_label("How are you doing?").fill("A bit drained, glad I came.")
    await assert_accessible(sam, "the debrief form")
    await sam.get_by_test_id("debrief-save").click()
    await expect(sam.get_by_test_id("debrief-saved")).to_contain_text("gone to supervision")
    ARTIFACTS.mkdir(exist_ok=True)
    await sam.screenshot(path=str(ARTIFACTS / "debrief.png"), full_page=True)
    assert sam.errors == []

    admin = await signed_in(browser, base, "hub-admin")
    await admin.get_by_role("link", name="Supervision", exact=True).click()
    await expect(admin.get_by_role("heading", level=1)).to_have_text("Supervision")
    item = admin.get_by_test_id("debriefs-1").get_by_role("listitem").filter(has_text="debrief by Sam")
    await expect(item).to_contain_text("Gentle start; two people shared for the first time.")
    await expect(item).to_contain_text("Check in with the quieter newcomer next week.")
    await expect(item).to_contain_text("Waiting to be discussed")
    sessions = admin.get_by_test_id("attendance-sessions")
    await expect(sessions).to_contain_text("Thursday evening circle")
    assert "Sam" not in await admin.get_by_test_id("attendance-1").inner_text()  # counts, never names
    await assert_accessible(admin, "the supervision page")
    await admin.screenshot(path=str(ARTIFACTS / "supervision.png"), full_page=True)

    await item.get_by_role("button", name="Mark discussed").click()
    await expect(item).to_contain_text("Discussed by hub-admin")
    await expect(item.get_by_role("button", name="Mark discussed")).to_have_count(0)
    await admin.get_by_test_id("debrief-filter-discussed").check()
    await expect(admin.get_by_test_id("debriefs-1")).to_contain_text("debrief by Sam")
    await admin.get_by_test_id("debrief-filter-open").check()
    await expect(admin.get_by_test_id("debriefs-1")).to_contain_text("No debriefs are waiting to be discussed.")
    assert admin.errors == []

    # Once discussed, the facilitator's debrief is read-only.
    await sam.reload()
    await expect(sam.get_by_text("discussed in supervision")).to_be_visible()
    assert await sam.get_by_test_id("debrief-save").count() == 0
    for page in (sam, admin):
        await page.context.close()
