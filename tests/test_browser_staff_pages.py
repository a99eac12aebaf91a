"""The staff-only pages (administration, the safeguarding console, supervision) are a file of their own, fetched
the first time someone opens one (frontend/src/main.ts `later`, views/staff_pages.ts), so a member's first
load over mobile data carries none of them. In the browser (Debian's chromium driven by Playwright): a member
signs in, enters a room and opens their account fetching one script; a hub admin opening the administration
fetches a second and lands on its heading; and when that file cannot be fetched the page says so."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import DEMO_PASSWORD, RunningServer
from tests.helpers_browser import enter_room, new_page

pytestmark = pytest.mark.browser


async def sign_in(browser: Any, base: str, pseudonym: str, prepare: Any = None) -> tuple[Any, list[str]]:
    """A new page signed in as `pseudonym`, and the list (kept up to date) of the scripts it has fetched."""
    page = await new_page(browser, prepare=prepare)
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    await page.goto(base + "/#/signin")
    await page.get_by_test_id("pseudonym").fill(pseudonym)
    await page.get_by_test_id("password").fill(DEMO_PASSWORD[pseudonym])
    await page.get_by_test_id("signin-submit").click()
    await page.get_by_role("link", name="Account", exact=True).wait_for()
    return page, scripts


async def test_a_member_fetches_one_script_and_staff_fetch_theirs_when_they_open_a_staff_page(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    base = web_server.url
    member, member_scripts = await sign_in(browser, base, "River")
    await enter_room(member)
    await member.get_by_role("link", name="Account", exact=True).click()
    await expect(member.get_by_role("heading", level=1)).to_have_text("Your account")
    assert len(member_scripts) == 1 and "/assets/index-" in member_scripts[0], member_scripts
    assert member.errors == []

    admin, admin_scripts = await sign_in(browser, base, "hub-admin")
    assert admin_scripts == member_scripts, "the same first load"
    await admin.get_by_role("link", name="Hub admin", exact=True).click()
    heading = admin.get_by_role("heading", level=1)
    await expect(heading).to_have_text("Hub administration")
    await expect(heading).to_be_focused()  # as on every page reached from another, once it has arrived
    await admin.get_by_test_id("admin-hub-link-1").wait_for()
    assert len(admin_scripts) == 2 and "/assets/staff_pages-" in admin_scripts[1], admin_scripts
    await admin.get_by_role("link", name="Groups", exact=True).click()
    await admin.get_by_test_id("group-link-1").wait_for()
    await admin.get_by_role("link", name="Hub admin", exact=True).click()
    await admin.get_by_test_id("admin-hub-link-1").wait_for()
    assert len(admin_scripts) == 2, "fetched once"
    assert admin.errors == []


async def test_a_staff_page_that_cannot_be_fetched_says_so(browser: Any, web_server: RunningServer) -> None:
    from playwright.async_api import expect

    async def offline_for_staff_pages(context: Any) -> None:
        await context.route("**/assets/staff_pages-*", lambda route: route.abort("internetdisconnected"))

    admin, _ = await sign_in(browser, web_server.url, "hub-admin", prepare=offline_for_staff_pages)
    await admin.get_by_role("link", name="Hub admin", exact=True).click()
    await expect(admin.get_by_role("alert")).to_have_text(
        "This page could not be loaded. Check your connection, then reload the page."
    )
    await expect(admin.get_by_role("heading", level=1)).to_have_count(0)
    assert admin.errors == []
