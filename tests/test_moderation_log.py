"""The moderation log is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE on it, whoever asks
(the application itself only ever inserts)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from rooms.models import ModerationLogEntry
from server.db import create_engine, create_sessionmaker
from server.demo import seed_demo
from server.passwords import Passwords
from tests.conftest import Database


@pytest.mark.parametrize("database", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
async def test_postgresql_refuses_changes_to_the_moderation_log(database: Database) -> None:
    engine = create_engine(database.url, database.schema)
    try:
        await seed_demo(engine, Passwords(1, 8))
        sessions = create_sessionmaker(engine)
        async with sessions() as db, db.begin():
            entry = ModerationLogEntry(
                hub_id=1, action="hide", reason="unkind", detail="{}", created_at=dt.datetime.now(dt.UTC)
            )
            db.add(entry)
            await db.flush()
            entry_id = entry.id
        for change in (
            update(ModerationLogEntry).where(ModerationLogEntry.id == entry_id).values(reason="rewritten"),
            delete(ModerationLogEntry).where(ModerationLogEntry.id == entry_id),
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                async with sessions() as db, db.begin():
                    await db.execute(change)
        with pytest.raises(DBAPIError, match="append-only"):
            async with sessions() as db, db.begin():
                await db.execute(text("TRUNCATE moderation_log"))
        async with sessions() as db, db.begin():
            kept = await db.get(ModerationLogEntry, entry_id)
            assert kept is not None and kept.reason == "unkind"
    finally:
        await engine.dispose()
