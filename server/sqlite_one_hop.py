"""SQLite through aiosqlite with one thread hop per statement.

aiosqlite runs every call on its connection's own thread. SQLAlchemy's adapter makes four such calls per
statement: open a cursor, execute, fetch the rows, close the cursor. Each call is a round trip between the
event loop and that thread: a queue put, a wake-up, the GIL taken back. On a busy loop the thread also waits
for the loop to hand over the GIL. Here the cursor does all four in one call on the connection's thread and
keeps the rows it fetched; the rest of SQLAlchemy's aiosqlite dialect is unchanged. Write transactions also
take their database's writers' turn on that thread (server/sqlite_writer_lock.py).

It reaches into aiosqlite's `Connection._execute` (how aiosqlite itself runs every call), so aiosqlite is
pinned in requirements.lock and every SQLite test runs through this path.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

from server import sqlite_writer_lock
from server.sqlite_writer_lock import WriterTurn

Outcome = tuple[Any, list[Any], int, int | None]  # description, rows, rowcount, lastrowid
BEGIN_WRITE = "BEGIN IMMEDIATE"


def _run_one(conn: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Outcome:
    """On the connection's thread: the whole statement, rows included."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor: one call on the connection's thread per execute, none to open or close it."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")
    _awaitable_cursor_close = False  # nothing left open on the thread to close

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    async def _run(self, operation: Any, parameters: Any, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        if operation == BEGIN_WRITE:  # server/db.py begins every write transaction so
            turn: WriterTurn = self._adapt_connection._turn  # type: ignore[attr-defined]
            async with self._adapt_connection._execute_mutex:
                await connection._execute(sqlite_writer_lock.begin_immediate, connection._conn, turn)  # type: ignore[no-untyped-call]
            self._description, self._rowcount, self._lastrowid, self._rows = None, -1, None, collections.deque()
            return
        async with self._adapt_connection._execute_mutex:
            run = connection._execute(_run_one, connection._conn, operation, parameters, many)  # type: ignore[no-untyped-call]
            outcome: Outcome = await run
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._run(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Sequence[Any]) -> None:
        await self._run(operation, seq_of_parameters, many=True)

    def nextset(self) -> None:
        raise NotImplementedError("SQLite has one result set per statement")

    def setinputsizes(self, *inputsizes: Any) -> None:
        pass


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection adapter with the one-hop cursor (server-side cursors unchanged), whose
    commit and rollback give back the writers' turn on the connection's thread."""

    __slots__ = ("_turn",)
    _turn: WriterTurn
    _cursor_cls = OneHopCursor  # type: ignore[assignment]  # a subclass; mypy reads the base's as exact

    def commit(self) -> None:
        self._end(sqlite_writer_lock.commit)

    def rollback(self) -> None:
        self._end(sqlite_writer_lock.rollback)

    def _end(self, how: Any) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        if not connection._connection:  # closed already (as SQLAlchemy's adapter checks)
            return
        try:
            await_(connection._execute(how, connection._conn, self._turn))  # type: ignore[no-untyped-call]
        except Exception as error:
            self._handle_exception(error)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._turn.close()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module handed to `create_async_engine(module=...)`: connects as SQLAlchemy's adapter does."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        connection = OneHopConnection(self, adapted._connection)
        connection._turn = WriterTurn()
        return connection


def one_hop_dbapi() -> OneHopDBAPI:
    return OneHopDBAPI(aiosqlite, sqlite3)
