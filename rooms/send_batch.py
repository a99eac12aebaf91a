"""Group commit for the send path: messages that have passed their checks at about the same moment are stored
in one transaction, so a busy room pays one commit (and one id bump per room, one insert) for many messages.

How a write waits: the first write to arrive when no flush is running flushes at once (an idle server adds no
latency); writes arriving during a flush wait and go together in the next one, led by the first of them on its
own database session. One flush is one transaction:

1. one `UPDATE ... RETURNING` takes, in every room of the flush, as many ids as the room has writes, and holds
   the group rows' locks until commit, taken in room-id order (rooms/message_ids.py). On SQLite, whose writer
   holds the whole database from BEGIN IMMEDIATE, step 3 reads each room's last id instead and step 4 sets the
   new ones, so no id is taken for a refused write;
2. two copies of one client_id in the flush store one; a client_id stored by an earlier flush (a resend after
   a lost ack) breaks the unique constraint, nothing of the flush is stored, and it runs again with one query
   more, under the lock, that finds the stored messages (a retry answers with the stored message);
3. one query reads every sender's facts again, and each write's own check decides on them (rooms/chat.py: a
   sender who may no longer post is refused, a message checked under facts that changed is sent back to be
   checked again) - read after the lock, so a mute committed before the flush took it is seen;
4. ids the removed writes would have had are given back while the lock is held, so ids stay gap-free; one
   multi-row INSERT; the policy log's holds and flags; commit. On SQLite the ids' UPDATE and the INSERT go to
   the database with the commit (rooms/statement_hints.py), so a flush is two trips to its thread.

Only then is each sender answered, and each publishes its own message, after commit as before. If the
transaction of a flush of several fails as a whole, none of its writes was stored and each is sent back to be
written alone (`RunAlone`), where its failure is handled as a lone send's always was.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import store
from rooms.errors import DomainError
from rooms.message_ids import reads_ids_under_lock, set_last_ids, take_for_rooms
from rooms.models import Message, ModerationLogEntry
from rooms.send_facts import SendFacts, send_facts_and_last_ids

Key = tuple[int, int, str]  # group id, author id, client id


class FactsChanged(Exception):
    """The message was checked under facts that no longer hold: check it again."""


class RunAlone(Exception):
    """Write this message in a transaction of its own (its batch failed as a whole, or it must see an earlier
    message of the same sender committed first, as slow mode does)."""


# Given the sender's facts read in the write transaction (None: no such group), refuses (DomainError), sends the
# message back (FactsChanged), or returns the facts it is stored under and whether a sanction or the room's
# controls applied to the sender (such a write goes alone if the same sender has another in the same flush).
Recheck = Callable[[AsyncSession, SendFacts | None], Awaitable[tuple[SendFacts, bool]]]
# Writes a held or flagged message's policy-log entries, given its id, in the flush's transaction.
LogVerdicts = Callable[[AsyncSession, int], Awaitable[list[ModerationLogEntry]]]


@dataclass(frozen=True)
class Written:
    message: Message
    facts: SendFacts | None  # those it was stored under; None for a repeat
    logged: list[ModerationLogEntry]
    repeat: bool  # the client_id was already stored: this is the stored message, not published again


@dataclass(eq=False)
class PendingWrite:
    values: dict[str, Any]  # the message's columns, all but its id
    recheck: Recheck
    clock: Callable[[], dt.datetime]
    log_verdicts: LogVerdicts | None = None  # only for a held or flagged message
    # True: lead the next flush; False: done, see `outcome`.
    turn: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    outcome: Written | BaseException | None = None

    @property
    def group_id(self) -> int:
        return int(self.values["group_id"])

    @property
    def sender(self) -> tuple[int, int]:
        return self.group_id, int(self.values["author_id"])

    @property
    def key(self) -> Key:
        return self.group_id, int(self.values["author_id"]), str(self.values["client_id"])

    def result(self) -> Written:
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        assert self.outcome is not None
        return self.outcome


class SendBatcher:
    """Per process: gathers the writes that arrive while a flush runs. Counts what it did, for /metrics and
    tests: committed flushes that stored messages, messages stored, the largest flush."""

    def __init__(self) -> None:
        self._pending: list[PendingWrite] = []
        self._flushing = False
        self.flushes = 0
        self.stored = 0
        self.largest = 0
        self.repeat_flushes = 0  # flushes run again after a resend met its stored copy
        self.in_flight = 0  # writes in the flush now running (tests: waiting + in_flight is every write held)

    @property
    def busy(self) -> bool:
        """A flush is running (or about to: its leader has been chosen)."""
        return self._flushing

    @property
    def waiting(self) -> int:
        """Writes waiting for the next flush."""
        return len(self._pending)

    async def write(self, db: AsyncSession, item: PendingWrite) -> Written:
        """Store the message with whichever others are ready; returns once committed. Raises what refused it,
        FactsChanged or RunAlone."""
        self._pending.append(item)
        if not self._flushing:
            self._flushing = True
            await self._lead(db)
        else:
            try:
                lead = await item.turn
            except asyncio.CancelledError:
                self._leave(item)
                raise
            if lead:
                await self._lead(db)
        return item.result()

    async def write_alone(self, db: AsyncSession, item: PendingWrite) -> Written:
        """Store one message in its own transaction (after RunAlone); raises what refused or failed it."""
        outcomes: dict[PendingWrite, Written | BaseException] = {}
        async with db.begin():
            await _store(db, [item], outcomes, look_for_repeats=False)
        outcome = outcomes[item]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def _leave(self, item: PendingWrite) -> None:
        """A waiting sender was cancelled: drop its write, and pass the lead on if it had just been given it."""
        if item in self._pending:
            self._pending.remove(item)
        if item.turn.done() and not item.turn.cancelled() and item.turn.result():
            self._flushing = False
            self._hand_over()

    async def _lead(self, db: AsyncSession) -> None:
        """Flush what is pending on this sender's session. The flush runs as its own task, so a cancelled leader
        neither cuts a transaction that holds others' messages short nor closes its session under it."""
        task = asyncio.ensure_future(self._flush_pending(db))
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            while not task.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait([task])
            raise

    async def _flush_pending(self, db: AsyncSession) -> None:
        try:
            batch, self._pending = self._pending, []
            batch = [item for item in batch if not item.turn.cancelled()]  # senders cancelled while waiting
            self.in_flight = len(batch)
            if batch:
                await self._flush(db, batch)
        finally:
            self.in_flight = 0
            self._flushing = False
            self._hand_over()

    def _hand_over(self) -> None:
        """The first write still waiting leads the next flush."""
        while self._pending and not self._flushing:
            first = self._pending[0]
            if first.turn.done():
                self._pending.pop(0)
                continue
            self._flushing = True
            first.turn.set_result(True)

    async def _flush(self, db: AsyncSession, batch: list[PendingWrite]) -> None:
        outcomes: dict[PendingWrite, Written | BaseException] = {}
        try:
            try:
                async with db.begin():
                    stored = await _store(db, batch, outcomes, look_for_repeats=False)
            except IntegrityError:
                if len(batch) == 1:
                    raise
                # A retry of a message stored by an earlier flush (rare: a resend after a lost ack) broke the
                # unique client_id: nothing was stored; the flush runs again, first finding what is stored.
                self.repeat_flushes += 1
                outcomes.clear()
                async with db.begin():
                    stored = await _store(db, batch, outcomes, look_for_repeats=True)
        except Exception as exc:  # nothing of this flush was stored
            for item in batch:
                if not isinstance(outcomes.get(item), (DomainError, FactsChanged, RunAlone)):
                    outcomes[item] = exc if len(batch) == 1 else RunAlone()
        else:
            if stored:
                self.flushes += 1
                self.stored += stored
                self.largest = max(self.largest, stored)
        finally:
            for item in batch:  # in id order, so senders publish in that order
                item.outcome = outcomes.get(item) or RunAlone()
                if not item.turn.done():
                    item.turn.set_result(False)


