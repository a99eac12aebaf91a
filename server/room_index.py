"""python-socketio's client managers, with each connection's rooms kept beside it.

Why: the stock manager finds a leaving connection's rooms by copying and scanning every room of the namespace
(`BaseManager.basic_disconnect`), and every connection has a room of its own (its sid room). So a
departure costs O(rooms), and N connections leaving at once cost O(N²): at 2,000 that was
over half of the server's CPU while they left. Here a disconnect leaves just the rooms the connection is in.
"""

from __future__ import annotations

from typing import Any

import socketio


class IndexedRooms:
    """Mixin for a python-socketio manager: `_rooms_of[namespace][sid]` lists the rooms of
    `rooms[namespace][room][sid]`. A short list per connection, not a set under a (namespace, sid) key: one
    lives per open connection, and a connection is in a handful of rooms."""

    rooms: dict[Any, Any]
    callbacks: dict[Any, Any]
    pending_connect: dict[Any, Any]
    pending_disconnect: dict[Any, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rooms_of: dict[str, dict[str, list[Any]]] = {}

    def basic_enter_room(self, sid: str, namespace: str, room: Any, eio_sid: str | None = None) -> None:
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)  # type: ignore[misc]
        rooms = self._rooms_of.setdefault(namespace, {}).setdefault(sid, [])
        if room not in rooms:
            rooms.append(room)

    def basic_leave_room(self, sid: str, namespace: str, room: Any) -> None:
        super().basic_leave_room(sid, namespace, room)  # type: ignore[misc]
        of_namespace = self._rooms_of.get(namespace)
        rooms = of_namespace.get(sid) if of_namespace is not None else None
        if rooms is not None and room in rooms:
            rooms.remove(room)
            if not rooms:
                self._forget(sid, namespace)

    def _forget(self, sid: str, namespace: str) -> None:
        of_namespace = self._rooms_of.get(namespace)
        if of_namespace is not None:
            of_namespace.pop(sid, None)
            if not of_namespace:
                del self._rooms_of[namespace]

    def rooms_of(self, sid: str, namespace: str) -> list[Any]:
        """The rooms this connection is in (None, the namespace's everyone-room, among them)."""
        return list(self._rooms_of.get(namespace, {}).get(sid, ()))

    def basic_disconnect(self, sid: str, namespace: str, **kwargs: Any) -> None:
        """BaseManager.basic_disconnect without the scan of every room."""
        if namespace not in self.rooms:
            return
        for room in self.rooms_of(sid, namespace):
            self.basic_leave_room(sid, namespace, room)
        self._forget(sid, namespace)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            if namespace in pending and sid in pending[namespace]:
                pending[namespace].remove(sid)
                if not pending[namespace]:
                    del pending[namespace]

    def get_rooms(self, sid: str, namespace: str) -> list[Any]:
        return [room for room in self.rooms_of(sid, namespace) if room is not None]


class IndexedManager(IndexedRooms, socketio.AsyncManager):  # type: ignore[misc]
    """The in-process manager."""


class IndexedRedisManager(IndexedRooms, socketio.AsyncRedisManager):  # type: ignore[misc]
    """The Redis pub/sub manager (several processes)."""

    publish_failures = 0  # publishes python-socketio gave up on (it logs and retries once, then drops them)

    async def _publish(self, data: Any) -> Any:
        result = await super()._publish(data)
        if result is None:  # redis-py answers a publish with the receiver count; None: the manager gave up
            self.publish_failures += 1
        return result
