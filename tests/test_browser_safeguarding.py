"""Safeguarding in real browsers (issue 8): a member's "I need help now" reaches the lead's console within a
second and the lead's acknowledgement reaches the facilitator's room; a high-risk message shows its author the
crisis lines privately and facilitators the marker, and is delivered to everyone; the ladder climbs when nobody
acknowledges; break-glass needs a reason and appears in the hub admin's log; axe on each new screen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import Api, RunningServer, open_session
from tests.helpers_browser import (
    assert_accessible,
    assert_no_xss,
    enter_room,
    signed_in_page,
    trap_xss,
    xss_payloads,
)
from tests.helpers_safeguarding_pages import seed_history

pytestmark = pytest.mark.browser
RISKY = "I'm going to kill myself tonight, I have the pills ready"


async def as_person(server: RunningServer, pseudonym: str) -> Api:
    api = Api(server.url)
    await api.login(pseudonym)
    return api


async def start_session(server: RunningServer) -> None:
    sam = await as_person(server, "Sam")
    try:
        await open_session(sam)
    finally:
        await sam.close()


async def in_room(browser: Any, server: RunningServer, pseudonym: str) -> Any:
    page = await signed_in_page(browser, server.url, pseudonym)
    await enter_room(page)
    return page


async def open_console(browser: Any, server: RunningServer, prepare: Any = None) -> Any:
    """Ash, the demo hub's safeguarding lead, on the console once it has joined the hub (live)."""
    from playwright.async_api import expect

    page = await signed_in_page(browser, server.url, "Ash", prepare=prepare)
    await page.get_by_role("link", name="Safeguarding").click()
    await expect(page.get_by_test_id("console-connection")).to_have_attribute("data-state", "live")
    return page


def console_concern(page: Any, pseudonym: str) -> Any:
    return page.get_by_test_id("console-concern").filter(has_text=pseudonym)


async def press_help(page: Any) -> None:
    """Press "I need help now" and wait for the answer (the private panel saying a facilitator was told)."""
    from playwright.async_api import expect

    await page.get_by_test_id("help-now").click()
    await expect(page.get_by_test_id("support-told")).to_be_visible()


