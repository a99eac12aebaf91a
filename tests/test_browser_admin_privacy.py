"""Privacy settings in the browser (issue 10, Debian's chromium driven by Playwright): a hub admin edits the hub's
privacy notice and record retention, which makes a new version that a new visitor's sign-up page shows; a
group's message retention is set in its settings and told to members on its page; and errors clear when they
stop being true (the new form, the sign-in form and the hub settings form) without saving again. axe-core
checks the new section."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import Api, RunningServer
from tests.helpers_browser import assert_accessible, new_page, signed_in_page

pytestmark = pytest.mark.browser

HUB = 1
GROUP = 1


async def hub_notices(base: str) -> dict[str, Any]:
    """The hub's notices as the server holds them (anyone may read them)."""
    api = Api(base)
    try:
        status, data = await api.call("GET", f"/api/hubs/{HUB}/notices")
        assert status == 200, data
        return dict(data)
    finally:
        await api.close()


async def test_a_hub_admin_edits_the_notice_and_retention_and_a_new_visitor_reads_it(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    base = web_server.url
    before = await hub_notices(base)
    admin = await signed_in_page(browser, base, "hub-admin")
    await admin.goto(f"{base}/#/admin/hubs/{HUB}")
    form = admin.get_by_test_id("notices-form")
    await expect(admin.get_by_test_id("notices-version")).to_have_text(f"Current version: {before['version']}")
    # Prefilled with what sign-up shows today (Alongside's default, naming the hub).
    await expect(admin.get_by_test_id("notices-privacy")).to_have_value(before["privacy_notice"])
    await expect(admin.get_by_test_id("notices-safeguarding-days")).to_have_value(
        str(before["safeguarding_retention_days"])
    )
    await assert_accessible(admin, "the hub admin page with the privacy notice, terms and retention")

    edited = "We keep what you share within this hub.\n\nAsk a hub admin about anything held about you."
    await admin.get_by_test_id("notices-privacy").fill(edited)
    await admin.get_by_test_id("notices-safeguarding-days").fill("1000")
    await admin.get_by_test_id("notices-save").click()
    saved = before["version"] + 1
    await expect(form.get_by_role("status")).to_have_text(f"Saved: version {saved}.")
    await expect(admin.get_by_test_id("notices-version")).to_have_text(f"Current version: {saved}")
    await assert_accessible(admin, "the privacy notice, terms and retention just saved")

    after = await hub_notices(base)
    assert after["version"] == saved
    assert after["privacy_notice"] == edited
    assert after["safeguarding_retention_days"] == 1000
    # Only changed fields were sent: the terms are still Alongside's default, the other numbers untouched.
    assert after["terms"] == before["terms"]
    assert after["minimum_age"] == before["minimum_age"]
    assert after["log_retention_days"] == before["log_retention_days"]

    visitor = await new_page(browser)
    await visitor.goto(base + "/#/signup")
    notice = visitor.get_by_test_id("signup-privacy-notice")
    await notice.locator("summary").click()
    await expect(notice).to_contain_text("We keep what you share within this hub.")
    await expect(notice).to_contain_text("Ask a hub admin about anything held about you.")

    # Emptied, the notice is Alongside's default again, naming the hub and stating the new retention.
    await admin.get_by_test_id("notices-privacy").fill("")
    await admin.get_by_test_id("notices-save").click()
    await expect(form.get_by_role("status")).to_have_text(f"Saved: version {saved + 1}.")
    restored = admin.get_by_test_id("notices-privacy")
    await expect(restored).to_have_value(re.compile(f"^Who we are: {re.escape(before['hub_name'])} runs"))
    await expect(restored).to_have_value(re.compile("kept for 1000 days"))
    assert not admin.errors and not visitor.errors


async def test_errors_clear_once_they_stop_being_true(browser: Any, web_server: RunningServer) -> None:
    from playwright.async_api import expect

    base = web_server.url
    before = await hub_notices(base)

    # The sign-in form: submitted empty, then filled in.
    visitor = await new_page(browser)
    await visitor.goto(base + "/#/signin")
    sign_in = visitor.locator("form").filter(has=visitor.get_by_test_id("signin-submit"))
    await visitor.get_by_test_id("signin-submit").click()
    for field in ("pseudonym", "password"):
        await expect(visitor.get_by_test_id(field)).to_have_attribute("aria-invalid", "true")
    await expect(sign_in.get_by_role("alert")).not_to_be_empty()
    await visitor.get_by_test_id("pseudonym").fill("River")
    await expect(visitor.get_by_test_id("pseudonym")).not_to_have_attribute("aria-invalid", "true")
    await expect(sign_in.get_by_role("alert")).not_to_be_empty()  # the password is still missing
    await visitor.get_by_test_id("password").fill("not submitted")
    await expect(visitor.get_by_test_id("password")).not_to_have_attribute("aria-invalid", "true")
    await expect(sign_in.get_by_role("alert")).to_be_empty()

    admin = await signed_in_page(browser, base, "hub-admin")
    await admin.goto(f"{base}/#/admin/hubs/{HUB}")

    # The new form: an out-of-range minimum age, then a good one.
    notices = admin.get_by_test_id("notices-form")
    age = admin.get_by_test_id("notices-minimum-age")
    await age.fill("5")
    await admin.get_by_test_id("notices-save").click()
    await expect(age).to_have_attribute("aria-invalid", "true")
    await expect(age).to_be_focused()
    await expect(notices.get_by_role("alert")).to_have_text(
        "Please enter a minimum age from 13 to 120, as a whole number."
    )
    await assert_accessible(admin, "the privacy notice form showing an error")
    await age.fill("21")
    await expect(age).not_to_have_attribute("aria-invalid", "true")
    await expect(notices.get_by_role("alert")).to_be_empty()

    # The hub settings form: the required name left empty, then given back.
    name = admin.get_by_test_id("hub-name")
    settings = admin.locator("form").filter(has=admin.get_by_test_id("hub-save"))
    hub_name = await name.input_value()
    await name.fill("")
    await admin.get_by_test_id("hub-save").click()
    await expect(name).to_have_attribute("aria-invalid", "true")
    await expect(settings.get_by_role("alert")).not_to_be_empty()
    await name.fill(hub_name)
    await expect(name).not_to_have_attribute("aria-invalid", "true")
    await expect(settings.get_by_role("alert")).to_be_empty()

    # Nothing was saved on the way: the rejected age never reached the server, and the fixed one was not sent.
    assert await hub_notices(base) == before
    assert not visitor.errors and not admin.errors


async def test_a_groups_message_retention_is_set_by_the_hub_admin_and_shown_to_members(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    base = web_server.url
    river = await signed_in_page(browser, base, "River")
    await river.goto(f"{base}/#/groups/{GROUP}")
    await expect(river.get_by_test_id("group-retention")).to_have_text(
        "Messages are kept for 90 days after each session, then deleted."
    )

    admin = await signed_in_page(browser, base, "hub-admin")
    await admin.goto(f"{base}/#/admin/groups/{GROUP}")
    retention = admin.get_by_test_id("group-retention-days")
    await expect(retention).to_have_value("90")
    settings = admin.locator("form").filter(has=admin.get_by_test_id("group-settings-save"))
    await retention.fill("0")
    await admin.get_by_test_id("group-settings-save").click()
    await expect(retention).to_have_attribute("aria-invalid", "true")
    # The form has two alerts (the tag input has its own): the one that speaks is the form's.
    speaking = settings.get_by_role("alert").filter(has_text=re.compile(r"\S"))
    await expect(speaking).to_have_text("Please enter the days messages are kept as a whole number from 1 to 3650.")
    await retention.fill("45")
    await expect(retention).not_to_have_attribute("aria-invalid", "true")
    await expect(speaking).to_have_count(0)
    await admin.get_by_test_id("group-settings-save").click()
    await expect(settings.get_by_role("status")).to_have_text("The group\u2019s settings have been saved.")
    await assert_accessible(admin, "the group settings with the message retention")

    await river.reload()
    await expect(river.get_by_test_id("group-retention")).to_have_text(
        "Messages are kept for 45 days after each session, then deleted."
    )
    await assert_accessible(river, "the group page telling a member how long messages are kept")
    assert not admin.errors and not river.errors