async def _store(
    db: AsyncSession,
    batch: list[PendingWrite],
    outcomes: dict[PendingWrite, Written | BaseException],
    *,
    look_for_repeats: bool,
) -> int:
    """The flush's statements, in the caller's transaction; fills `outcomes` and returns how many rows it stored.
    Without `look_for_repeats`, a client_id stored by an earlier flush is left to the unique constraint (its
    IntegrityError rolls the whole transaction back, ids included): one query fewer for every flush, paid for by
    a second try only when a resend meets its stored copy. Two copies within the batch are found here either way.
    """
    now = batch[0].clock()
    rooms: dict[int, list[PendingWrite]] = {}
    for item in batch:
        rooms.setdefault(item.group_id, []).append(item)
    # SQLite reads each room's last id with the facts and sets the new ones with the INSERT (rooms/message_ids.py)
    under_lock = reads_ids_under_lock(db)
    last_ids = {} if under_lock else await _take_ids(db, {group_id: len(items) for group_id, items in rooms.items()})
    stored_before = await store.messages_by_client_id(db, [item.key for item in batch]) if look_for_repeats else {}
    senders = [item.sender for item in batch if item.key not in stored_before]
    facts, last_before = await send_facts_and_last_ids(db, senders, now)
    accepted: dict[Key, PendingWrite] = {}
    restricted: set[tuple[int, int]] = set()
    posted: set[tuple[int, int]] = set()
    under: dict[PendingWrite, SendFacts] = {}
    copies: list[tuple[PendingWrite, PendingWrite]] = []
    for item in batch:
        if item.key in stored_before:
            outcomes[item] = Written(stored_before[item.key], None, [], repeat=True)
            continue
        try:
            current, sanctioned = await item.recheck(db, facts.get(item.sender))
        except (DomainError, FactsChanged) as exc:
            outcomes[item] = exc
            continue
        if item.key in accepted:
            copies.append((item, accepted[item.key]))
            continue
        if (sanctioned or item.sender in restricted) and item.sender in posted:
            outcomes[item] = RunAlone()  # e.g. slow mode: it must see its sender's earlier message stored
            continue
        accepted[item.key] = item
        under[item] = current
        posted.add(item.sender)
        if sanctioned:
            restricted.add(item.sender)
    rows: list[dict[str, Any]] = []
    ids: dict[PendingWrite, int] = {}
    new_last: dict[int, int] = {}
    for group_id, items in sorted(rooms.items()):
        kept = [item for item in items if item in under]
        if under_lock:
            if not kept:
                continue
            if group_id not in last_before:  # a kept write had facts, so its room's row was read: never
                raise LookupError("a room of this flush was not read")
            first = last_before[group_id] + 1
            new_last[group_id] = first + len(kept) - 1
        else:
            first = last_ids[group_id] - len(items) + 1
        for offset, item in enumerate(kept):
            ids[item] = first + offset
            rows.append({**item.values, "id": first + offset})
        if not under_lock and len(kept) < len(items):
            await store.give_back_message_ids(db, group_id, first + len(kept) - 1)
    await set_last_ids(db, new_last)
    await store.insert_messages(db, rows)
    for item, message_id in ids.items():
        logged = [] if item.log_verdicts is None else await item.log_verdicts(db, message_id)
        outcomes[item] = Written(Message(**item.values, id=message_id), under[item], logged, repeat=False)
    for copy, original in copies:
        first_copy = outcomes[original]
        assert isinstance(first_copy, Written)
        outcomes[copy] = Written(first_copy.message, None, [], repeat=True)
    batch.sort(key=lambda item: ids.get(item, 0))
    return len(rows)


async def _take_ids(db: AsyncSession, counts: dict[int, int]) -> dict[int, int]:
    """Each room's last id taken (rooms/message_ids.py); a room gone fails the flush, and each write goes alone."""
    taken = await take_for_rooms(db, counts)
    if len(taken) != len(counts):
        raise LookupError("a room of this flush does not exist")
    return taken
