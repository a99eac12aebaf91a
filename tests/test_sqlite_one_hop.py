"""SQLite statements go to aiosqlite's thread once each (server/sqlite_one_hop.py), and behave as before:
rows, row counts, RETURNING, executemany, errors, transactions. A transaction's BEGIN goes with its first
statement, and a statement marked RESULT_UNUSED with the next statement or the commit."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from rooms.statement_hints import RESULT_UNUSED
from server.db import create_sessionmaker
from server.sqlite_one_hop import OneHopConnection
from server.sqlite_writer_lock import WriterTurn
from tests.helpers_sqlite import HopCounter, count_hops, sqlite_engine

metadata = MetaData()
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", String(50), nullable=False, unique=True),
)


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> HopCounter:
    return count_hops(monkeypatch)


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
        assert hops.calls - before == 1  # BEGIN IMMEDIATE goes with the SELECT
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


async def warm(engine: AsyncEngine) -> None:
    """One transaction first, so the pooled connection's connect-time calls are not counted."""
    async with engine.begin() as conn:
        await conn.execute(text("SELECT 1"))


async def test_a_write_with_its_result_unused_goes_with_the_commit(engine: AsyncEngine, hops: HopCounter) -> None:
    """The send flush's shape: begin, a RETURNING update, an insert nobody reads, commit: two hops, not four."""
    await warm(engine)
    hops.calls = 0
    async with engine.begin() as conn:
        await conn.execute(insert(notes).values(body="first"))
        assert hops.calls == 1  # BEGIN IMMEDIATE with the insert
        changed = await conn.execute(update(notes).values(body="renamed").returning(notes.c.id))
        assert changed.all() == [(1,)]
        assert hops.calls == 2
        unused = insert(notes).execution_options(**{RESULT_UNUSED: True})
        await conn.execute(unused, [{"body": "b"}, {"body": "c"}])
        assert hops.calls == 2  # held for the commit
    assert hops.calls == 3  # the inserts and the commit in one
    async with engine.connect() as conn:
        stored = (await conn.execute(select(notes.c.body).order_by(notes.c.id))).scalars().all()
    assert stored == ["renamed", "b", "c"]


async def test_a_held_statement_runs_before_the_next_one_in_order(engine: AsyncEngine, hops: HopCounter) -> None:
    await warm(engine)
    hops.calls = 0
    async with engine.begin() as conn:
        await conn.execute(insert(notes).values(body="a").execution_options(**{RESULT_UNUSED: True}))
        assert hops.calls == 0  # BEGIN and the insert both wait
        seen = (await conn.execute(select(notes.c.body))).scalars().all()
        assert seen == ["a"]  # the held insert ran first, inside the transaction
        assert hops.calls == 1


async def test_an_error_of_a_held_statement_fails_the_commit_and_keeps_nothing(engine: AsyncEngine) -> None:
    unused = insert(notes).execution_options(**{RESULT_UNUSED: True})
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(insert(notes).values(body="kept only if committed"))
            await conn.execute(unused, [{"body": "same"}, {"body": "same"}])
    async with engine.connect() as conn:
        assert (await conn.execute(select(notes.c.id))).all() == []
    async with engine.begin() as conn:  # the writers' turn was given back, and the connection works
        await conn.execute(unused, [{"body": "after"}])
    async with engine.connect() as conn:
        assert (await conn.execute(select(notes.c.body))).scalars().all() == ["after"]


async def test_a_rolled_back_transaction_drops_what_was_held(engine: AsyncEngine, hops: HopCounter) -> None:
    await warm(engine)
    hops.calls = 0
    async with engine.connect() as conn:
        transaction = await conn.begin()
        await conn.execute(insert(notes).values(body="dropped").execution_options(**{RESULT_UNUSED: True}))
        await transaction.rollback()
        assert hops.calls == 0  # nothing was begun, so nothing is sent
        assert (await conn.execute(select(notes.c.id))).all() == []
        await conn.commit()


