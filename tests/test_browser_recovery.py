"""Account recovery in the browser (Debian's chromium driven by Playwright): a hub admin issues River a reset
link from the group's member list (shown once, with a copy button); River opens it signed out, chooses a new
password and signs in with it; "Forgot your password?" answers with the same neutral confirmation. axe-core
checks each page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import DEMO_PASSWORD, Api, RunningServer
from tests.helpers_browser import assert_accessible, new_page
from tests.helpers_recovery import NEW_PASSWORD

pytestmark = pytest.mark.browser


async def sign_in(page: Any, base: str, pseudonym: str, password: str) -> None:
    await page.goto(base + "/#/signin")
    await page.get_by_test_id("pseudonym").fill(pseudonym)
    await page.get_by_test_id("password").fill(password)
    await page.get_by_test_id("signin-submit").click()
    await page.get_by_role("link", name="Account", exact=True).wait_for()


async def test_a_staff_reset_link_lets_a_member_choose_a_new_password_and_sign_in(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    base = web_server.url
    river_api = Api(base)
    try:
        await river_api.login("River")
        admin = await new_page(browser)
        await sign_in(admin, base, "hub-admin", DEMO_PASSWORD["hub-admin"])
        await admin.goto(base + "/#/admin/groups/1")
        river_row = admin.get_by_test_id("member").filter(has_text="River")
        await river_row.get_by_role("button", name="Issue a password reset link for River").click()
        await admin.get_by_test_id("confirm-ok").click()
        link_field = admin.get_by_test_id("reset-link")
        await link_field.wait_for()
        link = await link_field.input_value()
        assert "/#/reset/" in link
        await expect(admin.get_by_test_id("reset-link-copy")).to_be_focused()
        await expect(admin.get_by_test_id("reset-link-panel")).to_contain_text("shown only once")
        await assert_accessible(admin, "a group's members with a reset link just issued")
        assert (await river_api.call("GET", "/api/me"))[0] == 401, "River was signed out everywhere"

        river = await new_page(browser)
        await river.goto(base + "/#/reset/" + link.rsplit("/", 1)[1])
        await expect(river.get_by_test_id("reset-for")).to_contain_text("River")
        await assert_accessible(river, "the reset page")
        await river.get_by_test_id("reset-password").fill(NEW_PASSWORD)
        await river.get_by_test_id("reset-submit").click()
        await expect(river.get_by_text("Your new password is saved")).to_be_visible()
        await assert_accessible(river, "the sign-in page after a reset")
        await river.get_by_test_id("pseudonym").fill("River")
        await river.get_by_test_id("password").fill(NEW_PASSWORD)
        await river.get_by_test_id("signin-submit").click()
        await river.get_by_role("link", name="Account", exact=True).wait_for()

        again = await new_page(browser)
        await again.goto(base + "/#/reset/" + link.rsplit("/", 1)[1])
        await expect(again.get_by_role("alert")).to_contain_text("does not work")
        await expect(again.get_by_test_id("reset-password")).to_have_count(0)
        assert not admin.errors and not river.errors and not again.errors
    finally:
        await river_api.close()


async def test_forgot_your_password_gives_a_neutral_confirmation(browser: Any, web_server: RunningServer) -> None:
    from playwright.async_api import expect

    page = await new_page(browser)
    await page.goto(web_server.url + "/#/signin")
    await page.get_by_test_id("to-forgot").click()
    await page.get_by_test_id("forgot-pseudonym").wait_for()
    await assert_accessible(page, "the forgotten password page")
    await page.get_by_test_id("forgot-submit").click()
    await expect(page.get_by_role("alert")).not_to_be_empty()  # no pseudonym yet
    await page.get_by_test_id("forgot-pseudonym").fill("Nobody By This Name")
    await page.get_by_test_id("forgot-submit").click()
    await expect(page.get_by_text("If that pseudonym has an email address with us")).to_be_focused()
    await expect(page.get_by_test_id("forgot-pseudonym")).to_be_hidden()
    await assert_accessible(page, "the forgotten password page after asking")
    assert not page.errors
