"""Queries for supervision after a session: debriefs with their session and people, facilitators' sessions
still waiting for a debrief, and attendance counts per session. Callers own the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from rooms.models import Attendance, Debrief, Group, GroupSession, User

ATTENDANCE_ROWS_MAX = 5000  # a year of a large hub's sessions, and a bound on the answer


@dataclass(frozen=True)
class DebriefRow:
    debrief: Debrief
    session: GroupSession
    group_name: str
    author: User
    discusser: User | None


@dataclass(frozen=True)
class AttendanceRow:
    session: GroupSession
    group_name: str
    members: int
    facilitators: int
    newcomers: int


Discusser = aliased(User)


def _debrief_query() -> Select[Debrief, GroupSession, str, User, User]:
    return (
        select(Debrief, GroupSession, Group.name, User, Discusser)
        .join(GroupSession, GroupSession.id == Debrief.session_id)
        .join(Group, Group.id == GroupSession.group_id)
        .join(User, User.id == Debrief.author_id)
        .outerjoin(Discusser, Discusser.id == Debrief.discussed_by)
    )


def _rows(result: Sequence[tuple[Debrief, GroupSession, str, User, User | None]]) -> list[DebriefRow]:
    return [DebriefRow(d, s, name, author, discusser) for d, s, name, author, discusser in result]


async def get_debrief(db: AsyncSession, debrief_id: int) -> DebriefRow | None:
    found = _rows((await db.execute(_debrief_query().where(Debrief.id == debrief_id))).all())
    return found[0] if found else None


async def own_debrief(db: AsyncSession, session_id: int, author_id: int) -> DebriefRow | None:
    query = _debrief_query().where(Debrief.session_id == session_id, Debrief.author_id == author_id)
    found = _rows((await db.execute(query)).all())
    return found[0] if found else None


async def hub_debriefs(db: AsyncSession, hub_id: int, status: str, limit: int = 500) -> list[DebriefRow]:
    """The hub's debriefs: open ones (not yet discussed) first, then newest first."""
    query = _debrief_query().where(Group.hub_id == hub_id)
    if status == "open":
        query = query.where(Debrief.discussed_at.is_(None))
    elif status == "discussed":
        query = query.where(Debrief.discussed_at.is_not(None))
    open_first = case((Debrief.discussed_at.is_(None), 0), else_=1)
    query = query.order_by(open_first, Debrief.created_at.desc(), Debrief.id.desc()).limit(limit)
    return _rows((await db.execute(query)).all())


async def sessions_waiting_for_debrief(
    db: AsyncSession, user_id: int, hub_ids: set[int], since: dt.datetime
) -> list[tuple[GroupSession, str]]:
    """Ended sessions (since `since`) of these hubs that this person facilitated (came as facilitator, or
    opened) and has written no debrief for, newest first."""
    if not hub_ids:
        return []
    came_as_facilitator = exists().where(
        Attendance.session_id == GroupSession.id, Attendance.user_id == user_id, Attendance.role == "facilitator"
    )
    wrote = exists().where(Debrief.session_id == GroupSession.id, Debrief.author_id == user_id)
    rows = await db.execute(
        select(GroupSession, Group.name)
        .join(Group, Group.id == GroupSession.group_id)
        .where(
            Group.hub_id.in_(hub_ids),
            Group.kind == "group",  # the facilitators' space is no session to debrief
            GroupSession.status == "ended",
            GroupSession.ended_at >= since,
            or_(GroupSession.opened_by == user_id, came_as_facilitator),
            ~wrote,
        )
        .order_by(GroupSession.ended_at.desc(), GroupSession.id.desc())
        .limit(50)
    )
    return [(session, name) for session, name in rows.all()]


async def attendance_counts(db: AsyncSession, hub_id: int, start: dt.datetime, end: dt.datetime) -> list[AttendanceRow]:
    """Sessions of the hub's groups opened in [start, end), newest first, with how many came in each role."""
    member = Attendance.role == "member"
    rows = await db.execute(
        select(
            GroupSession,
            Group.name,
            func.count(case((member, 1))),
            func.count(case((Attendance.role == "facilitator", 1))),
            func.count(case((and_(member, Attendance.first_session.is_(True)), 1))),
        )
        .join(Group, Group.id == GroupSession.group_id)
        .outerjoin(Attendance, Attendance.session_id == GroupSession.id)
        .where(
            Group.hub_id == hub_id,
            Group.kind == "group",  # the facilitators' space, hosted by a hub, is not one of its groups
            GroupSession.opened_at >= start,
            GroupSession.opened_at < end,
        )
        .group_by(GroupSession.id, Group.name)
        .order_by(GroupSession.opened_at.desc(), GroupSession.id.desc())
        .limit(ATTENDANCE_ROWS_MAX)
    )
    return [AttendanceRow(s, name, members, facs, new) for s, name, members, facs, new in rows.all()]
