"""Hub administration, all in the browser (Debian's chromium driven by Playwright): a hub admin edits the hub
and its crisis lines, makes Willow a facilitator and records her training, creates a tagged group, schedules
it weekly and sees its next meeting, and makes an invitation link, then revokes it (checked over the API)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import DEMO_PASSWORD, Api, RunningServer
from tests.helpers_browser import assert_accessible, new_page

pytestmark = pytest.mark.browser
VIEWER_ZONE = "Europe/London"
HUB_ZONE = "Europe/Berlin"  # an hour ahead of the viewer, so meetings show in both zones


@pytest.fixture
async def admin_api(web_server: RunningServer) -> AsyncIterator[Api]:
    api = Api(web_server.url)
    await api.login("hub-admin")
    yield api
    await api.close()


async def sign_in(browser: Any, base: str, pseudonym: str) -> Any:
    """A new page (London time, British English) signed in as `pseudonym`, on whatever page follows."""
    page = await new_page(browser, timezone_id=VIEWER_ZONE, locale="en-GB")
    await page.goto(base + "/#/signin")
    await page.get_by_test_id("pseudonym").fill(pseudonym)
    await page.get_by_test_id("password").fill(DEMO_PASSWORD[pseudonym])
    await page.get_by_test_id("signin-submit").click()
    await page.get_by_role("link", name="Account", exact=True).wait_for()
    return page


async def test_a_hub_admin_runs_the_hub_in_the_browser(browser: Any, web_server: RunningServer, admin_api: Api) -> None:
    from playwright.async_api import expect

    base = web_server.url
    page = await sign_in(browser, base, "hub-admin")

    # ---- The hub: about text and time zone, then a crisis line edited and moved ----
    await page.goto(base + "/#/admin")
    await page.get_by_test_id("admin-hub-link-1").wait_for()
    await assert_accessible(page, "the hub administration overview")
    await page.get_by_test_id("admin-hub-link-1").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Settings of Riverside"))
    await assert_accessible(page, "the hub settings page")
    about = "Riverside peer support: small online groups, facilitated by trained peers.\nNot a crisis service."
    await page.get_by_test_id("hub-about").fill(about)
    await page.get_by_test_id("hub-time-zone").select_option(HUB_ZONE)
    await page.get_by_test_id("hub-save").click()
    await expect(page.get_by_text("The hub\u2019s settings have been saved.")).to_be_visible()

    await page.get_by_test_id("crisis-line").first.wait_for()
    await page.get_by_test_id("crisis-hours-1").fill("Every day, around the clock")
    # Keyboard reordering: Shout moves above Samaritans, and focus stays on the moved line's buttons.
    await page.get_by_role("button", name="Move up: Shout").focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("crisis-name-0")).to_have_value("Shout")
    assert await page.evaluate("document.activeElement.dataset.action") == "down"
    await page.get_by_test_id("crisis-save").click()
    await expect(page.get_by_text("The crisis lines have been saved.")).to_be_visible()
    # The country's defaults load into the editor (after a confirmation), not saved until Save.
    await page.get_by_role("button", name="Use the defaults for GB").click()
    await page.get_by_test_id("confirm-ok").click()
    await expect(page.get_by_text(re.compile("The 3 default lines for GB"))).to_be_visible()
    await expect(page.get_by_test_id("crisis-name-0")).to_have_value("Samaritans")

    status, hub = await admin_api.call("GET", "/api/hubs/1")
    assert status == 200 and hub["hub"]["about"] == about and hub["hub"]["time_zone"] == HUB_ZONE
    status, lines = await admin_api.call("GET", "/api/hubs/1/crisis-lines")
    assert [line["name"] for line in lines["lines"]][:2] == ["Shout", "Samaritans"]
    assert lines["lines"][0]["hours"] == "Every day, around the clock"

    # ---- Willow becomes a facilitator, with training that expires in 20 days ----
    await page.get_by_test_id("staff-pseudonym").fill("Willow")
    await page.get_by_test_id("staff-role").select_option("facilitator")
    await page.get_by_test_id("staff-add").click()
    willow = page.get_by_test_id("staff-Willow")
    await expect(willow).to_contain_text("Facilitator")
    await expect(willow).to_contain_text("None on record")

    today = dt.datetime.now(dt.UTC).date()
    await page.get_by_test_id("training-pseudonym").fill("Willow")
    await page.get_by_test_id("training-course").fill("Peer facilitator training")
    await page.get_by_test_id("training-completed").fill((today - dt.timedelta(days=700)).isoformat())
    await page.get_by_test_id("training-expires").fill((today + dt.timedelta(days=20)).isoformat())
    await page.get_by_test_id("training-add").click()
    await expect(page.get_by_text("Training recorded for Willow.")).to_be_visible()
    await expect(willow).to_contain_text("Expires in 20 days")
    await expect(page.get_by_test_id("training-expiring")).to_contain_text("Willow: Peer facilitator training")
    await assert_accessible(page, "the hub page with staff and training")

    # ---- A new group with two tags ----
    await page.get_by_role("link", name="Hub administration").click()
    await page.get_by_test_id("group-name").fill("Carers' evening")
    await page.get_by_test_id("group-description").fill("For carers, and LGBTQ+ carers especially.")
    await page.get_by_test_id("group-agreement").fill("We listen. What is shared here stays here.")
    await page.get_by_test_id("create-group").click()
    await page.get_by_test_id("new-group-settings-link").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Settings of Carers' evening")
    group_id = int(page.url.rsplit("/", 1)[1])

    tags = page.get_by_test_id("group-tags")
    await tags.fill("Carers")
    await tags.press("Enter")
    await tags.fill("lgbtq+,")
    chips = page.get_by_test_id("tag-chip")
    await expect(chips).to_have_count(2)
    # A chip can be taken away from the keyboard, and added back.
    await page.get_by_role("button", name="Remove tag carers").focus()
    await page.keyboard.press("Enter")
    await expect(chips).to_have_count(1)
    await tags.fill("carers")
    await tags.press("Enter")
    await page.get_by_test_id("group-settings-save").click()
    await expect(page.get_by_text("The group\u2019s settings have been saved.")).to_be_visible()
    status, group = await admin_api.call("GET", f"/api/groups/{group_id}")
    assert status == 200 and group["group"]["tags"] == ["carers", "lgbtq+"]

    # ---- Meeting every Thursday at 19:00, hub time ----
    await page.get_by_test_id("schedule-weekday").select_option("3")
    await page.get_by_test_id("schedule-time").fill("19:00")
    await page.get_by_test_id("schedule-add").click()
    await expect(page.get_by_test_id("schedule")).to_contain_text("Every Thursday at 19:00")
    first = page.get_by_test_id("occurrence").first
    await expect(first).to_contain_text("Thu")
    await expect(first).to_contain_text("19:00")
    await expect(first).to_contain_text("Your time:")
    await expect(first).to_contain_text("18:00")  # London is an hour behind Berlin, in winter and summer
    status, occurrences = await admin_api.call("GET", f"/api/groups/{group_id}/occurrences")
    assert status == 200 and occurrences["occurrences"], occurrences

    # One meeting cancelled (after a confirmation) and restored; the next moved to 20:30, hub time.
    await first.get_by_test_id("occurrence-cancel").click()
    await page.get_by_test_id("confirm-ok").click()
    await expect(first).to_have_attribute("data-status", "cancelled")
    await expect(first).to_contain_text("Cancelled")
    await first.get_by_test_id("occurrence-restore").click()
    await expect(first).to_have_attribute("data-status", "scheduled")
    second = page.get_by_test_id("occurrence").nth(1)
    await second.get_by_test_id("occurrence-move").click()
    await second.get_by_test_id("move-time").fill("20:30")
    await second.get_by_test_id("move-submit").click()
    await expect(second).to_have_attribute("data-status", "moved")
    await expect(second).to_contain_text("20:30")
    await expect(second).to_contain_text("19:30")  # the viewer's time

    # ---- An invitation link, shown once, then revoked ----
    await page.get_by_test_id("invitation-create").click()
    link = await page.get_by_test_id("invitation-link").input_value()
    assert link.startswith(base + "/#/invite/"), link
    token = link.rsplit("/", 1)[1]
    status, invited = await admin_api.call("GET", f"/api/invitations/{token}")
    assert status == 200 and invited["group"]["id"] == group_id
    invitation = page.get_by_test_id("invitation")
    await expect(invitation).to_have_attribute("data-state", "active")
    await assert_accessible(page, "the group settings page")

    await page.get_by_test_id("invitation-revoke").click()
    await page.get_by_test_id("confirm-ok").click()
    await expect(invitation).to_have_attribute("data-state", "revoked")
    await expect(page.get_by_test_id("invitation-link")).to_have_count(0)  # never shown again
    status, refused = await admin_api.call("GET", f"/api/invitations/{token}")
    assert status == 404, json.dumps(refused)

    # ---- Archived (after a confirmation), it stays in the hub's list, marked ----
    await page.get_by_test_id("group-archive-toggle").click()
    await page.get_by_test_id("confirm-ok").click()
    await expect(page.get_by_test_id("group-archived-banner")).to_be_visible()
    await page.get_by_role("link", name="Hub administration").click()
    listed = page.get_by_test_id(f"admin-group-{group_id}")
    await expect(listed).to_contain_text("Archived")
    await expect(page.get_by_test_id("admin-group-1")).not_to_contain_text("Archived")
    assert page.errors == []

    # ---- Willow sees her own training running out, on her account page ----
    willow_page = await sign_in(browser, base, "Willow")
    await willow_page.goto(base + "/#/account")
    notice = willow_page.get_by_test_id("my-training")
    await expect(notice).to_contain_text("expires in 20 days")
    await expect(notice).to_contain_text("Riverside Peer Support Hub")
    await assert_accessible(willow_page, "the account page with a training notice")


async def test_joining_by_request_members_and_the_agreement_in_the_browser(
    browser: Any, web_server: RunningServer, admin_api: Api
) -> None:
    from playwright.async_api import expect

    base = web_server.url
    page = await sign_in(browser, base, "hub-admin")
    await page.goto(base + "/#/admin/groups/2")
    await page.get_by_test_id("joining-request").check()
    await page.get_by_test_id("group-settings-save").click()
    await expect(page.get_by_text("The group\u2019s settings have been saved.")).to_be_visible()

    # Willow asks to join; the admin approves her from the page.
    willow = Api(base)
    try:
        await willow.login("Willow")
        status, asked = await willow.call("PUT", "/api/groups/2/membership", {"agreement_version": 1})
        assert status == 202 and asked["request"]["status"] == "pending", asked
    finally:
        await willow.close()
    await page.reload()
    request = page.get_by_test_id("join-request")
    await expect(request).to_contain_text("Willow")
    await page.get_by_role("button", name="Approve Willow").click()
    await expect(page.get_by_text("Willow has joined the group.")).to_be_visible()
    await expect(page.get_by_test_id("join-request")).to_have_count(0)
    members = page.get_by_test_id("member")
    await expect(members.filter(has_text="Willow")).to_have_count(1)

    # River is removed, after a confirmation.
    await page.get_by_role("button", name="Remove River from the group").click()
    await page.get_by_test_id("confirm-ok").click()
    await expect(page.get_by_text("River has been removed from the group.")).to_be_visible()
    await expect(members.filter(has_text="River")).to_have_count(0)
    status, listed = await admin_api.call("GET", "/api/groups/2/members")
    assert status == 200 and [m["pseudonym"] for m in listed["members"]] == ["Willow"]

    # A new agreement version; both versions can be read, and members are now a version behind.
    await page.get_by_test_id("agreement-text").fill("We listen. We speak for ourselves. We keep confidences.")
    await page.get_by_test_id("agreement-save").click()
    await page.get_by_test_id("confirm-ok").click()
    await expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    await expect(page.get_by_test_id("agreement-version-2")).to_contain_text("(current)")
    first = page.get_by_test_id("agreement-version-1")
    await first.locator("summary").click()
    await expect(first).to_contain_text("What is shared here stays here.")
    await page.reload()
    await expect(members.filter(has_text="Willow")).to_contain_text("not yet the current version")
    await assert_accessible(page, "the group page after those changes")
    assert page.errors == []


async def test_a_platform_admin_opens_a_hub_and_gives_it_an_admin(browser: Any, web_server: RunningServer) -> None:
    """Hubs and their admins are made in the browser too: the new admin signs in and finds their hub."""
    from playwright.async_api import expect

    from rooms import community

    state = web_server.state
    async with state.sessions() as db, db.begin():
        await community.create_user(
            db,
            pseudonym="Root",
            email=None,
            password_hash=await state.passwords.hash("a quiet lantern by the weir"),
            now=state.rooms.clock(),
            is_platform_admin=True,
        )
    page = await new_page(browser, timezone_id=VIEWER_ZONE, locale="en-GB")
    await page.goto(web_server.url + "/#/signin")
    await page.get_by_test_id("pseudonym").fill("Root")
    await page.get_by_test_id("password").fill("a quiet lantern by the weir")
    await page.get_by_test_id("signin-submit").click()
    await page.get_by_role("link", name="Hub admin").click()
    await page.get_by_test_id("new-hub-name").fill("Hillside Peer Support")
    await expect(page.get_by_test_id("new-hub-slug")).to_have_value("hillside-peer-support")
    await page.get_by_test_id("new-hub-locality").fill("Hillside")
    await page.get_by_test_id("new-hub-admin").fill("Hill Admin")
    await page.get_by_test_id("new-hub-admin-password").fill("steady rain on a tin roof")
    await page.get_by_test_id("create-hub").click()
    await expect(page.get_by_text("Hillside Peer Support is open, and Hill Admin is its admin.")).to_be_visible()
    await assert_accessible(page, "hub administration as a platform admin")

    newcomer = Api(web_server.url)
    try:
        await newcomer.login("Hill Admin", "steady rain on a tin roof")
        hubs = (await newcomer.call("GET", "/api/hubs"))[1]["hubs"]
        hub = next(h for h in hubs if h["name"] == "Hillside Peer Support")
        status, _ = await newcomer.call("GET", f"/api/hubs/{hub['id']}")
        assert status == 200, "the new admin administers the new hub"
        lines = (await newcomer.call("GET", f"/api/hubs/{hub['id']}/crisis-lines"))[1]["lines"]
        assert any("116 123" in line["phone"] for line in lines), "it starts with the country's crisis lines"
    finally:
        await newcomer.close()
    assert page.errors == []
