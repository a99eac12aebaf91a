"""Accessibility, proven in Debian's chromium (issue 10): axe-core finds no WCAG 2.2 A/AA violation on any page
or state (signed out, the directory, a group, the room before, during and after a session as a member and as a
facilitator and paused as a member, with messages and dialogs open, hub administration, the safeguarding
console, the account page) at desktop and phone sizes; a person can sign in, reach the room, post and sign
out with the keyboard alone, always seeing where the focus is; pages reflow at 320 CSS px and at 200% zoom
without horizontal scrolling (WCAG 1.4.10); reduced motion turns animation off; the room fills the viewport.

axe is evaluated into the page with the app's Content-Security-Policy left on (helpers_browser.axe_violations).
One demo server and one chromium serve the whole module; each page is checked at both sizes by resizing it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from tests.conftest import DEMO_PASSWORD, RunningServer
from tests.helpers_browser import axe_violations, chromium, demo_server, enter_room, new_page, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
# Until these are gone from the page, a view is still loading what it shows.
LOADING = "[aria-busy='true'], .loading"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chrome() -> AsyncIterator[Any]:
    async with chromium() as instance:
        yield instance


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    async with demo_server(tmp_path_factory.mktemp("accessibility")) as running:
        yield running


class Findings:
    """axe's violations gathered across pages and sizes, so that one run lists every problem at once."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.checked: list[str] = []

    async def check(self, page: Any, where: str) -> None:
        """Check the page as it is at desktop and at phone size (then back at the size it had)."""
        before = page.viewport_size
        for size_name, size in SIZES.items():
            await page.set_viewport_size(size)
            self.checked.append(f"{where} ({size_name})")
            self.lines += [f"{where} ({size_name}): {line}" for line in await axe_violations(page)]
        await page.set_viewport_size(before)

    def assert_none(self) -> None:
        assert self.checked, "nothing was checked"
        assert not self.lines, "axe-core found WCAG 2.2 AA problems:\n  " + "\n  ".join(self.lines)


async def visit(page: Any, base: str, path: str, heading: str | re.Pattern[str] | None = None) -> None:
    """Load a routed path afresh and wait until its view has loaded (its heading is shown, nothing is loading).
    A fresh load, not a hash change: the previous view's heading must not pass for this one's."""
    from playwright.async_api import expect

    await page.goto("about:blank")
    await page.goto(f"{base}/#{path}")
    if heading is not None:
        await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    await expect(page.locator(LOADING)).to_have_count(0)


async def test_signed_out_pages(chrome: Any, server: RunningServer) -> None:
    from playwright.async_api import expect

    found = Findings()
    page = await new_page(chrome, DESKTOP["width"])
    for path, where in [
        ("/", "the landing page"),
        ("/signin", "sign in"),
        ("/signup", "sign up"),
        ("/forgot", "forgot password"),
        ("/help", "get help now"),
        ("/reset/not-a-real-token", "a password reset link"),
        ("/no-such-page", "the not-found page"),
    ]:
        await visit(page, server.url, path)
        await expect(page.get_by_role("heading", level=1)).not_to_be_empty()
        await found.check(page, where)
    # The sign-in form with its error showing.
    await visit(page, server.url, "/signin")
    await page.get_by_test_id("signin-submit").click()
    await expect(page.get_by_role("alert").first).not_to_be_empty()
    await found.check(page, "sign in with an error")
    found.assert_none()
    assert page.errors == []
    await page.context.close()


async def test_member_pages_and_the_delete_dialog(chrome: Any, server: RunningServer) -> None:
    from playwright.async_api import expect

    found = Findings()
    page = await signed_in_page(chrome, server.url, "River", DESKTOP["width"])
    await expect(page.locator(LOADING)).to_have_count(0)
    await found.check(page, "the directory")
    await visit(page, server.url, "/groups/1", re.compile(r"\S"))
    await expect(page.get_by_test_id("enter-room")).to_be_visible()
    await found.check(page, "a group page")
    await visit(page, server.url, "/account")
    await expect(page.get_by_role("heading", name="Your data")).to_be_visible()
    await found.check(page, "the account page")
    await page.get_by_test_id("delete-account").click()
    await expect(page.get_by_test_id("delete-dialog")).to_be_visible()
    await found.check(page, "the delete-my-account dialog")
    await page.get_by_test_id("delete-cancel").click()
    found.assert_none()
    assert page.errors == []
    await page.context.close()


