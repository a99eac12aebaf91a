"""Browser sessions: replaced on sign-in, idle timeout, the list of signed-in devices and signing them out."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from server.auth import SessionTokens
from server.auth_models import WebSession
from tests.conftest import DEMO_PASSWORD, Api, Database, RunningServer
from tests.helpers_auth import FakeClock, clients, server_with, session_token, with_session_cookie
from tests.helpers_chat import NS, Inbox, call


async def test_signing_in_revokes_the_session_the_browser_presented(api_factory: Any) -> None:
    browser: Api = await api_factory("River")
    old = session_token(browser)
    await browser.login("Willow")  # the same browser, presenting River's cookie
    assert session_token(browser) != old
    status, data = await browser.call("GET", "/api/me")
    assert status == 200 and data["user"]["pseudonym"] == "Willow"
    replay: Api = await api_factory()
    with_session_cookie(replay, old)
    status, data = await replay.call("GET", "/api/me")
    assert status == 401 and data["error"]["code"] == "not_authenticated", "the fixated token no longer works"


async def test_signing_up_revokes_the_session_the_browser_presented(api_factory: Any) -> None:
    browser: Api = await api_factory("River")
    old = session_token(browser)
    status, _ = await browser.call(
        "POST", "/api/auth/signup", {"pseudonym": "Fresh Start", "password": "long enough pass"}
    )
    assert status == 201
    replay: Api = await api_factory()
    with_session_cookie(replay, old)
    assert (await replay.call("GET", "/api/me"))[0] == 401


FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)


async def sign_in_as(api: Api, pseudonym: str, user_agent: str) -> None:
    body = {"pseudonym": pseudonym, "password": DEMO_PASSWORD[pseudonym]}
    status, data = await api.call("POST", "/api/auth/login", body, headers={"User-Agent": user_agent})
    assert status == 200, data


async def last_seen(server: RunningServer, api: Api) -> dt.datetime:
    async with server.state.sessions() as db, db.begin():
        row = await db.get(WebSession, server.state.tokens.digest(session_token(api)))
        assert row is not None
        return row.last_seen_at


async def test_an_unused_session_ends_after_the_idle_timeout(database: Database) -> None:
    async with server_with(database, session_idle_minutes=30) as server, clients(server.url) as (api,):
        clock = FakeClock(server)
        await api.login("River")
        signed_in = await last_seen(server, api)
        clock.advance(30)
        assert (await api.call("GET", "/api/me"))[0] == 200
        assert await last_seen(server, api) == signed_in, "noted at most once a minute"
        clock.advance(31)
        assert (await api.call("GET", "/api/me"))[0] == 200
        assert await last_seen(server, api) == clock.now
        clock.advance(29 * 60)
        assert (await api.call("GET", "/api/me"))[0] == 200, "in use: the idle clock starts again"
        clock.advance(30 * 60 + 1)
        status, data = await api.call("GET", "/api/me")
        assert status == 401 and data["error"]["code"] == "not_authenticated"


async def test_people_see_their_signed_in_devices_and_sign_one_out(api_factory: Any) -> None:
    phone, laptop, willow = await api_factory(), await api_factory(), await api_factory("Willow")
    await sign_in_as(phone, "River", FIREFOX_ANDROID)
    await sign_in_as(laptop, "River", CHROME_WINDOWS)
    laptop_io = await laptop.socket()
    inbox = Inbox(laptop_io)
    laptop_io.on("auth:signed_out", inbox._recorder("auth:signed_out"), namespace=NS)
    assert (await call(laptop_io, "room:join", {"group_id": 1}))["ok"]

    status, data = await phone.call("GET", "/api/auth/sessions")
    assert status == 200
    listed = {(s["device"], s["current"]) for s in data["sessions"]}
    assert listed == {("Firefox on Android", True), ("Chrome on Windows", False)}
    assert all(s["created_at"] and s["last_seen_at"] and isinstance(s["id"], int) for s in data["sessions"])
    laptop_id = next(s["id"] for s in data["sessions"] if not s["current"])

    status, data = await willow.call("DELETE", f"/api/auth/sessions/{laptop_id}")
    assert status == 404, "nobody signs out someone else's device"
    assert (await phone.call("DELETE", "/api/auth/sessions/1"))[0] == 404
    assert (await phone.call("DELETE", f"/api/auth/sessions/{laptop_id}"))[0] == 204
    await inbox.wait_for("auth:signed_out")
    assert (await laptop.call("GET", "/api/me"))[0] == 401
    assert (await phone.call("GET", "/api/me"))[0] == 200
    status, data = await phone.call("GET", "/api/auth/sessions")
    assert [s["device"] for s in data["sessions"]] == ["Firefox on Android"]


async def test_sign_out_everywhere(api_factory: Any) -> None:
    phone, laptop, willow = await api_factory("River"), await api_factory("River"), await api_factory("Willow")
    sockets = [await phone.socket(), await laptop.socket()]
    inboxes = []
    for io in sockets:
        inbox = Inbox(io)
        io.on("auth:signed_out", inbox._recorder("auth:signed_out"), namespace=NS)
        inboxes.append(inbox)
    assert (await phone.call("DELETE", "/api/auth/sessions"))[0] == 204
    for inbox in inboxes:
        await inbox.wait_for("auth:signed_out")
    assert (await phone.call("GET", "/api/me"))[0] == 401
    assert (await laptop.call("GET", "/api/me"))[0] == 401
    assert (await willow.call("GET", "/api/me"))[0] == 200, "other people stay signed in"


async def test_device_lists_need_sign_in(api_factory: Any) -> None:
    api: Api = await api_factory()
    for method, path in (
        ("GET", "/api/auth/sessions"),
        ("DELETE", "/api/auth/sessions"),
        ("DELETE", "/api/auth/sessions/abc"),
    ):
        status, data = await api.call(method, path)
        assert status == 401 and data["error"]["code"] == "not_authenticated"


async def test_over_https_the_session_cookie_has_the_host_prefix(database: Database) -> None:
    async with server_with(database, cookie_secure=True) as server, clients(server.url, 1) as (api,):
        body = {"pseudonym": "River", "password": "demo-member-pass"}
        async with api.http.post(server.url + "/api/auth/login", json=body) as response:
            assert response.status == 200
            cookies = response.cookies
        session = cookies["__Host-alongside_session"]
        assert session["secure"] and session["httponly"] and session["path"] == "/" and not session["domain"]
        assert "alongside_session" not in cookies
        assert cookies["__Secure-alongside_device"]["secure"]
        token = session.value

        def as_cookie(header: str) -> dict[str, Any]:
            return {"headers": {"Cookie": header}}

        status, data = await api.call("GET", "/api/me", **as_cookie(f"theme=dark; __Host-alongside_session={token}"))
        assert status == 200 and data["user"]["pseudonym"] == "River"
        status, _ = await api.call("GET", "/api/me", **as_cookie(f"alongside_session={token}"))
        assert status == 401, "over HTTPS a plain-named session cookie can only have been planted: ignored"
        io = await api.socket(headers={"Cookie": f"__Host-alongside_session={token}"})
        assert (await call(io, "room:join", {"group_id": 1}))["ok"], "Socket.IO reads the prefixed cookie"
        async with api.http.post(
            server.url + "/api/auth/logout", headers={"Cookie": f"__Host-alongside_session={token}"}
        ) as response:
            assert response.status == 204
            assert response.cookies["__Host-alongside_session"]["secure"], "cleared with the attributes it needs"
        status, _ = await api.call("GET", "/api/me", **as_cookie(f"__Host-alongside_session={token}"))
        assert status == 401


def test_the_socket_cookie_reader_knows_both_names() -> None:
    from server.auth import token_from_cookie_header

    assert token_from_cookie_header("a=1; alongside_session=plain") == "plain"
    assert token_from_cookie_header("__Host-alongside_session=host; alongside_session=plain") == "host"
    assert token_from_cookie_header("alongside_session=plain; __Host-alongside_session=host") == "host"
    assert token_from_cookie_header("other=1") is None


def test_devices_are_described_coarsely() -> None:
    from server.user_agents import describe

    safari_iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.0 Mobile/15E148 Safari/604.1"
    )
    edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0"
    assert describe(FIREFOX_ANDROID) == "Firefox on Android"
    assert describe(CHROME_WINDOWS) == "Chrome on Windows"
    assert describe(safari_iphone) == "Safari on iPhone"
    assert describe(edge) == "Edge on Windows"
    assert describe(None) == describe("") == "Unknown browser"
    assert describe("curl/8.5") == "Unknown browser"


async def test_a_socket_event_goes_on_while_its_session_s_use_waits_to_be_written(database: Database) -> None:
    """A connection re-checks its browser session now and then, and notes the session's use when due. The note is
    bookkeeping on SQLite's single writer: a crowd's notes, a minute after they connected, queued beside the
    messages being stored, and each member's next event waited for its own. Now the event goes on at once and the
    notes of a moment are written together in the background."""
    from server.app import NAMESPACE

    async with server_with(database) as server, clients(server.url) as (api,):
        clock = FakeClock(server)
        await api.login("River")
        signed_in = await last_seen(server, api)
        socket = await api.socket()
        try:
            namespace = server.app[NAMESPACE]
            namespace.revalidate_after = namespace.recheck_fresh_after = 0.0  # every event re-checks
            clock.advance(61)  # the session's use is due to be noted again
            tokens = server.state.tokens
            async with tokens._touch_lock:  # no note can be written until the event has been answered
                ack = await call(socket, "room:join", {"group_id": 1}, timeout=5)
                assert ack["ok"] is True, ack
                assert await last_seen(server, api) == signed_in, "not written yet"
                writing = tokens._writing_soon
                assert writing is not None, "the note waits in the background"
            await asyncio.wait_for(writing, 5)
            assert await last_seen(server, api) == clock.now, "written in the background, soon after"
        finally:
            await socket.disconnect()


class _HeldWriter:
    """A writer session factory whose first write waits until released, recording what each write noted."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.writing = asyncio.Event()
        self.written: list[list[str]] = []

    def __call__(self) -> Any:
        return self

    async def __aenter__(self) -> Any:
        return self

    async def __aexit__(self, *_: Any) -> None:
        return None

    def begin(self) -> Any:
        return self

    async def execute(self, statement: Any) -> None:
        digests = sorted(statement.compile().params.get("token_hash_1", []))
        self.writing.set()
        if not self.written:
            await self.release.wait()
        self.written.append(digests)


async def test_a_note_made_while_a_batch_is_written_goes_in_the_next() -> None:
    writer = _HeldWriter()
    tokens = SessionTokens("k" * 32, dt.timedelta(days=1), writer=writer)  # type: ignore[arg-type]
    tokens.NOTE_SOON_SECONDS = 0.0
    now = dt.datetime.now(dt.UTC)
    tokens.note_use_soon("first", now)
    await writer.writing.wait()
    tokens.note_use_soon("second", now)  # the first batch is being written
    writer.release.set()
    assert tokens._writing_soon is not None
    await asyncio.wait_for(tokens._writing_soon, 5)
    assert writer.written == [["first"], ["second"]]
