"""Languages in the real browser (issue 10, "Languages"): the browser's language is the default, the picker's
choice is kept in the browser and on the account, Arabic mirrors the whole room without breaking its layout
(screenshots at desktop and phone sizes), people's own text takes its own direction inside either interface
direction (dir="auto"), and times are written the language's way by Intl."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Api, RunningServer, open_session
from tests.helpers_browser import assert_accessible, enter_room, new_page, signed_in_page
from tests.helpers_catalogue import read_catalogue
from tests.helpers_chat import call, send
from tests.helpers_recovery import join_group

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SALMA = "سلمى"  # a member whose pseudonym is in Arabic script
ARABIC_GROUP = "دعم الأقران للقلق!"  # group 1 renamed: Arabic, ending in punctuation
ARABIC_MESSAGE = "مرحبا بالجميع، كيف حالكم اليوم؟"
ENGLISH_MESSAGE = "Hello everyone, how are you today?"

# What a dir="auto" element resolved to, and where its first and last characters were drawn: with the wrong
# direction, end punctuation is drawn at the start ("?Hello everyone" in a right-to-left paragraph).
LAYOUT_OF_TEXT = """el => {
  const text = [...el.childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
  const at = (i) => { const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
                      const box = r.getBoundingClientRect(); return box.left + box.width / 2; };
  const value = text.textContent;
  return {dirAttr: el.getAttribute('dir'), direction: getComputedStyle(el).direction,
          first: at(value.search(/\\S/)), last: at(value.trimEnd().length - 1)};
}"""


# A message's <time> as shown, and the same instant formatted by Intl in its language and in another (the
# room shows the time only for today, the date too otherwise; the full date and time is the tooltip).
TIME_IN_LANGUAGES = """(el, [lang, other]) => {
  const date = new Date(el.getAttribute('datetime'));
  const today = date.toDateString() === new Date().toDateString();
  const short = (tag) => new Intl.DateTimeFormat(tag, today ? {hour: 'numeric', minute: '2-digit'}
                                                            : {dateStyle: 'medium', timeStyle: 'short'}).format(date);
  const full = (tag) => new Intl.DateTimeFormat(tag, {dateStyle: 'full', timeStyle: 'long'}).format(date);
  return {text: el.textContent, title: el.title, expected: short(lang), other: short(other),
          expectedFull: full(lang), otherFull: full(other)};
}"""


def titles(key: str) -> dict[str, str]:
    """A catalogue string in every language, read from the catalogue sources."""
    return {lang: read_catalogue(lang).messages[key] for lang in ("en", "cy", "ar")}


async def html_language(page: Any) -> tuple[str, str]:
    result = await page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
    return result[0], result[1]


async def wait_for_language(page: Any, lang: str) -> None:
    await page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)


async def pick_language(page: Any, lang: str, button: str) -> None:
    """Choose a language in the footer's picker and press its button; the page reloads into it."""
    await page.get_by_test_id("language-select").select_option(lang)
    await page.get_by_test_id("language-picker").get_by_role("button", name=button).click()
    await wait_for_language(page, lang)


async def me(base: str, pseudonym: str) -> dict[str, Any]:
    api = Api(base)
    try:
        await api.login(pseudonym)
        status, data = await api.call("GET", "/api/me")
        assert status == 200, data
        user: dict[str, Any] = data.get("user", data)
        return user
    finally:
        await api.close()


async def as_admin(base: str, method: str, path: str, body: Any) -> Any:
    admin = Api(base)
    try:
        await admin.login("hub-admin")
        status, data = await admin.call(method, path, body)
        assert status == 200, data
        return data
    finally:
        await admin.close()


async def start_session(base: str) -> None:
    sam = Api(base)
    try:
        await sam.login("Sam")
        await open_session(sam)
    finally:
        await sam.close()


async def test_the_browser_language_is_the_default_and_others_fall_back_to_english(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    heading = titles("auth.signIn.title")
    for browser_locale, lang, direction in (("cy-GB", "cy", "ltr"), ("ar", "ar", "rtl"), ("fr-FR", "en", "ltr")):
        page = await new_page(browser, locale=browser_locale)
        await page.goto(web_server.url + "/#/signin")
        await expect(page.get_by_role("heading", level=1)).to_have_text(heading[lang])
        assert await html_language(page) == (lang, direction), browser_locale
        assert page.errors == []
        await page.context.close()


async def test_the_picked_language_is_kept_in_the_browser_and_on_the_account(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    heading, apply = titles("auth.signIn.title"), titles("language.apply")

    # Signed out: Cymraeg from the picker, kept across a reload.
    page = await new_page(browser, locale="en-GB")
    await page.goto(web_server.url + "/#/signin")
    await expect(page.get_by_role("heading", level=1)).to_have_text(heading["en"])
    await pick_language(page, "cy", apply["en"])
    await expect(page.get_by_role("heading", level=1)).to_have_text(heading["cy"])
    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text(heading["cy"])
    assert await html_language(page) == ("cy", "ltr")
    await page.context.close()

    # Signed in as River: العربية goes on the account.
    assert (await me(web_server.url, "River")).get("language") is None
    river = await signed_in_page(browser, web_server.url, "River", locale="en-GB")
    await pick_language(river, "ar", apply["en"])
    assert await html_language(river) == ("ar", "rtl")
    assert (await me(web_server.url, "River"))["language"] == "ar"
    await river.context.close()

    # Another browser, in English: signing in as River turns the interface Arabic.
    elsewhere = await signed_in_page(browser, web_server.url, "River", locale="en-GB")
    await wait_for_language(elsewhere, "ar")
    assert await html_language(elsewhere) == ("ar", "rtl")
    await expect(elsewhere.get_by_test_id("language-picker").get_by_role("button")).to_have_text(apply["ar"])
    assert elsewhere.errors == []
    # Each test has its own demo server (the web_server fixture is per test), so River's choice ends here.


async def boxes(page: Any) -> dict[str, dict[str, float]]:
    """Where the room's landmarks were drawn."""
    found: dict[str, dict[str, float]] = await page.evaluate(
        """() => {
          const box = (el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right}; };
          const q = (s) => document.querySelector(s);
          const text = (el) => { const r = document.createRange(); r.selectNodeContents(el); return box(r); };
          return {main: box(q('main')), chat: box(q('.chat')), side: box(q('.room__side')),
                  composer: box(q('.composer')), send: box(q('[data-testid="send"]')),
                  textarea: box(q('[data-testid="composer"]')), breadcrumb: box(q('.breadcrumb a')),
                  item: box(q('[data-testid="message"]')), author: box(q('.message__author')),
                  time: box(q('[data-testid="message"] time')), title: text(q('h1'))};
        }"""
    )
    return found


async def no_horizontal_scroll(page: Any) -> None:
    overflow = await page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,"
        " wide: [...document.querySelectorAll('body *')].filter(el => { const r = el.getBoundingClientRect();"
        " return r.width > 0 && (r.left < -1 || r.right > document.documentElement.clientWidth + 1); })"
        ".slice(0, 5).map(el => el.tagName + '.' + el.className)})"
    )
    assert overflow["scroll"] <= overflow["client"], overflow


def keep_screenshot(path: Path) -> None:
    """A PNG with content; copied to ALONGSIDE_SCREENSHOTS_DIR when that is set, to look at by eye."""
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000, (path, len(data))
    target = os.environ.get("ALONGSIDE_SCREENSHOTS_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


async def test_the_room_is_mirrored_in_arabic_at_desktop_and_phone_sizes(
    browser: Any, web_server: RunningServer, tmp_path: Path
) -> None:
    from playwright.async_api import expect

    await start_session(web_server.url)
    english = await signed_in_page(browser, web_server.url, "Willow", locale="en-GB")
    await enter_room(english)
    await english.get_by_test_id("composer").fill(ENGLISH_MESSAGE)
    await english.get_by_test_id("send").click()
    await expect(english.get_by_test_id("message-body").last).to_have_text(ENGLISH_MESSAGE)

    arabic = await signed_in_page(browser, web_server.url, "River", locale="ar")
    await enter_room(arabic)
    assert await html_language(arabic) == ("ar", "rtl")
    await arabic.get_by_test_id("composer").fill(ARABIC_MESSAGE)
    await arabic.get_by_test_id("send").click()
    await expect(arabic.get_by_test_id("message-body").last).to_have_text(ARABIC_MESSAGE)
    await expect(arabic.get_by_test_id("send")).to_have_text(titles("room.send")["ar"])

    for size in (DESKTOP, PHONE):
        await english.set_viewport_size(size)
        await arabic.set_viewport_size(size)
        ltr, rtl = await boxes(english), await boxes(arabic)
        where = f"at {size['width']}x{size['height']}"
        # The start edge is the left in English and the right in Arabic: the way back to the group, each
        # message's author (time after it) and the composer's text box; the send button sits at the end.
        assert abs(ltr["breadcrumb"]["left"] - ltr["main"]["left"]) < 40, (where, ltr)
        assert abs(rtl["breadcrumb"]["right"] - rtl["main"]["right"]) < 40, (where, rtl)
        assert ltr["author"]["left"] - ltr["item"]["left"] < 30, (where, ltr)
        assert ltr["time"]["left"] > ltr["author"]["right"], (where, ltr)
        assert rtl["item"]["right"] - rtl["author"]["right"] < 30, (where, rtl)
        assert rtl["time"]["right"] < rtl["author"]["left"], (where, rtl)
        # The room's title (an English group name, dir="auto") stays at the page's start in Arabic too.
        assert abs(ltr["title"]["left"] - ltr["main"]["left"]) < 40, (where, ltr)
        assert abs(rtl["title"]["right"] - rtl["main"]["right"]) < 40, (where, rtl)
        assert ltr["composer"]["right"] - ltr["send"]["right"] < 40, (where, ltr)
        assert rtl["send"]["left"] - rtl["composer"]["left"] < 40, (where, rtl)
        if size is DESKTOP:
            # Side by side at this width: the conversation at the start, the people here at the end.
            assert ltr["chat"]["right"] <= ltr["side"]["left"], (where, ltr)
            assert rtl["chat"]["left"] >= rtl["side"]["right"], (where, rtl)
        await no_horizontal_scroll(arabic)
        await no_horizontal_scroll(english)
        # The room from its top, as it first shows (the help link back in the header, not floating).
        await arabic.wait_for_function(
            "() => { window.scrollTo(0, 0); return !document.querySelector('.help-link--floating'); }", polling=100
        )
        shot = tmp_path / f"room-ar-{size['width']}x{size['height']}.png"
        await arabic.screenshot(path=str(shot), full_page=True)
        keep_screenshot(shot)
        await assert_accessible(arabic, f"the room in Arabic {where}")
    assert arabic.errors == [] and english.errors == []


async def resolved(page: Any, locator: Any) -> dict[str, Any]:
    await locator.wait_for()
    result: dict[str, Any] = await locator.evaluate(LAYOUT_OF_TEXT)
    return result


def assert_reads(found: dict[str, Any], direction: str, what: str) -> None:
    """dir="auto" on the element, resolved to `direction`, with the text's end drawn at that direction's end."""
    assert found["dirAttr"] == "auto", (what, found)
    assert found["direction"] == direction, (what, found)
    if direction == "rtl":
        assert found["last"] < found["first"], (what, "the last character is not drawn at the left end", found)
    else:
        assert found["last"] > found["first"], (what, "the last character is not drawn at the right end", found)


async def test_peoples_text_takes_its_own_direction_and_times_are_written_the_languages_way(
    browser: Any, web_server: RunningServer
) -> None:
    from playwright.async_api import expect

    await as_admin(web_server.url, "PATCH", "/api/groups/1", {"name": ARABIC_GROUP})
    await start_session(web_server.url)
    salma = Api(web_server.url)
    try:
        signup = {"pseudonym": SALMA, "password": "a long enough password"}
        status, data = await salma.call("POST", "/api/auth/signup", signup)
        assert status in (200, 201), data
        await join_group(web_server, SALMA)
        client = await salma.socket()
        joined = await call(client, "room:join", {"group_id": 1})
        assert joined.get("ok"), joined
        sent = await send(client, ARABIC_MESSAGE)
        assert sent.get("ok"), sent

        english = await signed_in_page(browser, web_server.url, "River", locale="en-GB")
        arabic = await signed_in_page(browser, web_server.url, "Willow", locale="ar")
        welsh = await signed_in_page(browser, web_server.url, "Sam", locale="cy-GB")
        assert await html_language(english) == ("en", "ltr")
        assert await html_language(welsh) == ("cy", "ltr")

        # Group names: the Arabic one right to left in the English directory; an English one left to right in
        # the Arabic directory.
        assert_reads(await resolved(english, english.get_by_test_id("group-link-1")), "rtl", "Arabic group name, en")
        english_group = arabic.locator("[data-testid^='group-link-']:not([data-testid='group-link-1'])").first
        assert_reads(await resolved(arabic, english_group), "ltr", "English group name, ar")

        for page in (english, arabic, welsh):
            await enter_room(page)
        await arabic.get_by_test_id("composer").fill(ENGLISH_MESSAGE)
        await arabic.get_by_test_id("send").click()
        for page in (english, arabic):
            await expect(page.get_by_test_id("message-body").last).to_have_text(ENGLISH_MESSAGE)

        # In the English interface: Salma's message and name, and the room's Arabic title, read right to left.
        salmas = english.get_by_test_id("message").filter(has_text=ARABIC_MESSAGE)
        assert_reads(await resolved(english, salmas.get_by_test_id("message-body")), "rtl", "Arabic message, en")
        assert_reads(await resolved(english, salmas.locator(".message__author")), "rtl", "Arabic pseudonym, en")
        assert_reads(await resolved(english, english.get_by_test_id("room-name")), "rtl", "Arabic group, en room")
        # In the Arabic interface: Willow's English message and name read left to right, end punctuation last.
        willows = arabic.get_by_test_id("message").filter(has_text=ENGLISH_MESSAGE)
        assert_reads(await resolved(arabic, willows.get_by_test_id("message-body")), "ltr", "English message, ar")
        assert_reads(await resolved(arabic, willows.locator(".message__author")), "ltr", "English pseudonym, ar")
        # Names inside the interface's own sentences are isolated: Salma typing, in the English room; the
        # facilitator who opened the session, in the Arabic room's banner.
        await client.emit("typing", {"group_id": 1, "typing": True}, namespace="/chat")
        typing = english.get_by_test_id("typing").locator("bdi")
        await expect(typing).to_have_text(SALMA)
        assert_reads(await resolved(english, typing), "rtl", "Arabic pseudonym typing, en")
        opener = arabic.get_by_test_id("session-status").locator("bdi", has_text="Sam")
        await expect(opener).to_have_text("Sam")
        assert_reads(await resolved(arabic, opener), "ltr", "English pseudonym in the banner, ar")
        # The composer takes the direction of what is typed into it.
        assert await arabic.get_by_test_id("composer").get_attribute("dir") == "auto"

        # Times: each interface writes the same instant its own way, as Intl does for its language (in the
        # browser's regional variant of it: British English, Welsh of Wales), unlike the English interface.
        for page, tag in ((welsh, "cy-GB"), (arabic, "ar"), (english, "en-GB")):
            time = page.get_by_test_id("message").filter(has_text=ARABIC_MESSAGE).locator("time")
            shown = await time.evaluate(TIME_IN_LANGUAGES, [tag, "en-GB"])
            assert shown["text"] == shown["expected"] and shown["title"] == shown["expectedFull"], (tag, shown)
            if tag != "en-GB":
                assert shown["title"] != shown["otherFull"], (tag, shown)
        arabic_time = await arabic.get_by_test_id("message").first.locator("time").text_content()
        assert arabic_time is not None and ("ص" in arabic_time or "م" in arabic_time), arabic_time
        assert english.errors == [] and arabic.errors == [] and welsh.errors == []
    finally:
        await salma.close()
