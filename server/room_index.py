"""python-socketio's client managers, with each connection's rooms kept beside it.

Why: the stock manager finds a leaving connection's rooms by copying and scanning every room of the namespace
(`BaseManager.basic_disconnect`), and every connection has a room of its own (its sid room). So a
departure costs O(rooms), and N connections leaving at once cost O(N²): at 2,000 that was
over half of the server's CPU while they left. Here a disconnect leaves just the rooms the connection is in.
"""

from __future__ import annotations

import logging
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet as sio_packet

log = logging.getLogger("alongside.broker")


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


class DirectEmit(socketio.AsyncManager):  # type: ignore[misc]
    """python-socketio's local emit without a task per recipient.

    Why: the stock `AsyncManager.emit` wraps each recipient's send in a task and waits for them all, yet a
    send only appends to that connection's unbounded Engine.IO queue and never waits (server/transport.py's
    send_packet: even a client past its ping timeout is closed in a task of its own). Twenty recipients were
    twenty tasks, their scheduling and their done callbacks (and, on Python 3.11, a `getpid()` system call in
    every `get_running_loop()` that creating a task makes) for every message. Here the one encoded packet is
    queued for each recipient in turn, in the same order the tasks would have run. A recipient whose send fails
    is logged and skipped, as the stock emit's unawaited task would have been; the others still get theirs.
    Emits with an ack callback (each recipient needs its own id) keep the stock path.

    In the Redis manager this sits below the pub/sub layer (`AsyncPubSubManager._handle_emit` calls it for
    this process's connections), so what goes through Redis is unchanged.
    """

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        if callback is not None:
            await super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, to=to, **kwargs)
            return
        room = to or room
        if namespace not in self.rooms:
            return
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        encoded = self.server.packet_class(sio_packet.EVENT, namespace=namespace, data=[event, *args]).encode()
        frames = [
            eio_packet.Packet(eio_packet.MESSAGE, part)
            for part in (encoded if isinstance(encoded, list) else [encoded])
        ]
        send = self.server.eio.send_packet  # what socketio's _send_eio_packet calls, one coroutine fewer
        for sid, eio_sid in list(self.get_participants(namespace, room)):  # a copy: a send may close a connection
            if sid in skip:
                continue
            for frame in frames:
                try:
                    await send(eio_sid, frame)
                except Exception as exc:  # one broken connection must not cost the rest their copy
                    log.warning("a send to one connection failed: %s", type(exc).__name__)
                    break


class IndexedManager(IndexedRooms, DirectEmit):
    """The in-process manager."""


class IndexedRedisManager(IndexedRooms, socketio.AsyncRedisManager, DirectEmit):  # type: ignore[misc]
    """The Redis pub/sub manager (several processes)."""

    publish_failures = 0  # publishes python-socketio gave up on (it logs and retries once, then drops them)

    async def _publish(self, data: Any) -> Any:
        result = await super()._publish(data)
        if result is None:  # redis-py answers a publish with the receiver count; None: the manager gave up
            self.publish_failures += 1
        return result
