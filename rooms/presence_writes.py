"""Group commit for presence rows: joins and leaves arriving at the same moment are written together.

Why: a connect wave or a mass departure of thousands meant thousands of write transactions, each waiting its
turn for SQLite's single writer or for a pooled connection: joins took minutes, and disconnect handlers timed
out on the pool and left their rows behind. Here the first write to arrive when none is being written is
written at once (an idle server adds no latency); those arriving meanwhile wait and go together in the next
transaction, led by the first of them on its own session, so a wave holds one database connection for its
writes, not one per connection. A batch keeps the order of its writes: a run of arrivals is one upsert, a run
of departures one delete. After an arrivals' commit the leader reads who is in each room it touched (once per
room) and tells the room once, so N people entering a room together cost one update, not N.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Integer, case, cast, delete, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.models import Attendance, GroupSession, Presence
from rooms.statement_hints import RESULT_UNUSED
from rooms.upserts import insert_for

# Rows per statement: well under SQLite's and asyncpg's bound-parameter limits (32,766 / 32,767).
CHUNK = 1000
READ_ONLY_OPTION = "alongside_read_only"  # server/db.READ_ONLY: SQLite begins without the write lock
T = TypeVar("T")


@dataclass(frozen=True)
class Arrival:
    """A connection entering a room: its presence row, and its attendance if a session is running."""

    sid: str
    group_id: int
    user_id: int
    role: str
    web_session: str
    server_id: str
    now: dt.datetime
    # (session id, first session in this group): attendance still to record (once per person and session).
    attendance: tuple[int, bool] | None = None


@dataclass(eq=False)
class _Write:
    arrival: Arrival | None = None
    departure: tuple[str, int | None] | None = None  # sid, and one group or (None) every group
    # True: lead the next batch; False: done, see `outcome`.
    turn: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    outcome: list[tuple[int, str]] | BaseException | None = None


class PresenceWrites:
    """This process's presence writes, batched, and its reads of who is in a room, shared (one per process, in
    RoomsContext)."""

    def __init__(self, max_batch: int = 5000) -> None:
        self.max_batch = max_batch
        self._queue: list[_Write] = []
        self._busy = False
        self.batches = 0  # how many transactions written (tests compare it with the writes asked for)
        self._next_read: dict[int, asyncio.Future[Any]] = {}
        self._reading: dict[int, asyncio.Event] = {}

    async def shared_read(self, group_id: int, read: Callable[[], Awaitable[T]]) -> T:
        """`read()` for this room, shared by every caller that asks before it starts: each caller gets a read
        that began after it asked (so it sees the caller's own committed row), but N callers at once cost one
        read (and one update to the room), not N. One read per room at a time."""
        waiting = self._next_read.get(group_id)
        if waiting is not None:
            result: T = await asyncio.shield(waiting)
            return result
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.add_done_callback(lambda f: f.cancelled() or f.exception())  # a failure is raised to the callers
        self._next_read[group_id] = future
        done: asyncio.Event | None = None
        try:
            while (running := self._reading.get(group_id)) is not None:
                await running.wait()
            del self._next_read[group_id]  # from here on, a new caller asks for the read after this one
            done = self._reading[group_id] = asyncio.Event()
            result = await read()
            future.set_result(result)
            return result
        except BaseException as exc:
            if not future.done():
                future.set_exception(exc if isinstance(exc, Exception) else RuntimeError("presence read stopped"))
            raise
        finally:
            if self._next_read.get(group_id) is future:
                del self._next_read[group_id]
            if done is not None:
                del self._reading[group_id]
                done.set()

    async def arrive(self, db: AsyncSession, arrival: Arrival) -> None:
        """Write the presence row (and attendance); returns once committed."""
        await self._submit(db, _Write(arrival=arrival))

    async def depart(self, db: AsyncSession, sid: str, group_id: int | None = None) -> list[tuple[int, str]]:
        """Forget a connection in one room, or in all; returns the (group, role) rows removed, once committed."""
        return await self._submit(db, _Write(departure=(sid, group_id)))

    async def _submit(self, db: AsyncSession, write: _Write) -> list[tuple[int, str]]:
        self._queue.append(write)
        if not self._busy:
            self._busy = True
            write.turn.set_result(True)
        try:
            leading = await write.turn
        except asyncio.CancelledError:
            if write.turn.done() and not write.turn.cancelled() and write.turn.result():
                self._pass_on()  # made leader just as its caller gave up: the next one leads
            raise
        if leading:
            batch: list[_Write] = []
            try:
                await asyncio.sleep(0)  # let writes that arrived in the same moment join this batch
                batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
                await self._write(db, batch)
            except BaseException as exc:
                for other in batch:
                    if other.outcome is None:
                        other.outcome = exc if isinstance(exc, Exception) else RuntimeError("presence write stopped")
                raise
            finally:
                for other in batch:
                    if not other.turn.done():
                        other.turn.set_result(False)
                self._pass_on()
        if isinstance(write.outcome, BaseException):
            raise write.outcome
        return write.outcome or []

    def _pass_on(self) -> None:
        """The first write still waiting leads the next batch; writes whose callers gave up are dropped (their
        rows are the sweeps' to catch)."""
        while self._queue and self._queue[0].turn.done():
            self._queue.pop(0)
        if self._queue:
            self._queue[0].turn.set_result(True)
        else:
            self._busy = False

    async def _write(self, db: AsyncSession, batch: list[_Write]) -> None:
        self.batches += 1
        async with db.begin():
            run: list[_Write] = []
            for write in batch:
                if run and (run[0].arrival is None) != (write.arrival is None):
                    await self._write_run(db, run)
                    run = []
                run.append(write)
            if run:
                await self._write_run(db, run)

    async def _write_run(self, db: AsyncSession, run: list[_Write]) -> None:
        if run[0].arrival is not None:
            await _upsert(db, [w.arrival for w in run if w.arrival is not None])
            for write in run:
                write.outcome = []
            return
        removed = await _delete(db, [w.departure for w in run if w.departure is not None])
        for write in run:
            assert write.departure is not None
            sid, group_id = write.departure
            mine = [row for row in removed.get(sid, []) if group_id is None or row[0] == group_id]
            write.outcome = sorted(set(mine))
            if mine:  # a second departure of the same rows in this batch removed nothing
                removed[sid] = [row for row in removed[sid] if row not in mine]


_WRITES: dict[str, tuple[Any, Any]] = {}


def _writes(db: AsyncSession) -> tuple[Any, Any]:
    """The presence upsert and the attendance insert, built once per dialect and run with a list of rows (an
    executemany, one call on SQLite's thread): their compiled form is cached. A multi-row VALUES, as these were,
    was compiled afresh for every batch size, about 4% of a connect wave's event loop."""
    dialect = db.get_bind().dialect.name
    if dialect not in _WRITES:
        upsert = insert_for(dialect, Presence)
        upsert = upsert.on_conflict_do_update(
            index_elements=[Presence.sid, Presence.group_id],
            set_={"last_seen": upsert.excluded.last_seen, "role": upsert.excluded.role},
        )
        # Nothing of either result is read: on SQLite they go to the database with the commit.
        unused = {RESULT_UNUSED: True}
        _WRITES[dialect] = (
            upsert.execution_options(**unused),
            insert_for(dialect, Attendance).on_conflict_do_nothing().execution_options(**unused),
        )
    return _WRITES[dialect]


async def _upsert(db: AsyncSession, arrivals: list[Arrival]) -> None:
    """One upsert for every row (the last arrival of a connection in a room wins), attendance once."""
    rows = {
        (a.sid, a.group_id): {
            "sid": a.sid,
            "group_id": a.group_id,
            "user_id": a.user_id,
            "role": a.role,
            "web_session": a.web_session,
            "server_id": a.server_id,
            "last_seen": a.now,
            "away": False,
        }
        for a in arrivals
    }
    came = {
        (a.attendance[0], a.user_id): {
            "session_id": a.attendance[0],
            "user_id": a.user_id,
            "role": a.role,
            "first_joined_at": a.now,
            "first_session": a.attendance[1],
        }
        for a in arrivals
        if a.attendance is not None
    }
    upsert, attend = _writes(db)
    connection = await db.connection()  # Core: the rows are plain values, nothing for the ORM to track
    # In key order: two processes writing the same rows take their locks in the same order (no deadlock).
    if rows:
        await connection.execute(upsert, [rows[key] for key in sorted(rows)])
    if came:
        await connection.execute(attend, [came[key] for key in sorted(came)])


async def _delete(db: AsyncSession, departures: list[tuple[str, int | None]]) -> dict[str, list[tuple[int, str]]]:
    """One delete per kind (whole connections, single rooms); the removed rows by connection."""
    whole = sorted({sid for sid, group_id in departures if group_id is None})
    single = sorted({(sid, group_id) for sid, group_id in departures if group_id is not None and sid not in whole})
    removed: dict[str, list[tuple[int, str]]] = {}
    returning = (Presence.sid, Presence.group_id, Presence.role)
    for start in range(0, len(whole), CHUNK):
        rows = await db.execute(
            delete(Presence).where(Presence.sid.in_(whole[start : start + CHUNK])).returning(*returning)
        )
        for sid, group_id, role in rows.all():
            removed.setdefault(sid, []).append((group_id, role))
    for start in range(0, len(single), CHUNK):
        chunk = single[start : start + CHUNK]
        rows = await db.execute(
            delete(Presence).where(tuple_(Presence.sid, Presence.group_id).in_(chunk)).returning(*returning)
        )
        for sid, group_id, role in rows.all():
            removed.setdefault(sid, []).append((group_id, role))
    return removed


async def attendance_of(db: AsyncSession, session: GroupSession, user_id: int) -> tuple[bool, bool]:
    """Entering a running session (a read): whether it is the person's first session in the group, and whether
    that still needs recording. Recorded once; a second tab at the same moment records the same."""
    return (await attendances_of(db, [(session.id, session.group_id, user_id)]))[0]


# A person entering a running session: (session id, its group's id, user id).
AttendanceAsk = tuple[int, int, int]


async def attendances_of(db: AsyncSession, asked: list[AttendanceAsk]) -> list[tuple[bool, bool]]:
    """attendance_of for several people entering running sessions, in the order asked, in one statement however
    many (a connect wave's joins ask together: rooms/chat.do_enter_room): per person and group, the attendance
    already recorded in the session asked about, and whether any session of the group has any."""
    if not asked:
        return []
    sessions = sorted({session_id for session_id, _, _ in asked})
    groups = sorted({group_id for _, group_id, _ in asked})
    users = sorted({user_id for _, _, user_id in asked})
    this_session = case((Attendance.session_id.in_(sessions), Attendance.session_id))  # NULL: another session
    each = (
        select(
            GroupSession.group_id.label("group_id"),
            Attendance.user_id.label("user_id"),
            this_session.label("session_id"),
            cast(Attendance.first_session, Integer).label("first"),
        )
        .join(GroupSession, GroupSession.id == Attendance.session_id)
        .where(GroupSession.group_id.in_(groups), Attendance.user_id.in_(users))
        .subquery()
    )
    rows = await db.execute(
        select(each.c.group_id, each.c.user_id, each.c.session_id, func.max(each.c.first)).group_by(
            each.c.group_id, each.c.user_id, each.c.session_id
        )
    )
    recorded: dict[tuple[int, int], bool] = {}  # (session, user) -> first session, for the sessions asked about
    attended: set[tuple[int, int]] = set()  # (group, user) with any attendance
    for group_id, user_id, session_id, first in rows.all():
        attended.add((group_id, user_id))
        if session_id is not None:
            recorded[(session_id, user_id)] = bool(first)
    answers: list[tuple[bool, bool]] = []
    for session_id, group_id, user_id in asked:
        if (session_id, user_id) in recorded:  # recorded in this session already
            answers.append((recorded[(session_id, user_id)], False))
        else:  # to record: their first session unless they attended one of the group's before
            answers.append(((group_id, user_id) not in attended, True))
    return answers
