"""server/room_index.py: the indexed manager keeps the same rooms as python-socketio's own, and a disconnect
leaves exactly the connection's rooms without scanning the others."""

from __future__ import annotations

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