async def test_an_empty_transaction_sends_nothing(engine: AsyncEngine, hops: HopCounter) -> None:
    await warm(engine)
    hops.calls = 0
    writer = create_sessionmaker(engine)
    async with writer() as db, db.begin():
        pass
    assert hops.calls == 0


async def test_a_held_begin_still_takes_the_write_lock_first(engine: AsyncEngine, tmp_path: Path) -> None:
    """BEGIN IMMEDIATE sent with the first statement still holds the database for writers from that moment:
    a second writer waits for the commit (a read-then-write transaction cannot fail half-way)."""
    async with engine.begin() as conn:
        await conn.execute(insert(notes).values(body="one"))
        other = await aiosqlite.connect(tmp_path / "hops.db", timeout=0.05)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                await other.execute("BEGIN IMMEDIATE")
        finally:
            await other.close()


async def test_the_pools_reset_after_a_commit_sends_nothing(engine: AsyncEngine, hops: HopCounter) -> None:
    """SQLAlchemy's pool rolls back every connection it takes back; after a commit there is nothing to roll back."""
    await warm(engine)
    hops.calls = 0
    async with engine.begin() as conn:
        await conn.execute(text("SELECT 1"))
    assert hops.calls == 2  # BEGIN with the SELECT, then COMMIT; no ROLLBACK on the way back to the pool
    async with engine.connect() as conn:  # a transaction left open is still rolled back
        await conn.execute(insert(notes).values(body="not committed"))
    async with engine.connect() as conn:
        assert (await conn.execute(select(notes.c.id))).all() == []


async def test_a_savepoint_keeps_its_own_errors(engine: AsyncEngine, hops: HopCounter) -> None:
    """Inside a savepoint nothing is held: a marked statement that fails there fails at once, the savepoint is
    rolled back, and the outer transaction's own work is kept."""
    await warm(engine)
    unused = insert(notes).execution_options(**{RESULT_UNUSED: True})
    async with engine.begin() as conn:
        await conn.execute(insert(notes).values(body="outer"))
        with pytest.raises(IntegrityError):
            async with conn.begin_nested():
                await conn.execute(insert(notes).values(body="inner"))
                calls = hops.calls
                await conn.execute(unused, [{"body": "outer"}])  # a duplicate: fails here, not later
        assert hops.calls > calls
        await conn.execute(unused, [{"body": "after"}])  # outside the savepoint: held again
    async with engine.connect() as conn:
        stored = (await conn.execute(select(notes.c.body).order_by(notes.c.id))).scalars().all()
    assert stored == ["outer", "after"]


async def test_a_cancelled_write_gives_the_writers_turn_back(engine: AsyncEngine, tmp_path: Path) -> None:
    """A task cancelled while its write transaction's statement runs on the thread: SQLAlchemy invalidates the
    connection (terminate, not close), and the writers' turn must still be given back, or every later writer of
    the database would wait out WAIT_SECONDS for it."""
    path = tmp_path / "hops.db"
    probe = sqlite3.connect(path)
    probe_turn = WriterTurn()
    slow = text(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000) SELECT count(*) FROM c"
    )

    async def write_slowly() -> None:
        async with engine.begin() as conn:
            await conn.execute(insert(notes).values(body="cut short"))
            await conn.execute(slow)

    task = asyncio.create_task(write_slowly())
    try:
        for _ in range(500):  # until the transaction holds the turn
            if not probe_turn.take(probe, wait=0):
                break
            probe_turn.give_back()
            await asyncio.sleep(0.01)
        else:
            pytest.fail("the write never took the writers' turn")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert probe_turn.take(probe, wait=1.0), "the cancelled write kept the writers' turn"
        probe_turn.give_back()
    finally:
        probe_turn.close()
        probe.close()
    async with engine.connect() as conn:  # and nothing of it was stored
        assert (await conn.execute(select(notes.c.id))).all() == []
