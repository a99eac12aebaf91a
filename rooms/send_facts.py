"""Everything the send path needs to know, read in one query: the sender's right to post (membership with the
current agreement, or the facilitator role), the running session and its controls, whether any sanction of
theirs is in force, and the room's facts for the content policies.

Why one query: the send path reads these twice (before the checks, and again in the write transaction), and on
SQLite each statement is a round trip to the database thread. The hub's word list is identified by a version
read here (see version_label), so a cached copy is used while it is unchanged, on every process, with no
message between processes. The detail of a sanction (which kind, until
when) is read only when one is in force, which is rare.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Integer, and_, bindparam, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from rooms.hookspecs import RoomFacts
from rooms.in_lists import padded
from rooms.models import Group, GroupSession, Hub, Membership, Sanction, User, UTCDateTime, WordListEntry
from rooms.store import RUNNING, may_facilitate_group


@dataclass(frozen=True)
class SendFacts:
    group_version: int
    membership_version: int | None
    is_facilitator: bool
    live_session_id: int | None  # the running session, live or paused
    session_paused: bool
    one_voice: bool
    turn_user_id: int | None
    locked: bool
    slow_mode_seconds: int
    sanctions_in_force: int  # of this sender in this group (a removal only from the running session)
    room: RoomFacts
    group_name: str = ""


def _select(many: bool) -> Any:
    """The facts of one sender (bound parameters), or of many (group, sender) pairs with the pair appended."""
    user_id: Any = User.id if many else bindparam("user_id", type_=Integer)
    membership, live = aliased(Membership), aliased(GroupSession)
    now = bindparam("now", type_=UTCDateTime)
    sanctions = (
        select(func.count(Sanction.id))
        .where(
            Sanction.group_id == Group.id,
            Sanction.user_id == user_id,
            Sanction.lifted_at.is_(None),
            or_(Sanction.expires_at.is_(None), Sanction.expires_at > now),
            or_(Sanction.kind != "removal", Sanction.session_id == live.id),
        )
        .scalar_subquery()
    )
    word_list = select(*_version_columns()).where(WordListEntry.hub_id == Group.hub_id)
    query = (
        select(
            Group.agreement_version,
            membership.agreement_version,
            may_facilitate_group(Group.kind, Group.hub_id, user_id, bindparam("today", type_=Date)),
            live.id,
            live.status,
            live.one_voice,
            live.turn_user_id,
            live.locked,
            live.slow_mode_seconds,
            sanctions,
            Group.hub_id,
            Hub.name,
            Hub.country,
            Group.link_policy,
            Group.name,
            *(word_list.with_only_columns(column).scalar_subquery() for column in _version_columns()),
        )
        .select_from(Group)
        .join(Hub, Hub.id == Group.hub_id)
    )
    if many:  # the senders joined first: the joins below name them
        pairs: Any = bindparam("pairs", expanding=True)
        query = query.add_columns(Group.last_message_id, Group.id, User.id).join(
            User, tuple_(Group.id, User.id).in_(pairs)
        )
    return query.outerjoin(membership, and_(membership.group_id == Group.id, membership.user_id == user_id)).outerjoin(
        live, and_(live.group_id == Group.id, live.status.in_(RUNNING))
    )


@functools.cache
def _query() -> Any:  # a Select; built once, as constructing it costs more than running it
    return _select(many=False).where(Group.id == bindparam("group_id")).limit(1)


@functools.cache
def _many_query() -> Any:
    """The facts of many (group, sender) pairs in one statement (the send batch's re-check, rooms/send_batch.py):
    the same columns, then the room's last message id, then the pair."""
    return _select(many=True).where(
        Group.id.in_(bindparam("group_ids", expanding=True)), User.id.in_(bindparam("user_ids", expanding=True))
    )


async def send_facts(db: AsyncSession, group_id: int, user_id: int, now: dt.datetime) -> SendFacts | None:
    params = {"group_id": group_id, "user_id": user_id, "today": now.date(), "now": now}
    row = (await db.execute(_query(), params)).first()
    return None if row is None else _facts_of(row)


async def send_facts_and_last_ids(
    db: AsyncSession, pairs: Collection[tuple[int, int]], now: dt.datetime
) -> tuple[dict[tuple[int, int], SendFacts], dict[int, int]]:
    """send_facts for each (group id, user id) at once (a pair with no such group or user is left out), and the
    last message id of each of those rooms, read by the same statement (the send flush on SQLite takes its ids
    from them: rooms/message_ids.py)."""
    if not pairs:
        return {}, {}
    ordered = sorted(set(pairs))
    params = {
        "pairs": padded(ordered),
        "group_ids": padded(g for g, _ in ordered),
        "user_ids": padded(u for _, u in ordered),
        "today": now.date(),
        "now": now,
    }
    found: dict[tuple[int, int], SendFacts] = {}
    last_ids: dict[int, int] = {}
    connection = await db.connection()  # Core on the connection: the ORM's execution adds nothing to a Core select
    for row in (await connection.execute(_many_query(), params)).all():
        found.setdefault((row[-2], row[-1]), _facts_of(row))  # a second running session: the first, as LIMIT 1
        last_ids[row[-2]] = int(row[-3])
    return found, last_ids


SendAsk = tuple[int, int, dt.datetime]  # group id, sender's user id, the moment the sender asked


async def send_facts_of(db: AsyncSession, asks: list[SendAsk]) -> list[SendFacts | None]:
    """send_facts for senders whose reads share a transaction (rooms/read_batch.py), in one statement. It reads
    as of the latest moment asked: the few milliseconds between them only matter to a sanction or a training
    record that ends in between, and the write transaction reads the facts again anyway."""
    found, _ = await send_facts_and_last_ids(db, [(g, u) for g, u, _ in asks], max(now for _, _, now in asks))
    return [found.get((g, u)) for g, u, _ in asks]


def _facts_of(row: Sequence[Any]) -> SendFacts:
    return SendFacts(
        group_version=row[0],
        membership_version=row[1],
        is_facilitator=bool(row[2]),
        live_session_id=row[3],
        session_paused=row[4] == "paused",
        one_voice=bool(row[5]),
        turn_user_id=row[6],
        locked=bool(row[7]),
        slow_mode_seconds=int(row[8] or 0),
        sanctions_in_force=int(row[9] or 0),
        room=RoomFacts(
            hub_id=row[10],
            hub_name=row[11],
            country=row[12] or "GB",
            link_policy=row[13] or "allow",
            word_list_version=version_label(row[15:18]),
        ),
        group_name=row[14],
    )


def _version_columns() -> tuple[Any, ...]:
    return func.count(WordListEntry.id), func.max(WordListEntry.id), func.max(WordListEntry.created_at)


def version_label(values: Sequence[Any]) -> str:
    """RoomFacts.word_list_version. Entries are added and removed, never edited: a removal lowers the count and
    an addition brings a newer created_at, so no change leaves all three as they were (an id alone could be
    reused: SQLite gives a new row the highest id + 1, which a removed newest entry frees)."""
    return "|".join("" if value is None else str(value) for value in values)


async def word_list_version(db: AsyncSession, hub_id: int) -> str:
    row = (await db.execute(select(*_version_columns()).where(WordListEntry.hub_id == hub_id))).one()
    return version_label(row)


class SendFactsCache:
    """Per process: the facts each sender's last message was checked against, so their next message can run
    its checks at once, without a read first. Never trusted on its own: the write transaction reads the facts
    again, and a message checked against facts that no longer hold is checked again (rooms/chat.py).
    Bounded: the least recently used entries go first."""

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._items: OrderedDict[tuple[int, int], SendFacts] = OrderedDict()

    def get(self, user_id: int, group_id: int) -> SendFacts | None:
        facts = self._items.get((user_id, group_id))
        if facts is not None:
            self._items.move_to_end((user_id, group_id))
        return facts

    def put(self, user_id: int, group_id: int, facts: SendFacts) -> None:
        """Keeps the entry already held when the facts are unchanged (the usual case: every message's write reads
        them afresh). Why: the fresh copy then dies young, where replacing the held one would let every
        message's copy live until the sender's next message, long enough to be promoted through the collector's
        generations and die in the old one, whose growth sets off full collections."""
        key = (user_id, group_id)
        if self._items.get(key) != facts:
            self._items[key] = facts
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def forget(self, user_id: int, group_id: int) -> None:
        self._items.pop((user_id, group_id), None)
