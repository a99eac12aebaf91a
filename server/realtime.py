"""The /chat Socket.IO namespace: authenticated connections, acknowledged room events (docs/protocol.md)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import socketio
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import chat, moderation_actions, presence, typing_notices, validate
from rooms.access import EntryAsk, GroupAccess, require_room_role
from rooms.errors import DomainError
from rooms.events import ROOM_PREFIX, STAFF_PREFIX, room_name, staff_room_name
from rooms.hooks import Actor
from rooms.models import GroupSession
from rooms.read_batch import Together
from server import two_factor
from server.auth import token_from_cookie_header
from server.broker import CHAT_NAMESPACE
from server.held_tasks import HeldTasks
from server.realtime_member_tools import MemberToolEvents
from server.realtime_moderation import ModerationEvents
from server.realtime_safeguarding import SafeguardingEvents
from server.realtime_tools import SessionToolEvents
from server.state import AppState
from server.transport import REFUSED_EVENT

log = logging.getLogger("alongside.realtime")
Ack = dict[str, Any]
PRESENCE_COALESCE_SECONDS = 0.2
DISCONNECT_CLEANUP_SECONDS = 30.0
SHUTDOWN_FLUSH_SECONDS = 3.0  # a presence update waiting at shutdown; a stuck database must not hold the exit


def refusal(code: str, message: str, detail: dict[str, Any] | None = None) -> Ack:
    return {"ok": False, "error": {"code": code, "message": message, **(detail or {})}}


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise DomainError("The payload must be an object; see docs/protocol.md.")
    return payload


def _group_id(payload: dict[str, Any]) -> int:
    return validate.row_id(payload.get("group_id"), "group_id")


def _limit(payload: dict[str, Any]) -> int:
    raw = payload.get("limit", 50)
    return validate.integer(raw, "limit", minimum=1, maximum=chat.MAX_PAGE)


class EventBudget:
    """A token bucket per connection: steady `rate` events a second, bursts up to `burst`."""

    __slots__ = ("burst", "rate", "tokens", "updated")  # one per connection: no per-instance dict

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.updated = burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


@dataclass(slots=True)
class LocalConnection:
    """What this process keeps about a connection it holds (and only while it holds it). Slotted, and its lock
    made on first use: one of these lives per open connection, so every byte counts thousands of times."""

    actor: Actor
    web_session: str  # digest of the browser session that opened it
    budget: EventBudget
    checked: float = field(default_factory=time.monotonic)  # when the browser session was last confirmed
    _lock: asyncio.Lock | None = None

    @property
    def lock(self) -> asyncio.Lock:
        """Room membership changes of one connection (join, leave, disconnect) run one at a time, so its
        subscription and its presence row can never disagree. Made on first use (no await in between, so two
        callers always get the same lock); a connection that only listens never needs one."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock


