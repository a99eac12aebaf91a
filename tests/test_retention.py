"""Retention with the injected clock (rooms/retention.py): a group's messages go retention_days after their
session ended, resolved safeguarding records and moderation log entries after the hub's longer periods, and
of two runners racing for the job's lease only one does the round."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select, update

from rooms import retention
from rooms.models import Group, Hub, Message, ModerationLogEntry
from rooms.safeguarding_models import Concern, ConcernEvent
from tests.conftest import Database, RunningServer, open_session
from tests.helpers_auth import FakeClock
from tests.helpers_chat import call, send

DAY = 24 * 3600


async def _count(server: RunningServer, what: Any) -> int:
    async with server.state.sessions() as db, db.begin():
        return int(await db.scalar(select(func.count()).select_from(what)) or 0)


async def _records(server: RunningServer, clock: FakeClock) -> None:
    """A resolved concern, an open one and a log entry, which the hub keeps 90 days; group 1 keeps messages 30."""
    now = clock()
    async with server.state.sessions() as db, db.begin():
        await db.execute(update(Hub).values(safeguarding_retention_days=90, log_retention_days=90))
        await db.execute(update(Group).where(Group.id == 1).values(retention_days=30))
        for state in ("resolved", "raised"):
            concern = Concern(
                hub_id=1,
                source="facilitator",
                tier="concern",
                state=state,
                created_at=now,
                updated_at=now,
                resolved_at=now if state == "resolved" else None,
            )
            db.add(concern)
            await db.flush()
            db.add(ConcernEvent(concern_id=concern.id, kind=state, note="", created_at=now))
        db.add(ModerationLogEntry(hub_id=1, action="hide", reason="", detail="", created_at=now))


async def _round(server: RunningServer, holder: str, clock: FakeClock) -> retention.RetentionRound | None:
    async with server.state.sessions() as db:
        return await retention.run_retention(db, holder, clock())


async def test_retention_deletes_on_time_and_one_runner_at_a_time(
    api_factory: Any, server: RunningServer, database: Database
) -> None:
    clock = FakeClock(server)
    sam, river = await api_factory("Sam"), await api_factory("River")
    session = await open_session(sam)
    river_io = await river.socket()
    assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]
    for n in range(3):
        assert (await send(river_io, f"said in the session {n}"))["ok"]
    assert (await sam.call("POST", f"/api/sessions/{session['id']}/end"))[0] == 200
    await _records(server, clock)
    stored = await _count(server, Message)
    assert stored >= 3

    clock.advance(29 * DAY)
    first = await _round(server, "process-a", clock)
    assert first is not None and first.messages == 0 and await _count(server, Message) == stored
    assert await _round(server, "process-b", clock) is None, "the lease holds until the next round is due"

    clock.advance(2 * DAY)  # 31 days after the session ended: past the group's 30
    rounds = await asyncio.gather(*(_round(server, f"process-{n}", clock) for n in range(4)))
    ran = [r for r in rounds if r is not None]
    assert len(ran) == 1, rounds
    assert ran[0].messages == stored and await _count(server, Message) == 0
    assert (ran[0].concerns, ran[0].log_entries) == (0, 0) and await _count(server, Concern) == 2

    clock.advance(60 * DAY)  # 91 days: past the hub's 90 for safeguarding records and the log
    last = await _round(server, "process-c", clock)
    assert last is not None
    async with server.state.sessions() as db, db.begin():
        states = (await db.execute(select(Concern.state))).scalars().all()
        log_entries = await db.scalar(select(func.count()).select_from(ModerationLogEntry))
    # Both backends alike: on PostgreSQL the append-only triggers let retention's deletes through (0008).
    assert last.concerns == 1 and states == ["raised"], "an open concern is never deleted"
    assert last.log_entries >= 1 and log_entries == 0 and not last.skipped
