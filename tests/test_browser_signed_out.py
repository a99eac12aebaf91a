"""A signed-out visitor's pages are quiet in the console: asking who is signed in answers 200 with null
(GET /api/auth/session), so no page logs a red 401 before anyone has done anything. And before joining, the
front door says what happens to what people write and links the privacy notice and terms, readable by anyone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import RunningServer
from tests.helpers_browser import assert_accessible, new_page

pytestmark = pytest.mark.browser

SIGNED_OUT_PAGES = ("/", "/#/signin", "/#/signup", "/#/forgot", "/#/help", "/#/privacy", "/#/groups")


async def test_signed_out_pages_log_no_errors_and_fail_no_requests(browser: Any, web_server: RunningServer) -> None:
    page = await new_page(browser)
    console_errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on(
        "response",
        lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None,
    )
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/api/auth/session" in request.url else None)
    try:
        for path in SIGNED_OUT_PAGES:
            await page.goto(web_server.url + path)
            await page.get_by_role("link", name="Sign in").first.wait_for()
            await page.get_by_role("heading", level=1).first.wait_for()
        assert asked, "the pages asked who is signed in"
        assert failed == [] and console_errors == [] and page.errors == []
    finally:
        await page.context.close()


async def test_the_front_door_says_what_happens_to_your_words_and_links_the_notice(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    for width in (1280, 390):
        page = await new_page(browser, width)
        try:
            await page.goto(web_server.url + "/")
            words = page.get_by_test_id("your-words")
            await expect(words).to_contain_text("deleted a set time after each session")
            await expect(words).to_contain_text("safeguarding leads")
            await words.get_by_role("link").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice and terms")
            notice = page.get_by_test_id("privacy-notice")
            await expect(notice).to_contain_text("UK GDPR")
            await expect(notice).to_contain_text("90 days")  # the hub's retention, filled into the default text
            await expect(page.get_by_test_id("terms")).to_contain_text("not a medical, emergency")
            await expect(page.get_by_test_id("notices-version")).to_have_text("Version 1")
            await assert_accessible(page, f"the privacy page at {width} px")
            await expect(page.get_by_test_id("footer-privacy")).to_be_visible()
        finally:
            await page.context.close()
