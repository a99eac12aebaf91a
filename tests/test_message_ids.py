"""Taking message ids for several rooms in one statement (rooms/message_ids.py), on both databases.

Each room gets exactly its count, in one statement; a room that does not exist is left out; and flushes racing
over overlapping rooms (PostgreSQL row locks, SQLite's single writer) all finish, ids neither repeated nor lost.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select, text

from rooms.message_ids import take_for_rooms
from rooms.models import Group
from tests.conftest import Database, make_seeded_engine
from tests.helpers_statements import statements_run


async def last_ids(sessions: Any) -> dict[int, int]:
    async with sessions() as db, db.begin():
        rows = (await db.execute(select(Group.id, Group.last_message_id))).all()
    return {int(group_id): int(last) for group_id, last in rows}


async def test_each_room_takes_its_count_in_one_statement(database: Database) -> None:
    engine, sessions = await make_seeded_engine(database)
    try:
        before = await last_ids(sessions)
        rooms = sorted(before)[:2]
        assert len(rooms) == 2, "the demo hub has two groups or more"
        missing = max(before) + 1000
        with statements_run(engine) as seen:
            async with sessions() as db, db.begin():
                taken = await take_for_rooms(db, {rooms[1]: 5, rooms[0]: 3, missing: 2})
        assert taken == {rooms[0]: before[rooms[0]] + 3, rooms[1]: before[rooms[1]] + 5}, "no such room: left out"
        assert len([s for s in seen if s.startswith("UPDATE")]) == 1, "one statement for every room"
        after = await last_ids(sessions)
        assert after == {**before, rooms[0]: before[rooms[0]] + 3, rooms[1]: before[rooms[1]] + 5}
        async with sessions() as db, db.begin():
            assert await take_for_rooms(db, {}) == {}
    finally:
        await engine.dispose()


async def test_flushes_racing_over_the_same_rooms_all_finish_without_losing_an_id(database: Database) -> None:
    """Each flush names the rooms in its own order; all finish, and every id is handed out once."""
    engine, sessions = await make_seeded_engine(database)
    try:
        before = await last_ids(sessions)
        rooms = sorted(before)[:2]
        rounds = 25

        async def flushes(order: list[int]) -> list[dict[int, int]]:
            answers = []
            for _ in range(rounds):
                async with sessions() as db, db.begin():
                    answers.append(await take_for_rooms(db, {room: 1 for room in order}))
            return answers

        results = await asyncio.wait_for(
            asyncio.gather(flushes(rooms), flushes(rooms[::-1]), flushes(rooms), flushes(rooms[::-1])), timeout=120
        )
        after = await last_ids(sessions)
        for room in rooms:
            assert after[room] == before[room] + 4 * rounds, "every id taken once"
            lasts = sorted(answer[room] for result in results for answer in result)
            assert lasts == list(range(before[room] + 1, after[room] + 1)), "no id handed out twice"
    finally:
        await engine.dispose()


@pytest.mark.parametrize("database", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
async def test_row_locks_are_taken_in_room_order(database: Database) -> None:
    """Why two processes' flushes cannot deadlock: while the lower room is held elsewhere, a flush over both
    rooms (named higher first) waits for it holding nothing, so the higher room is still free to take."""
    engine, sessions = await make_seeded_engine(database)
    try:
        low, high = sorted(await last_ids(sessions))[:2]
        async with sessions() as holder, holder.begin():
            await holder.execute(select(Group.id).where(Group.id == low).with_for_update())

            async def flush() -> dict[int, int]:
                async with sessions() as db, db.begin():
                    return await take_for_rooms(db, {high: 1, low: 1})

            waiting = asyncio.create_task(flush())
            async with sessions() as probe:
                for _ in range(400):  # until the flush waits on a lock (up to 20 s)
                    async with probe.begin():
                        waits = await probe.execute(
                            text(
                                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                "AND pid <> pg_backend_pid() AND query LIKE '%UPDATE groups SET last_message_id%'"
                            )
                        )
                        if waits.scalar_one():
                            break
                    await asyncio.sleep(0.05)
                else:
                    raise AssertionError("the flush never waited for the held room")
                async with probe.begin():
                    free = await probe.execute(
                        text("SELECT id FROM groups WHERE id = :room FOR UPDATE NOWAIT"), {"room": high}
                    )
                    assert free.scalar_one() == high, "the higher room was not locked ahead of the lower"
            assert not waiting.done()
        assert set(await asyncio.wait_for(waiting, timeout=20)) == {low, high}
    finally:
        await engine.dispose()
