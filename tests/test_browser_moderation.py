"""Moderation and members' own tools in real browsers (issue 7): a facilitator hides a message and mutes a
member, who sees the reason and a live countdown; a report reaches the facilitator at once and the reporter
is told when it is resolved; content notes, the personal-details prompt and the blocked-member placeholder;
XSS payloads in a report note, a hold reason and a pinned message render as text; axe on the panels."""

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

pytestmark = pytest.mark.browser
CLOCK = re.compile(r"^\d+:[0-5]\d$")  # the countdown as shown: minutes and seconds


async def start_session(server: RunningServer) -> None:
    sam = Api(server.url)
    try:
        await sam.login("Sam")
        await open_session(sam)
    finally:
        await sam.close()


async def in_room(browser: Any, server: RunningServer, pseudonym: str, **options: Any) -> Any:
    page = await signed_in_page(browser, server.url, pseudonym, **options)
    await enter_room(page)
    return page


async def post(page: Any, body: str, note: str = "") -> None:
    if note:
        folded = page.get_by_test_id("composer-note")  # the content note is folded away until wanted
        if not await folded.evaluate("d => d.open"):
            await folded.locator("summary").click()
        await page.get_by_test_id("content-note-input").fill(note)
    await page.get_by_test_id("composer").fill(body)
    await page.get_by_test_id("composer").press("Enter")


def message(page: Any, text: str) -> Any:
    """The one message in the log holding `text` (by its body, or the staff view of a hidden one)."""
    return page.get_by_test_id("message").filter(has_text=text)


def person(page: Any, name: str) -> Any:
    return page.get_by_test_id("presence").locator("li").filter(has_text=name)


async def open_options(scope: Any, summary_test_id: str) -> None:
    """Open an Options menu (a <details>) unless it is open already (the room keeps it open across redraws)."""
    if not await scope.locator("details").evaluate("d => d.open"):
        await scope.get_by_test_id(summary_test_id).click()


async def person_action(page: Any, name: str, action: str) -> None:
    entry = person(page, name)
    await open_options(entry, "person-options")
    await entry.get_by_test_id(action).click()


async def message_action(item: Any, action: str) -> None:
    await open_options(item, "message-options")
    await item.get_by_test_id(action).click()


async def fill_dialog(page: Any, **fields: str) -> None:
    for name, value in fields.items():
        control = page.get_by_test_id(f"dialog-{name}")
        if await control.evaluate("el => el.tagName") == "SELECT":
            await control.select_option(value)
        else:
            await control.fill(value)
    await page.get_by_test_id("dialog-ok").click()


async def countdown_seconds(page: Any) -> int:
    return int(await page.get_by_test_id("mute-countdown").get_attribute("data-seconds"))


