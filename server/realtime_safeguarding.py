"""Socket.IO events of safeguarding (docs/protocol.md, "Safeguarding"): a member's "I need help now" and
"I'm worried about this person", a facilitator's concern, and the safeguarding leads' console joining the
hub's console room, where concerns arrive (server/dispatcher.py delivers them).

A mixin of ChatNamespace (server/realtime.py), which supplies `_handle`, `_require_in_room`, `_state` and the
room helpers. The rules live in rooms/safeguarding.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from rooms import concerns_store, safeguarding, validate
from rooms.errors import DomainError
from rooms.hooks import Actor
from server import two_factor
from server.dispatcher import Dispatcher
from server.safeguarding_channels import CONSOLE_PREFIX, console_room
from server.state import AppState

Ack = dict[str, Any]


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise DomainError("The payload must be an object; see docs/protocol.md.")
    return payload


class SafeguardingEvents:
    EVENTS = {
        "concern:help": "on_concern_help",
        "concern:worried": "on_concern_worried",
        "concern:raise": "on_concern_raise",
        "console:join": "on_console_join",
        "console:leave": "on_console_leave",
    }

    _state: Callable[[], AppState]
    dispatcher: Dispatcher | None = None

    async def _handle(self, event: str, sid: str, work: Callable[[Actor], Awaitable[Ack]], fresh: bool = False) -> Ack:
        raise NotImplementedError  # supplied by ChatNamespace

    def _require_in_room(self, sid: str, group_id: int) -> None:
        raise NotImplementedError  # supplied by ChatNamespace

    if TYPE_CHECKING:  # supplied by socketio.AsyncNamespace (after this mixin in the order: no stubs here)

        async def enter_room(self, sid: str, room: str) -> None: ...

        async def leave_room(self, sid: str, room: str) -> None: ...

    def _config(self) -> safeguarding.SafeguardingConfig:
        if self.dispatcher is None:
            raise DomainError("Safeguarding is not running on this server.", code="internal_error")
        return self.dispatcher.config

    def _raised(self, raised: safeguarding.Raised) -> None:
        if raised.created and self.dispatcher is not None:
            self.dispatcher.wake()

    async def on_concern_help(self, sid: str, payload: Any = None) -> Ack:
        async def work(actor: Actor) -> Ack:
            group_id = validate.row_id(_object(payload).get("group_id"), "group_id")
            self._require_in_room(sid, group_id)
            state = self._state()
            async with state.sessions() as db:
                raised = await safeguarding.do_help_now(db, state.rooms, self._config(), actor, group_id)
            self._raised(raised)
            async with state.readers() as db, db.begin():
                lines = await safeguarding.crisis_lines(db, raised.concern["hub_id"])
            concern = {k: raised.concern[k] for k in ("id", "tier", "state", "created_at")}
            return {"ok": True, "concern": concern, "crisis_lines": lines}

        return await self._handle("concern:help", sid, work)

    async def on_concern_worried(self, sid: str, payload: Any = None) -> Ack:
        async def work(actor: Actor) -> Ack:
            body = _object(payload)
            self._require_in_room(sid, validate.row_id(body.get("group_id"), "group_id"))
            state = self._state()
            async with state.sessions() as db:
                raised = await safeguarding.do_worried(db, state.rooms, self._config(), actor, body)
            self._raised(raised)
            return {"ok": True, "concern": {"id": raised.concern["id"], "state": raised.concern["state"]}}

        return await self._handle("concern:worried", sid, work)

    async def on_concern_raise(self, sid: str, payload: Any = None) -> Ack:
        async def work(actor: Actor) -> Ack:
            body = _object(payload)
            self._require_in_room(sid, validate.row_id(body.get("group_id"), "group_id"))
            state = self._state()
            async with state.sessions() as db:
                raised = await safeguarding.do_facilitator_raise(db, state.rooms, self._config(), actor, body)
            self._raised(raised)
            return {"ok": True, "concern": raised.concern}

        return await self._handle("concern:raise", sid, work)

    async def on_console_join(self, sid: str, payload: Any = None) -> Ack:
        """A safeguarding lead's console: subscribe to the hub's concerns, and get the open ones now (so a
        console that was away, or missed a broadcast while Redis was down, is whole again)."""

        async def work(actor: Actor) -> Ack:
            hub_id = validate.row_id(_object(payload).get("hub_id"), "hub_id")
            state = self._state()
            async with state.readers() as db:
                await safeguarding.require_console(db, actor, hub_id)  # refuses anyone but the leads
                async with db.begin():
                    if await two_factor.enrolment_required(db, actor.user_id):
                        raise DomainError(
                            "Your hub asks its staff to use two-factor sign-in. Turn it on under Account to use the "
                            "safeguarding console.",
                            code="two_factor_enrolment_required",
                        )
            # Subscribe first, then read: a concern raised in between is broadcast to us (clients drop repeats by
            # id) instead of falling into a gap.
            await self.enter_room(sid, console_room(hub_id))
            async with state.readers() as db:
                concerns = await safeguarding.list_open(db, state.rooms, actor, hub_id)
            return {"ok": True, "hub_id": hub_id, "concerns": concerns}

        return await self._handle("console:join", sid, work, fresh=True)

    async def on_console_leave(self, sid: str, payload: Any = None) -> Ack:
        async def work(actor: Actor) -> Ack:
            hub_id = validate.row_id(_object(payload).get("hub_id"), "hub_id")
            await self.leave_room(sid, console_room(hub_id))
            return {"ok": True}

        return await self._handle("console:leave", sid, work)

    def _transport_rooms(self) -> dict[Any, Any]:
        raise NotImplementedError  # supplied by ChatNamespace

    def local_sids(self) -> set[str]:
        raise NotImplementedError  # supplied by ChatNamespace

    def _actor_of(self, sid: str) -> Actor | None:
        connection = getattr(self, "_connections", {}).get(sid)
        return connection.actor if connection is not None else None

    async def sweep_console_rights(self) -> None:
        """Take this process's console subscriptions out when their person is no longer a lead of the hub (a
        role removed), working from the transport's actual subscriptions."""
        subscribed = [
            (room, int(room.removeprefix(CONSOLE_PREFIX)), sid, self._actor_of(sid))
            for room, members in list(self._transport_rooms().items())
            if isinstance(room, str) and room.startswith(CONSOLE_PREFIX)
            for sid in list(members)
        ]
        if not subscribed:
            return
        users = {actor.user_id for _, _, _, actor in subscribed if actor is not None}
        hubs = {hub_id for _, hub_id, _, _ in subscribed}
        async with self._state().readers() as db, db.begin():  # one query however many consoles are open
            leads = await concerns_store.lead_pairs(db, users, hubs)
        for room, hub_id, sid, actor in subscribed:
            if actor is None or not (actor.is_platform_admin or (actor.user_id, hub_id) in leads):
                await self.leave_room(sid, room)