class ChatNamespace(SessionToolEvents, MemberToolEvents, ModerationEvents, SafeguardingEvents, socketio.AsyncNamespace):  # type: ignore[misc]
    revalidate_after = 60.0
    # room:join re-checks the browser session unless it was checked this recently (as on connect, just before
    # the first join: a connect wave would otherwise read every session twice).
    recheck_fresh_after = 2.0

    def __init__(self, state_getter: Callable[[], AppState]) -> None:
        super().__init__(CHAT_NAMESPACE)
        self._state = state_getter
        self._closing = HeldTasks()
        self._connections: dict[str, LocalConnection] = {}
        # Connections between the transport's record and ours: being authenticated, or being cleaned up.
        self._in_transition: set[str] = set()
        # Connections being admitted, by browser session digest, and those whose session was signed out meanwhile
        # (their record does not exist yet, so the sign-out could not reach them through it).
        self._admitting: dict[str, str] = {}
        self._signed_out_while_admitting: set[str] = set()
        self._presence_dirty: set[int] = set()
        self._presence_flush: asyncio.Task[None] | None = None
        self._flush_now = asyncio.Event()  # set at shutdown: a waiting presence update goes out at once
        self._closed = False

    async def _actor(self, sid: str, fresh: bool = False) -> Actor:
        """Who this connection is. The browser session behind it is re-checked on every room:join (`fresh`)
        and at least every `revalidate_after` seconds otherwise, so a signed-out or expired session stops
        working; signing out also evicts its connections from their rooms at once."""
        connection = self._connections.get(sid)
        if connection is None:  # an event that arrived as the connection closed
            raise DomainError("This connection has closed; please reconnect.", code="not_authenticated")
        since = time.monotonic() - connection.checked
        if since < (self.recheck_fresh_after if fresh else self.revalidate_after):
            return connection.actor
        current = await self._signed_in(connection.web_session)
        if current is None:
            self._disconnect_soon(sid)
            raise DomainError("Your sign-in has ended; please sign in again.", code="not_authenticated")
        connection.checked = time.monotonic()
        return connection.actor

    async def _signed_in(self, digest: str) -> Actor | None:
        """Who holds this browser session, if it is alive. A connect wave's lookups share one statement in a
        shared read transaction (rooms/read_batch.py); the session's use is noted after it, batched with the
        moment's, in the background (server/auth.py `note_use_soon`)."""
        state = self._state()
        now = state.rooms.clock()
        actor, due = await state.entry_reads.run_together(self._sign_ins, (digest, now))
        if due:
            state.tokens.note_use_soon(digest, now)  # written in the background, with the moment's others
        return actor

    @functools.cached_property
    def _rechecks(self) -> Together[tuple[int, int, str], None]:
        """room:join's re-check after its presence row, one statement for the joins of a moment."""
        rooms = self._state().rooms
        return Together(lambda db, entries: moderation_actions.recheck_entries_in(db, rooms, entries))

    @functools.cached_property
    def _entry_access(self) -> Together[EntryAsk, tuple[GroupAccess, GroupSession | None]]:
        """room:join's access check before subscribing, one statement for the joins of a moment."""
        return chat.access_together(self._state().rooms)

    @functools.cached_property
    def _entry_sanctions(self) -> Together[tuple[int, int], dict[str, Any] | None]:
        """room:join's check of the sanctions before subscribing, one statement for the joins of a moment."""
        rooms = self._state().rooms
        return Together(lambda db, members: moderation_actions.entry_sanctions_in(db, rooms, members))

    @functools.cached_property
    def _sign_ins(self) -> Together[tuple[str, dt.datetime], tuple[Actor | None, bool]]:
        tokens = self._state().tokens
        return Together(tokens.actors_for_digests)

    def _transport_rooms(self) -> dict[Any, Any]:
        """This process's actual subscriptions, as python-socketio holds them: room -> sids. The None room
        holds every connection of the namespace."""
        rooms: dict[Any, Any] = self.server.manager.rooms.get(CHAT_NAMESPACE, {})
        return rooms

    async def _close_unaccounted(self, sids: set[str]) -> None:
        """Close connections the transport holds but this namespace has no record of. None should exist; if a
        bookkeeping slip ever leaves one, it must not go on listening."""
        manager = self.server.manager
        for sid in sids - set(self._connections) - self._in_transition:
            if not manager.is_connected(sid, CHAT_NAMESPACE):
                continue  # still connecting, or being refused or disconnected: the transport is finishing it
            self._state().metrics.inc("alongside_refusals_total", code="unaccounted_connection")
            log.warning("closing a connection with no record (a bookkeeping slip)")
            await self.disconnect(sid)

    async def sweep_signed_out(self) -> None:
        """Close this process's connections whose browser session ended (even ones that only listen), and
        any the transport holds without a record."""
        state = self._state()
        await self._close_unaccounted(set(self._transport_rooms().get(None, {})))
        digests = {connection.web_session for connection in self._connections.values()}
        if not digests:
            return
        async with state.readers() as db, db.begin():
            valid = await state.tokens.valid_digests(db, digests, state.rooms.clock())
        for sid, connection in list(self._connections.items()):
            if connection.web_session not in valid:
                await self.disconnect(sid)

    async def sweep_room_rights(self, only_group: int | None = None) -> None:
        """Take this process's connections out of rooms their person may no longer hear. Works from the
        transport's actual subscriptions, not presence rows or records, so a subscription whose row went
        missing (a lost Redis relay, a race) is caught too, and one with no record is closed."""
        await self._sweep_chat_rooms(only_group)
        await self._sweep_staff_rooms(only_group)

    async def _sweep_chat_rooms(self, only_group: int | None) -> None:
        state = self._state()
        subscribed: list[tuple[str, int]] = []
        for room, members in list(self._transport_rooms().items()):
            if isinstance(room, str) and room.startswith(ROOM_PREFIX):
                group_id = int(room.removeprefix(ROOM_PREFIX))
                if only_group is None or group_id == only_group:
                    subscribed.extend((sid, group_id) for sid in list(members))
        await self._close_unaccounted({sid for sid, _ in subscribed})
        subscribed = [(sid, group_id) for sid, group_id in subscribed if sid in self._connections]
        if not subscribed:
            return
        users = {sid: self._connections[sid].actor.user_id for sid, _ in subscribed}
        async with state.readers() as db:
            allowed = await chat.room_rights(
                db, {(users[sid], group_id) for sid, group_id in subscribed}, state.rooms.clock().date()
            )
        lapsed = [(sid, group_id) for sid, group_id in subscribed if not allowed[(users[sid], group_id)]]
        async with state.sessions() as db:
            await presence.evict(db, state.rooms, lapsed)

    async def _sweep_staff_rooms(self, only_group: int | None) -> None:
        """Take connections out of staff rooms (backchannel, private words, newcomers) whose person no longer
        facilitates the group, though they may stay in its room as a member (a role or training taken away)."""
        subscribed: list[tuple[str, int]] = []
        for room, members in list(self._transport_rooms().items()):
            if isinstance(room, str) and room.startswith(STAFF_PREFIX):
                group_id = int(room.removeprefix(STAFF_PREFIX))
                if only_group is None or group_id == only_group:
                    subscribed.extend((sid, group_id) for sid in list(members))
        await self._close_unaccounted({sid for sid, _ in subscribed})
        subscribed = [(sid, group_id) for sid, group_id in subscribed if sid in self._connections]
        if not subscribed:
            return
        state = self._state()
        users = {sid: self._connections[sid].actor.user_id for sid, _ in subscribed}
        async with state.readers() as db:
            allowed = await chat.staff_room_rights(
                db, {(users[sid], group_id) for sid, group_id in subscribed}, state.rooms.clock().date()
            )
        demoted = [(sid, group_id) for sid, group_id in subscribed if not allowed[(users[sid], group_id)]]
        for sid, group_id in demoted:
            await self.leave_room(sid, staff_room_name(group_id))
        async with state.sessions() as db:
            await presence.demote(db, state.rooms, demoted)

    async def on_control_message(self, message: dict[str, Any]) -> None:
        """From the control bus (server/control_bus.py): act on the connections this process holds."""
        kind = message.get("kind")
        if kind == "recheck_room" and isinstance(message.get("group_id"), int):
            await self.sweep_room_rights(only_group=message["group_id"])
        elif kind == "signed_out" and isinstance(message.get("web_sessions"), list):
            ended = set(message["web_sessions"])
            self._signed_out_while_admitting.update(sid for sid, d in self._admitting.items() if d in ended)
            sids = [sid for sid, c in self._connections.items() if c.web_session in ended]
            for sid in sids:
                await self._tell_signed_out_and_close(sid)

    async def _tell_signed_out_and_close(self, sid: str) -> None:
        """Tell the tab before closing, from the process that holds it: an emit relayed through Redis would
        travel on another channel than this control message and could arrive after the close, or not at all."""
        await self.server.manager.emit("auth:signed_out", {}, namespace=CHAT_NAMESPACE, room=sid, ignore_queue=True)
        await self.disconnect(sid)

    def local_sids(self) -> set[str]:
        return set(self._connections)

    async def _handle(self, event: str, sid: str, work: Callable[[Actor], Awaitable[Ack]], fresh: bool = False) -> Ack:
        """Run one event: every outcome is an ack, and a refusal changes nothing."""
        state = self._state()
        started = time.perf_counter()
        outcome = "ok"
        try:
            return await work(await self._actor(sid, fresh))
        except DomainError as exc:
            outcome = exc.code
            state.metrics.inc("alongside_refusals_total", code=exc.code)
            return refusal(exc.code, exc.message, exc.detail)
        except Exception:
            outcome = "internal_error"
            log.exception("event %s failed", event)  # the payload is never logged
            return refusal("internal_error", "Something went wrong on our side; nothing was changed.")
        finally:
            state.metrics.inc("alongside_socket_events_total", event=event, outcome=outcome)
            log.debug("event %s %s in %.1f ms", event, outcome, (time.perf_counter() - started) * 1000)

    def _disconnect_soon(self, sid: str) -> None:
        """Close a connection just after its refusal ack has gone out (closing first would swallow the ack)."""

        async def close() -> None:
            await asyncio.sleep(0.2)
            await self.disconnect(sid)

        self._closing.start(close())

    def _in_room(self, sid: str, group_id: int) -> bool:
        """Constant time (self.rooms(sid) would scan every room of the namespace on every message)."""
        subscribers = self.server.manager.rooms.get(CHAT_NAMESPACE, {}).get(room_name(group_id), {})
        return sid in subscribers

    def _require_in_room(self, sid: str, group_id: int) -> None:
        if not self._in_room(sid, group_id):
            raise DomainError("Enter the room first (room:join).", code="not_in_room")

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        self._in_transition.add(sid)
        try:
            await self._connect(sid, environ)
        finally:
            self._in_transition.discard(sid)

    async def _connect(self, sid: str, environ: dict[str, Any]) -> None:
        state = self._state()
        token = token_from_cookie_header(environ.get("HTTP_COOKIE"))
        token = token if token and len(token) <= 128 else None  # checked before any hashing
        digest = state.tokens.digest(token) if token else ""
        self._admitting[sid] = digest
        try:
            await self._admit(sid, digest)
        finally:
            self._admitting.pop(sid, None)
            self._signed_out_while_admitting.discard(sid)

    def _refused(self, code: str) -> socketio.exceptions.ConnectionRefusedError:
        self._state().metrics.inc("alongside_refusals_total", code=code)
        return socketio.exceptions.ConnectionRefusedError(code)

    async def _admit(self, sid: str, digest: str) -> None:
        """Sign the connection in and take its place under the cap; a sign-out that arrives during these awaits
        refuses it (and gives the place back) before its record exists."""
        state = self._state()
        try:
            actor = await self._signed_in(digest) if digest else None
        except DomainError as refusal:  # server_stopping: a refusal the client sees at once
            raise socketio.exceptions.ConnectionRefusedError(refusal.code) from None
        if actor is None:
            raise self._refused("not_authenticated")
        if not await state.connections.admit(actor.user_id, sid):  # counted across processes (server/connection_caps)
            raise self._refused("too_many_connections")
        if sid in self._signed_out_while_admitting:
            await state.connections.release(actor.user_id, sid)
            raise self._refused("not_authenticated")
        budget = EventBudget(state.settings.socket_events_per_second, state.settings.socket_event_burst)
        # Found again by its browser session through this record (a sign-out scans the records), not through a
        # Socket.IO room of its own: a room per connection costs its memory and a subscription on every connect.
        self._connections[sid] = LocalConnection(actor=actor, web_session=digest, budget=budget)
        state.metrics.inc("alongside_socket_connections", 1)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        self._in_transition.add(sid)
        try:
            await self._disconnect(sid)
        finally:
            self._in_transition.discard(sid)

    async def _disconnect(self, sid: str) -> None:
        state = self._state()
        async with self._lock_of(sid):
            connection = self._connections.pop(sid, None)
            if connection is not None:
                state.metrics.inc("alongside_socket_connections", -1)
                await state.connections.release(connection.actor.user_id, sid)
            try:  # batched with the other leaves of the moment; bounded, so a stuck database holds no handler
                async with asyncio.timeout(DISCONNECT_CLEANUP_SECONDS), state.sessions() as db:
                    left = await chat.do_leave_room(db, state.rooms, sid, tell=False)
            except TimeoutError:
                log.warning("presence cleanup after a disconnect timed out; the housekeeping sweep removes the rows")
                return
        self._presence_changed(left)

    def _presence_changed(self, group_ids: list[int]) -> None:
        """Tell rooms who is here after disconnects, at most once per PRESENCE_COALESCE_SECONDS per room.

        Why: each update reads the room's whole presence and goes to everyone in it, so telling every one of
        N people who leave at once (a session ending, a network blip, a flood) costs N x N; gathered, it
        costs N writes and one update per room."""
        if not group_ids or self._closed:  # closed: the engine is going, so no update may start any more
            return
        self._presence_dirty.update(group_ids)
        if self._presence_flush is None or self._presence_flush.done():
            self._presence_flush = asyncio.create_task(self._flush_presence())

    async def close(self) -> None:
        """At shutdown, after every connection has closed and before the engine goes: the delayed closes are
        cancelled, and a presence update still waiting (the leaves of those connections) is sent now, within a
        few seconds. Left running, the update woke after the engine's disposal and opened a connection nobody
        closed; on SQLite its driver thread then answered an event loop that had already closed."""
        self._closed = True
        await self._closing.cancel()
        flush = self._presence_flush
        if flush is not None and not flush.done():
            self._flush_now.set()
            _, pending = await asyncio.wait({flush}, timeout=SHUTDOWN_FLUSH_SECONDS)
            for task in pending:
                log.warning("presence update still running at shutdown; the heartbeat of other processes tells it")
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _flush_presence(self) -> None:
        with contextlib.suppress(TimeoutError):  # the coalescing wait, cut short by close()
            async with asyncio.timeout(PRESENCE_COALESCE_SECONDS):
                await self._flush_now.wait()
        groups, self._presence_dirty = sorted(self._presence_dirty), set()
        state = self._state()
        try:
            async with state.sessions() as db:
                await presence.publish_presence(db, state.rooms, groups)
        except Exception:
            log.exception("presence update after disconnects failed; the next change or heartbeat tells it")

    def _lock_of(self, sid: str) -> asyncio.Lock:
        """The connection's lock; a fresh one if it has already gone (its cleanup then follows below)."""
        connection = self._connections.get(sid)
        return connection.lock if connection is not None else asyncio.Lock()

    async def on_room_join(self, sid: str, payload: Any = None) -> Ack:
        async def work(actor: Actor) -> Ack:
            body = _object(payload)
            group_id = _group_id(body)
            since = body.get("since_id")
            since_id = None if since is None else validate.integer(since, "since_id")
            state = self._state()
            room = room_name(group_id)

            async def two_factor_due(db: AsyncSession) -> bool:
                return await two_factor.enrolment_required(db, actor.user_id)

            try:
                # Refuse before subscribing (no eavesdropping): a banned or removed member too. The joins of a
                # moment read in shared transactions (rooms/read_batch.py): the check, the snapshot and the
                # re-check each wait for a transaction begun after they were asked. Asked at once, the access
                # check and the sanctions usually share one, and each kind is one statement for every join in
                # it. The snapshot uses this check; a ban committed meanwhile is caught by the re-check after
                # the presence row.
                asker = (group_id, actor.user_id, actor.is_platform_admin)
                reading_access = state.entry_reads.run_together(self._entry_access, asker)
                reading_sanctions = state.entry_reads.run_together(self._entry_sanctions, (group_id, actor.user_id))
                access_read, sanctions = await asyncio.gather(reading_access, reading_sanctions, return_exceptions=True)
                if isinstance(access_read, BaseException):  # not a member (say) before any sanction
                    raise access_read
                access, live = access_read
                entered_as = require_room_role(access)
                if entered_as == "facilitator" and await state.entry_reads.run(two_factor_due):
                    raise DomainError(
                        "Your hub asks its staff to use two-factor sign-in. Turn it on under Account "
                        "to enter rooms as a facilitator.",
                        code="two_factor_enrolment_required",
                    )
                checked = chat.entry_check(access, entered_as, live, sanctions)
                role = checked.role
            except DomainError:
                await self._leave_refused(sid, group_id)
                raise
            # Facilitators also hear the staff room beside it (backchannel, private words, newcomers).
            rooms = [room, staff_room_name(group_id)] if role == "facilitator" else [room]
            async with self._lock_of(sid):
                was_in = self._in_room(sid, group_id)
                # Subscribe before taking the snapshot, so a message stored in between is broadcast to us
                # (the client de-duplicates by id) instead of falling into a gap.
                try:
                    for name in rooms:
                        await self.enter_room(sid, name)
                    if role != "facilitator":  # one who facilitated here before, and now enters as a member
                        await self.leave_room(sid, staff_room_name(group_id))
                except (KeyError, ValueError):  # the client left /chat while this join was on its way
                    raise DomainError(
                        "This connection has closed; please reconnect.", code="not_authenticated"
                    ) from None
                try:
                    async with state.sessions() as db:
                        result = await chat.do_enter_room(
                            db,
                            state.rooms,
                            actor,
                            sid=sid,
                            web_session=self._connections[sid].web_session if sid in self._connections else "",
                            group_id=group_id,
                            since_id=since_id,
                            checked=checked,
                            reads=state.entry_reads,
                        )
                except BaseException:
                    if not was_in:
                        for name in rooms:
                            await self.leave_room(sid, name)
                    raise
                try:  # a ban or removal committed while this join was on its way (rooms/moderation_actions.py)
                    await state.entry_reads.run_together(self._rechecks, (group_id, actor.user_id, str(result["role"])))
                except Exception:  # refused, or the re-check could not be made: fail closed, out of the room
                    for name in rooms:
                        await self.leave_room(sid, name)
                    async with state.sessions() as db:
                        await chat.do_leave_room(db, state.rooms, sid, group_id)
                    raise
                if role == "facilitator" and result.get("role") != "facilitator":
                    await self.leave_room(sid, staff_room_name(group_id))  # the role went between the checks
                if sid not in self._connections:
                    # The connection closed while we were joining: its disconnect has cleaned up already.
                    async with state.sessions() as db:
                        await chat.do_leave_room(db, state.rooms, sid)
            limits = {"max_message_chars": state.settings.max_message_chars}
            return {"ok": True, **result, "limits": limits}

        return await self._handle("room:join", sid, work, fresh=True)

    async def _leave_refused(self, sid: str, group_id: int) -> None:
        """A connection already in the room whose person may no longer enter it (as they were) leaves it and the
        staff room now, rather than listening on until the next sweep."""
        async with self._lock_of(sid):
            if not self._in_room(sid, group_id) and sid not in self._transport_rooms().get(
                staff_room_name(group_id), {}
            ):
                return
            await self.leave_room(sid, room_name(group_id))
            await self.leave_room(sid, staff_room_name(group_id))
            async with self._state().sessions() as db:
                await chat.do_leave_room(db, self._state().rooms, sid, group_id)

    async def on_room_leave(self, sid: str, payload: Any = None) -> Ack:
        async def work(actor: Actor) -> Ack:
            group_id = _group_id(_object(payload))
            state = self._state()
            async with self._lock_of(sid):
                await self.leave_room(sid, room_name(group_id))
                await self.leave_room(sid, staff_room_name(group_id))
                async with state.sessions() as db:
                    await chat.do_leave_room(db, state.rooms, sid, group_id)
            return {"ok": True}

        return await self._handle("room:leave", sid, work)

    async def on_message_send(self, sid: str, payload: Any = None) -> Ack:
        async def work(actor: Actor) -> Ack:
            request = chat.parse_send(payload)
            self._require_in_room(sid, request.group_id)
            state = self._state()
            async with state.sessions() as db:
                message = await chat.do_send_message(db, state.rooms, actor, request, state.entry_reads)
            state.metrics.inc("alongside_messages_stored_total")
            return {"ok": True, "message": message}

        return await self._handle("message:send", sid, work)

    async def on_history_since(self, sid: str, payload: Any = None) -> Ack:
        async def work(actor: Actor) -> Ack:
            body = _object(payload)
            group_id = _group_id(body)
            since_id = validate.integer(body.get("since_id"), "since_id")
            limit = _limit(body)
            self._require_in_room(sid, group_id)
            state = self._state()
            async with state.readers() as db:
                messages, more = await chat.history_since(db, state.rooms, actor, group_id, since_id, limit)
            return {"ok": True, "messages": messages, "has_more": more}

        return await self._handle("history:since", sid, work)

    async def on_history_before(self, sid: str, payload: Any = None) -> Ack:
        async def work(actor: Actor) -> Ack:
            body = _object(payload)
            group_id = _group_id(body)
            before_id = validate.integer(body.get("before_id"), "before_id", minimum=1)
            limit = _limit(body)
            self._require_in_room(sid, group_id)
            state = self._state()
            async with state.readers() as db:
                messages, more = await chat.history_before(db, state.rooms, actor, group_id, before_id, limit)
            return {"ok": True, "messages": messages, "has_more": more}

        return await self._handle("history:before", sid, work)

    async def on_typing(self, sid: str, payload: Any = None) -> Ack:
        async def work(actor: Actor) -> Ack:
            notice = typing_notices.parse_typing(payload)
            self._require_in_room(sid, notice.group_id)
            state = self._state()
            per_10s = state.settings.typing_events_per_10s
            await typing_notices.do_typing(
                state.rooms, actor, notice, sid=sid, limit=state.typing_limit, per_10s=per_10s
            )
            return {"ok": True}

        return await self._handle("typing", sid, work)

    EVENTS = {
        "room:join": "on_room_join",
        "room:leave": "on_room_leave",
        "message:send": "on_message_send",
        "history:since": "on_history_since",
        "history:before": "on_history_before",
        "typing": "on_typing",
        **SessionToolEvents.EVENTS,
        **MemberToolEvents.EVENTS,
        **ModerationEvents.EVENTS,
        **SafeguardingEvents.EVENTS,
    }

    async def trigger_event(self, event: str, *args: Any) -> Any:
        """Route protocol names ('room:join') to handlers. Only the server itself triggers connect and
        disconnect (GuardedSocketServer renames a client event with such a name to REFUSED_EVENT). Every
        client event counts against the connection's budget, known or not."""
        if event in ("connect", "disconnect"):
            return await super().trigger_event(event, *args)
        sid, payload = args[0], (args[1] if len(args) > 1 else None)
        connection = self._connections.get(sid)
        if connection is not None and not connection.budget.take():
            # One connection cannot crowd out everyone else's database time.
            self._state().metrics.inc("alongside_refusals_total", code="rate_limited")
            return refusal("rate_limited", "Too many requests on this connection; please slow down.")
        handler_name = self.EVENTS.get(event)
        if handler_name is None:
            code = "reserved_event" if event == REFUSED_EVENT and payload == "reserved" else "unknown_event"
            self._state().metrics.inc("alongside_refusals_total", code=code)
            return refusal(code, "There is no such event; see docs/protocol.md.")
        if not validate.encodable(payload):
            return refusal("invalid_payload", "The payload holds text that is not valid Unicode.")
        return await getattr(self, handler_name)(sid, payload)
