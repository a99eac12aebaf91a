"""Taking message ids for every room in a send flush with one statement, not one per room.

A flush of the send path (rooms/send_batch.py) stores messages for several rooms at once; at high send rates a
flush spans many rooms, and one `UPDATE ... RETURNING` per room was most of its statements. Here one UPDATE
joins the rooms' counts, passed as a single parameter (JSON on SQLite, two arrays on PostgreSQL), so the SQL
text is the same for any number of rooms and is compiled once.

The guarantees are those of one UPDATE per room:
- SQLite: the flush's BEGIN IMMEDIATE already holds the whole database, so one statement is as safe as several.
- PostgreSQL: row locks are taken in room-id order (`ORDER BY ... FOR UPDATE` in the join), as the one-per-room
  loop took them, so two processes' flushes over overlapping rooms wait for each other instead of deadlocking.

On SQLite the flush need not ask at all (`reads_ids_under_lock`): from its BEGIN IMMEDIATE to its commit no other
writer can change a room's last id, so the flush reads each room's last id with the senders' facts (one
statement it makes anyway), numbers the messages it keeps from there, and sets the new last ids with
`set_last_ids`, whose result it does not read: that UPDATE goes to the database with the INSERT and the commit
(server/sqlite_one_hop.py), so a flush is two trips to SQLite's thread, not three. No id is taken for a write the
flush refuses, so none is given back.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import NoResultFound
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Integer, String

from rooms import store
from rooms.models import Group
from rooms.statement_hints import RESULT_UNUSED

_SQLITE = """
UPDATE groups SET last_message_id = groups.last_message_id + taken.n
FROM (
    SELECT CAST(json_extract(value, '$[0]') AS INTEGER) AS gid, CAST(json_extract(value, '$[1]') AS INTEGER) AS n
    FROM json_each(:taken)
) AS taken
WHERE groups.id = taken.gid
RETURNING groups.id, groups.last_message_id
"""

_POSTGRESQL = """
UPDATE groups SET last_message_id = groups.last_message_id + taken.n
FROM (
    SELECT g.id AS gid, t.n AS n
    FROM groups AS g JOIN unnest(:group_ids, :counts) AS t(gid, n) ON g.id = t.gid
    ORDER BY g.id
    FOR UPDATE OF g
) AS taken
WHERE groups.id = taken.gid
RETURNING groups.id, groups.last_message_id
"""


async def take_for_rooms(db: AsyncSession, counts: Mapping[int, int]) -> dict[int, int]:
    """Take `counts[room]` ids in each room, in one statement; returns each room's last id taken (its new ids
    end there). A room that does not exist is left out of the answer. One room takes its ids with the simpler
    one-row UPDATE (store.take_message_ids)."""
    if not counts:
        return {}
    if len(counts) == 1:
        ((room, count),) = counts.items()
        try:
            return {room: await store.take_message_ids(db, room, count)}
        except NoResultFound:
            return {}
    rooms = sorted(counts)
    connection = await db.connection()  # Core on the connection: no ORM execution on the hot path
    if connection.dialect.name == "postgresql":
        params: dict[str, Any] = {"group_ids": rooms, "counts": [counts[room] for room in rooms]}
    else:
        params = {"taken": json.dumps([[room, counts[room]] for room in rooms])}
    result = await connection.execute(_statement(connection.dialect.name), params)
    return {int(room): int(last) for room, last in result.all()}


@functools.cache
def _statement(dialect: str) -> Any:
    """The UPDATE for this dialect, built once (its text never changes, so its compiled form is cached too)."""
    if dialect == "postgresql":
        return text(_POSTGRESQL).bindparams(
            bindparam("group_ids", type_=ARRAY(Integer)), bindparam("counts", type_=ARRAY(Integer))
        )
    return text(_SQLITE).bindparams(bindparam("taken", type_=String))


def reads_ids_under_lock(db: AsyncSession) -> bool:
    """Whether this session's write transactions hold the whole database from their start (SQLite's BEGIN
    IMMEDIATE), so a room's last id read inside one cannot change before its commit. It relies on the send flush
    running on a write session (server/db.py begins every transaction of one with BEGIN IMMEDIATE; the
    `read_only` sessions begin with a plain BEGIN and must never flush)."""
    return bool(db.get_bind().dialect.name == "sqlite")


async def set_last_ids(db: AsyncSession, last_ids: Mapping[int, int]) -> None:
    """Set each room's last message id (SQLite, under the write lock: see reads_ids_under_lock). Nothing of the
    result is read, so it goes to the database with the transaction's next statement or its commit."""
    if last_ids:
        connection = await db.connection()
        rows = [{"room": room, "last": last} for room, last in sorted(last_ids.items())]
        await connection.execute(_set_last_ids(), rows)


@functools.cache
def _set_last_ids() -> Any:
    groups: Table = Group.__table__  # type: ignore[assignment]
    return (
        groups.update()
        .where(groups.c.id == bindparam("room", type_=Integer))
        .values(last_message_id=bindparam("last", type_=Integer))
        .execution_options(**{RESULT_UNUSED: True})
    )
