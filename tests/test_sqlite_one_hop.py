"""SQLite statements go to aiosqlite's thread once each (server/sqlite_one_hop.py), and behave as before:
rows, row counts, RETURNING, executemany, errors, transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from server.db import create_sessionmaker
from server.sqlite_one_hop import OneHopConnection
from tests.helpers_sqlite import sqlite_engine

metadata = MetaData()
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", String(50), nullable=False, unique=True),
)


class HopCounter:
    """Counts the calls the event loop hands to aiosqlite's connection threads."""

    def __init__(self) -> None:
        self.calls = 0

    def wrap(self, original: Any) -> Any:
        async def counted(connection: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return await original(connection, fn, *args, **kwargs)

        return counted


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[HopCounter]:
    counter = HopCounter()
    monkeypatch.setattr(aiosqlite.Connection, "_execute", counter.wrap(aiosqlite.Connection._execute))
    yield counter


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_engine(tmp_path / "hops.db", metadata) as engine:
        yield engine


async def test_the_engine_uses_the_one_hop_connection(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.dbapi_connection, OneHopConnection)


async def test_a_statement_is_one_call_on_the_driver_thread(engine: AsyncEngine, hops: HopCounter) -> None:
    async with engine.begin() as conn:  # the pooled connection is warm: no connect-time calls below
        await conn.execute(insert(notes).values(body="warm"))
    hops.calls = 0
    async with engine.connect() as conn:
        before = hops.calls  # pool checkout (pre-ping off for SQLite): nothing
        rows = (await conn.execute(select(notes.c.body))).scalars().all()
        assert rows == ["warm"]
        assert hops.calls - before == 2  # BEGIN IMMEDIATE, then the SELECT
        before = hops.calls
        await conn.execute(text("SELECT 1"))
        assert hops.calls - before == 1  # SQLAlchemy's own aiosqlite cursor makes four: cursor, execute, fetch, close
        before = hops.calls
        await conn.commit()
        assert hops.calls - before == 1


async def test_rows_counts_returning_and_many(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        result = await conn.execute(insert(notes).values(body="a"))
        assert result.inserted_primary_key == (1,)  # lastrowid
        await conn.execute(insert(notes), [{"body": "b"}, {"body": "c"}, {"body": "d"}])  # executemany
        changed = await conn.execute(update(notes).where(notes.c.id > 2).values(body=notes.c.body + "!"))
        assert changed.rowcount == 2
        returned = await conn.execute(
            update(notes).where(notes.c.id == 1).values(body="a2").returning(notes.c.id, notes.c.body)
        )
        assert returned.all() == [(1, "a2")]
        none = await conn.execute(select(notes.c.id).where(notes.c.id > 100))
        assert none.all() == []
    async with engine.connect() as conn:
        stored = (await conn.execute(select(notes.c.body).order_by(notes.c.id))).scalars().all()
    assert stored == ["a2", "b", "c!", "d!"]


async def test_errors_are_sqlalchemys_and_roll_back(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(insert(notes).values(body="same"))
            await conn.execute(insert(notes).values(body="same"))
    with pytest.raises(OperationalError):
        async with engine.connect() as conn:
            await conn.execute(text("SELECT * FROM no_such_table"))
    async with engine.connect() as conn:  # the failed transaction left nothing, and the pool still works
        assert (await conn.execute(select(notes.c.id))).all() == []


async def test_sessions_and_write_transactions(engine: AsyncEngine) -> None:
    """The project's sessions begin with BEGIN IMMEDIATE (writers) or BEGIN (readers) through the same cursor."""
    writer = create_sessionmaker(engine)
    reader = create_sessionmaker(engine, read_only=True)
    async with writer() as db, db.begin():
        await db.execute(insert(notes).values(body="kept"))
    async with reader() as db, db.begin():
        assert (await db.execute(select(notes.c.body))).scalars().all() == ["kept"]
