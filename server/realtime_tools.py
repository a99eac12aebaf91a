"""Socket.IO events for running a session, beside the chat itself (docs/protocol.md): hands and the turn,
one voice at a time, stepping out, the facilitators' backchannel and private words.

A mixin of ChatNamespace (server/realtime.py), which supplies `_handle` (every outcome an ack, refusals
change nothing), `_require_in_room` and `_state`. The rules live in rooms/session_tools.py and
rooms/side_talk.py; this module only reads payloads and calls them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rooms import session_tools, side_talk, validate
from rooms.errors import DomainError
from rooms.hooks import Actor
from server.state import AppState

Ack = dict[str, Any]


def _body(payload: Any) -> tuple[dict[str, Any], int]:
    if not isinstance(payload, dict):
        raise DomainError("The payload must be an object; see docs/protocol.md.")
    return payload, validate.row_id(payload.get("group_id"), "group_id")


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise DomainError(f"{name} must be true or false.")
    return value


class SessionToolEvents:
    EVENTS = {
        "hand:set": "on_hand_set",
        "turn:give": "on_turn_give",
        "session:one_voice": "on_one_voice",
        "break:set": "on_break_set",
        "backchannel:send": "on_backchannel_send",
        "private:request": "on_private_request",
        "private:open": "on_private_open",
        "private:send": "on_private_send",
    }

    _state: Callable[[], AppState]

    async def _handle(self, event: str, sid: str, work: Callable[[Actor], Awaitable[Ack]], fresh: bool = False) -> Ack:
        raise NotImplementedError  # supplied by ChatNamespace

    def _require_in_room(self, sid: str, group_id: int) -> None:
        raise NotImplementedError  # supplied by ChatNamespace

    async def _in_room_call(
        self, event: str, sid: str, payload: Any, call: Callable[[Any, Actor, dict[str, Any], int], Awaitable[Any]]
    ) -> Ack:
        """Parse, check the connection is in the room, run the use case in a session; ack its result."""

        async def work(actor: Actor) -> Ack:
            body, group_id = _body(payload)
            self._require_in_room(sid, group_id)
            async with self._state().sessions() as db:
                return {"ok": True, **await call(db, actor, body, group_id)}

        return await self._handle(event, sid, work)

    async def on_hand_set(self, sid: str, payload: Any = None) -> Ack:
        async def call(db: Any, actor: Actor, body: dict[str, Any], group_id: int) -> Any:
            return await session_tools.do_set_hand(db, self._state().rooms, actor, group_id, _flag(body, "raised"))

        return await self._in_room_call("hand:set", sid, payload, call)

    async def on_turn_give(self, sid: str, payload: Any = None) -> Ack:
        async def call(db: Any, actor: Actor, body: dict[str, Any], group_id: int) -> Any:
            raw = body.get("user_id")
            user_id = None if raw is None else validate.row_id(raw, "user_id")
            return {"session": await session_tools.do_give_turn(db, self._state().rooms, actor, group_id, user_id)}

        return await self._in_room_call("turn:give", sid, payload, call)

    async def on_one_voice(self, sid: str, payload: Any = None) -> Ack:
        async def call(db: Any, actor: Actor, body: dict[str, Any], group_id: int) -> Any:
            on = _flag(body, "on")
            return {"session": await session_tools.do_set_one_voice(db, self._state().rooms, actor, group_id, on)}

        return await self._in_room_call("session:one_voice", sid, payload, call)

    async def on_break_set(self, sid: str, payload: Any = None) -> Ack:
        async def call(db: Any, actor: Actor, body: dict[str, Any], group_id: int) -> Any:
            return await session_tools.do_step_out(db, self._state().rooms, actor, group_id, _flag(body, "away"))

        return await self._in_room_call("break:set", sid, payload, call)

    async def on_backchannel_send(self, sid: str, payload: Any = None) -> Ack:
        async def call(db: Any, actor: Actor, body: dict[str, Any], group_id: int) -> Any:
            rooms = self._state().rooms
            message = await side_talk.do_send_backchannel(
                db, rooms, actor, group_id, body.get("client_id"), body.get("body")
            )
            return {"message": message}

        return await self._in_room_call("backchannel:send", sid, payload, call)

    async def on_private_request(self, sid: str, payload: Any = None) -> Ack:
        async def call(db: Any, actor: Actor, body: dict[str, Any], group_id: int) -> Any:
            word = await side_talk.do_request_private_word(db, self._state().rooms, actor, group_id)
            return {"private_word": word}

        return await self._in_room_call("private:request", sid, payload, call)

    async def on_private_open(self, sid: str, payload: Any = None) -> Ack:
        async def call(db: Any, actor: Actor, body: dict[str, Any], group_id: int) -> Any:
            rooms = self._state().rooms
            word = await side_talk.do_open_private_word(db, rooms, actor, group_id, body.get("member_id"))
            return {"private_word": word}

        return await self._in_room_call("private:open", sid, payload, call)

    async def on_private_send(self, sid: str, payload: Any = None) -> Ack:
        async def call(db: Any, actor: Actor, body: dict[str, Any], group_id: int) -> Any:
            message = await side_talk.do_send_private(
                db,
                self._state().rooms,
                actor,
                group_id,
                body.get("member_id"),
                body.get("client_id"),
                body.get("body"),
            )
            return {"message": message}

        return await self._in_room_call("private:send", sid, payload, call)
