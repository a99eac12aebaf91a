"""The front door in Debian's chromium (Playwright): a newcomer finds a group and its crisis lines before
signing in and joins it; "Get help now" is one key press away in the room; the directory's filters live in the
address; asking to join, invitations and leaving; the room after a session ended says when the next one is.
Every page a newcomer meets is checked with axe-core against WCAG 2.2 AA."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import Api, RunningServer
from tests.helpers_browser import (
    accept_sign_up_notices,
    assert_accessible,
    enter_room,
    new_page,
    signed_in_page,
)

pytestmark = pytest.mark.browser
LONDON: dict[str, Any] = {"locale": "en-GB", "timezone_id": "Europe/London"}
THURSDAY_GROUP = 1  # the demo's "Thursday evening circle": weekly on Thursdays at 19:00 in the hub's zone (London)
CARERS_GROUP = 2  # the demo's "Carers' corner", tagged "carers", on Tuesdays at 12:30


@pytest.fixture
async def admin_api(web_server: RunningServer) -> AsyncIterator[Api]:
    api = Api(web_server.url)
    await api.login("hub-admin")
    yield api
    await api.close()


async def sign_up(page: Any, pseudonym: str) -> None:
    await page.get_by_test_id("signup-pseudonym").fill(pseudonym)
    await page.get_by_test_id("signup-password").fill("a long enough password")
    await accept_sign_up_notices(page)
    await page.get_by_test_id("signup-submit").click()


async def test_a_newcomer_finds_help_and_a_group_before_signing_in_and_joins_it(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    page = await new_page(browser, width=390, **LONDON)
    await page.goto(web_server.url + "/")

    # What this place is, that it is not a crisis service, and where to get help now.
    await expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Alongside")
    await expect(page.get_by_test_id("not-crisis")).to_contain_text("not a crisis or emergency service")
    await expect(page.get_by_role("heading", level=2, name="Riverside Peer Support Hub")).to_be_visible()
    samaritans = page.get_by_test_id("crisis-line").filter(has_text="Samaritans")
    await expect(samaritans.get_by_role("link", name="116 123")).to_have_attribute("href", "tel:116123")
    website = samaritans.get_by_role("link", name=re.compile("samaritans.org"))
    await expect(website).to_have_attribute("rel", "noopener noreferrer")
    await expect(page.get_by_test_id("crisis-line").filter(has_text="Shout")).to_contain_text("Text SHOUT to 85258")

    # The group, with its next meeting in the viewer's own zone, and a way to join it.
    circle = page.get_by_test_id("landing-group").filter(has_text="Thursday evening circle")
    await expect(circle.get_by_test_id("next-session")).to_have_text(
        re.compile(r"^Next meeting: Thursday \d+ \w+ at 19:00$")
    )
    when = await circle.locator("time").get_attribute("datetime")
    assert when and re.fullmatch(r"\d{4}-\d\d-\d\dT19:00:00\.000Z", when), "19:00 in London is 19:00 UTC in winter"
    await expect(circle.get_by_role("listitem").filter(has_text="anxiety")).to_be_visible()
    await assert_accessible(page, "the landing page")

    await circle.get_by_role("link", name="Join Thursday evening circle", exact=True).click()
    await expect(page).to_have_url(re.compile(r"#/signup\?next=%2Fgroups%2F1$"))
    await expect(page.get_by_role("status").filter(has_text="To join a group")).to_be_visible()
    await sign_up(page, "Quiet Harbour")

    # Straight back to the group: its agreement, next meeting, calendar feed, then joining.
    await expect(page).to_have_url(re.compile(f"#/groups/{THURSDAY_GROUP}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Thursday evening circle")
    await expect(page.get_by_test_id("next-session")).to_have_text(
        re.compile(r"^This group next meets on Thursday \d+ \w+ at 19:00\.$")
    )
    calendar = page.get_by_test_id("calendar-link")
    await expect(calendar).to_have_attribute("href", f"/api/groups/{THURSDAY_GROUP}/calendar.ics")
    await assert_accessible(page, "the group page")
    await page.get_by_test_id("agreement-accept").check()
    await page.get_by_test_id("join-group").click()
    await expect(page.get_by_role("status").filter(has_text="Welcome to Thursday evening circle")).to_be_visible()
    await expect(page.get_by_test_id("enter-room")).to_be_focused()

    # The server agrees: a member now.
    await page.reload()
    await expect(page.get_by_text("You are a member of this group.")).to_be_visible()
    assert page.errors == []
    await page.context.close()


async def test_get_help_now_is_a_key_press_away_in_the_room_on_a_phone(browser: Any, web_server: RunningServer) -> None:
    from playwright.async_api import expect

    page = await signed_in_page(browser, web_server.url, "Willow", width=375, **LONDON)
    await enter_room(page)
    help_link = page.get_by_test_id("get-help")
    await expect(help_link).to_be_visible()
    await expect(help_link).to_be_in_viewport()

    # From the top of the room's page, Tab reaches it within a few presses (skip link, the brand, then help).
    await page.reload()
    await expect(page.get_by_test_id("session-status")).not_to_be_empty()
    for _ in range(5):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement?.dataset.testid") == "get-help":
            break
    await expect(help_link).to_be_focused()
    outline = await help_link.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "focus is visible"

    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile("#/help$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Get help now")
    await expect(page.get_by_test_id("emergency-note")).to_contain_text("call your local emergency number")
    await expect(page.get_by_test_id("crisis-line").filter(has_text="Samaritans")).to_contain_text("116 123")
    await expect(help_link).to_have_attribute("aria-current", "page")
    await assert_accessible(page, "the help page")
    assert page.errors == []
    await page.context.close()


# Keeps every IntersectionObserver's callback and what it observes, so a test can hand the page a batch of entries
# as a busy browser does (several queued before the callback runs).
RECORD_OBSERVERS = """
const Real = window.IntersectionObserver;
window.__observed = [];
window.IntersectionObserver = class extends Real {
  constructor(callback, options) { super(callback, options); this.__callback = callback; }
  observe(target) { window.__observed.push({ observer: this, target }); super.observe(target); }
};
"""

HAND_HEADER_ENTRIES = """(states) => {
  const header = document.querySelector('.site-header');
  const { observer } = window.__observed.find((o) => o.target === header);
  observer.__callback(states.map((isIntersecting) => ({ isIntersecting, target: header })), observer);
}"""


async def test_the_help_link_floats_only_while_the_header_is_out_of_view_however_the_news_arrives(
    browser: Any, web_server: RunningServer
) -> None:
    """A page busy enough (a phone, a crowded room) is handed the header's comings and goings in one batch; the
    link must follow the last of them. It once followed any "away" in the batch and stayed floating over the
    header it belongs in."""
    from playwright.async_api import expect

    page = await new_page(browser, width=375, **LONDON)
    await page.add_init_script(RECORD_OBSERVERS)
    await page.goto(web_server.url + "/#/help")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Get help now")
    help_link = page.get_by_test_id("get-help")

    await page.evaluate(HAND_HEADER_ENTRIES, [False])
    await expect(help_link).to_have_class(re.compile(r"\bhelp-link--floating\b"))
    await page.evaluate(HAND_HEADER_ENTRIES, [False, True])
    await expect(help_link).not_to_have_class(re.compile(r"\bhelp-link--floating\b"))
    await page.evaluate(HAND_HEADER_ENTRIES, [True, False])
    await expect(help_link).to_have_class(re.compile(r"\bhelp-link--floating\b"))
    assert page.errors == []
    await page.context.close()


async def test_the_help_page_needs_no_account_and_the_footer_links_to_it(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    page = await new_page(browser, **LONDON)
    await page.goto(web_server.url + "/#/signin")
    await page.get_by_test_id("footer-help").click()
    await expect(page).to_have_url(re.compile("#/help$"))
    await expect(page.get_by_test_id("crisis-line")).to_have_count(3)
    assert page.errors == []
    await page.context.close()


async def test_directory_filters_live_in_the_address_and_narrow_the_list(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    page = await signed_in_page(browser, web_server.url, "Willow", **LONDON)  # a member of the Thursday group only
    yours = page.get_by_test_id("groups-yours")
    others = page.get_by_test_id("groups-others")
    await expect(yours.get_by_test_id("directory-group")).to_have_count(1)
    await expect(yours).to_contain_text("Thursday evening circle")
    await expect(others.get_by_test_id("directory-group")).to_have_count(1)
    await expect(others).to_contain_text("Carers' corner")
    await expect(yours.get_by_test_id("next-session")).to_have_text(re.compile(r"^Next meeting: \w+ \d+ \w+ at \d"))
    await assert_accessible(page, "the directory")

    await page.get_by_test_id("filter-tag").select_option("carers")
    await page.get_by_test_id("filter-apply").click()
    await expect(page).to_have_url(re.compile(r"#/groups\?tag=carers$"))
    await expect(page.get_by_test_id("directory-group")).to_have_count(1)
    await expect(page.get_by_test_id("directory-group")).to_contain_text("Carers' corner")
    await expect(page.get_by_test_id("directory-count")).to_have_text("1 group matches.")
    await expect(page.get_by_test_id("filter-apply")).to_be_focused()

    # The filter survives a reload (the address holds it) and can be changed: Thursday evenings.
    await page.reload()
    await expect(page.get_by_test_id("filter-tag")).to_have_value("carers")
    await expect(page.get_by_test_id("directory-group")).to_have_count(1)
    await page.get_by_test_id("filter-tag").select_option("")
    await page.get_by_test_id("filter-weekday").select_option(label="Thursday")
    await page.get_by_test_id("filter-time").select_option("evening")
    await page.get_by_test_id("filter-apply").click()
    await expect(page).to_have_url(re.compile(r"weekday=3&time=evening"))
    await expect(page.get_by_test_id("directory-group")).to_have_count(1)
    await expect(page.get_by_test_id("directory-group")).to_contain_text("Thursday evening circle")
    await page.get_by_test_id("filter-time").select_option("morning")
    await page.get_by_test_id("filter-apply").click()
    await expect(page.get_by_test_id("directory-group")).to_have_count(0)
    await expect(page.get_by_text("No groups match these filters.")).to_be_visible()

    # Back returns to the previous filter.
    await page.go_back()
    await expect(page.get_by_test_id("directory-group")).to_contain_text("Thursday evening circle")
    assert page.errors == []
    await page.context.close()


async def test_asking_to_join_an_invitation_link_and_leaving(
    browser: Any, web_server: RunningServer, admin_api: Api
) -> None:
    from playwright.async_api import expect

    status, _ = await admin_api.call("PATCH", f"/api/groups/{CARERS_GROUP}", {"joining": "request"})
    assert status == 200
    status, _ = await admin_api.call("PATCH", f"/api/groups/{THURSDAY_GROUP}", {"joining": "invitation"})
    assert status == 200
    status, made = await admin_api.call("POST", f"/api/groups/{THURSDAY_GROUP}/invitations", {})
    assert status == 201, made

    # An invitation link before signing in: sign up first, then straight back to the invitation.
    page = await new_page(browser, **LONDON)
    await page.goto(web_server.url + f"/#/invite/{made['token']}")
    await expect(page).to_have_url(re.compile(r"#/signin\?next=%2Finvite%2F"))
    await expect(page.get_by_role("status").filter(has_text="accept your invitation")).to_be_visible()
    await page.get_by_test_id("to-signup").click()
    await sign_up(page, "Night Owl")
    await expect(page.get_by_role("heading", level=1)).to_have_text("You are invited to join Thursday evening circle")
    await assert_accessible(page, "the invitation page")
    await page.get_by_test_id("accept-invitation").click()
    await expect(page.get_by_role("alert").filter(has_text="tick the box")).to_be_visible()
    await page.get_by_test_id("agreement-accept").check()
    await page.get_by_test_id("accept-invitation").click()
    await expect(page).to_have_url(re.compile(f"#/groups/{THURSDAY_GROUP}$"))
    await expect(page.get_by_role("status").filter(has_text="Welcome to Thursday evening circle")).to_be_visible()

    # Leaving, after a confirmation; an invitation-only group then says an invitation is needed.
    await page.get_by_test_id("leave-group").click()
    await page.get_by_test_id("confirm-cancel").click()
    await expect(page.get_by_test_id("enter-room")).to_be_visible()
    await page.get_by_test_id("leave-group").click()
    await page.get_by_test_id("confirm-ok").click()
    await expect(page.get_by_role("status").filter(has_text="You have left Thursday evening circle")).to_be_visible()
    await expect(page.get_by_test_id("join-closed")).to_contain_text("invitation only")
    await expect(page.get_by_test_id("enter-room")).to_have_count(0)
    await expect(page.get_by_test_id("join-group")).to_have_count(0)

    # A group joined by request: ask (after reading the agreement), then the request is pending.
    await page.goto(web_server.url + f"/#/groups/{CARERS_GROUP}")
    await expect(page.get_by_test_id("join-group")).to_have_text("Ask to join")
    await page.get_by_test_id("agreement-accept").check()
    await page.get_by_test_id("join-group").click()
    await expect(page.get_by_test_id("request-pending")).to_be_visible()
    await page.reload()
    await expect(page.get_by_test_id("request-pending")).to_be_visible()
    status, requests = await admin_api.call("GET", f"/api/groups/{CARERS_GROUP}/join-requests")
    assert status == 200 and [r["pseudonym"] for r in requests["requests"]] == ["Night Owl"]
    assert page.errors == []
    await page.context.close()


async def test_a_full_group_says_so_instead_of_offering_to_join(
    browser: Any, web_server: RunningServer, admin_api: Api
) -> None:
    from playwright.async_api import expect

    # Carers' corner has one member (River): a capacity of 2 leaves room for one more, then it is full.
    status, _ = await admin_api.call("PATCH", f"/api/groups/{CARERS_GROUP}", {"capacity": 2})
    assert status == 200
    willow = Api(web_server.url)
    try:
        await willow.login("Willow")
        status, body = await willow.call("PUT", f"/api/groups/{CARERS_GROUP}/membership", {"agreement_version": 1})
        assert status == 200, body
    finally:
        await willow.close()
    page = await new_page(browser, **LONDON)
    await page.goto(web_server.url + f"/#/signup?next=/groups/{CARERS_GROUP}")
    await sign_up(page, "Late Comer")
    await expect(page.get_by_test_id("join-closed")).to_contain_text("This group is full just now")
    await expect(page.get_by_test_id("join-group")).to_have_count(0)
    assert page.errors == []
    await page.context.close()


async def test_arriving_after_a_session_ended_says_when_the_group_next_meets(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    sam = Api(web_server.url)
    try:
        await sam.login("Sam")
        status, opened = await sam.call("POST", f"/api/groups/{THURSDAY_GROUP}/sessions", {})
        assert status == 201, opened
        status, ended = await sam.call("POST", f"/api/sessions/{opened['session']['id']}/end", {})
        assert status == 200, ended
    finally:
        await sam.close()

    page = await signed_in_page(browser, web_server.url, "Willow", **LONDON)
    await enter_room(page)
    banner = page.get_by_test_id("session-status")
    await expect(banner).to_contain_text(re.compile(r"This group next meets on Thursday \d+ \w+ at 19:00\."))
    await expect(banner).to_contain_text("The last session ended at")
    await expect(banner).not_to_contain_text("Thank you for being here")
    assert page.errors == []
    await page.context.close()
