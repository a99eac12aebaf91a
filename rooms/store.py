"""Queries over the community tables. Functions take an open AsyncSession; callers own the transaction."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Table,
    and_,
    bindparam,
    cast,
    delete,
    exists,
    func,
    insert,
    not_,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from rooms import validate
from rooms.in_lists import padded
from rooms.models import (
    Attendance,
    Group,
    GroupSession,
    Hub,
    HubStaff,
    Membership,
    Message,
    Presence,
    TrainingRecord,
    User,
    UTCDateTime,
)
from rooms.statement_hints import RESULT_UNUSED

PRESENCE_STALE_AFTER = dt.timedelta(seconds=90)


async def get_user(db: AsyncSession, user_id: int) -> User | None:
    return await db.get(User, user_id)


async def get_user_by_pseudonym(db: AsyncSession, pseudonym: str) -> User | None:
    result = await db.execute(select(User).where(User.pseudonym_key == validate.pseudonym_key(pseudonym)))
    return result.scalar_one_or_none()


async def get_hub(db: AsyncSession, hub_id: int) -> Hub | None:
    return await db.get(Hub, hub_id)


async def list_hubs(db: AsyncSession) -> Sequence[Hub]:
    return (await db.execute(select(Hub).order_by(Hub.name))).scalars().all()


async def get_group(db: AsyncSession, group_id: int) -> Group | None:
    return await db.get(Group, group_id)


FACILITATORS_SPACE = "facilitators_space"


async def list_groups(db: AsyncSession) -> Sequence[Group]:
    """Every peer-support group (the facilitators' space is not one: it is never listed)."""
    query = select(Group).where(Group.kind == "group").order_by(Group.name, Group.id)
    return (await db.execute(query)).scalars().all()


async def facilitators_space(db: AsyncSession) -> Group | None:
    rows = await db.execute(select(Group).where(Group.kind == FACILITATORS_SPACE).order_by(Group.id).limit(1))
    return rows.scalar_one_or_none()


async def staff_roles(db: AsyncSession, user_id: int, hub_id: int) -> dict[str, HubStaff]:
    rows = await db.execute(select(HubStaff).where(HubStaff.user_id == user_id, HubStaff.hub_id == hub_id))
    return {row.role: row for row in rows.scalars()}


async def current_training(db: AsyncSession, user_id: int, hub_id: int, today: dt.date) -> TrainingRecord | None:
    """The person's training on record with this hub that counts today (the latest to expire), if any."""
    rows = await db.execute(
        select(TrainingRecord)
        .where(
            TrainingRecord.user_id == user_id,
            TrainingRecord.hub_id == hub_id,
            TrainingRecord.completed_on <= today,
            TrainingRecord.expires_on >= today,
        )
        .order_by(TrainingRecord.expires_on.desc())
        .limit(1)
    )
    return rows.scalars().first()


async def hubs_with_current_training(db: AsyncSession, user_id: int, today: dt.date) -> set[int]:
    rows = await db.execute(
        select(TrainingRecord.hub_id).where(
            TrainingRecord.user_id == user_id, TrainingRecord.completed_on <= today, TrainingRecord.expires_on >= today
        )
    )
    return set(rows.scalars())


async def all_staff_roles(db: AsyncSession, user_id: int) -> Sequence[HubStaff]:
    rows = await db.execute(select(HubStaff).where(HubStaff.user_id == user_id).order_by(HubStaff.hub_id))
    return rows.scalars().all()


async def list_staff(db: AsyncSession, hub_id: int) -> Sequence[tuple[HubStaff, User]]:
    rows = await db.execute(
        select(HubStaff, User)
        .join(User, User.id == HubStaff.user_id)
        .where(HubStaff.hub_id == hub_id)
        .order_by(User.pseudonym)
    )
    return [(staff, user) for staff, user in rows.all()]


async def get_membership(db: AsyncSession, group_id: int, user_id: int) -> Membership | None:
    return await db.get(Membership, (group_id, user_id))


async def memberships_of(db: AsyncSession, user_id: int) -> dict[int, Membership]:
    rows = await db.execute(select(Membership).where(Membership.user_id == user_id))
    return {m.group_id: m for m in rows.scalars()}


# A session is running while live or paused (waiting for a facilitator); at most one per group.
RUNNING = ("live", "paused")


async def live_session(db: AsyncSession, group_id: int) -> GroupSession | None:
    """The group's running session (live or paused), if any."""
    rows = await db.execute(
        select(GroupSession).where(GroupSession.group_id == group_id, GroupSession.status.in_(RUNNING)).limit(1)
    )
    return rows.scalar_one_or_none()


async def running_sessions(db: AsyncSession) -> list[tuple[GroupSession, int]]:
    """Every running session of a peer-support group with its hub's pause grace in minutes (for the
    facilitation sweep; the facilitators' space is a standing room of facilitators and never pauses)."""
    rows = await db.execute(
        select(GroupSession, Hub.pause_grace_minutes)
        .join(Group, Group.id == GroupSession.group_id)
        .join(Hub, Hub.id == Group.hub_id)
        .where(GroupSession.status.in_(RUNNING), Group.kind != FACILITATORS_SPACE)
    )
    return [(session, grace) for session, grace in rows.all()]


async def pause_grace(db: AsyncSession, group_id: int) -> dt.timedelta:
    rows = await db.execute(
        select(Hub.pause_grace_minutes).join(Group, Group.hub_id == Hub.id).where(Group.id == group_id)
    )
    return dt.timedelta(minutes=rows.scalar_one())


async def groups_with_facilitator_present(db: AsyncSession, seen_after: dt.datetime) -> set[int]:
    """Groups whose room holds at least one facilitator connection seen since `seen_after`."""
    rows = await db.execute(
        select(Presence.group_id)
        .where(Presence.role == "facilitator", Presence.last_seen > seen_after)
        .group_by(Presence.group_id)
    )
    return set(rows.scalars())


async def facilitator_present(db: AsyncSession, group_id: int, seen_after: dt.datetime) -> bool:
    rows = await db.execute(
        select(Presence.sid)
        .where(Presence.group_id == group_id, Presence.role == "facilitator", Presence.last_seen > seen_after)
        .limit(1)
    )
    return rows.first() is not None


SCHEDULE_GRACE = dt.timedelta(hours=2)


async def next_scheduled(db: AsyncSession, group_id: int, now: dt.datetime) -> GroupSession | None:
    """The earliest scheduled session not yet more than SCHEDULE_GRACE overdue (older ones were missed)."""
    rows = await db.execute(
        select(GroupSession)
        .where(
            GroupSession.group_id == group_id,
            GroupSession.status == "scheduled",
            GroupSession.scheduled_for >= now - SCHEDULE_GRACE,
        )
        .order_by(GroupSession.scheduled_for, GroupSession.id)
        .limit(1)
    )
    return rows.scalar_one_or_none()


async def headline_session(db: AsyncSession, group_id: int, now: dt.datetime) -> GroupSession | None:
    """The live session, else the next scheduled one, else the most recently ended one."""
    live = await live_session(db, group_id)
    return live if live is not None else await headline_not_running(db, group_id, now)


async def headline_not_running(db: AsyncSession, group_id: int, now: dt.datetime) -> GroupSession | None:
    """headline_session of a group known to have no running session (room:join read it already)."""
    scheduled = await next_scheduled(db, group_id, now)
    if scheduled is not None:
        return scheduled
    rows = await db.execute(
        select(GroupSession)
        .where(GroupSession.group_id == group_id, GroupSession.status == "ended")
        .order_by(GroupSession.ended_at.desc(), GroupSession.id.desc())
        .limit(1)
    )
    return rows.scalar_one_or_none()


async def headline_sessions(db: AsyncSession, now: dt.datetime) -> dict[int, GroupSession]:
    """headline_session for every group at once (three queries): running, else next scheduled, else last ended."""
    found: dict[int, GroupSession] = {}
    live = await db.execute(select(GroupSession).where(GroupSession.status.in_(RUNNING)))
    for session in live.scalars():
        found.setdefault(session.group_id, session)
    scheduled = await db.execute(
        select(GroupSession)
        .where(GroupSession.status == "scheduled", GroupSession.scheduled_for >= now - SCHEDULE_GRACE)
        .order_by(GroupSession.scheduled_for, GroupSession.id)
    )
    for session in scheduled.scalars():
        found.setdefault(session.group_id, session)
    latest_ended = (
        select(func.max(GroupSession.id)).where(GroupSession.status == "ended").group_by(GroupSession.group_id)
    )
    ended = await db.execute(select(GroupSession).where(GroupSession.id.in_(latest_ended)))
    for session in ended.scalars():
        found.setdefault(session.group_id, session)
    return found


async def list_sessions(db: AsyncSession, group_id: int, limit: int = 50) -> Sequence[GroupSession]:
    rows = await db.execute(
        select(GroupSession).where(GroupSession.group_id == group_id).order_by(GroupSession.id.desc()).limit(limit)
    )
    return rows.scalars().all()


async def get_session(db: AsyncSession, session_id: int) -> GroupSession | None:
    return await db.get(GroupSession, session_id)


async def history_session_id(db: AsyncSession, group_id: int) -> int | None:
    """The session whose messages a person entering the room sees: the live one, else the latest opened."""
    rows = await db.execute(
        select(GroupSession.id)
        .where(GroupSession.group_id == group_id, GroupSession.opened_at.is_not(None))
        .order_by(GroupSession.opened_at.desc(), GroupSession.id.desc())
        .limit(1)
    )
    return rows.scalar_one_or_none()


@dataclass(frozen=True)
class RoomSessions:
    """What a room shows of its sessions while none runs: the session whose history it shows
    (history_session_id) and its headline (headline_not_running)."""

    history_session_id: int | None
    headline: GroupSession | None


async def room_sessions_of(db: AsyncSession, group_ids: Collection[int], now: dt.datetime) -> dict[int, RoomSessions]:
    """history_session_id and headline_not_running for many groups in one statement, however many groups: the
    three lookups per group are correlated subqueries over the groups (each an index lookup limited to one row,
    as when asked alone), and the headline session is joined in the same statement, so it is the row as those
    lookups saw it (on PostgreSQL a second statement could see it opened meanwhile)."""
    if not group_ids:
        return {}
    params = {"group_ids": padded(group_ids), "scheduled_since": now - SCHEDULE_GRACE}
    rows = (await db.execute(_room_sessions_query(), params)).all()
    return {group_id: RoomSessions(history_id, headline) for group_id, history_id, headline in rows}


@functools.cache
def _room_sessions_query() -> Any:  # a Select
    """Built once, as the other statements every join runs: building it (and its cache key) cost more than
    running it."""
    sessions = aliased(GroupSession)

    def first(*where: Any, order: Sequence[Any]) -> Any:
        return (
            select(sessions.id)
            .where(sessions.group_id == Group.id, *where)
            .order_by(*order)
            .limit(1)
            .correlate(Group)
            .scalar_subquery()
        )

    history = first(sessions.opened_at.is_not(None), order=(sessions.opened_at.desc(), sessions.id.desc()))
    scheduled = first(
        sessions.status == "scheduled",
        sessions.scheduled_for >= bindparam("scheduled_since", type_=UTCDateTime()),
        order=(sessions.scheduled_for, sessions.id),
    )
    ended = first(sessions.status == "ended", order=(sessions.ended_at.desc(), sessions.id.desc()))
    return (
        select(Group.id, history, GroupSession)
        .outerjoin(GroupSession, GroupSession.id == func.coalesce(scheduled, ended))
        .where(Group.id.in_(bindparam("group_ids", expanding=True)))
    )


# Core on the hot path: no ORM bookkeeping.
_groups: Table = Group.__table__  # type: ignore[assignment]
_messages: Table = Message.__table__  # type: ignore[assignment]


async def next_message_id(db: AsyncSession, group_id: int) -> int:
    """Take the room's next id. The UPDATE locks the group row until commit, so ids never repeat."""
    return await take_message_ids(db, group_id, 1)


async def take_message_ids(db: AsyncSession, group_id: int, count: int) -> int:
    """Take the room's next `count` ids; returns the last (they end there). The UPDATE locks the group row until
    commit (on SQLite the writer's BEGIN IMMEDIATE already serialises), so ids never repeat."""
    connection = await db.connection()  # Core straight on the connection: no ORM execution on the hot path
    result = await connection.execute(_take_ids(), {"group_key": group_id, "count": count})
    return int(result.scalar_one())


@functools.cache
def _take_ids() -> Any:  # an Update; built once (building it cost as much as running it)
    return (
        update(_groups)
        .where(_groups.c.id == bindparam("group_key", type_=Integer))
        .values(last_message_id=_groups.c.last_message_id + bindparam("count", type_=Integer))
        .returning(_groups.c.last_message_id)
    )


async def give_back_message_ids(db: AsyncSession, group_id: int, last_used: int) -> None:
    """Return ids taken but not used: the room's last id is the last one used. Only while the row lock that
    take_message_ids took is still held (same transaction), so no other writer took ids in between."""
    await db.execute(update(_groups).where(_groups.c.id == group_id).values(last_message_id=last_used))


async def lock_group(db: AsyncSession, group_id: int) -> None:
    """Hold the group row until commit, so racing changes to one group (two "start" presses) run in turn."""
    await db.execute(update(Group).where(Group.id == group_id).values(last_message_id=Group.last_message_id))


@dataclass(frozen=True)
class SendAccess:
    """Everything the send path checks, read in one query."""

    group_version: int
    membership_version: int | None
    is_facilitator: bool
    live_session_id: int | None  # the running session, live or paused
    session_paused: bool = False
    one_voice: bool = False
    turn_user_id: int | None = None


def may_facilitate(hub_id: Any, user_id: Any, today: Any) -> ColumnElement[bool]:
    """SQL: holds the facilitator role in the hub and has training on record there that counts today."""
    return and_(
        exists().where(HubStaff.hub_id == hub_id, HubStaff.user_id == user_id, HubStaff.role == "facilitator"),
        exists().where(
            TrainingRecord.hub_id == hub_id,
            TrainingRecord.user_id == user_id,
            TrainingRecord.completed_on <= today,
            TrainingRecord.expires_on >= today,
        ),
    )


def facilitates_anywhere(user_id: Any, today: Any) -> ColumnElement[bool]:
    """SQL: a facilitator somewhere with training there that counts today (who may enter the facilitators'
    space, from every hub)."""
    return exists().where(
        HubStaff.user_id == user_id,
        HubStaff.role == "facilitator",
        TrainingRecord.hub_id == HubStaff.hub_id,
        TrainingRecord.user_id == user_id,
        TrainingRecord.completed_on <= today,
        TrainingRecord.expires_on >= today,
    )


def may_facilitate_group(kind: Any, hub_id: Any, user_id: Any, today: Any) -> ColumnElement[bool]:
    """SQL: may be in this group's room as a facilitator: in its hub, or anywhere for the facilitators' space."""
    return or_(
        and_(kind != FACILITATORS_SPACE, may_facilitate(hub_id, user_id, today)),
        and_(kind == FACILITATORS_SPACE, facilitates_anywhere(user_id, today)),
    )


@dataclass(frozen=True)
class AccessRow:
    """group_access's facts, read in one statement (rooms/access.py)."""

    group: Group
    membership: Membership | None
    may_facilitate: bool  # the facilitator role and training that counts today (anywhere, for the space)
    holds_facilitator_role: bool
    holds_hub_admin_role: bool
    live: GroupSession | None  # the running session, when asked for


def _access_select(user_id: Any, today: Any, with_live: bool) -> Any:  # a Select
    """The group, the person's membership, their staff roles in its hub and whether they may facilitate it
    today, and (`with_live`) the running session: what four to six statements read before. `user_id` is a
    bound parameter (one person) or the users table's id (many people, rooms/store.access_rows_in)."""
    space = Group.kind == FACILITATORS_SPACE
    may = may_facilitate_group(Group.kind, Group.hub_id, user_id, today)

    def holds(role: str) -> ColumnElement[bool]:
        return exists().where(HubStaff.hub_id == Group.hub_id, HubStaff.user_id == user_id, HubStaff.role == role)

    query = select(
        Group,
        Membership,
        may,
        or_(and_(space, facilitates_anywhere(user_id, today)), and_(not_(space), holds("facilitator"))),
        holds("hub_admin"),
    )
    if with_live:
        query = query.add_columns(GroupSession)
    return query


def _membership_and_live(query: Any, user_id: Any, with_live: bool) -> Any:
    query = query.outerjoin(Membership, and_(Membership.group_id == Group.id, Membership.user_id == user_id))
    if with_live:
        query = query.outerjoin(GroupSession, and_(GroupSession.group_id == Group.id, GroupSession.status.in_(RUNNING)))
    return query


@functools.cache
def _access_query(with_live: bool) -> Any:  # a Select; built once, as _send_access_query
    """One person's access to one group (`_access_select`)."""
    user_id = bindparam("user_id", type_=Integer)
    query = _access_select(user_id, bindparam("today", type_=Date), with_live)
    query = _membership_and_live(query.select_from(Group), user_id, with_live)
    return query.where(Group.id == bindparam("group_id", type_=Integer)).limit(1)


@functools.cache
def _access_many_query() -> Any:  # a Select; built once
    """Many people's access, each to their own group, with the running session: the groups asked for, crossed
    with the people asked for, kept to the (group, person) pairs asked for before anything else is read."""
    query = _access_select(User.id, bindparam("today", type_=Date), with_live=True).add_columns(User.id)
    query = _membership_and_live(query.select_from(Group).join(User, true()), User.id, with_live=True)
    return query.where(
        Group.id.in_(bindparam("group_ids", expanding=True)),
        User.id.in_(bindparam("user_ids", expanding=True)),
        tuple_(Group.id, User.id).in_(bindparam("pairs", expanding=True)),
    )


def _access_of(row: Any, with_live: bool) -> AccessRow:
    return AccessRow(row[0], row[1], bool(row[2]), bool(row[3]), bool(row[4]), row[5] if with_live else None)


async def access_row(
    db: AsyncSession, group_id: int, user_id: int, today: dt.date, *, with_live: bool = False
) -> AccessRow | None:
    """None if there is no such group."""
    params = {"group_id": group_id, "user_id": user_id, "today": today}
    row = (await db.execute(_access_query(with_live), params)).first()
    return None if row is None else _access_of(row, with_live)


async def access_rows_in(db: AsyncSession, pairs: Sequence[tuple[int, int]], today: dt.date) -> list[AccessRow | None]:
    """access_row (with the running session) for each (group, user) pair, in order, in one statement (a connect
    wave's joins ask together: rooms/chat.py); None where there is no such group. A pair the statement finds no
    row for is asked alone, so the answer is access_row's in every case."""
    if not pairs:
        return []
    asked = sorted(set(pairs))
    params = {
        "today": today,
        "group_ids": padded(group_id for group_id, _ in asked),
        "user_ids": padded(user_id for _, user_id in asked),
        "pairs": padded(asked),
    }
    found: dict[tuple[int, int], AccessRow] = {}
    for row in await db.execute(_access_many_query(), params):
        key = (row[0].id, row[-1])
        if key not in found:  # one running session at most; the first, as access_row's LIMIT 1 takes
            found[key] = _access_of(row, with_live=True)
    for pair in asked:  # no row: no such group, or no such user (the join would not say which): asked alone
        if pair not in found:
            alone = await access_row(db, *pair, today, with_live=True)
            if alone is not None:
                found[pair] = alone
    return [found.get(pair) for pair in pairs]


async def trained_anywhere(db: AsyncSession, user_id: int, today: dt.date) -> bool:
    return bool((await db.execute(select(facilitates_anywhere(user_id, today)))).scalar())


@functools.cache
def _send_access_query() -> Any:  # a Select; its generic form differs between SQLAlchemy 2.0 and 2.1
    """Built once: constructing the joins costs more than running them, and this is the hot path."""
    membership, live = aliased(Membership), aliased(GroupSession)
    user_id = bindparam("user_id", type_=Integer)
    today = bindparam("today", type_=Date)
    return (
        select(
            Group.agreement_version,
            membership.agreement_version,
            may_facilitate_group(Group.kind, Group.hub_id, user_id, today),
            live.id,
            live.status,
            live.one_voice,
            live.turn_user_id,
        )
        .outerjoin(membership, and_(membership.group_id == Group.id, membership.user_id == user_id))
        .outerjoin(live, and_(live.group_id == Group.id, live.status.in_(RUNNING)))
        .where(Group.id == bindparam("group_id"))
        .limit(1)
    )


async def send_access(db: AsyncSession, group_id: int, user_id: int, today: dt.date) -> SendAccess | None:
    row = (await db.execute(_send_access_query(), {"group_id": group_id, "user_id": user_id, "today": today})).first()
    if row is None:
        return None
    return SendAccess(row[0], row[1], bool(row[2]), row[3], row[4] == "paused", bool(row[5]), row[6])


async def insert_message(db: AsyncSession, values: dict[str, object]) -> None:
    await insert_messages(db, [values])


async def insert_messages(db: AsyncSession, rows: Sequence[dict[str, object]]) -> None:
    """Every row in one statement (Core, not the ORM's bulk insert: nothing to track afterwards). Nothing of its
    result is read, so it may go to the database with the commit (rooms/statement_hints.py); a repeated client_id
    then fails the commit (the send flush catches IntegrityError around the whole transaction)."""
    if rows:
        connection = await db.connection()
        await connection.execute(_insert_messages(), list(rows))


@functools.cache
def _insert_messages() -> Any:
    return insert(_messages).execution_options(**{RESULT_UNUSED: True})


async def messages_by_client_id(
    db: AsyncSession, keys: Collection[tuple[int, int, str]]
) -> dict[tuple[int, int, str], Message]:
    """The stored messages among (group id, author id, client id) keys, in one query (retries in a send batch)."""
    if not keys:
        return {}
    rows = await db.execute(
        select(Message).where(tuple_(Message.group_id, Message.author_id, Message.client_id).in_(sorted(set(keys))))
    )
    return {(m.group_id, m.author_id, m.client_id or ""): m for m in rows.scalars()}


async def find_message_by_client_id(db: AsyncSession, group_id: int, author_id: int, client_id: str) -> Message | None:
    rows = await db.execute(
        select(Message).where(
            Message.group_id == group_id, Message.author_id == author_id, Message.client_id == client_id
        )
    )
    return rows.scalar_one_or_none()


async def messages_with_names(
    db: AsyncSession,
    group_id: int,
    *,
    after_id: int | None = None,
    before_id: int | None = None,
    session_id: int | None = None,
    member_since: dt.datetime | None = None,
    limit: int,
    newest_first: bool = False,
    held_visible_to: int | None = None,
) -> list[tuple[Message, str]]:
    """Messages of a room; with `member_since`, only of sessions still running when that person joined; with
    `held_visible_to` (a member), messages held for review only if that member wrote them."""
    query = select(Message, User.pseudonym).join(User, User.id == Message.author_id).where(Message.group_id == group_id)
    if held_visible_to is not None:
        query = query.where(or_(Message.held_reason.is_(None), Message.author_id == held_visible_to))
    if member_since is not None:
        query = query.join(GroupSession, GroupSession.id == Message.session_id).where(
            or_(GroupSession.ended_at.is_(None), GroupSession.ended_at > member_since)
        )
    if after_id is not None:
        query = query.where(Message.id > after_id)
    if before_id is not None:
        query = query.where(Message.id < before_id)
    if session_id is not None:
        query = query.where(Message.session_id == session_id)
    query = query.order_by(Message.id.desc() if newest_first else Message.id).limit(limit)
    return [(message, name) for message, name in (await db.execute(query)).all()]


async def present_in(
    db: AsyncSession, group_id: int, now: dt.datetime, stale_after: dt.timedelta = PRESENCE_STALE_AFTER
) -> list[tuple[int, str, str, bool]]:
    """(user id, pseudonym, role, stepping out) of everyone in the room on any live connection, one row a
    person."""
    rows = await db.execute(
        select(Presence.user_id, User.pseudonym, func.max(Presence.role), func.max(cast(Presence.away, Integer)))
        .join(User, User.id == Presence.user_id)
        .where(Presence.group_id == group_id, Presence.last_seen > now - stale_after)
        .group_by(Presence.user_id, User.pseudonym)
        .order_by(User.pseudonym)
    )
    return [(uid, name, role, bool(away)) for uid, name, role, away in rows.all()]


async def present_in_groups(
    db: AsyncSession, group_ids: Collection[int], stale_before: dt.datetime
) -> dict[int, list[tuple[int, str, str, bool]]]:
    """present_in for several rooms in one statement: connections seen after `stale_before` count."""
    rows = await db.execute(_present_query(), {"group_ids": padded(group_ids), "stale_before": stale_before})
    found: dict[int, list[tuple[int, str, str, bool]]] = {group_id: [] for group_id in group_ids}
    for group_id, uid, name, role, away in rows.all():
        found[group_id].append((uid, name, role, bool(away)))
    return found


@functools.cache
def _present_query() -> Any:  # a Select, built once (every join's room is told who is here)
    return (
        select(
            Presence.group_id,
            Presence.user_id,
            User.pseudonym,
            func.max(Presence.role),
            func.max(cast(Presence.away, Integer)),
        )
        .join(User, User.id == Presence.user_id)
        .where(
            Presence.group_id.in_(bindparam("group_ids", expanding=True)),
            Presence.last_seen > bindparam("stale_before", type_=UTCDateTime()),
        )
        .group_by(Presence.group_id, Presence.user_id, User.pseudonym)
        .order_by(User.pseudonym)
    )


async def add_presence(
    db: AsyncSession,
    *,
    sid: str,
    group_id: int,
    user_id: int,
    role: str,
    web_session: str,
    server_id: str,
    now: dt.datetime,
) -> None:
    existing = await db.get(Presence, (sid, group_id))
    if existing is None:
        db.add(
            Presence(
                sid=sid,
                group_id=group_id,
                user_id=user_id,
                role=role,
                web_session=web_session,
                server_id=server_id,
                last_seen=now,
            )
        )
    else:
        existing.last_seen = now
        existing.role = role


async def remove_presence(db: AsyncSession, sid: str, group_id: int | None = None) -> list[tuple[int, str]]:
    """Forget a connection (in one room, or everywhere); return the (group, role) it was in."""
    query = delete(Presence).where(Presence.sid == sid)
    if group_id is not None:
        query = query.where(Presence.group_id == group_id)
    result = await db.execute(query.returning(Presence.group_id, Presence.role))
    return sorted({(gid, role) for gid, role in result.all()})


async def connections(
    db: AsyncSession,
    *,
    group_id: int | None = None,
    user_id: int | None = None,
    web_session: str | None = None,
    server_id: str | None = None,
) -> list[tuple[str, int]]:
    """(sid, group id) of room connections matching every filter given."""
    query = select(Presence.sid, Presence.group_id)
    if group_id is not None:
        query = query.where(Presence.group_id == group_id)
    if user_id is not None:
        query = query.where(Presence.user_id == user_id)
    if web_session is not None:
        query = query.where(Presence.web_session == web_session)
    if server_id is not None:
        query = query.where(Presence.server_id == server_id)
    return [(sid, gid) for sid, gid in (await db.execute(query)).all()]


async def connections_without_room_rights(
    db: AsyncSession, today: dt.date, *, group_id: int | None = None, server_id: str | None = None
) -> list[tuple[str, int]]:
    """Connections that may no longer hear their room: not a facilitator with current training, and with no
    membership or an accepted agreement that is no longer current."""
    query = (
        select(Presence.sid, Presence.group_id)
        .join(Group, Group.id == Presence.group_id)
        .outerjoin(Membership, and_(Membership.group_id == Presence.group_id, Membership.user_id == Presence.user_id))
        .where(
            not_(may_facilitate_group(Group.kind, Group.hub_id, Presence.user_id, today)),
            or_(Membership.user_id.is_(None), Membership.agreement_version != Group.agreement_version),
        )
    )
    if group_id is not None:
        query = query.where(Presence.group_id == group_id)
    if server_id is not None:
        query = query.where(Presence.server_id == server_id)
    return [(sid, gid) for sid, gid in (await db.execute(query)).all()]


async def remove_connections(db: AsyncSession, pairs: list[tuple[str, int]]) -> set[int]:
    """One statement for all pairs (row by row, two of these could lock rows in opposite orders). Returns the
    groups where a facilitator's connection was removed."""
    if not pairs:
        return set()
    result = await db.execute(
        delete(Presence)
        .where(tuple_(Presence.sid, Presence.group_id).in_(sorted(pairs)))
        .returning(Presence.group_id, Presence.role)
    )
    return {group_id for group_id, role in result.all() if role == "facilitator"}


async def refresh_presence(db: AsyncSession, server_id: str, now: dt.datetime) -> None:
    await db.execute(update(Presence).where(Presence.server_id == server_id).values(last_seen=now))


async def clear_all_presence(db: AsyncSession) -> None:
    await db.execute(delete(Presence))


async def clear_server_presence(db: AsyncSession, server_id: str) -> list[int]:
    result = await db.execute(delete(Presence).where(Presence.server_id == server_id).returning(Presence.group_id))
    return sorted(set(result.scalars().all()))


async def record_attendance(db: AsyncSession, session: GroupSession, user_id: int, role: str, now: dt.datetime) -> bool:
    """Note that this person came to this session (once); returns whether it is their first session in the
    group. Attendance holds who came, never what they said."""
    existing = await db.get(Attendance, (session.id, user_id))
    if existing is not None:
        return existing.first_session
    earlier = await db.execute(
        select(Attendance.session_id)
        .join(GroupSession, GroupSession.id == Attendance.session_id)
        .where(GroupSession.group_id == session.group_id, Attendance.user_id == user_id)
        .limit(1)
    )
    first = earlier.first() is None
    try:
        async with db.begin_nested():  # a second tab joining at the same moment wrote it first: fine
            db.add(
                Attendance(session_id=session.id, user_id=user_id, role=role, first_joined_at=now, first_session=first)
            )
    except IntegrityError:
        pass
    return first


async def newcomers_in(db: AsyncSession, session_id: int) -> list[int]:
    """Members at their first session of the group (for the facilitators' welcome)."""
    rows = await db.execute(
        select(Attendance.user_id).where(
            Attendance.session_id == session_id, Attendance.first_session.is_(True), Attendance.role == "member"
        )
    )
    return sorted(rows.scalars())
