"""The account screens in Debian's chromium: the password hint while typing, two-factor enrolment and the
code step at sign-in, the devices list and signing out everywhere."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

from server.demo import seed_demo
from server.settings import PROJECT_ROOT
from tests.conftest import DEMO_PASSWORD, Database, RunningServer, start_server
from tests.services import chromium_path, free_port, unavailable

pytestmark = pytest.mark.browser
DIST = PROJECT_ROOT / "frontend" / "dist"


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    executable = chromium_path()
    if not (DIST / "index.html").exists():
        unavailable("frontend/dist is not built (cd frontend && npm ci && npm run build)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu", "--no-first-run"], headless=True
        )
        yield instance
        await instance.close()


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[RunningServer]:
    database = Database("sqlite", f"sqlite+aiosqlite:///{tmp_path}/alongside.db")
    running, runner = await start_server(database.settings(port=free_port()))
    await seed_demo(running.state.engine, running.state.passwords)
    yield running
    await runner.cleanup()


async def sign_in_form(page: Any, base: str, pseudonym: str) -> None:
    await page.goto(base + "/#/signin")
    await page.get_by_test_id("pseudonym").fill(pseudonym)
    await page.get_by_test_id("password").fill(DEMO_PASSWORD[pseudonym])
    await page.get_by_test_id("signin-submit").click()


async def test_the_password_hint_speaks_while_typing(chromium: Any, site: RunningServer) -> None:
    from playwright.async_api import expect

    page = await (await chromium.new_context()).new_page()
    await page.goto(site.url + "/#/signup")
    await page.get_by_test_id("signup-pseudonym").fill("Evening Heron")
    await page.get_by_test_id("signup-password").fill("password12")
    hint = page.get_by_test_id("password-hint")
    await expect(hint).to_contain_text("This password would be easy to guess.")
    await expect(hint).to_contain_text("This is a very common password.")
    await page.get_by_test_id("signup-password").fill("lichen grows on the north wall")
    await expect(hint).to_contain_text("Good: this password would be hard to guess.")
    described = await page.get_by_test_id("signup-password").get_attribute("aria-describedby")
    assert described is not None and await hint.get_attribute("id") in described.split()


async def test_two_factor_enrolment_code_step_and_devices(chromium: Any, site: RunningServer) -> None:
    from playwright.async_api import expect

    page = await (await chromium.new_context()).new_page()
    await sign_in_form(page, site.url, "Sam")
    await page.get_by_test_id("group-link-1").wait_for()
    await page.goto(site.url + "/#/account")
    await expect(page.get_by_test_id("device-list")).to_contain_text("This device")
    await page.get_by_test_id("two-factor-password").fill(DEMO_PASSWORD["Sam"])
    await page.get_by_test_id("two-factor-start").click()
    secret = (await page.get_by_test_id("two-factor-secret").inner_text()).replace(" ", "")
    totp = pyotp.TOTP(secret)
    await page.get_by_test_id("two-factor-confirm-code").fill(totp.now())
    await page.get_by_test_id("two-factor-confirm").click()
    await expect(page.get_by_test_id("two-factor-disable")).to_be_visible()

    other = await (await chromium.new_context()).new_page()
    await sign_in_form(other, site.url, "Sam")
    await other.get_by_test_id("two-factor-code").fill(totp.at(time.time() + 30))  # the next code: not yet used
    await other.get_by_test_id("two-factor-submit").click()
    await other.get_by_test_id("group-link-1").wait_for()

    await page.reload()
    devices = page.get_by_test_id("device-list").locator("li")
    await expect(devices).to_have_count(2)
    await page.get_by_test_id("sign-out-everywhere").click()
    await page.get_by_test_id("confirm-ok").click()
    await page.get_by_test_id("signin-submit").wait_for()
    await other.reload()  # the other browser's session is gone too
    await other.get_by_test_id("signin-submit").wait_for()


async def test_a_hub_admin_requires_two_factor_of_the_staff(chromium: Any, site: RunningServer) -> None:
    from playwright.async_api import expect

    admin = await (await chromium.new_context()).new_page()
    await sign_in_form(admin, site.url, "hub-admin")
    await admin.get_by_test_id("group-link-1").wait_for()
    await admin.goto(site.url + "/#/account")
    rule = admin.get_by_test_id("require-two-factor-1")
    await rule.click()  # not check(): the refusal may already have unticked it when check() looks
    await expect(
        admin.get_by_role("alert").filter(has_text="Turn on two-factor sign-in for yourself first")
    ).to_be_visible()
    await expect(rule).not_to_be_checked()
    await admin.get_by_test_id("two-factor-password").fill(DEMO_PASSWORD["hub-admin"])
    await admin.get_by_test_id("two-factor-start").click()
    secret = (await admin.get_by_test_id("two-factor-secret").inner_text()).replace(" ", "")
    await admin.get_by_test_id("two-factor-confirm-code").fill(pyotp.TOTP(secret).now())
    await admin.get_by_test_id("two-factor-confirm").click()
    await expect(admin.get_by_test_id("two-factor-disable")).to_be_visible()
    await rule.click()
    await expect(rule).to_be_checked()
    await expect(admin.get_by_text("Staff of Riverside Peer Support Hub now need two-factor sign-in.")).to_be_visible()

    sam = await (await chromium.new_context()).new_page()
    await sign_in_form(sam, site.url, "Sam")
    await expect(
        sam.get_by_text("Your hub asks its staff to use two-factor sign-in. Please turn it on")
    ).to_be_visible()
    await expect(sam.get_by_test_id("two-factor-start")).to_be_visible()
