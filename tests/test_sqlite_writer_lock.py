"""The writers' turn of a SQLite file (server/sqlite_writer_lock.py): every write transaction holds it from its
BEGIN IMMEDIATE to its commit or rollback, a waiter gets it as soon as it is given back, and a turn that cannot
be had in time lets SQLite's own lock decide, as before."""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from server import sqlite_writer_lock
from server.db import create_engine
from server.sqlite_writer_lock import WriterTurn, begin_immediate
from tests.helpers_sqlite import sqlite_engine

metadata = MetaData()
counts = Table("counts", metadata, Column("id", Integer, primary_key=True))


def begins_without_turn(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE goes ahead on `conn` without holding a turn (then rolled back)."""
    turn = WriterTurn()
    try:
        begin_immediate(conn, turn)
        assert conn.in_transaction and not turn.held
        conn.execute("ROLLBACK")
    finally:
        turn.close()


def turn_is_free(database: Path) -> bool:
    """Whether another process could take the turn now (a file lock of the test's own)."""
    fd = os.open(f"{database}-writer", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also lets go of a lock just taken
    return True


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "turns.db"


@pytest.fixture
async def engine(database: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_engine(database, metadata) as engine:
        yield engine


@pytest.fixture
def connections(database: Path) -> Iterator[tuple[sqlite3.Connection, sqlite3.Connection]]:
    first = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    second = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    yield first, second
    first.close()
    second.close()


async def test_a_write_transaction_holds_the_turn_until_it_commits_or_rolls_back(
    engine: AsyncEngine, database: Path
) -> None:
    assert turn_is_free(database)
    async with engine.begin() as conn:
        await conn.execute(insert(counts).values(id=1))
        assert not turn_is_free(database)
    assert turn_is_free(database)
    with pytest.raises(RuntimeError):
        async with engine.begin() as conn:
            await conn.execute(insert(counts).values(id=2))
            assert not turn_is_free(database)
            raise RuntimeError("rolled back")
    assert turn_is_free(database)
    async with engine.connect() as conn:
        assert (await conn.execute(select(counts.c.id))).scalars().all() == [1]


async def test_a_writer_waiting_for_the_turn_goes_on_once_it_is_given_back(
    engine: AsyncEngine, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two engines on one file stand in for two processes. The second writer asks for the turn while the first
    holds it; it waits on its connection's thread, so the event loop stays free to let the first commit (were
    the wait on the loop, this would never finish), and then it writes."""
    other = create_engine(f"sqlite+aiosqlite:///{database}")
    loop = asyncio.get_running_loop()
    asked = asyncio.Event()
    plain_begin = sqlite_writer_lock.begin_immediate

    def begin_and_tell(conn: sqlite3.Connection, turn: WriterTurn) -> None:
        if not turn.held and not turn_is_free(database):
            loop.call_soon_threadsafe(asked.set)  # this writer is about to wait for the turn
        plain_begin(conn, turn)

    try:
        first_holds, first_may_commit = asyncio.Event(), asyncio.Event()

        async def first() -> None:
            async with engine.begin() as conn:
                await conn.execute(insert(counts).values(id=10))
                first_holds.set()
                await first_may_commit.wait()

        async def second() -> None:
            async with other.begin() as conn:
                await conn.execute(insert(counts).values(id=11))

        holding = asyncio.create_task(first())
        await first_holds.wait()
        monkeypatch.setattr(sqlite_writer_lock, "begin_immediate", begin_and_tell)
        waiting = asyncio.create_task(second())
        await asyncio.wait_for(asked.wait(), timeout=10)
        first_may_commit.set()
        await asyncio.wait_for(asyncio.gather(holding, waiting), timeout=10)
        async with engine.connect() as conn:
            assert (await conn.execute(select(counts.c.id).order_by(counts.c.id))).scalars().all() == [10, 11]
        assert turn_is_free(database)
    finally:
        await other.dispose()


def test_the_turn_is_one_writer_at_a_time_and_given_back(
    connections: tuple[sqlite3.Connection, sqlite3.Connection],
) -> None:
    first, second = connections
    mine, theirs = WriterTurn(), WriterTurn()
    assert mine.take(first)
    assert not theirs.take(second, wait=0.02)
    mine.give_back()
    assert theirs.take(second, wait=0.02)
    theirs.close()  # closing gives it back too
    assert mine.take(first, wait=0.02)
    mine.close()


def test_a_turn_not_had_in_time_leaves_it_to_sqlites_own_lock(
    connections: tuple[sqlite3.Connection, sqlite3.Connection], database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that holds the turn and stops (say, SIGSTOP) must not stall writers for ever: after the wait,
    BEGIN IMMEDIATE goes ahead and SQLite's busy timeout applies as it did before the turn existed."""
    first, _ = connections
    stuck = WriterTurn()
    assert stuck.take(first)  # held, and never given back in this test
    monkeypatch.setattr(sqlite_writer_lock, "WAIT_SECONDS", 0.02)
    other = sqlite3.connect(database, isolation_level=None)
    try:
        begins_without_turn(other)
    finally:
        other.close()
        stuck.close()


def test_a_process_that_dies_lets_go_of_the_turn(database: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time; from server.sqlite_writer_lock import WriterTurn; "
            f"t = WriterTurn(); assert t.take(sqlite3.connect({str(database)!r})); print('held', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not turn_is_free(database)
        holder.kill()
        holder.wait(timeout=10)
        assert turn_is_free(database)
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_a_database_in_memory_has_no_turn() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        begins_without_turn(conn)
    finally:
        conn.close()
