"""Fixes from a review of the escalation machinery: a call for help after an acknowledged one is a new alert; a
concern about a facilitator reaches the leads only; a stale delivery attempt cannot undo a newer claim, a
success is never thrown away, and a delivery whose claimant keeps dying ends as a dead letter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from rooms import outbox
from rooms.safeguarding_models import OutboxRow
from tests.conftest import RunningServer
from tests.helpers_chat import call
from tests.helpers_safeguarding import concern_count, enter, make_lead, open_console, outbox_rows


async def test_help_pressed_after_an_acknowledged_call_is_a_new_alert(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    lead = await api_factory()
    await make_lead(server, lead)
    _console_io, console, _ = await open_console(lead)
    river_io, _ = await enter(live_room["river"])
    first = await call(river_io, "concern:help", {"group_id": 1})
    assert (await lead.call("POST", f"/api/concerns/{first['concern']['id']}/acknowledge", {}))[0] == 200

    second = await call(river_io, "concern:help", {"group_id": 1})
    assert second["ok"] and second["concern"]["id"] != first["concern"]["id"], "a new call, heard anew"
    await console.wait_for("concern:new", lambda d: d["concern"]["id"] == second["concern"]["id"])
    assert [r.channel for r in await outbox_rows(server, second["concern"]["id"])], "with deliveries of its own"
    assert await concern_count(server) == 2


async def test_a_concern_about_a_facilitator_reaches_the_leads_only(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    lead = await api_factory()
    await make_lead(server, lead)
    _console_io, console, _ = await open_console(lead)
    sam_io, _ = await enter(live_room["sam"])
    helped = await call(sam_io, "concern:help", {"group_id": 1})
    assert helped["ok"], helped
    concern_id = helped["concern"]["id"]
    await console.wait_for("concern:new", lambda d: d["concern"]["id"] == concern_id)
    targets = {(r.channel, r.target) for r in await outbox_rows(server, concern_id)}
    assert ("socket", "leads") in targets and ("socket", "facilitators") not in targets

    status, _ = await live_room["sam"].call("POST", f"/api/concerns/{concern_id}/acknowledge", {})
    assert status == 404, "its subject can neither see nor stop it"
    again = await call(await live_room["sam"].socket(), "room:join", {"group_id": 1})
    assert again["staff"]["concerns"] == []


# Rows of their own, due far in the future: the server's own dispatcher (on the real clock) leaves them alone.
FUTURE = dt.datetime(2100, 1, 1, 12, 0, tzinfo=dt.UTC)
POLICY = outbox.OutboxPolicy(max_attempts=2)


async def _own_row(live_room: dict[str, Any], server: RunningServer, target: str) -> None:
    river_io, _ = await enter(live_room["river"])
    helped = await call(river_io, "concern:help", {"group_id": 1})
    async with server.state.sessions() as db, db.begin():
        db.add(outbox.new_row(helped["concern"]["id"], 1, "hook", target, "concern.raised", 0, FUTURE))


async def _claim(server: RunningServer, server_id: str, now: dt.datetime, target: str) -> list[outbox.Delivery]:
    """Claim what is due then, and keep this test's own row (the help concern's real rows are claimed too)."""
    async with server.state.sessions() as db:
        return [d for d in await outbox.claim_due(db, server_id, now, POLICY) if d.target == target]


async def _mine(server: RunningServer, target: str) -> OutboxRow:
    async with server.state.sessions() as db, db.begin():
        return (await db.execute(select(OutboxRow).where(OutboxRow.target == target))).scalar_one()


async def test_a_stale_attempt_cannot_undo_a_newer_claim_and_a_success_always_counts(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    await _own_row(live_room, server, "hook:stale-test")
    now, policy, sessions = FUTURE, POLICY, server.state.sessions
    [first] = await _claim(server, "p", now, "hook:stale-test")
    later = now + policy.lease + dt.timedelta(seconds=1)  # the first attempt outlived its lease
    [second] = await _claim(server, "p", later, "hook:stale-test")
    async with sessions() as db:
        await outbox.record_failure(db, first, "p", later, "slow and failed", policy)
    row = await _mine(server, "hook:stale-test")
    assert row.claimed_until is not None and row.attempts == 2, "the newer claim stands"
    async with sessions() as db:
        assert await outbox.record_delivered(db, first, "p", later), "the slow attempt did deliver: it counts"
    async with sessions() as db:
        assert not await outbox.record_delivered(db, second, "p", later)


async def test_a_delivery_whose_claimant_keeps_dying_becomes_a_dead_letter(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    await _own_row(live_room, server, "hook:dying-test")
    now, policy = FUTURE, POLICY
    for attempt in range(2):  # each claimant dies: no outcome is ever recorded
        assert len(await _claim(server, f"p{attempt}", now, "hook:dying-test")) == 1
        now += policy.lease + dt.timedelta(seconds=1)
    assert await _claim(server, "p-last", now, "hook:dying-test") == []
    row = await _mine(server, "hook:dying-test")
    assert row.state == outbox.DEAD and "lease" in row.last_error
