"""Room watermarks: every few seconds each process tells its own connections the newest message id of each room
they are in (`room:watermark`), read from the database, not relayed through Redis.

Why: with Redis, a message reaches the other processes' connections only through Redis pub/sub. A publish made
while Redis is down, stalled or restarting is lost, and until now a client learnt of it only on its next
message or reconnect. A client that sees a watermark above the last message it has asks for the rest
(`history:since`), so every stored message reaches everyone within a few seconds of Redis returning, without
anyone sending anything. One query per process per round, whatever the number of connections.
"""

from __future__ import annotations

import asyncio
import logging

import socketio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rooms.events import ROOM_PREFIX, room_name
from rooms.models import Group
from server.broker import CHAT_NAMESPACE

log = logging.getLogger("alongside.watermarks")


def local_rooms(sio: socketio.AsyncServer) -> list[int]:
    """The groups whose rooms this process's own connections are in."""
    rooms = sio.manager.rooms.get(CHAT_NAMESPACE, {})
    found = []
    for name, members in rooms.items():
        if isinstance(name, str) and name.startswith(ROOM_PREFIX) and members:
            suffix = name[len(ROOM_PREFIX) :]
            if suffix.isdigit():
                found.append(int(suffix))
    return sorted(found)


async def announce(sio: socketio.AsyncServer, readers: async_sessionmaker[AsyncSession]) -> int:
    """Tell this process's connections each of their rooms' newest message id; returns how many rooms."""
    groups = local_rooms(sio)
    if not groups:
        return 0
    async with readers() as db, db.begin():
        rows = (await db.execute(select(Group.id, Group.last_message_id).where(Group.id.in_(groups)))).all()
    for group_id, last_id in rows:
        await sio.emit(
            "room:watermark",
            {"group_id": group_id, "last_id": last_id},
            room=room_name(group_id),
            namespace=CHAT_NAMESPACE,
            ignore_queue=True,  # this process's own connections, straight from here: no Redis needed
        )
    return len(rows)


async def keep_announcing(
    sio: socketio.AsyncServer, readers: async_sessionmaker[AsyncSession], interval_seconds: float
) -> None:
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            await announce(sio, readers)
        except Exception as exc:  # the database may be briefly away: try again next round
            log.warning("room watermarks not sent (%s); next round in %.1f s", type(exc).__name__, interval_seconds)