async def test_hub_administration_pages(chrome: Any, server: RunningServer) -> None:
    from playwright.async_api import expect

    found = Findings()
    page = await signed_in_page(chrome, server.url, "hub-admin", DESKTOP["width"])
    for path, where, ready in [
        ("/admin", "hub admin: the overview", "admin-hub-link-1"),
        ("/admin/hubs/1", "hub admin: the hub's settings, crisis lines and staff", "hub-save"),
        ("/admin/hubs/1/safeguarding", "hub admin: escalation, dead letters and the audit", None),
        ("/admin/groups/1", "hub admin: a group's settings, schedules, members and invitations", None),
    ]:
        await visit(page, server.url, path)
        if ready:
            await expect(page.get_by_test_id(ready)).to_be_visible()
        await expect(page.locator("main section").first).to_be_visible()
        await expect(page.locator(LOADING)).to_have_count(0)  # the sections' own lists have loaded too
        await found.check(page, where)
    found.assert_none()
    assert page.errors == []
    await page.context.close()


async def test_staff_pages(chrome: Any, server: RunningServer) -> None:
    """The facilitators' space (a standing room of facilitators) and the hub's supervision page."""
    from playwright.async_api import expect

    found = Findings()
    sam = await signed_in_page(chrome, server.url, "Sam", DESKTOP["width"])
    await visit(sam, server.url, "/space")
    await expect(sam.get_by_test_id("composer")).to_be_visible()
    await expect(sam.get_by_test_id("session-status")).not_to_be_empty()
    await found.check(sam, "the facilitators' space")
    await sam.context.close()
    admin = await signed_in_page(chrome, server.url, "hub-admin", DESKTOP["width"])
    await visit(admin, server.url, "/supervision")
    await expect(admin.get_by_role("heading", level=1)).not_to_be_empty()
    await expect(admin.locator(LOADING)).to_have_count(0)
    await found.check(admin, "supervision")
    await admin.context.close()
    found.assert_none()


async def post(page: Any, body: str) -> None:
    await page.get_by_test_id("composer").fill(body)
    await page.get_by_test_id("composer").press("Enter")


