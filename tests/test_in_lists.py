"""rooms/in_lists.py: batched reads bind their IN lists padded to a power of two, so batches of different sizes
share one statement text (one prepared statement), with the same answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event

from rooms import store
from rooms.in_lists import padded
from tests.conftest import Database, make_seeded_engine

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def test_padding_repeats_the_last_value_up_to_a_power_of_two() -> None:
    assert padded([]) == []
    assert padded([5]) == [5]
    assert padded([3, 1, 3, 2]) == [1, 2, 3, 3]  # distinct, in order, then padded
    assert padded((g, u) for g, u in [(2, 1), (1, 4), (1, 2)]) == [(1, 2), (1, 4), (2, 1), (2, 1)]
    assert [len(padded(range(n))) for n in (1, 2, 3, 5, 9, 100, 128, 129)] == [1, 2, 4, 8, 16, 128, 128, 256]


def summary(row: Any) -> Any:
    """An access row as plain values (its ORM objects compare by identity)."""
    if row is None:
        return None
    member = row.membership
    return (row.group.id, member and (member.user_id, member.group_id), row.may_facilitate, row.live and row.live.id)


async def test_batches_of_three_and_four_rooms_run_one_statement_text(database: Database) -> None:
    engine, sessions = await make_seeded_engine(database)
    texts: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        texts.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    answers: list[Any] = []
    try:
        batches = [
            ({1, 2, 3}, [(1, 3), (2, 3), (3, 4)]),  # three rooms, three (room, member) pairs
            ({1, 2, 3, 99}, [(1, 3), (2, 3), (3, 4), (1, 4)]),  # four of each (room 99 does not exist)
            ({3}, [(3, 4)]),
        ]
        for group_ids, pairs in batches:
            texts.clear()
            async with sessions() as db, db.begin():
                answers.append(await store.room_sessions_of(db, group_ids, NOW))
                answers.append([summary(row) for row in await store.access_rows_in(db, pairs, NOW.date())])
            answers.append(list(texts))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
        await engine.dispose()
    three, four, one = answers[0:3], answers[3:6], answers[6:9]
    assert three[2] == four[2]  # the same statements, word for word
    assert three[2] != one[2]  # a batch of one is its own size
    assert {g: four[0][g] for g in (1, 2, 3)} == three[0]  # the padding changed no answer
    assert four[1][:3] == three[1]
    assert one[0] == {3: three[0][3]}
    assert one[1] == three[1][2:]
