"""Two real server processes sharing one database and a real redis-server: rooms span both."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.conftest import Api, Database, client_id, open_session
from tests.helpers_chat import Inbox, call, wait_until
from tests.helpers_processes import server_processes
from tests.services import ServerProcess, redis_server

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.redis
SERVE = [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1"]


@pytest.fixture
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture
async def two_servers(two_processes: list[tuple[str, ServerProcess]]) -> list[str]:
    return [url for url, _ in two_processes]


@pytest.fixture
async def two_processes(database: Database, redis_url: str) -> AsyncIterator[list[tuple[str, ServerProcess]]]:
    """Processes a and b on one database and Redis, with a fast presence heartbeat (1 s, gone after 3 s)."""
    fast_presence = {"presence_heartbeat_seconds": "1", "presence_timeout_seconds": "3"}
    async with server_processes(database, redis_url, settings=fast_presence) as processes:
        yield processes


async def test_members_on_different_processes_see_each_other(two_servers: list[str]) -> None:
    url_a, url_b = two_servers
    river, willow, sam = Api(url_a), Api(url_b), Api(url_a)
    try:
        await river.login("River")
        await willow.login("Willow")
        await sam.login("Sam")
        await open_session(sam)
        river_io, willow_io = await river.socket(), await willow.socket()
        river_inbox, willow_inbox = Inbox(river_io), Inbox(willow_io)
        await call(river_io, "room:join", {"group_id": 1})
        joined = await call(willow_io, "room:join", {"group_id": 1})
        assert {p["display_name"] for p in joined["present"]} == {"River", "Willow"}, "presence spans processes"
        await river_inbox.wait_for("presence:update", lambda d: len(d["present"]) == 2)

        from_a = await call(river_io, "message:send", {"group_id": 1, "client_id": client_id(), "body": "hello from A"})
        seen_on_b = await willow_inbox.wait_for("message:new")
        assert seen_on_b["message"] == from_a["message"]

        from_b = await call(willow_io, "message:send", {"group_id": 1, "client_id": client_id(), "body": "hi from B"})
        seen_on_a = await river_inbox.wait_for("message:new", lambda d: d["message"]["id"] == from_b["message"]["id"])
        assert seen_on_a["message"]["body"] == "hi from B" and from_b["message"]["id"] == from_a["message"]["id"] + 1

        # Ending the session on process A reaches the member on process B.
        status, _ = await sam.call("POST", f"/api/sessions/{joined['session']['id']}/end")
        assert status == 200
        await willow_inbox.wait_for("session:updated", lambda d: d["session"]["status"] == "ended")

        # Leaving the group on process A takes Willow's connection on process B out of the room.
        willow_io.on("room:removed", willow_inbox._recorder("room:removed"), namespace="/chat")
        await open_session(sam)
        status, _ = await willow.call("DELETE", "/api/groups/1/membership")
        assert status == 204
        await willow_inbox.wait_for("room:removed")
        before = len(willow_inbox.of("message:new"))
        # An observer on process B: once it hears River's message, process B has handed it to every connection
        # it holds in the room; Willow's acknowledged refusal afterwards comes down her connection behind it.
        river.base = url_b
        observer_io = await river.socket()
        river.base = url_a
        observer = Inbox(observer_io)
        await call(observer_io, "room:join", {"group_id": 1})
        await call(river_io, "message:send", {"group_id": 1, "client_id": client_id(), "body": "after Willow left"})
        await observer.wait_for("message:new", lambda d: d["message"]["body"] == "after Willow left")
        refused = await call(willow_io, "room:join", {"group_id": 1})
        assert refused["ok"] is False
        assert len(willow_inbox.of("message:new")) == before, "no longer heard on the other process"

        # Signing out on process A tells Willow's tab on process B, then closes it.
        willow_io.on("auth:signed_out", willow_inbox._recorder("auth:signed_out"), namespace="/chat")
        willow.base = url_a
        assert (await willow.call("POST", "/api/auth/logout"))[0] == 204
        await willow_inbox.wait_for("auth:signed_out")
        await wait_until(lambda: not willow_io.connected)
        await observer_io.disconnect()

        async with aiohttp.ClientSession() as http, http.get(url_b + "/readyz") as response:
            assert (await response.json())["checks"]["redis"] == "ok"
        await river_io.disconnect()
    finally:
        for api in (river, willow, sam):
            await api.close()


def test_the_redis_manager_gets_the_configured_pool_size() -> None:
    from server.broker import client_manager
    from server.settings import load_settings

    settings = load_settings(env={})
    manager = client_manager("redis://127.0.0.1:6379/0", settings.redis_pool_size)
    assert manager.redis_options["max_connections"] == settings.redis_pool_size > 100, (
        "above redis-py 8's default of 100, which raises instead of waiting"
    )


async def test_signing_out_on_one_process_closes_connections_on_the_other(two_servers: list[str]) -> None:
    """The control bus: process A tells every process to close the connections of an ended sign-in, so a
    tab that only listens on process B stops at once (not at its next event or the next sweep)."""
    url_a, url_b = two_servers
    willow = Api(url_a)
    try:
        await willow.login("Willow")
        willow.base = url_b  # the same browser's cookie, its websocket landing on the other process
        listener = await willow.socket()
        willow.base = url_a
        assert listener.connected
        assert (await willow.call("POST", "/api/auth/logout"))[0] == 204
        await wait_until(lambda: not listener.connected, what="process B to close the signed-out connection")
    finally:
        await willow.close()


async def test_the_session_pauses_when_the_facilitators_process_is_killed(
    two_processes: list[tuple[str, ServerProcess]],
) -> None:
    """Process A dies without a word (SIGKILL): its presence rows stop being refreshed, and process B pauses
    the session within the presence timeout (3 s here) plus a heartbeat. Sam comes back on B: it resumes."""
    (url_a, process_a), (url_b, _) = two_processes
    sam, river = Api(url_a), Api(url_b)
    try:
        await sam.login("Sam")
        await river.login("River")
        await open_session(sam)
        sam_io = await sam.socket()
        assert (await call(sam_io, "room:join", {"group_id": 1}))["ok"]
        river_io = await river.socket()
        river_inbox = Inbox(river_io)
        assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]
        await river_inbox.wait_for("presence:update", lambda d: {p["display_name"] for p in d["present"]} >= {"Sam"})

        process_a.proc.send_signal(signal.SIGKILL)
        paused = await river_inbox.wait_for("session:updated", lambda d: d["session"]["status"] == "paused", 10)
        assert paused["session"]["ends_if_unfacilitated_at"] is not None
        refused = await call(river_io, "message:send", {"group_id": 1, "client_id": client_id(), "body": "hello?"})
        assert refused["error"]["code"] == "session_paused"

        sam.base = url_b  # Sam's browser reconnects, to the surviving process
        sam_again = await sam.socket()
        assert (await call(sam_again, "room:join", {"group_id": 1}))["session"]["status"] == "live"
        await river_inbox.wait_for("session:updated", lambda d: d["session"]["status"] == "live")
        sent = await call(river_io, "message:send", {"group_id": 1, "client_id": client_id(), "body": "welcome back"})
        assert sent["ok"]
    finally:
        for api in (sam, river):
            with contextlib.suppress(Exception):
                await api.close()


async def test_a_mute_and_slow_mode_hold_on_every_process(two_servers: list[str]) -> None:
    """A facilitator on process A mutes a member whose other tab is on process B: B refuses the member's
    message at once (the sanction is read from the database, not from the process that made it). Slow mode
    counts the member's messages across both processes, from the messages table; the typing limit counts
    their notices on both, in Redis."""
    url_a, url_b = two_servers
    sam, river = Api(url_a), Api(url_a)
    try:
        await sam.login("Sam")
        await river.login("River")
        await open_session(sam)
        sam_io = await sam.socket()
        assert (await call(sam_io, "room:join", {"group_id": 1}))["ok"]
        river_a = await river.socket()
        river.base = url_b  # the same person's second tab, on the other process
        river_b = await river.socket()
        river.base = url_a
        inbox_b = Inbox(river_b)
        river_b.on("mod:muted", inbox_b._recorder("mod:muted"), namespace="/chat")
        joined = await call(river_a, "room:join", {"group_id": 1})
        assert (await call(river_b, "room:join", {"group_id": 1}))["ok"]
        river_id = next(p["user_id"] for p in joined["present"] if p["display_name"] == "River")

        def said(body: str) -> dict[str, Any]:
            return {"group_id": 1, "client_id": client_id(), "body": body}

        mute = {"group_id": 1, "user_id": river_id, "minutes": 10, "reason": "a pause, please"}
        muted = await call(sam_io, "mod:mute", mute)
        assert muted["ok"], muted
        refused = await call(river_b, "message:send", said("from B while muted"))
        assert refused["error"]["code"] == "muted" and refused["error"]["until"] == muted["sanction"]["expires_at"]
        told = await inbox_b.wait_for("mod:muted")
        assert told["until"] == muted["sanction"]["expires_at"], "told on the other process too"
        assert (await call(sam_io, "mod:unmute", {"group_id": 1, "user_id": river_id}))["ok"]

        assert (await call(sam_io, "mod:slow_mode", {"group_id": 1, "seconds": 30}))["ok"]
        assert (await call(river_a, "message:send", said("one, from A")))["ok"]
        slowed = await call(river_b, "message:send", said("two, from B"))
        assert slowed["error"]["code"] == "slow_mode" and 0 < slowed["error"]["retry_after"] <= 30
        assert (await call(river_a, "message:send", said("three, from A")))["error"]["code"] == "slow_mode"
        assert (await call(sam_io, "mod:slow_mode", {"group_id": 1, "seconds": 0}))["ok"]
        assert (await call(river_b, "message:send", said("four, from B")))["ok"]

        # Typing notices: 20 per person per 10 seconds (config/alongside.toml), counted on both processes.
        typing = {"group_id": 1, "typing": True}
        outcomes = [(await call(tab, "typing", typing)).get("ok", False) for tab in (river_a, river_b) * 12]
        assert outcomes.count(True) == 20, outcomes
    finally:
        for api in (sam, river):
            await api.close()