async def test_the_room_in_every_session_state_and_the_safeguarding_console(chrome: Any, server: RunningServer) -> None:
    from playwright.async_api import expect

    found = Findings()
    sam = await signed_in_page(chrome, server.url, "Sam", DESKTOP["width"])
    await enter_room(sam)
    river = await signed_in_page(chrome, server.url, "River", DESKTOP["width"])
    await enter_room(river)
    await expect(sam.get_by_test_id("start-session")).to_be_visible()
    await found.check(sam, "the room with no session, as the facilitator")
    await found.check(river, "the room with no session, as a member")

    # Live, with messages from both, a content note, and the options menu of a message open.
    await sam.get_by_test_id("start-session").click()
    await expect(river.get_by_test_id("session-status")).to_contain_text("Live")
    await post(sam, "Welcome, everyone. Take your time.")
    await post(river, "Thank you. It has been a hard week.")
    await expect(sam.get_by_test_id("message")).to_have_count(2)
    await expect(river.get_by_test_id("message")).to_have_count(2)
    await found.check(sam, "the live room with messages, as the facilitator")
    await found.check(river, "the live room with messages, as a member")

    # Dialogs: a member reports a message; the facilitator opens the mute dialog.
    on_river = river.get_by_test_id("message").filter(has_text="Welcome, everyone")
    await on_river.get_by_test_id("message-options").click()
    await found.check(river, "a message's options, open")
    await on_river.get_by_test_id("report-message").click()
    await expect(river.get_by_test_id("report-dialog")).to_be_visible()
    await found.check(river, "the report dialog")
    await river.get_by_test_id("dialog-cancel").click()
    person = sam.get_by_test_id("presence").locator("li").filter(has_text="River")
    if await sam.get_by_test_id("presence").is_hidden():
        await sam.locator(".presence__toggle").click()
    await person.get_by_test_id("person-options").click()
    await person.get_by_test_id("mute-person").click()
    await expect(sam.locator("dialog[open]")).to_be_visible()
    await found.check(sam, "the mute dialog")
    await sam.get_by_test_id("dialog-cancel").click()

    # River asks for help: the support panel for River, the concern in the room for Sam.
    await river.get_by_test_id("help-now").click()
    await expect(river.get_by_test_id("support-panel")).to_be_visible()
    await expect(sam.get_by_test_id("room-concerns")).to_be_visible()
    await found.check(river, "the room with the support panel open")
    await found.check(sam, "the room with a concern, as the facilitator")

    # The safeguarding console, with River's concern open.
    ash = await signed_in_page(chrome, server.url, "Ash", DESKTOP["width"])
    await visit(ash, server.url, "/safeguarding")
    await expect(ash.get_by_test_id("console-concern").first).to_be_visible()
    await found.check(ash, "the safeguarding console")
    await ash.get_by_test_id("open-concern").first.click()
    await expect(ash.get_by_test_id("concern-detail")).to_be_visible()
    await expect(ash.get_by_test_id("detail-timeline")).to_be_visible()
    await found.check(ash, "the safeguarding console with a concern open")
    await ash.context.close()

    # Paused: the facilitator leaves; the member sees the pause and cannot post. (No facilitator ever sees a
    # paused room: one coming in resumes the session, as the next step shows.)
    await sam.goto(server.url + "/#/groups")
    await expect(sam.locator("main.room-page")).to_have_count(0)  # the room's full-height layout left with it
    await expect(river.get_by_test_id("session-status")).to_contain_text("Paused")
    await expect(river.get_by_test_id("composer")).to_be_disabled()
    await found.check(river, "the paused room, as a member")

    # The facilitator is back (which resumes it), then ends the session: the ended state for both.
    await enter_room(sam)
    await expect(river.get_by_test_id("session-status")).to_contain_text("Live")
    await sam.get_by_test_id("end-session").click()
    await expect(sam.get_by_test_id("confirm-ok")).to_be_visible()
    await found.check(sam, "the end-session confirmation")
    await sam.get_by_test_id("confirm-ok").click()
    await expect(river.get_by_test_id("session-status")).not_to_contain_text("Live")
    # Ending takes the facilitator to the debrief; from there, back to the room.
    await expect(sam.get_by_role("heading", level=1)).to_have_text("After the session")
    await found.check(sam, "the facilitator's debrief")
    await sam.goto(server.url + "/#/rooms/1")
    await expect(sam.get_by_test_id("start-session")).to_be_visible()
    await found.check(sam, "the room after the session ended, as the facilitator")
    await found.check(river, "the room after the session ended, as a member")
    found.assert_none()
    assert sam.errors == [] and river.errors == []
    await sam.context.close()
    await river.context.close()


# The focused element, whether it matches `selector`, and whether a focus indicator is drawn on it: it matches
# :focus-visible and has a real outline (style not none, width above 0) or a box shadow.
FOCUS_STATE = """(selector) => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== 'none';
  return {
    what: `${el.tagName.toLowerCase()} ${el.dataset.testid || ''} ${(el.textContent || '').trim().slice(0, 40)}`,
    matches: el.matches(selector),
    visible: el.matches(':focus-visible') && (outline || shadow),
  };
}"""


