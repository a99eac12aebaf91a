"""server/room_index.py: the indexed manager keeps the same rooms as python-socketio's own, and a disconnect
leaves exactly the connection's rooms without scanning the others."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio

from server.room_index import IndexedManager


def run(manager: Any) -> dict[Any, Any]:
    """The same joins and leaves on a manager; its rooms afterwards, as plain dicts."""
    manager.rooms = {}
    sids = [manager.basic_enter_room(f"s{n}", "/chat", None, eio_sid=f"e{n}") or f"s{n}" for n in range(6)]
    for n, sid in enumerate(sids):
        manager.basic_enter_room(sid, "/chat", sid, eio_sid=f"e{n}")
        manager.basic_enter_room(sid, "/chat", f"group:{n % 2}")
        manager.basic_enter_room(sid, "/chat", f"web:{n // 3}")
    manager.basic_leave_room("s1", "/chat", "group:1")
    manager.basic_close_room("web:1", "/chat")
    for sid in ("s0", "s3", "s4"):
        manager.basic_disconnect(sid, "/chat")
    return {room: dict(members) for room, members in manager.rooms["/chat"].items()}


def test_the_indexed_manager_keeps_the_same_rooms_and_forgets_a_departed_connection() -> None:
    stock, indexed = socketio.AsyncManager(), IndexedManager()
    for manager in (stock, indexed):
        manager.callbacks, manager.pending_connect, manager.pending_disconnect = {}, {}, {}
    assert run(indexed) == run(stock)
    assert indexed.rooms_of("s0", "/chat") == []
    assert sorted(indexed.get_rooms("s1", "/chat"), key=str) == sorted(stock.get_rooms("s1", "/chat"), key=str)
    for sid in ("s1", "s2", "s5"):
        indexed.basic_disconnect(sid, "/chat")
    assert indexed._rooms_of == {}
    assert "/chat" not in indexed.rooms


def test_entering_a_room_twice_lists_it_once_and_one_leave_takes_it_away() -> None:
    indexed = IndexedManager()
    indexed.rooms = {}
    indexed.basic_enter_room("s0", "/chat", None, eio_sid="e0")
    indexed.basic_enter_room("s0", "/chat", "group:1")
    indexed.basic_enter_room("s0", "/chat", "group:1")
    assert indexed.rooms_of("s0", "/chat") == [None, "group:1"]
    indexed.basic_leave_room("s0", "/chat", "group:1")
    assert indexed.get_rooms("s0", "/chat") == []
    assert "group:1" not in indexed.rooms["/chat"]


class RecordingServer(socketio.AsyncServer):  # type: ignore[misc]
    """A python-socketio server whose Engine.IO sends are written down (one connection's send fails)."""

    def __init__(self, manager: Any, broken: str = "") -> None:
        super().__init__(client_manager=manager)
        self.sent: list[tuple[str, Any]] = []
        self.broken = broken
        self.eio.send_packet = self._eio_send  # where both emits end: Engine.IO's send to one connection

    async def _eio_send(self, eio_sid: str, eio_pkt: Any) -> None:
        if eio_sid == self.broken:
            raise ConnectionResetError
        self.sent.append((eio_sid, eio_pkt.encode()))


def seated(manager: Any) -> Any:
    """Six connections, s0..s5, in rooms group:0 (even) and group:1 (odd), all in staff."""
    for n in range(6):
        manager.basic_enter_room(f"s{n}", "/chat", None, eio_sid=f"e{n}")
        manager.basic_enter_room(f"s{n}", "/chat", f"group:{n % 2}")
        manager.basic_enter_room(f"s{n}", "/chat", "staff")
    return manager


async def emits(server: RecordingServer) -> list[tuple[str, Any]]:
    manager = server.manager
    await manager.emit("message:new", {"message": {"id": 1, "body": "hi"}}, "/chat", room="group:0")
    await manager.emit("presence:update", ({"a": 1}, 2), "/chat", room=["group:1", "staff"], skip_sid="s3")
    await manager.emit("blob", {"file": b"\x00\x01"}, "/chat", to="group:1", skip_sid=["s1", "s5"])
    await manager.emit("nobody", None, "/chat", room="group:9")
    await manager.emit("nothing", {}, "/elsewhere", room="group:0")
    return server.sent


async def test_the_direct_emit_sends_what_the_stock_emit_sends_in_the_same_order() -> None:
    stock = await emits(RecordingServer(seated(socketio.AsyncManager())))
    direct = await emits(RecordingServer(seated(IndexedManager())))
    assert direct == stock
    assert len(direct) == 3 + 5 + 2  # the binary event: a header frame and an attachment, to s3 alone


async def test_one_connection_whose_send_fails_costs_the_others_nothing() -> None:
    server = RecordingServer(seated(IndexedManager()), broken="e2")
    await server.manager.emit("message:new", {"n": 1}, "/chat", room="group:0")
    assert [eio_sid for eio_sid, _ in server.sent] == ["e0", "e4"]


async def test_the_direct_emit_creates_no_task_per_recipient() -> None:
    loop = asyncio.get_running_loop()
    created: list[Any] = []

    def counting(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        created.append(coro)
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(counting)
    try:
        for manager in (socketio.AsyncManager(), IndexedManager()):
            created.clear()
            server = RecordingServer(seated(manager))
            await manager.emit("message:new", {"n": 1}, "/chat", room="staff")
            assert len(server.sent) == 6
            tasks_made = len(created)
            if isinstance(manager, IndexedManager):
                assert tasks_made == 0
            else:
                assert tasks_made == 6  # the stock emit's cost this avoids
    finally:
        loop.set_task_factory(None)
