"""Shared pieces of the browser tests (Debian's chromium driven by Playwright): launching chromium, a demo
server, signing in, entering a room, and axe-core accessibility checks. Fixtures stay in each test file (a
fixture imported from here would read as an unused import there); they wrap these context managers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from server.demo import seed_demo
from server.settings import PROJECT_ROOT
from tests.conftest import DEMO_PASSWORD, Database, RunningServer, start_server
from tests.services import chromium_path, free_port, unavailable

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DIST = PROJECT_ROOT / "frontend" / "dist"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
AXE = PROJECT_ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA, as axe-core tags it (each level's own rules; AA needs A too).
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """Debian's chromium, headless (skips locally, fails under CI, when it or the built app is missing)."""
    executable = chromium_path()
    if not (DIST / "index.html").exists():
        unavailable("frontend/dist is not built (cd frontend && npm ci && npm run build)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            await instance.close()


@asynccontextmanager
async def demo_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A server on a free loopback port with a fresh SQLite database holding the demo hub, groups and people."""
    database = Database("sqlite", f"sqlite+aiosqlite:///{tmp_path}/alongside.db")
    running, runner = await start_server(database.settings(port=free_port()))
    try:
        await seed_demo(running.state.engine, running.state.passwords)
        yield running
    finally:
        await runner.cleanup()


async def new_page(browser: Any, width: int = 1200, prepare: Any = None, **options: Any) -> Any:
    """A page in a new context (London time, unless told otherwise) that collects uncaught page errors in
    `page.errors`; `prepare(context)` runs before the page exists."""
    options.setdefault("timezone_id", "Europe/London")
    # No colour transitions: axe must not measure a button's contrast halfway through one (a flake).
    options.setdefault("reduced_motion", "reduce")
    context = await browser.new_context(viewport={"width": width, "height": 900}, **options)
    if prepare is not None:
        await prepare(context)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


async def signed_in_page(
    browser: Any, base: str, pseudonym: str, width: int = 1200, prepare: Any = None, **options: Any
) -> Any:
    """A new browser context signed in as `pseudonym`; `prepare(context)` runs before its page exists."""
    page = await new_page(browser, width, prepare, **options)
    await page.goto(base + "/#/signin")
    await page.get_by_test_id("pseudonym").fill(pseudonym)
    await page.get_by_test_id("password").fill(DEMO_PASSWORD[pseudonym])
    await page.get_by_test_id("signin-submit").click()
    await page.get_by_test_id("group-link-1").wait_for()
    return page


async def accept_sign_up_notices(page: Any) -> None:
    """Tick the sign-up form's boxes: the hub's privacy notice and terms accepted, the minimum age confirmed."""
    await page.get_by_test_id("signup-accept-notices").check()
    await page.get_by_test_id("signup-confirm-age").check()


async def enter_room(page: Any) -> None:
    """Open group 1's room and wait until the join has been acknowledged (the status banner is filled in)."""
    from playwright.async_api import expect

    await page.get_by_test_id("group-link-1").click()
    await page.get_by_test_id("enter-room").click()
    await page.get_by_test_id("composer").wait_for()
    await expect(page.get_by_test_id("session-status")).not_to_be_empty()


async def axe_violations(page: Any, tags: list[str] | None = None) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now, one readable line per rule and element.

    The script is evaluated rather than added with add_script_tag: that adds an inline <script>, which the
    app's Content-Security-Policy (rightly) refuses."""
    if not AXE.exists():
        unavailable("axe-core is not installed (cd frontend && npm ci)")
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    # Styles settled first: a control that has just changed state (a Save button leaving its busy look) is
    # restyled at the next frame, and axe once measured one in between (white text on the busy background).
    await page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    found: list[dict[str, Any]] = await page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))",
        tags or WCAG_AA_TAGS,
    )
    lines: list[str] = []
    for violation in found:
        for node in violation["nodes"]:
            summary = " ".join(str(node["summary"] or "").split())
            rule = f"{violation['id']} ({violation['impact']}): {violation['help']}"
            lines.append(f"{rule} at {node['target']}: {summary}")
    return lines


async def assert_accessible(page: Any, where: str) -> None:
    """No WCAG 2.2 AA violations that axe-core can find; the failure lists each one readably."""
    problems = await axe_violations(page)
    assert not problems, f"axe-core found WCAG 2.2 AA problems on {where}:\n  " + "\n  ".join(problems)


XSS_PAYLOADS = PROJECT_ROOT / "tests" / "data" / "xss" / "payloads.txt"
# Every way a payload could run ends up in window.__xss: alert, confirm, prompt and print are replaced before
# any page script, and a native dialog that still opened is recorded by Playwright's dialog handler too.
XSS_TRAP = """
window.__xss = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (...args) => { window.__xss.push(name + ':' + args.join(',')); };
}
"""


def xss_payloads(limit: int | None = None) -> list[str]:
    """The copied XSS payloads (tests/data/xss/payloads.txt), in file order."""
    lines = [line for line in XSS_PAYLOADS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[:limit] if limit is not None else lines


async def trap_xss(context: Any) -> None:
    """A `prepare` for new_page/signed_in_page: install the window.__xss trap in every page of the context."""
    await context.add_init_script(XSS_TRAP)
    context.on("page", lambda page: page.on("dialog", lambda dialog: _record_dialog(page, dialog)))


async def _record_dialog(page: Any, dialog: Any) -> None:
    page.native_dialogs = [*getattr(page, "native_dialogs", []), dialog.message]
    await dialog.dismiss()


async def assert_no_xss(page: Any, where: str) -> None:
    """Nothing ran: the trap is in place, nothing reached it, and no native dialog opened."""
    trapped = await page.evaluate("Array.isArray(window.__xss) ? window.__xss : null")
    assert trapped is not None, f"the XSS trap was not installed on {where}"
    assert trapped == [], f"script ran on {where}: {trapped}"
    assert getattr(page, "native_dialogs", []) == [], f"a dialog opened on {where}: {page.native_dialogs}"
