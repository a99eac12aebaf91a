"""Privacy in Debian's chromium (Playwright): sign-up shows the hub's privacy notice and terms and asks for
acceptance and the minimum age before creating the account; the account page downloads everything held about
the person as a JSON file and deletes the account after the password, saying what a safeguarding record keeps.
axe-core checks the sign-up form, the account page and the delete dialog against WCAG 2.2 AA."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunningServer
from tests.helpers_browser import accept_sign_up_notices, assert_accessible, new_page
from tests.helpers_privacy import user_named

pytestmark = pytest.mark.browser
PASSWORD = "a quiet lantern by the weir"


async def test_sign_up_with_the_notices_then_download_and_delete(
    browser: Any, web_server: RunningServer, tmp_path: Path
) -> None:
    from playwright.async_api import expect

    page = await new_page(browser, accept_downloads=True)
    await page.goto(web_server.url + "/#/signup")
    await expect(page.get_by_test_id("notices-status")).to_contain_text("Please read how")
    await page.get_by_test_id("signup-privacy-notice").locator("summary").click()
    await expect(page.get_by_test_id("signup-privacy-notice")).to_contain_text("UK GDPR")
    await expect(page.get_by_test_id("signup-terms")).to_be_attached()
    await expect(page.get_by_text("I am 18 or older")).to_be_visible()
    await assert_accessible(page, "the sign-up form with the notices")

    await page.get_by_test_id("signup-pseudonym").fill("Quiet Kestrel")
    await page.get_by_test_id("signup-password").fill(PASSWORD)
    await page.get_by_test_id("signup-submit").click()
    await expect(page.get_by_role("alert")).to_contain_text("accept the privacy notice and terms")
    await expect(page.get_by_test_id("signup-accept-notices")).to_be_focused()
    await page.get_by_test_id("signup-accept-notices").check()
    await page.get_by_test_id("signup-submit").click()
    await expect(page.get_by_role("alert")).to_contain_text("18 or older")
    assert await user_named(web_server, "Quiet Kestrel") is None, "nothing is created before both boxes"
    await accept_sign_up_notices(page)
    await page.get_by_test_id("signup-submit").click()
    await page.get_by_test_id("group-link-1").wait_for()
    user = await user_named(web_server, "Quiet Kestrel")
    assert user is not None and user.notice_version_accepted == 1 and user.minimum_age_confirmed == 18

    await page.goto(web_server.url + "/#/account")
    await expect(page.get_by_role("heading", name="Your data")).to_be_visible()
    await assert_accessible(page, "the account page with your data")
    async with page.expect_download() as downloading:
        await page.get_by_test_id("download-my-data").click()
    download = await downloading.value
    assert re.fullmatch(r"alongside-my-data-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    saved = tmp_path / "export.json"
    await download.save_as(saved)
    exported = json.loads(saved.read_text())
    assert exported["account"]["pseudonym"] == "Quiet Kestrel" and exported["left_out"]

    await page.get_by_test_id("delete-account").click()
    dialog = page.get_by_test_id("delete-dialog")
    await expect(dialog).to_contain_text("former member")
    await expect(dialog).to_contain_text("safeguarding record")
    await assert_accessible(page, "the delete-my-account dialog")
    await page.get_by_test_id("delete-cancel").click()
    await expect(dialog).to_have_count(0)
    await expect(page.get_by_test_id("delete-account")).to_be_focused()

    await page.get_by_test_id("delete-account").click()
    await page.get_by_test_id("delete-password").fill("not my password")
    await page.get_by_test_id("delete-confirm").click()
    await expect(dialog.get_by_role("alert")).not_to_be_empty()
    await page.get_by_test_id("delete-password").fill(PASSWORD)
    await page.get_by_test_id("delete-confirm").click()
    await expect(page).to_have_url(re.compile(r"#/signin"))
    await expect(page.get_by_role("status").filter(has_text="Your account is deleted")).to_be_visible()
    assert await user_named(web_server, "Quiet Kestrel") is None, "the name is gone"
    assert page.errors == []
    await page.context.close()