async def test_a_facilitator_hides_a_message_and_mutes_a_member_who_sees_the_countdown(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    await start_session(web_server)
    sam = await in_room(browser, web_server, "Sam")
    river = await in_room(browser, web_server, "River")

    await post(river, "Something unkind that should not stay up")
    on_sam = message(sam, "Something unkind")
    await expect(on_sam).to_be_visible()
    await message_action(on_sam, "hide-message")
    await fill_dialog(sam, reason="Unkind to another member")
    # The member sees only that a facilitator hid it; the facilitator still reads it, with the reason.
    hidden = river.get_by_test_id("hidden-placeholder")
    await expect(hidden).to_have_text("Hidden by a facilitator.")
    await expect(river.get_by_text("Something unkind")).to_have_count(0)
    await expect(on_sam.get_by_test_id("hidden-marker")).to_contain_text("Unkind to another member")
    await expect(on_sam.get_by_test_id("message-body")).to_have_text("Something unkind that should not stay up")

    # Sam mutes River for a minute; River sees why, and the time left counting down.
    await person_action(sam, "River", "mute-person")
    await fill_dialog(sam, minutes="1", reason="Please take a breather")
    notice = river.get_by_test_id("mute-notice")
    await expect(notice).to_be_visible()
    await expect(river.get_by_test_id("mute-reason")).to_have_text("Please take a breather")
    await expect(river.get_by_test_id("mute-countdown")).to_have_text(CLOCK)
    first = await countdown_seconds(river)
    assert 50 <= first <= 60
    await river.wait_for_function(
        "n => Number(document.querySelector('[data-testid=mute-countdown]').dataset.seconds) < n", arg=first
    )
    later = await countdown_seconds(river)
    assert later < first
    await expect(river.get_by_test_id("send")).to_be_disabled()
    # axe: the member's mute notice and countdown, a hidden message; the facilitator's panel with a
    # sanction in force and a message's options open.
    await assert_accessible(river, "the room as a muted member, with a hidden message")
    await open_options(on_sam, "message-options")
    await expect(on_sam.get_by_test_id("unhide-message")).to_be_visible()
    await expect(sam.get_by_test_id("sanction")).to_have_count(1)
    await assert_accessible(sam, "the room with the moderation panel and a message's options open")

    # A reload still shows the mute and its countdown (room:join's `muted`).
    await river.reload()
    await expect(river.get_by_test_id("mute-notice")).to_be_visible()
    assert await countdown_seconds(river) <= later

    # The sanction is in Sam's list; lifting it frees River at once.
    sanction = sam.get_by_test_id("sanction").filter(has_text="River")
    await expect(sanction).to_contain_text("Please take a breather")
    await sanction.get_by_test_id("lift-sanction").click()
    await expect(river.get_by_test_id("mute-notice")).to_be_hidden()
    await expect(sam.get_by_test_id("sanction")).to_have_count(0)
    await post(river, "Thank you, I am calmer now")
    await expect(message(sam, "I am calmer now")).to_be_visible()
    assert sam.errors == [] and river.errors == []


async def test_a_report_reaches_the_facilitator_at_once_and_the_reporter_is_told_when_it_is_resolved(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    await start_session(web_server)
    sam = await in_room(browser, web_server, "Sam")
    willow = await in_room(browser, web_server, "Willow")
    river = await in_room(browser, web_server, "River")

    await post(willow, "You lot are all pathetic")
    on_river = message(river, "all pathetic")
    await expect(on_river).to_be_visible()
    await message_action(on_river, "report-message")
    await expect(river.get_by_test_id("report-dialog")).to_be_visible()
    await assert_accessible(river, "the report dialog")
    await fill_dialog(river, category="harassment", note="This hurt to read")
    await expect(river.get_by_test_id("report-notices")).to_contain_text("Your report reached the facilitators")

    # Sam has it at once, without reloading: who, what, the message and the note.
    report = sam.get_by_test_id("report").filter(has_text="Willow")
    await expect(report).to_contain_text("Harassment or bullying")
    await expect(report.get_by_test_id("report-message")).to_have_text("You lot are all pathetic")
    await expect(report.get_by_test_id("report-note")).to_have_text("This hurt to read")
    await expect(report).to_contain_text("River")
    await assert_accessible(sam, "the room with a report in the moderation panel")
    # The reported member is never told.
    await report.get_by_test_id("resolve-report").click()
    await expect(sam.get_by_test_id("resolve-dialog")).to_be_visible()
    await fill_dialog(sam, outcome="We spoke with them and hid nothing further")
    await expect(sam.get_by_test_id("report")).to_have_count(0)

    resolved = river.get_by_test_id("report-resolved")
    await expect(resolved).to_contain_text("Your report has been dealt with")
    await expect(resolved).to_contain_text("We spoke with them and hid nothing further")
    await assert_accessible(river, "the room as a member told their report was dealt with")
    # Willow's page heard nothing of it (the sentinel: a message from Sam arrives after the resolution).
    await post(sam, "Let us carry on gently")
    await expect(message(willow, "carry on gently")).to_be_visible()
    await expect(willow.get_by_test_id("report-resolved")).to_have_count(0)
    await expect(willow.get_by_text("This hurt to read")).to_have_count(0)

    # Later, the account page keeps the outcome (for someone who was away when it came).
    await river.goto(web_server.url + "/#/account")
    mine = river.get_by_test_id("my-report")
    await expect(mine).to_contain_text("Willow")
    await expect(mine).to_contain_text("We spoke with them and hid nothing further")
    await assert_accessible(river, "the account page with muted words and your reports")
    assert sam.errors == [] and river.errors == [] and willow.errors == []


async def test_a_content_note_keeps_the_message_folded_until_opened(browser: Any, web_server: RunningServer) -> None:
    from playwright.async_api import expect

    await start_session(web_server)
    await in_room(browser, web_server, "Sam")  # a facilitator keeps the session live
    willow = await in_room(browser, web_server, "Willow")
    river = await in_room(browser, web_server, "River")

    await post(river, "Last week I lost my dad, and it has been hard.", note="mentions bereavement")
    on_willow = message(willow, "mentions bereavement")
    await expect(on_willow.get_by_test_id("content-note")).to_contain_text("mentions bereavement")
    reveal = on_willow.get_by_role("button", name="Show message")
    await expect(reveal).to_have_attribute("aria-expanded", "false")
    await expect(on_willow.get_by_test_id("message-body")).to_be_hidden()
    await reveal.click()
    await expect(on_willow.get_by_test_id("message-body")).to_be_visible()
    await expect(on_willow.get_by_test_id("message-body")).to_have_text(
        "Last week I lost my dad, and it has been hard."
    )
    await expect(on_willow.get_by_test_id("reveal-message")).to_have_attribute("aria-expanded", "true")
    # The author sees their own message open, with its note.
    mine = message(river, "lost my dad")
    await expect(mine.get_by_test_id("message-body")).to_be_visible()
    await expect(mine.get_by_test_id("content-note")).to_contain_text("mentions bereavement")
    assert willow.errors == [] and river.errors == []


async def test_the_personal_details_prompt_comes_before_a_phone_number_is_sent(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    await start_session(web_server)
    sam = await in_room(browser, web_server, "Sam")
    river = await in_room(browser, web_server, "River")

    # A real mobile number's shape: Ofcom's drama range (07700 900xxx) is not a valid number to the
    # phonenumbers matcher, so the server (rightly) does not take it for one.
    await post(river, "You can ring me on 07911 123456 any time")
    prompt = river.get_by_role("dialog")
    await expect(prompt).to_contain_text("may share a phone number")
    # Edit: the text comes back to the composer, and nothing was posted.
    await prompt.get_by_role("button", name="Edit").click()
    await expect(river.get_by_test_id("composer")).to_have_value("You can ring me on 07911 123456 any time")
    await post(river, "A sentinel after editing")
    await expect(message(sam, "A sentinel after editing")).to_be_visible()
    await expect(message(sam, "07911")).to_have_count(0)

    # Sending it anyway, once confirmed.
    await river.get_by_test_id("composer").fill("You can ring me on 07911 123456 any time")
    await river.get_by_test_id("composer").press("Enter")
    await expect(prompt).to_contain_text("may share a phone number")
    await prompt.get_by_role("button", name="Send anyway").click()
    await expect(message(sam, "07911 123456")).to_have_count(1)
    await expect(message(river, "07911 123456")).to_have_count(1)
    assert sam.errors == [] and river.errors == []


async def test_a_blocked_members_messages_show_a_placeholder_that_opens(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    await start_session(web_server)
    await in_room(browser, web_server, "Sam")
    willow = await in_room(browser, web_server, "Willow")
    river = await in_room(browser, web_server, "River")

    await person_action(river, "Willow", "block-person")
    await expect(person(river, "Willow").get_by_test_id("person-options")).to_be_visible()
    await post(willow, "Words River would rather not see")
    item = river.get_by_test_id("message").filter(has=river.get_by_test_id("blocked-placeholder"))
    await expect(item.get_by_test_id("blocked-placeholder")).to_have_text("A message from a member you blocked.")
    await expect(item.get_by_test_id("message-body")).to_be_hidden()
    await item.get_by_role("button", name="Show anyway").click()
    await expect(item.get_by_test_id("message-body")).to_have_text("Words River would rather not see")
    # After a reload the server marks it (blocked_author) and it is folded again.
    await river.reload()
    await expect(river.get_by_test_id("blocked-placeholder")).to_have_count(1)
    # Unblocking opens it for good.
    await person_action(river, "Willow", "unblock-person")
    await expect(river.get_by_test_id("blocked-placeholder")).to_have_count(0)
    await expect(message(river, "rather not see").get_by_test_id("message-body")).to_be_visible()
    assert river.errors == []


def quiet_payloads(budget: int, sep: str = "\n") -> str:
    """Payloads joined by line breaks, up to `budget` characters, leaving out those another policy would stop
    first (links, long digit runs that read as phone numbers), so that the text reaches the page as sent."""
    chosen: list[str] = []
    size = 0
    for line in xss_payloads():
        if "//" in line or "." in line or re.search(r"\d{4,}", line) or "\t" in line:
            continue
        if any(ord(c) < 32 for c in line) or size + len(line) + 1 > budget:
            continue
        chosen.append(line)
        size += len(line) + 1
    return sep.join(chosen)


async def test_xss_payloads_in_a_report_note_a_hold_reason_and_a_pinned_message_render_as_text(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    admin = Api(web_server.url)
    try:
        await admin.login("hub-admin")
        reason = quiet_payloads(200, sep=" ")  # a reason is one line
        status, data = await admin.call(
            "POST", "/api/hubs/1/word-list", {"phrase": "zebrafish", "action": "hold", "reason": reason}
        )
        assert status == 201, data
        stored_reason = data["entry"]["reason"].strip()  # markup removed by the server; the rest is shown as text
        assert stored_reason, "some of the reason is left to show"
    finally:
        await admin.close()
    await start_session(web_server)
    sam = await in_room(browser, web_server, "Sam", prepare=trap_xss)
    willow = await in_room(browser, web_server, "Willow", prepare=trap_xss)
    river = await in_room(browser, web_server, "River", prepare=trap_xss)

    # A report note, read by the facilitator.
    note = quiet_payloads(1000)
    await post(willow, "A message to report")
    await message_action(message(river, "A message to report"), "report-message")
    await river.get_by_test_id("dialog-note").fill(note)
    await river.get_by_test_id("dialog-ok").click()
    shown_note = sam.get_by_test_id("report-note")
    await expect(shown_note).to_have_text(note)
    assert await shown_note.evaluate("el => el.children.length") == 0

    # A hold reason: the author sees their message waiting, with the reason; staff see it held.
    await post(river, "I keep zebrafish at home")
    held = message(river, "zebrafish").get_by_test_id("held-notice")
    await expect(held).to_contain_text("Waiting for a facilitator")
    await expect(held).to_contain_text(stored_reason)
    staff_held = message(sam, "zebrafish").get_by_test_id("held-marker")
    await expect(staff_held).to_contain_text(stored_reason)

    # A pinned message, shown to everyone above the log.
    body = quiet_payloads(3000) + "\nSENTINEL-PINNED"
    await post(river, body)
    pinned_source = message(sam, "SENTINEL-PINNED")
    await message_action(pinned_source, "pin-message")
    for page in (river, willow):
        pinned = page.get_by_test_id("pinned-body")
        await expect(pinned).to_contain_text("SENTINEL-PINNED")
        assert await pinned.evaluate("el => el.textContent") == body
        assert await pinned.evaluate("el => el.children.length") == 0
    for page, who in ((river, "River"), (willow, "Willow"), (sam, "Sam")):
        await assert_no_xss(page, f"{who}'s room")
        assert page.errors == [], who


async def test_muted_words_from_the_account_page_fold_messages_away_for_that_member_only(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    await start_session(web_server)
    sam = await in_room(browser, web_server, "Sam")
    river = await signed_in_page(browser, web_server.url, "River")
    await river.goto(web_server.url + "/#/account")
    await river.get_by_test_id("muted-words").fill("Relapse\nSTRASSE")
    await river.get_by_test_id("muted-words-save").click()
    await expect(river.get_by_role("status").filter(has_text="muted words are saved")).to_be_visible()
    await expect(river.get_by_test_id("muted-words")).to_have_value("relapse\nstrasse")  # folded by the server
    await river.goto(web_server.url + "/#/groups")
    await enter_room(river)

    await post(sam, "Talking about a RELAPSE today, gently.")
    await post(sam, "Not a muted word: relapsed is another word.")
    folded = message(river, "Talking about a RELAPSE")
    await expect(folded.get_by_test_id("muted-word-placeholder")).to_be_visible()
    await expect(folded.get_by_test_id("message-body")).to_be_hidden()
    await expect(message(river, "relapsed is another word").get_by_test_id("message-body")).to_be_visible()
    # Compared after NFKC and case folding, as the server stores the words: "Straße" reads as "strasse".
    await post(sam, "We meet on the Hauptstraße corner, no: the Straße itself.")
    await expect(message(river, "the Straße itself").get_by_test_id("muted-word-placeholder")).to_be_visible()
    await folded.get_by_role("button", name="Show anyway").click()
    await expect(folded.get_by_test_id("message-body")).to_be_visible()
    # Nobody else is affected.
    await expect(message(sam, "Talking about a RELAPSE").get_by_test_id("message-body")).to_be_visible()
    assert river.errors == [] and sam.errors == []


async def test_a_facilitator_releases_one_held_message_and_declines_another(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    admin = Api(web_server.url)
    try:
        await admin.login("hub-admin")
        status, data = await admin.call(
            "POST", "/api/hubs/1/word-list", {"phrase": "zebrafish", "action": "hold", "reason": "Pets are off topic"}
        )
        assert status == 201, data
    finally:
        await admin.close()
    await start_session(web_server)
    sam = await in_room(browser, web_server, "Sam")
    willow = await in_room(browser, web_server, "Willow")
    river = await in_room(browser, web_server, "River")

    await post(river, "My zebrafish helps me relax")
    await expect(message(river, "helps me relax").get_by_test_id("held-notice")).to_contain_text("Pets are off topic")
    held = message(sam, "helps me relax")
    await expect(held.get_by_test_id("held-marker")).to_contain_text("Pets are off topic")
    await message_action(held, "release-message")
    await expect(message(willow, "helps me relax")).to_be_visible()
    await expect(message(river, "helps me relax").get_by_test_id("held-notice")).to_have_count(0)
    await expect(held.get_by_test_id("held-marker")).to_have_count(0)

    await post(river, "Another zebrafish story")
    held = message(sam, "Another zebrafish")
    await expect(held.get_by_test_id("held-marker")).to_be_visible()
    await message_action(held, "decline-message")
    await fill_dialog(sam, reason="Let us keep to the topic")
    await expect(message(river, "Another zebrafish").get_by_test_id("declined-notice")).to_contain_text(
        "Let us keep to the topic"
    )
    await expect(held.get_by_test_id("declined-marker")).to_contain_text("Let us keep to the topic")
    # Willow never sees it: the sentinel is Sam's next message.
    await post(sam, "Thanks everyone")
    await expect(message(willow, "Thanks everyone")).to_be_visible()
    await expect(message(willow, "Another zebrafish")).to_have_count(0)
    assert sam.errors == [] and river.errors == [] and willow.errors == []


async def test_slow_mode_the_lock_and_a_removal_as_the_member_sees_them(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    await start_session(web_server)
    sam = await in_room(browser, web_server, "Sam")
    river = await in_room(browser, web_server, "River")

    await sam.get_by_test_id("slow-mode-input").fill("120")
    await sam.get_by_test_id("slow-mode-set").click()
    await expect(river.get_by_test_id("room-notice")).to_contain_text("one message every 120 seconds")
    await post(river, "First message in slow mode")
    await expect(message(sam, "First message in slow mode")).to_be_visible()
    await post(river, "Second, too soon")
    wait = river.get_by_test_id("slow-mode-countdown")
    await expect(wait).to_have_text(CLOCK)
    first = int(await wait.get_attribute("data-seconds"))
    assert 100 <= first <= 120
    await river.wait_for_function(
        "n => Number(document.querySelector('[data-testid=slow-mode-countdown]').dataset.seconds) < n", arg=first
    )
    await expect(river.get_by_test_id("composer")).to_have_value("Second, too soon")  # kept to send later
    await sam.get_by_test_id("slow-mode-input").fill("0")
    await sam.get_by_test_id("slow-mode-set").click()
    await expect(river.get_by_test_id("room-notice")).to_be_hidden()

    await sam.get_by_test_id("lock-room").check()
    await expect(river.get_by_test_id("room-notice")).to_contain_text("The room is locked")
    await expect(river.get_by_test_id("send")).to_be_disabled()
    await sam.get_by_test_id("lock-room").uncheck()
    await expect(river.get_by_test_id("room-notice")).to_be_hidden()

    await person_action(sam, "River", "remove-person")
    await fill_dialog(sam, reason="Time to step away for today")
    await expect(river.get_by_role("status").filter(has_text="removed you from this session")).to_contain_text(
        "Time to step away for today"
    )
    await expect(river.get_by_test_id("composer")).to_have_count(0)  # back on the group page
    assert sam.errors == [] and river.errors == []


async def test_a_timed_ban_from_a_message_tells_the_member_why_and_lifting_it_lets_them_back(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    await start_session(web_server)
    sam = await in_room(browser, web_server, "Sam")
    willow = await in_room(browser, web_server, "Willow")

    await post(willow, "I will keep posting this spam")
    await message_action(message(sam, "keep posting this spam"), "ban-author")
    await fill_dialog(sam, minutes="60", reason="Repeated spam")
    told = willow.get_by_role("status").filter(has_text="banned you from this group until")
    await expect(told).to_contain_text("Repeated spam")
    await expect(willow.get_by_test_id("composer")).to_have_count(0)

    ban = sam.get_by_test_id("sanction").filter(has_text="Willow")
    await expect(ban).to_contain_text("banned")
    await expect(ban).to_contain_text("Repeated spam")
    await ban.get_by_test_id("lift-sanction").click()
    await expect(sam.get_by_test_id("sanction")).to_have_count(0)
    await willow.goto(web_server.url + "/#/rooms/1")
    await expect(willow.get_by_test_id("session-status")).to_contain_text("Live")
    await post(willow, "Sorry, I am back and will be kind")
    await expect(message(sam, "back and will be kind")).to_be_visible()
    assert sam.errors == [] and willow.errors == []
