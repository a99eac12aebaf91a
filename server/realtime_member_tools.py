"""Socket.IO events of a member's own tools (docs/protocol.md, "Members' tools"): reporting a message or a
member. Blocks and muted words are kept over REST (server/http_reports.py); content notes ride on
`message:send`.

A mixin of ChatNamespace (server/realtime.py), which supplies `_handle` (every outcome an ack, refusals
change nothing), `_require_in_room` and `_state`. The rules live in rooms/reports.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rooms import reports
from rooms.hooks import Actor
from server.state import AppState

Ack = dict[str, Any]


class MemberToolEvents:
    EVENTS = {"report:create": "on_report_create"}

    _state: Callable[[], AppState]

    async def _handle(self, event: str, sid: str, work: Callable[[Actor], Awaitable[Ack]], fresh: bool = False) -> Ack:
        raise NotImplementedError  # supplied by ChatNamespace

    def _require_in_room(self, sid: str, group_id: int) -> None:
        raise NotImplementedError  # supplied by ChatNamespace

    async def on_report_create(self, sid: str, payload: Any = None) -> Ack:
        async def work(actor: Actor) -> Ack:
            request = reports.parse_report(payload)
            self._require_in_room(sid, request.group_id)
            state = self._state()
            async with state.sessions() as db:
                return {"ok": True, **await reports.do_create_report(db, state.rooms, actor, request)}

        return await self._handle("report:create", sid, work)
