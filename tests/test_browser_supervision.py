"""After a session, in Debian's chromium driven by Playwright: the facilitator ends the session in the room, lands on
the debrief form and writes it; the hub admin reads it under Supervision and marks it discussed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.demo import seed_demo
from server.settings import PROJECT_ROOT
from tests.conftest import DEMO_PASSWORD, Api, Database, RunningServer, open_session, start_server
from tests.services import chromium_path, free_port, unavailable

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DIST = PROJECT_ROOT / "frontend" / "dist"
AXE = PROJECT_ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    executable = chromium_path()
    if not (DIST / "index.html").exists():
        unavailable("frontend/dist is not built (cd frontend && npm ci && npm run build)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield instance
        await instance.close()


@pytest.fixture
async def web_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    database = Database("sqlite", f"sqlite+aiosqlite:///{tmp_path}/alongside.db")
    running, runner = await start_server(database.settings(port=free_port()))
    await seed_demo(running.state.engine, running.state.passwords)
    yield running
    await runner.cleanup()


async def signed_in(browser: Any, base: str, pseudonym: str) -> Any:
    context = await browser.new_context(
        viewport={"width": 1200, "height": 900}, timezone_id="Europe/London", locale="en-GB"
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    await page.goto(base + "/#/signin")
    await page.get_by_test_id("pseudonym").fill(pseudonym)
    await page.get_by_test_id("password").fill(DEMO_PASSWORD[pseudonym])
    await page.get_by_test_id("signin-submit").click()
    await page.get_by_role("link", name="Account", exact=True).wait_for()
    return page


async def axe_violations(page: Any) -> list[str]:
    """Serious and critical axe-core findings on the page as it is now (none when axe is not installed)."""
    if not AXE.exists():
        return []
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    found = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"
    )
    return list(found)


async def test_a_facilitator_debriefs_and_the_hub_admin_discusses_it(browser: Any, web_server: RunningServer) -> None:
    from playwright.async_api import expect

    base = web_server.url
    sam_api = Api(base)
    try:
        await sam_api.login("Sam")
        session = await open_session(sam_api)
    finally:
        await sam_api.close()

    sam = await signed_in(browser, base, "Sam")
    assert await sam.get_by_role("link", name="Supervision", exact=True).count() == 0  # a facilitator only
    await sam.goto(base + "/#/rooms/1")
    await sam.get_by_test_id("end-session").click()
    await sam.get_by_test_id("confirm-ok").click()
    await sam.wait_for_url(f"**/#/debrief/{session['id']}")
    await expect(sam.get_by_role("heading", level=1)).to_have_text("After the session")
    await expect(sam.get_by_test_id("debrief-intro")).to_contain_text("never shown to members")
    await expect(sam.get_by_test_id("debrief-session")).to_contain_text("Thursday evening circle")
    await sam.get_by_label("How did the session go?").fill("Gentle start; two people shared for the first time.")
    await sam.get_by_label("Anything to follow up?").fill("Check in with the quieter newcomer next week.")
    await sam.get_by_label("How are you doing?").fill("A bit drained, glad I came.")
    assert await axe_violations(sam) == []
    await sam.get_by_test_id("debrief-save").click()
    await expect(sam.get_by_test_id("debrief-saved")).to_contain_text("gone to supervision")
    ARTIFACTS.mkdir(exist_ok=True)
    await sam.screenshot(path=str(ARTIFACTS / "debrief.png"), full_page=True)
    assert sam.errors == []

    admin = await signed_in(browser, base, "hub-admin")
    await admin.get_by_role("link", name="Supervision", exact=True).click()
    await expect(admin.get_by_role("heading", level=1)).to_have_text("Supervision")
    item = admin.get_by_test_id("debriefs-1").get_by_role("listitem").filter(has_text="debrief by Sam")
    await expect(item).to_contain_text("Gentle start; two people shared for the first time.")
    await expect(item).to_contain_text("Check in with the quieter newcomer next week.")
    await expect(item).to_contain_text("Waiting to be discussed")
    sessions = admin.get_by_test_id("attendance-sessions")
    await expect(sessions).to_contain_text("Thursday evening circle")
    assert "Sam" not in await admin.get_by_test_id("attendance-1").inner_text()  # counts, never names
    assert await axe_violations(admin) == []
    await admin.screenshot(path=str(ARTIFACTS / "supervision.png"), full_page=True)

    await item.get_by_role("button", name="Mark discussed").click()
    await expect(item).to_contain_text("Discussed by hub-admin")
    await expect(item.get_by_role("button", name="Mark discussed")).to_have_count(0)
    await admin.get_by_test_id("debrief-filter-discussed").check()
    await expect(admin.get_by_test_id("debriefs-1")).to_contain_text("debrief by Sam")
    await admin.get_by_test_id("debrief-filter-open").check()
    await expect(admin.get_by_test_id("debriefs-1")).to_contain_text("No debriefs are waiting to be discussed.")
    assert admin.errors == []

    # Once discussed, the facilitator's debrief is read-only.
    await sam.reload()
    await expect(sam.get_by_text("discussed in supervision")).to_be_visible()
    assert await sam.get_by_test_id("debrief-save").count() == 0
    for page in (sam, admin):
        await page.context.close()
