"""rooms/safeguarding.record_quiet: the markers of messages assessed as no risk are written together, once each,
by one statement whose text does not depend on how many there are (so its compiled form is reused)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, select

from rooms import safeguarding
from rooms.safeguarding_models import MessageAssessment
from server.db import create_engine, create_sessionmaker
from tests.conftest import Database

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


async def test_markers_are_written_once_each_by_one_cached_statement(database: Database) -> None:
    engine = create_engine(database.url, database.schema)
    sessions = create_sessionmaker(engine)
    seen: list[tuple[str, bool]] = []

    def note(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        if "message_assessments" in statement:
            seen.append((statement, executemany))

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        async with sessions() as db, db.begin():
            db.add(MessageAssessment(group_id=1, message_id=2, tier="high", assessed_at=NOW))
        async with sessions() as db:
            await safeguarding.record_quiet(db, [(1, 1)], NOW)
            await safeguarding.record_quiet(db, [(1, 3), (1, 2), (2, 1), (1, 3)], NOW)  # one there, one twice
            await safeguarding.record_quiet(db, [], NOW)
        async with sessions() as db, db.begin():
            rows = (await db.execute(select(MessageAssessment))).scalars().all()
            found = sorted((r.group_id, r.message_id, r.tier) for r in rows)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
        await engine.dispose()
    assert found == [(1, 1, "none"), (1, 2, "high"), (1, 3, "none"), (2, 1, "none")]  # the high one left alone
    writes = [(text, many) for text, many in seen if text.lstrip().upper().startswith("INSERT")]
    assert len(writes) == 3  # the test's own row, then one statement per batch
    assert writes[1][0] == writes[2][0]  # a batch of one and of four: the same text
    assert writes[2][1]  # run as an executemany