async def tab_to(page: Any, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the focus is on an element matching `selector`; the focus must be
    visible at every stop on the way, not only at the end."""
    visited: list[str] = []
    for _ in range(limit):
        await page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = await page.evaluate(FOCUS_STATE, selector)
        if focused is None:
            continue
        visited.append(focused["what"])
        assert focused["visible"], f"no visible focus indicator on {focused['what']!r}"
        if focused["matches"]:
            return
    raise AssertionError(f"Tab never reached {selector}; it visited {visited}")


async def test_sign_in_reach_the_room_post_and_sign_out_with_the_keyboard_alone(
    chrome: Any, server: RunningServer
) -> None:
    from playwright.async_api import expect

    # A live session, for Willow to post in: Sam opens it and stays (a session without its facilitator pauses).
    sam = await signed_in_page(chrome, server.url, "Sam", DESKTOP["width"])
    await enter_room(sam)
    if await sam.get_by_test_id("start-session").is_visible():
        await sam.get_by_test_id("start-session").click()
    await expect(sam.get_by_test_id("session-status")).to_contain_text("Live")

    page = await new_page(chrome, DESKTOP["width"])
    await page.goto(server.url + "/#/signin")
    await expect(page.get_by_test_id("signin-submit")).to_be_visible()
    await tab_to(page, "[data-testid=pseudonym]")
    await page.keyboard.type("Willow")
    await tab_to(page, "[data-testid=password]")
    await page.keyboard.type(DEMO_PASSWORD["Willow"])
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("group-link-1")).to_be_visible()

    await tab_to(page, "[data-testid=group-link-1]")
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("enter-room")).to_be_visible()
    await tab_to(page, "[data-testid=enter-room]")
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("session-status")).to_contain_text("Live")
    await tab_to(page, "[data-testid=composer]")
    await page.keyboard.type("Typed and sent with the keyboard alone")
    await page.keyboard.press("Enter")
    await expect(sam.get_by_test_id("message").filter(has_text="with the keyboard alone")).to_be_visible()
    await expect(page.get_by_test_id("message").filter(has_text="with the keyboard alone")).to_be_visible()

    # Back up the page to the header's sign-out button; Space presses it.
    await tab_to(page, "header button", backwards=True)
    await expect(page.locator("header button")).to_have_text("Sign out")
    await page.keyboard.press("Space")
    await expect(page).to_have_url(re.compile(r"#/signin"))
    await expect(page.get_by_test_id("signin-submit")).to_be_visible()
    assert page.errors == [] and sam.errors == []
    await page.context.close()
    await sam.context.close()


def no_sideways_scroll() -> str:
    return "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"


async def assert_reflows(page: Any, where: str, problems: list[str]) -> None:
    scroll_width, client_width = await page.evaluate(no_sideways_scroll())
    if scroll_width > client_width:
        wide = await page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                 .filter(el => el.getBoundingClientRect().right > limit + 1)
                 .slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.'))""",
            client_width,
        )
        problems.append(f"{where}: {scroll_width} px wide in {client_width} px ({wide})")


async def test_pages_reflow_at_320_px_and_at_200_percent_zoom(chrome: Any, server: RunningServer) -> None:
    """WCAG 1.4.10: 320 CSS px wide, and a 1280 px window at 200% zoom (640 CSS px at two device pixels each)."""
    from playwright.async_api import expect

    problems: list[str] = []
    for label, width, height, scale in [("320 px", 320, 800, 1), ("200% zoom", 640, 400, 2)]:
        where = f"at {label}"
        visitor = await new_page(chrome, width, device_scale_factor=scale)
        await visitor.set_viewport_size({"width": width, "height": height})
        for path in ["/", "/signin", "/signup", "/help"]:
            await visit(visitor, server.url, path)
            await assert_reflows(visitor, f"{path} {where}", problems)
        await visitor.context.close()

        member = await signed_in_page(chrome, server.url, "Sam", width, device_scale_factor=scale)
        await member.set_viewport_size({"width": width, "height": height})
        for path in ["/groups", "/groups/1", "/account", "/space"]:
            await visit(member, server.url, path)
            await assert_reflows(member, f"{path} {where}", problems)
        await visit(member, server.url, "/rooms/1")
        await expect(member.get_by_test_id("session-status")).not_to_be_empty()
        await assert_reflows(member, f"the room {where}", problems)
        await member.context.close()

        admin = await signed_in_page(chrome, server.url, "hub-admin", width, device_scale_factor=scale)
        await admin.set_viewport_size({"width": width, "height": height})
        for path in ["/admin", "/admin/hubs/1", "/admin/groups/1", "/admin/hubs/1/safeguarding"]:
            await visit(admin, server.url, path)
            await expect(admin.locator("main section").first).to_be_visible()
            await assert_reflows(admin, f"{path} {where}", problems)
        await admin.context.close()
    assert not problems, "horizontal scrolling:\n  " + "\n  ".join(problems)


# The longest animation and transition on the page, in milliseconds, over every element and pseudo-element.
LONGEST_MOTION = """() => {
  const ms = (value) => Math.max(0, ...value.split(',').map((part) => {
    const n = parseFloat(part);
    return part.trim().endsWith('ms') ? n : n * 1000;
  }));
  let longest = 0;
  for (const el of document.querySelectorAll('*')) {
    for (const pseudo of [null, '::before', '::after']) {
      const style = getComputedStyle(el, pseudo);
      if (style.animationName !== 'none') longest = Math.max(longest, ms(style.animationDuration));
      if (style.transitionProperty !== 'none') longest = Math.max(longest, ms(style.transitionDuration));
    }
  }
  return longest;
}"""


