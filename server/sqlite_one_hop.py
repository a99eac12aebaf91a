"""SQLite through aiosqlite with one thread hop per statement.

aiosqlite runs every call on its connection's own thread. SQLAlchemy's adapter makes four such calls per
statement: open a cursor, execute, fetch the rows, close the cursor. Each call is a round trip between the
event loop and that thread: a queue put, a wake-up, the GIL taken back. On a busy loop the thread also waits
for the loop to hand over the GIL. Here the cursor does all four in one call on the connection's thread and
keeps the rows it fetched; the rest of SQLAlchemy's aiosqlite dialect is unchanged. Write transactions also
take their database's writers' turn on that thread (server/sqlite_writer_lock.py).

Each transaction saves more hops by sending work with the next call, or not at all:
- `BEGIN` / `BEGIN IMMEDIATE` goes with the transaction's first statement (a transaction that runs no statement
  sends none, and its commit or rollback has nothing to do);
- a rollback when no transaction is open (SQLAlchemy's pool resets every connection it takes back, after
  each commit too) is not sent at all;
- a statement whose caller reads nothing of its result (marked with the execution option `RESULT_UNUSED` of
  rooms/statement_hints.py: the send flush's multi-row INSERT, the presence upsert) goes with the next
  statement or the commit. Its error, if any, is raised there, and a commit that meets one rolls back on the
  thread before raising. Inside a savepoint nothing is held (its error must be the savepoint's own), and a
  statement held before a savepoint goes with the SAVEPOINT, so its error is raised from that: a caller must not
  mark a statement it follows with a savepoint that catches the same kind of error.
On a busy event loop each hop waits for the loop to come round, so the send flush's six hops
(begin, ids, facts, insert, commit, and the pool's rollback) cost several milliseconds; it now makes two
(with rooms/message_ids.py reading the ids with the facts).

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
Statement = tuple[str, Any, bool]  # operation, parameters, executemany
BEGIN_WRITE = "BEGIN IMMEDIATE"
BEGIN_READ = "BEGIN"


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


def _begin(conn: sqlite3.Connection, turn: WriterTurn, begin: str) -> None:
    if begin == BEGIN_WRITE:
        sqlite_writer_lock.begin_immediate(conn, turn)
    else:
        conn.execute(begin)


def _run_after(
    conn: sqlite3.Connection,
    turn: WriterTurn,
    begin: str | None,
    earlier: list[Statement],
    statement: Statement | None,
) -> Outcome | None:
    """On the connection's thread: the deferred BEGIN and statements, then this one (if any)."""
    if begin is not None:
        _begin(conn, turn, begin)
    for operation, parameters, many in earlier:
        _run_one(conn, operation, parameters, many)
    return None if statement is None else _run_one(conn, *statement)


