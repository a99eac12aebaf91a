"""A signed-out visitor's pages are quiet in the console: asking who is signed in answers 200 with null
(GET /api/auth/session), so no page logs a red 401 before anyone has done anything; and the pages still know
nobody is signed in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import RunningServer
from tests.helpers_browser import new_page

pytestmark = pytest.mark.browser

SIGNED_OUT_PAGES = ("/", "/#/signin", "/#/signup", "/#/forgot", "/#/help", "/#/groups")


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
