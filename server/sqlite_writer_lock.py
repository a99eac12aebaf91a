"""A writers' turn for one SQLite file, handed over within a millisecond of being free.

SQLite lets one write transaction run at a time. A writer that finds the file locked waits in SQLite's busy
handler, which sleeps and tries again (1, 2, 5, 10, 15, 20, 25 ... 100 ms between tries), so a writer keeps
sleeping for a while after the lock is already free. When two processes share one file, their group commits
keep meeting, and those sleeps add straight to send latency. In the load bench's two-process scenario on
SQLite (`bench/load.py --skip fanout,idle,safeguarding`), with the turn against without it, one run each:
p50 / p99 at 400 msgs/s 34.6 / 73.8 ms against 47.5 / 309 ms, at 500 msgs/s 56 / 265 ms against 101 / 952 ms.

So every `BEGIN IMMEDIATE` first takes an exclusive `flock` on `<database>-writer`, and the transaction's
commit or rollback gives it back. All of this runs on the connection's own thread (server/sqlite_one_hop.py),
never on the event loop's. A waiter looks again after 50 µs, doubling to at most 1 ms, so it starts within a
millisecond of the turn's release. A process that dies lets go of the turn at once: the kernel closes its files.

SQLite's own lock still guards correctness; the turn only decides who asks next. A writer that cannot take
the turn within `WAIT_SECONDS` goes ahead without it, so SQLite's busy timeout then applies as before: a
stopped process that holds the turn does not stall the others indefinitely. Databases with no file (in memory)
have no turn.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time

WAIT_SECONDS = 10.0  # as long as the connections' busy timeout (server/db.py)
FIRST_PAUSE = 0.00005
LONGEST_PAUSE = 0.001


class WriterTurn:
    """One connection's handle on its database's writers' turn. Used only on that connection's thread."""

    def __init__(self) -> None:
        self._fd: int | None = None
        self._looked = False
        self.held = False

    def _file(self, conn: sqlite3.Connection) -> int | None:
        """The turn's file, opened on first use; None for a database with no file."""
        if not self._looked:
            self._looked = True
            path = next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")
            if path:
                self._fd = os.open(path + "-writer", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return self._fd

    def take(self, conn: sqlite3.Connection, wait: float | None = None) -> bool:
        """Wait for the turn (up to `wait` seconds, WAIT_SECONDS by default); says whether it is held.

        It polls with short pauses (50 µs doubling to 1 ms) rather than blocking in `flock`: a blocked `flock`
        cannot be given a time limit from a thread that is not the main one."""
        fd = self._file(conn)
        if fd is None or self.held:
            return self.held
        deadline, pause = time.monotonic() + (WAIT_SECONDS if wait is None else wait), FIRST_PAUSE
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
                continue
            self.held = True
            return True

    def give_back(self) -> None:
        if self.held and self._fd is not None:
            self.held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            self.held = False
            os.close(self._fd)  # also gives the turn back
            self._fd = None


def begin_immediate(conn: sqlite3.Connection, turn: WriterTurn) -> None:
    """`BEGIN IMMEDIATE` once this connection has the writers' turn (or has waited its time for it)."""
    turn.take(conn)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except BaseException:
        turn.give_back()
        raise


def commit(conn: sqlite3.Connection, turn: WriterTurn) -> None:
    try:
        conn.commit()
    finally:
        turn.give_back()


def rollback(conn: sqlite3.Connection, turn: WriterTurn) -> None:
    try:
        conn.rollback()
    finally:
        turn.give_back()