def _commit_after(conn: sqlite3.Connection, turn: WriterTurn, begin: str | None, earlier: list[Statement]) -> None:
    """On the connection's thread: the deferred BEGIN and statements, then COMMIT; if a statement fails, the
    transaction is rolled back before the error goes up (nothing of it is kept)."""
    try:
        _run_after(conn, turn, begin, earlier, None)
    except BaseException:
        sqlite_writer_lock.rollback(conn, turn)  # nothing to undo if BEGIN itself failed: then a no-op
        raise
    sqlite_writer_lock.commit(conn, turn)


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor: one call on the connection's thread per execute, none to open or close it."""

    __slots__ = ("_description", "_lastrowid", "_result_unused", "_rowcount")
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
        self._result_unused = False

    def result_unused(self) -> None:
        """The next statement's result will not be read: it may go with the next call (server/db.py marks it
        from the statement's RESULT_UNUSED execution option)."""
        self._result_unused = True

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
        adapted: OneHopConnection = self._adapt_connection  # type: ignore[assignment]
        unused, self._result_unused = self._result_unused, False
        self._description, self._rowcount, self._lastrowid, self._rows = None, -1, None, collections.deque()
        if operation in (BEGIN_WRITE, BEGIN_READ):  # server/db.py begins every transaction so: sent with the next
            adapted._begin_pending = operation
            adapted._in_transaction = True
            return
        adapted._follow(operation)
        if unused and adapted._in_transaction and not adapted._savepoints:  # sent with the next call
            adapted._deferred.append((operation, parameters, many))
            return
        begin, earlier = adapted._take_pending()
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with adapted._execute_mutex:
            if begin is None and not earlier:
                run = connection._execute(_run_one, connection._conn, operation, parameters, many)  # type: ignore[no-untyped-call]
            else:
                statement = (operation, parameters, many)
                run = connection._execute(_run_after, connection._conn, adapted._turn, begin, earlier, statement)  # type: ignore[no-untyped-call]
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
    commit and rollback give back the writers' turn on the connection's thread. It holds what waits to be sent
    with the next call: the transaction's BEGIN and statements whose result is not read."""

    __slots__ = ("_begin_pending", "_deferred", "_in_transaction", "_savepoints", "_turn")
    _turn: WriterTurn
    _begin_pending: str | None
    _deferred: list[Statement]
    _in_transaction: bool
    _savepoints: int  # open savepoints: inside one nothing is held, so a savepoint's error stays its own

    def _follow(self, operation: str) -> None:
        """Keep track of transactions and savepoints opened or closed by statements other than server/db.py's
        BEGIN (a raw BEGIN, COMMIT or END; SQLAlchemy's SAVEPOINT, RELEASE and ROLLBACK TO)."""
        verb = operation.lstrip()[:12].upper()
        if verb.startswith("SAVEPOINT"):
            self._in_transaction = True  # a savepoint outside a transaction opens one
            self._savepoints += 1
        elif verb.startswith(("RELEASE", "ROLLBACK TO")):
            self._savepoints = max(0, self._savepoints - 1)
        elif verb.startswith("BEGIN"):
            self._in_transaction = True
        elif verb.startswith(("COMMIT", "END", "ROLLBACK")):
            self._in_transaction, self._savepoints = False, 0

    def _forget(self) -> None:
        self._begin_pending, self._deferred, self._in_transaction, self._savepoints = None, [], False, 0

    _cursor_cls = OneHopCursor  # type: ignore[assignment]  # a subclass; mypy reads the base's as exact

    def _take_pending(self) -> tuple[str | None, list[Statement]]:
        begin, earlier = self._begin_pending, self._deferred
        self._begin_pending, self._deferred = None, []
        return begin, earlier

    def cursor(self, server_side: bool = False) -> Any:
        if server_side and (self._begin_pending is not None or self._deferred):
            self._send_pending()  # a server-side cursor runs on aiosqlite's own path: what waits goes first
        return super().cursor(server_side)

    def _send_pending(self) -> None:
        begin, earlier = self._take_pending()
        self._end(_run_after, begin, earlier, None)

    def commit(self) -> None:
        begin, earlier = self._take_pending()
        if begin is not None and not earlier:
            self._forget()
            return  # the transaction ran no statement: nothing was begun
        if earlier:
            self._end(_commit_after, begin, earlier)
        else:
            self._end(sqlite_writer_lock.commit)
        self._forget()  # not on failure: then the rollback that follows is sent

    def rollback(self) -> None:
        begin, _ = self._take_pending()  # statements not yet sent are dropped with the transaction
        if begin is not None or not self._in_transaction:
            self._forget()
            return  # nothing was begun (such as the pool's reset of a connection already committed)
        try:
            self._end(sqlite_writer_lock.rollback)
        finally:
            self._forget()

    def _end(self, how: Any, *args: Any) -> None:
        """`how(conn, turn, *args)` on the connection's thread, its error raised as the driver's."""
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        if not connection._connection:  # closed already (as SQLAlchemy's adapter checks)
            if how in (_commit_after, _run_after):  # held statements cannot be sent: do not say they were
                self._handle_exception(sqlite3.OperationalError("the connection closed before its statements ran"))
            return
        try:
            await_(connection._execute(how, connection._conn, self._turn, *args))  # type: ignore[no-untyped-call]
        except Exception as error:
            self._handle_exception(error)

    def close(self) -> None:
        self._forget()
        try:
            super().close()
        finally:
            self._turn.close()

    def terminate(self) -> None:
        """SQLAlchemy's way out for a connection it invalidates (a task cancelled while its statement ran, say):
        it closes aiosqlite's connection without close(), so the writers' turn is given back here too, or every
        later writer of the database, in every process, would wait out its time for it."""
        self._forget()
        try:
            super().terminate()
        finally:
            self._turn.close()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module handed to `create_async_engine(module=...)`: connects as SQLAlchemy's adapter does."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        connection = OneHopConnection(self, adapted._connection)
        connection._turn = WriterTurn()
        connection._forget()
        return connection


def one_hop_dbapi() -> OneHopDBAPI:
    return OneHopDBAPI(aiosqlite, sqlite3)