async def test_reduced_motion_turns_animation_off(chrome: Any, server: RunningServer) -> None:
    """With motion allowed the room's buttons ease their colours and the support panel slides in (so the
    measure sees motion); with reduced motion asked for, nothing on the room or the directory moves for
    longer than 0.01 ms."""
    from playwright.async_api import expect

    longest: dict[str, float] = {}
    for preference in ["no-preference", "reduce"]:
        page = await signed_in_page(chrome, server.url, "River", DESKTOP["width"], reduced_motion=preference)
        await enter_room(page)
        # "I need help now" slides its support panel in, unless motion is reduced.
        await page.get_by_test_id("help-now").click()
        await expect(page.get_by_test_id("support-panel")).to_be_visible()
        longest[preference] = await page.evaluate(LONGEST_MOTION)
        await page.goto(server.url + "/#/groups")
        await expect(page.get_by_test_id("group-link-1")).to_be_visible()
        longest[preference] = max(longest[preference], await page.evaluate(LONGEST_MOTION))
        await page.context.close()
    assert longest["no-preference"] >= 100, f"the measure saw no motion to turn off: {longest}"
    assert longest["reduce"] <= 0.01, f"something still moves with reduced motion: {longest}"


async def bottom(locator: Any) -> float:
    box = await locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    return float(box["y"] + box["height"])


async def test_the_room_fills_the_viewport_height(chrome: Any, server: RunningServer) -> None:
    """At 1280x800 the facilitator's message box and Send are in view on the first screen, with the messages
    scrolling in their own pane above; on a 390x844 phone the conversation is one screen tall, the messages
    taking most of it and the composer in view at its foot."""
    from playwright.async_api import expect

    sam = await signed_in_page(chrome, server.url, "Sam", DESKTOP["width"])
    await sam.set_viewport_size(DESKTOP)
    await enter_room(sam)
    if await sam.get_by_test_id("start-session").is_visible():
        await sam.get_by_test_id("start-session").click()
    await expect(sam.get_by_test_id("session-status")).to_contain_text("Live")
    river = await signed_in_page(chrome, server.url, "River", PHONE["width"])
    await river.set_viewport_size(PHONE)
    await enter_room(river)
    for turn in range(4):
        for page, name in [(sam, "Sam"), (river, "River")]:
            text = f"{name}'s message {turn}: a few words, enough to take a line or two of the pane."
            await post(page, text)
            await expect(sam.get_by_test_id("message").filter(has_text=text)).to_be_visible()
            await expect(river.get_by_test_id("message").filter(has_text=text)).to_have_count(1)

    await sam.evaluate("window.scrollTo(0, 0)")
    assert await sam.evaluate("window.scrollY") == 0
    assert await bottom(sam.get_by_test_id("composer")) <= DESKTOP["height"], "the message box is below the fold"
    assert await bottom(sam.get_by_test_id("send")) <= DESKTOP["height"], "Send is below the fold"
    pane = sam.get_by_test_id("messages")
    assert await pane.evaluate("el => el.scrollHeight > el.clientHeight"), "the messages do not scroll in their pane"
    assert (await pane.bounding_box())["height"] >= 128, "the message pane is squeezed below 8rem"

    await river.locator(".chat").evaluate("el => el.scrollIntoView()")
    chat = await river.locator(".chat").bounding_box()
    pane_box = await river.get_by_test_id("messages").bounding_box()
    assert chat["height"] >= 0.9 * PHONE["height"], f"the conversation does not fill the phone's screen: {chat}"
    assert pane_box["height"] >= 0.5 * PHONE["height"], f"the message pane is a small part of the screen: {pane_box}"
    assert await bottom(river.get_by_test_id("composer")) <= PHONE["height"], "the phone's message box is off screen"
    assert await bottom(river.get_by_test_id("send")) <= PHONE["height"], "the phone's Send is off screen"
    assert sam.errors == [] and river.errors == []
    await sam.context.close()
    await river.context.close()
