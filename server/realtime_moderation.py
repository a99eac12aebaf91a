"""Socket.IO events for a facilitator's moderation in the room (docs/protocol.md, "Moderation"): hide and unhide
a message, mute, remove, ban and lift, slow mode, lock and pin, release or decline a held message.

A mixin of ChatNamespace (server/realtime.py), which supplies `_handle` (every outcome an ack, refusals change
nothing), `_require_in_room` and `_state`. The rules live in rooms/moderation_actions.py; this module only
reads payloads and calls them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rooms import held_messages, validate
from rooms import moderation_actions as mod
from rooms.errors import DomainError
from rooms.hooks import Actor
from server.state import AppState

Ack = dict[str, Any]
UseCase = Callable[[Any, Any, Actor, int, dict[str, Any]], Awaitable[dict[str, Any]]]


async def _list(db: Any, rooms: Any, actor: Actor, group_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return await mod.list_sanctions(db, rooms, actor, group_id)


USE_CASES: dict[str, UseCase] = {
    "mod:hide": mod.do_hide,
    "mod:unhide": mod.do_unhide,
    "mod:mute": mod.do_mute,
    "mod:unmute": mod.do_unmute,
    "mod:remove": mod.do_remove,
    "mod:ban": mod.do_ban,
    "mod:lift": mod.do_lift,
    "mod:sanctions": _list,
    "mod:slow_mode": mod.do_slow_mode,
    "mod:lock": mod.do_lock,
    "mod:pin": mod.do_pin,
    "mod:release": held_messages.do_release,
    "mod:decline": held_messages.do_decline,
}


class ModerationEvents:
    EVENTS = {name: "on_moderation_" + name.removeprefix("mod:") for name in USE_CASES}

    _state: Callable[[], AppState]

    async def _handle(self, event: str, sid: str, work: Callable[[Actor], Awaitable[Ack]], fresh: bool = False) -> Ack:
        raise NotImplementedError  # supplied by ChatNamespace

    def _require_in_room(self, sid: str, group_id: int) -> None:
        raise NotImplementedError  # supplied by ChatNamespace

    async def _moderate(self, event: str, sid: str, payload: Any) -> Ack:
        """Parse, check the connection is in the room, run the use case in a session; ack its result."""
        use_case = USE_CASES[event]

        async def work(actor: Actor) -> Ack:
            if not isinstance(payload, dict):
                raise DomainError("The payload must be an object; see docs/protocol.md.")
            group_id = validate.row_id(payload.get("group_id"), "group_id")
            self._require_in_room(sid, group_id)
            state = self._state()
            async with state.sessions() as db:
                return {"ok": True, **await use_case(db, state.rooms, actor, group_id, payload)}

        return await self._handle(event, sid, work)

    async def on_moderation_hide(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:hide", sid, payload)

    async def on_moderation_unhide(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:unhide", sid, payload)

    async def on_moderation_mute(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:mute", sid, payload)

    async def on_moderation_unmute(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:unmute", sid, payload)

    async def on_moderation_remove(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:remove", sid, payload)

    async def on_moderation_ban(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:ban", sid, payload)

    async def on_moderation_lift(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:lift", sid, payload)

    async def on_moderation_sanctions(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:sanctions", sid, payload)

    async def on_moderation_slow_mode(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:slow_mode", sid, payload)

    async def on_moderation_lock(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:lock", sid, payload)

    async def on_moderation_pin(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:pin", sid, payload)

    async def on_moderation_release(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:release", sid, payload)

    async def on_moderation_decline(self, sid: str, payload: Any = None) -> Ack:
        return await self._moderate("mod:decline", sid, payload)
