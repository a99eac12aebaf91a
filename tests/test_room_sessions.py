"""What a room shows of its sessions while none runs (the history it shows and its headline), read for many
rooms at once (rooms/store.room_sessions_of) as a connect wave's snapshots share it: the same answers as the
one-room reads, on both databases, and one read for all the rooms of the joins in a transaction."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import delete

from rooms import store
from rooms.models import GroupSession
from rooms.read_batch import ReadBatch, once_for_many
from server.db import create_sessionmaker
from tests.conftest import Database, make_seeded_engine

NOW = dt.datetime(2026, 11, 25, 18, 0, tzinfo=dt.UTC)


@pytest.fixture
async def sessions(database: Database) -> AsyncIterator[Any]:
    engine, writers = await make_seeded_engine(database)
    try:
        yield writers, create_sessionmaker(engine, read_only=True)
    finally:
        await engine.dispose()


def ended(group_id: int, opened: dt.datetime, hours: int = 1) -> GroupSession:
    return GroupSession(
        group_id=group_id, status="ended", opened_at=opened, ended_at=opened + dt.timedelta(hours=hours)
    )


def scheduled(group_id: int, at: dt.datetime) -> GroupSession:
    return GroupSession(group_id=group_id, status="scheduled", scheduled_for=at)


async def test_many_rooms_read_at_once_answer_as_each_read_alone(sessions: Any) -> None:
    writers, readers = sessions
    async with writers() as db, db.begin():
        await db.execute(delete(GroupSession))
        db.add_all(
            [
                # group 1: two ended (the later-ending one is the headline), a missed and a coming schedule
                ended(1, NOW - dt.timedelta(days=7), hours=3),
                ended(1, NOW - dt.timedelta(days=2)),
                scheduled(1, NOW - dt.timedelta(hours=5)),
                scheduled(1, NOW + dt.timedelta(days=1)),
                # group 2: only ended sessions, one never opened
                ended(2, NOW - dt.timedelta(days=1)),
                GroupSession(group_id=2, status="ended", ended_at=NOW - dt.timedelta(hours=1)),
                # group 3: a session scheduled an hour ago (within the grace), nothing opened
                scheduled(3, NOW - dt.timedelta(hours=1)),
            ]
        )
    groups = [1, 2, 3, 999]
    async with readers() as db, db.begin():
        together = await store.room_sessions_of(db, groups, NOW)
        alone = {}
        for group_id in groups[:3]:
            headline = await store.headline_not_running(db, group_id, NOW)
            alone[group_id] = (await store.history_session_id(db, group_id), headline.id if headline else None)
    got = {g: (r.history_session_id, r.headline.id if r.headline else None) for g, r in together.items()}
    assert got == alone, "999 is no group: left out"
    assert all(value is not None for value in alone[1]) and alone[3][0] is None, "the cases differ"
    assert together[1].headline is not None and together[1].headline.status == "scheduled"
    assert together[2].headline is not None and together[2].headline.opened_at is None, "the later-ended one"


async def test_the_joins_of_a_transaction_read_their_rooms_together(sessions: Any) -> None:
    _, readers = sessions
    batch = ReadBatch(readers)
    asked: list[set[int]] = []

    async def read_many(group_ids: set[int]) -> dict[int, str]:
        asked.append(set(group_ids))
        return {g: f"room {g}" for g in group_ids if g != 3}

    async def join(group_id: int) -> str:
        return await batch.run(
            lambda db: once_for_many(db, "rooms", group_id, read_many, "none"), hint=("rooms", group_id)
        )

    answers = await asyncio.gather(*(join(g) for g in [1, 2, 1, 3, 2]))
    assert answers == ["room 1", "room 2", "room 1", "none", "room 2"]
    assert asked == [{1, 2, 3}], "one read for every room of the transaction"
    assert batch.transactions == 1
    assert await join(2) == "room 2" and asked[-1] == {2}, "a later transaction reads afresh"