async def test_help_now_reaches_the_console_at_once_and_the_acknowledgement_reaches_the_room(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    await start_session(web_server)
    lead = await open_console(browser, web_server)
    await expect(lead.get_by_test_id("console-empty")).to_be_visible()
    await assert_accessible(lead, "the safeguarding console, empty")
    sam = await in_room(browser, web_server, "Sam")
    river = await in_room(browser, web_server, "River")
    # Muted, River cannot send, but "I need help now" is still there and works.
    person = sam.get_by_test_id("presence").locator("li").filter(has_text="River")
    await person.get_by_test_id("person-options").click()
    await person.get_by_test_id("mute-person").click()
    await sam.get_by_test_id("dialog-minutes").fill("5")
    await sam.get_by_test_id("dialog-reason").fill("A pause for everyone")
    await sam.get_by_test_id("dialog-ok").click()
    await expect(river.get_by_test_id("mute-notice")).to_be_visible()
    await expect(river.get_by_test_id("send")).to_be_disabled()
    await expect(river.get_by_test_id("help-now")).to_be_enabled()

    await press_help(river)
    # The console was already open: the concern arrives live, within a second of the member's answer.
    await expect(console_concern(lead, "River")).to_be_visible(timeout=1000)
    row = console_concern(lead, "River")
    await expect(row.get_by_test_id("concern-tier")).to_have_text("imminent")
    await expect(row.get_by_test_id("clock-left")).to_contain_text("left to acknowledge")

    # The member's private panel: a facilitator was told, the hub's crisis lines to call now.
    panel = river.get_by_test_id("support-panel")
    phones = panel.get_by_test_id("crisis-phone")
    assert await phones.count() > 0
    assert (await phones.first.get_attribute("href") or "").startswith("tel:")
    await expect(river.locator("#support-heading")).to_be_focused()
    await assert_accessible(river, "the member's help panel")

    # The facilitator in the room sees the concern, unacknowledged, with its clock.
    room_row = sam.get_by_test_id("room-concern").filter(has_text="River")
    await expect(room_row).to_have_attribute("data-state", "raised")

    await row.get_by_test_id("open-concern").click()
    detail = lead.get_by_test_id("concern-detail")
    await expect(detail.get_by_test_id("detail-subject")).to_have_text("River")
    await expect(detail.get_by_test_id("detail-timeline")).to_contain_text("Raised")
    assert await detail.get_by_test_id("crisis-line").count() > 0
    await assert_accessible(lead, "a concern's detail in the console")
    await detail.get_by_test_id("detail-note").fill("Calling the member now.")
    await detail.get_by_test_id("detail-ack").click()
    await expect(detail.get_by_test_id("detail-state")).to_have_text("Acknowledged")
    await expect(detail.get_by_test_id("detail-timeline")).to_contain_text("Calling the member now.")

    # The acknowledgement reaches the facilitator's alert panel in the room.
    await expect(room_row).to_have_attribute("data-state", "acknowledged")
    await expect(room_row.get_by_test_id("concern-state")).to_have_text("Acknowledged")
    for page in (lead, sam, river):
        assert page.errors == []


async def test_a_high_risk_message_shows_its_author_support_and_facilitators_the_marker(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    await start_session(web_server)
    sam = await in_room(browser, web_server, "Sam")
    willow = await in_room(browser, web_server, "Willow")
    river = await in_room(browser, web_server, "River")

    await river.get_by_test_id("composer").fill(RISKY)
    await river.get_by_test_id("composer").press("Enter")
    # The author is shown support privately, gently, without being taken away from the composer.
    panel = river.get_by_test_id("support-panel")
    await expect(panel.get_by_test_id("support-offer")).to_be_visible()
    assert await panel.get_by_test_id("crisis-phone").count() > 0
    await expect(panel.get_by_test_id("talk-now")).to_be_visible()
    # The message itself went to everyone, as always: never hidden, held or refused.
    for page in (river, willow, sam):
        await expect(page.get_by_test_id("message").filter(has_text=RISKY)).to_be_visible()
        await expect(page.get_by_test_id("message").filter(has_text=RISKY)).to_have_attribute("data-state", "open")

    # Facilitators see the tier and why on the message.
    marker = sam.get_by_test_id("message").filter(has_text=RISKY).get_by_test_id("risk-marker")
    await expect(marker).to_be_visible()
    assert await marker.get_attribute("data-tier") in ("high", "imminent")
    await expect(sam.get_by_test_id("room-concern").filter(has_text="River")).to_be_visible()
    await assert_accessible(sam, "a facilitator's room with a risk marker and a concern")
    # A sentinel sent after the offer: once Willow has it, an offer meant for River would have come too.
    await river.get_by_test_id("composer").fill("sentinel after the offer")
    await river.get_by_test_id("composer").press("Enter")
    await expect(willow.get_by_test_id("message").filter(has_text="sentinel after the offer")).to_be_visible()
    await expect(willow.get_by_test_id("support-panel")).to_be_hidden()
    assert await willow.get_by_test_id("risk-marker").count() == 0
    assert await river.get_by_test_id("risk-marker").count() == 0

    # "Talk to a facilitator now" asks for a private word, which the facilitator sees waiting.
    await panel.get_by_test_id("talk-now").click()
    await expect(panel.get_by_test_id("talk-state")).to_contain_text("private word")
    await expect(sam.get_by_test_id("private-requests")).to_contain_text("River")
    # Dismissing the note gives focus back to the help button, which stays.
    await panel.get_by_test_id("support-dismiss").click()
    await expect(panel).to_be_hidden()
    await expect(river.get_by_test_id("help-now")).to_be_focused()
    # The concern the detector raised is in the facilitator's room panel.
    await expect(sam.get_by_test_id("room-concern").filter(has_text="River")).to_be_visible()
    for page in (sam, willow, river):
        assert page.errors == []


async def test_worried_about_someone_and_a_facilitators_concern_reach_the_lead(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    await start_session(web_server)
    lead = await open_console(browser, web_server, prepare=trap_xss)
    sam = await in_room(browser, web_server, "Sam")
    willow = await in_room(browser, web_server, "Willow")
    river = await in_room(browser, web_server, "River")
    await river.get_by_test_id("composer").fill("Nobody would notice if I was gone")
    await river.get_by_test_id("composer").press("Enter")
    message = willow.get_by_test_id("message").filter(has_text="Nobody would notice")
    await message.get_by_test_id("message-options").click()
    await message.get_by_test_id("worried-message").click()
    dialog = willow.get_by_test_id("worried-dialog")
    payloads = " ".join(xss_payloads(5))
    note = "They said this twice last week too. " + payloads
    await dialog.get_by_test_id("dialog-note").fill(note)
    await dialog.get_by_test_id("dialog-ok").click()
    await expect(willow.get_by_test_id("worried-done")).to_be_visible()
    row = lead.get_by_test_id("console-concern").filter(has_text="A member is worried about them")
    await expect(row.filter(has_text="River")).to_be_visible()
    # The lead reads the message and the worry's note (XSS payloads in it) as text.
    await row.get_by_test_id("open-concern").click()
    detail = lead.get_by_test_id("concern-detail")
    await expect(detail.locator("[data-triggering=true]")).to_contain_text("Nobody would notice if I was gone")
    await expect(detail.get_by_test_id("detail-timeline")).to_contain_text(note)
    await assert_no_xss(lead, "the console with a worry's note")

    # A facilitator raises a concern about a member from the people list, with a tier and a note.
    person = sam.get_by_test_id("presence").locator("li").filter(has_text="Willow")
    await person.get_by_test_id("person-options").click()
    await person.get_by_test_id("raise-concern").click()
    dialog = sam.get_by_test_id("raise-dialog")
    await dialog.get_by_test_id("dialog-tier").select_option("concern")
    await dialog.get_by_test_id("dialog-note").fill("Quieter than usual tonight.")
    await dialog.get_by_test_id("dialog-ok").click()
    await expect(sam.get_by_test_id("raised-done")).to_be_visible()
    raised = lead.get_by_test_id("console-concern").filter(has_text="Raised by a facilitator").filter(has_text="Willow")
    await expect(raised.get_by_test_id("concern-tier")).to_have_text("concern")
    # Most urgent first: the worry (high) is listed above the facilitator's concern (concern).
    order = await lead.get_by_test_id("console-concern").evaluate_all(
        "rows => rows.map(r => r.querySelector('[data-testid=concern-tier]').textContent)"
    )
    assert order == sorted(order, key=["imminent", "high", "concern"].index), order
    assert willow.errors == [] and lead.errors == [] and sam.errors == []


async def test_the_ladder_climbs_when_nobody_acknowledges(browser: Any, web_server: RunningServer) -> None:
    from playwright.async_api import expect

    admin = await as_person(web_server, "hub-admin")
    try:
        status, data = await admin.call("PUT", "/api/hubs/1/escalation", {"ack_imminent_seconds": 10})
        assert status == 200, data
    finally:
        await admin.close()
    await start_session(web_server)
    lead = await open_console(browser, web_server)
    river = await in_room(browser, web_server, "River")

    await press_help(river)
    row = console_concern(lead, "River")
    await expect(row).to_have_attribute("data-level", "0", timeout=2000)
    await expect(row.get_by_test_id("clock-left")).to_contain_text("left to acknowledge")
    # Ten seconds and one poll later, nobody having acknowledged it, it climbs and the console says so.
    await expect(row).to_have_attribute("data-level", "1", timeout=20_000)
    await expect(row.get_by_test_id("concern-level")).to_have_text("Escalated: level 1")
    # Its clock now runs to the next rung (the hub's escalation contacts).
    await expect(row.get_by_test_id("clock-left")).to_contain_text("escalation contacts")
    await expect(lead.get_by_test_id("console-urgent")).to_contain_text("escalated to level 1")
    assert lead.errors == []


async def test_break_glass_needs_a_reason_and_is_in_the_admins_log(browser: Any, web_server: RunningServer) -> None:
    from playwright.async_api import expect

    await start_session(web_server)
    lead = await open_console(browser, web_server)
    river = await in_room(browser, web_server, "River")
    await press_help(river)
    row = console_concern(lead, "River")
    await row.get_by_test_id("open-concern").click()
    detail = lead.get_by_test_id("concern-detail")
    await expect(detail.get_by_test_id("detail-subject")).to_have_text("River")

    await detail.get_by_test_id("reveal-contact").click()
    await expect(detail.get_by_test_id("reveal-reason")).to_have_attribute("aria-invalid", "true")
    await expect(detail.get_by_test_id("revealed-contact")).to_be_hidden()
    reason = "Pressed help and is not answering in the room"
    await detail.get_by_test_id("reveal-reason").fill(reason)
    await detail.get_by_test_id("reveal-contact").click()
    revealed = detail.get_by_test_id("revealed-contact")
    await expect(revealed).to_contain_text("Contact details of River")
    await expect(revealed).to_contain_text("recorded in the break-glass log")
    await expect(detail.get_by_test_id("detail-timeline")).to_contain_text("Contact details revealed")

    admin = await signed_in_page(browser, web_server.url, "hub-admin")
    await admin.goto(web_server.url + "/#/admin/hubs/1")
    await admin.get_by_test_id("admin-safeguarding-link").click()
    entry = admin.get_by_test_id("break-glass-entry")
    await expect(entry).to_have_count(1)
    await expect(entry).to_contain_text(reason)
    await expect(entry).to_contain_text("Ash")
    await expect(entry).to_contain_text("River")
    await expect(admin.get_by_test_id("escalation-ack-imminent")).to_have_value("30")
    await expect(admin.get_by_test_id("dead-letters-empty")).to_be_visible()
    await assert_accessible(admin, "the hub admin's safeguarding page")

    # The escalation form saves what changed; below ten seconds is refused before anything is sent.
    await admin.get_by_test_id("escalation-ack-imminent").fill("5")
    await admin.get_by_test_id("escalation-save").click()
    await expect(admin.get_by_test_id("escalation-ack-imminent")).to_have_attribute("aria-invalid", "true")
    await admin.get_by_test_id("escalation-ack-imminent").fill("45")
    await admin.get_by_test_id("escalation-save").click()
    await expect(admin.get_by_text("Escalation saved.")).to_be_visible()
    hub_admin = await as_person(web_server, "hub-admin")
    try:
        status, data = await hub_admin.call("GET", "/api/hubs/1/escalation")
        assert status == 200 and data["ack_seconds"]["imminent"] == 45, data
    finally:
        await hub_admin.close()
    assert lead.errors == [] and admin.errors == []


async def test_the_admins_lists_show_older_pages_on_request(browser: Any, web_server: RunningServer) -> None:
    """More dead letters and reveals than a page (100): the newest page first, "Show older" under each list adds
    the rest by keyboard, then goes (focus on the first row it added); axe with both buttons showing."""
    from playwright.async_api import expect

    history = await seed_history(web_server, 104)
    admin = await signed_in_page(browser, web_server.url, "hub-admin")
    await admin.goto(web_server.url + "/#/admin/hubs/1/safeguarding")
    letters = admin.get_by_test_id("dead-letter")
    entries = admin.get_by_test_id("break-glass-entry")
    await expect(letters).to_have_count(100)
    await expect(entries).to_have_count(100)
    await expect(entries.first).to_contain_text("Seeded reveal 103")
    await assert_accessible(admin, "the hub admin's safeguarding page with older pages to show")

    for older, rows, first_added in (
        (admin.get_by_test_id("dead-letters-older"), letters, None),
        (admin.get_by_test_id("break-glass-older"), entries, "Seeded reveal 3"),
    ):
        await expect(older).to_have_text(re.compile(r"^Show older"))
        await older.focus()
        await admin.keyboard.press("Enter")
        await expect(rows).to_have_count(104)
        await expect(older).to_be_hidden()
        await expect(rows.nth(100)).to_be_focused()
        if first_added:
            await expect(rows.nth(100)).to_contain_text(first_added)
    await expect(admin.get_by_role("status").filter(has_text="These are the oldest.")).to_have_count(2)
    await expect(entries.last).to_contain_text("Seeded reveal 0")
    shown = await letters.evaluate_all("items => items.length")
    assert shown == len(history.dead_letters) and admin.errors == []
