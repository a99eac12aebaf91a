"""Publishes room events to every connection in a room, on this process or (with Redis) all of them."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import socketio

from rooms.events import RoomEvent, room_name, staff_room_name
from server.control_bus import ControlBus
from server.room_index import IndexedManager, IndexedRedisManager

CHAT_NAMESPACE = "/chat"
log = logging.getLogger("alongside.broker")


def client_manager(redis_url: str, pool_size: int) -> Any:
    """In-process when no Redis is configured; else python-socketio's Redis pub/sub manager.

    The pool size is explicit: redis-py 8's async pool defaults to 100 connections and raises "Too many
    connections" (rather than waiting) once that many publishes are in flight, and the manager then drops
    the publish after one retry. Alongside's default is 1024.
    """
    if not redis_url:
        return IndexedManager()
    return IndexedRedisManager(
        redis_url,
        channel="alongside",
        redis_options={"max_connections": pool_size, "health_check_interval": 30},
    )


class SocketIOPublisher:
    """`timeout_seconds` bounds what waits on Redis; None (no Redis) leaves emits unbounded. In process an emit
    only queues a frame per local connection, so nothing outside can stall it; a bound there would only
    measure how busy the loop is, and call a crowd arriving on a loaded machine a failed publish."""

    def __init__(self, sio: socketio.AsyncServer, control: ControlBus, timeout_seconds: float | None = 1.0) -> None:
        self._sio = sio
        self._control = control
        self._timeout = timeout_seconds
        self._timeouts = 0

    @property
    def publish_errors(self) -> int:
        """Publishes that did not reach Redis: timed out here, or given up by the manager (for /metrics)."""
        return self._timeouts + int(getattr(self._sio.manager, "publish_failures", 0))

    async def recheck_room(self, group_id: int) -> None:
        await self._control.publish({"kind": "recheck_room", "group_id": group_id})

    async def sign_out(self, web_sessions: list[str]) -> None:
        """On the control bus: each process tells and closes the connections it holds (server/realtime.py)."""
        await self._control.publish({"kind": "signed_out", "web_sessions": list(web_sessions)})

    async def evict(self, sid: str, group_id: int) -> None:
        """Leave the room, and the staff room beside it, on whichever process holds the connection (the Redis
        manager relays it), and tell the client why it went quiet. (Private rooms are left by the process
        itself when it sees the room:removed: see server/realtime.py.)"""
        # Leave first: for a connection this process holds that needs no Redis, so it holds even when Redis
        # is stalled. Each step is bounded like publish; the room sweep finishes whatever timed out.
        try:
            async with asyncio.timeout(self._timeout):
                await self._sio.leave_room(sid, room_name(group_id), namespace=CHAT_NAMESPACE)
                await self._sio.leave_room(sid, staff_room_name(group_id), namespace=CHAT_NAMESPACE)
            async with asyncio.timeout(self._timeout):
                await self._sio.emit("room:removed", {"group_id": group_id}, to=sid, namespace=CHAT_NAMESPACE)
        except TimeoutError:
            self._timeouts += 1
            log.warning("eviction timed out after %.1f s; the room sweep will finish it", self._timeout or 0.0)

    async def publish(self, event: RoomEvent) -> None:
        """Hand the event to the room's connections. With Redis this waits for Redis, so it is bounded: a stalled
        Redis must not hold the sender's ack (what was stored stays stored, and the clients catch up from the
        room watermarks, server/watermarks.py, once Redis answers again)."""
        targets = event.targets()
        try:
            async with asyncio.timeout(self._timeout):
                await self._sio.emit(
                    event.name,
                    event.payload,
                    room=targets[0] if len(targets) == 1 else targets,
                    namespace=CHAT_NAMESPACE,
                    skip_sid=event.skip_sid,
                )
        except TimeoutError:
            self._timeouts += 1
            log.warning(
                "publish of %s timed out after %.1f s; clients catch up by watermark", event.name, self._timeout or 0.0
            )
