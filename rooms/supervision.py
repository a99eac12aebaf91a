"""After a session: facilitators write a debrief for supervision, the hub's senior peers and admins read it and
mark it discussed, and hub admins see attendance as counts.

Debriefs are between a facilitator and their supervisors: members never reach them (no route shows one to
anyone else). Attendance is counts only, never names and never what was said."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import store
from rooms import supervision_store as sv
from rooms.access import group_access, require_hub_admin, require_hub_role
from rooms.community import clean_fields
from rooms.context import RoomsContext
from rooms.errors import Conflict, Forbidden, InvalidInput, NotFound
from rooms.hooks import Actor
from rooms.models import Debrief, GroupSession, User
from rooms.views import iso

DEBRIEF_FIELDS = {"how_it_went": (1, 4000), "follow_up": (0, 4000), "wellbeing": (0, 4000)}
# Who supervises facilitators and so reads their debriefs (a platform admin too).
SUPERVISORS = frozenset({"senior_peer", "hub_admin"})
STATUSES = ("open", "discussed", "all")
PENDING_DAYS = 30  # a session ended longer ago than this no longer asks for a debrief
ATTENDANCE_DAYS_MAX = 366
ATTENDANCE_DEFAULT_DAYS = 28


def session_summary(session: GroupSession, group_name: str) -> dict[str, Any]:
    return {
        "id": session.id,
        "group_id": session.group_id,
        "group_name": group_name,
        "opened_at": iso(session.opened_at),
        "ended_at": iso(session.ended_at),
        "end_reason": session.end_reason,
    }


def _person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.id, "pseudonym": user.pseudonym}


def debrief_view(row: sv.DebriefRow) -> dict[str, Any]:
    debrief = row.debrief
    return {
        "id": debrief.id,
        "session": session_summary(row.session, row.group_name),
        "author": _person(row.author),
        "how_it_went": debrief.how_it_went,
        "follow_up": debrief.follow_up,
        "wellbeing": debrief.wellbeing,
        "created_at": iso(debrief.created_at),
        "discussed_at": iso(debrief.discussed_at),
        "discussed_by": _person(row.discusser),
    }


async def _writable(db: AsyncSession, ctx: RoomsContext, actor: Actor, session_id: int) -> sv.DebriefRow | None:
    """Refuse unless the person asking may write a debrief of this session now (who first, then the session's
    state); their debrief so far, if any."""
    session = await store.get_session(db, session_id)
    if session is None:
        raise NotFound("There is no such session.")
    access = await group_access(db, actor, session.group_id, ctx.clock().date())
    if not access.is_facilitator:
        if access.holds_facilitator_role:
            raise Forbidden(
                "Your facilitator training is not current; ask your hub admin to record it.",
                code="training_not_current",
            )
        raise Forbidden("Only this hub's facilitators write debriefs.")
    if session.status != "ended":
        raise Conflict("Write the debrief once the session has ended.", code="session_not_ended")
    mine = await sv.own_debrief(db, session_id, actor.user_id)
    if mine is not None and mine.debrief.discussed_at is not None:
        raise Conflict("This debrief has been discussed; it can no longer be changed.", code="debrief_discussed")
    return mine


async def do_save_debrief(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, session_id: int, body: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Write (or, until it is discussed, rewrite) your debrief of an ended session; True when it is new."""
    async with db.begin():
        await _writable(db, ctx, actor, session_id)  # who is asking, before any costly cleaning
    values = await clean_fields(ctx, body, DEBRIEF_FIELDS, partial=False)
    values = {"follow_up": "", "wellbeing": "", **values}
    async with db.begin():
        mine = await _writable(db, ctx, actor, session_id)
        created = mine is None
        if mine is None:
            db.add(Debrief(session_id=session_id, author_id=actor.user_id, created_at=ctx.clock(), **values))
        else:
            for field, value in values.items():
                setattr(mine.debrief, field, value)
        await db.flush()
        row = await sv.own_debrief(db, session_id, actor.user_id)
        assert row is not None
        return debrief_view(row), created


async def get_own_debrief(db: AsyncSession, ctx: RoomsContext, actor: Actor, session_id: int) -> dict[str, Any]:
    """Your own debrief of a session; nobody else's is ever shown here."""
    async with db.begin():
        row = await sv.own_debrief(db, session_id, actor.user_id)
        if row is None:
            raise NotFound("You have not written a debrief of this session.")
        return debrief_view(row)


async def pending_debriefs(db: AsyncSession, ctx: RoomsContext, actor: Actor) -> list[dict[str, Any]]:
    """Sessions you facilitated that ended in the last 30 days and still wait for your debrief (only in hubs
    where you may facilitate now, as only there may you write one)."""
    async with db.begin():
        now = ctx.clock()
        roles = await store.all_staff_roles(db, actor.user_id)
        trained = await store.hubs_with_current_training(db, actor.user_id, now.date())
        hubs = {s.hub_id for s in roles if s.role == "facilitator"} & trained
        since = now - dt.timedelta(days=PENDING_DAYS)
        found = await sv.sessions_waiting_for_debrief(db, actor.user_id, hubs, since)
        return [{"session": session_summary(session, name)} for session, name in found]


def parse_status(raw: str | None) -> str:
    status = raw or "open"
    if status not in STATUSES:
        raise InvalidInput("status must be open, discussed or all.", code="invalid_status")
    return status


async def list_hub_debriefs(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, raw_status: str | None
) -> list[dict[str, Any]]:
    async with db.begin():
        await require_hub_role(db, actor, hub_id, SUPERVISORS, "Only this hub's senior peers and admins read debriefs.")
        status = parse_status(raw_status)
        return [debrief_view(row) for row in await sv.hub_debriefs(db, hub_id, status)]


async def do_mark_discussed(db: AsyncSession, ctx: RoomsContext, actor: Actor, debrief_id: int) -> dict[str, Any]:
    """Mark a debrief discussed in supervision; marking it again changes nothing."""
    async with db.begin():
        row = await sv.get_debrief(db, debrief_id)
        if row is None:
            raise NotFound("There is no such debrief.")
        group = await store.get_group(db, row.session.group_id)
        assert group is not None
        await require_hub_role(
            db, actor, group.hub_id, SUPERVISORS, "Only this hub's senior peers and admins mark debriefs discussed."
        )
        if row.debrief.discussed_at is None:
            row.debrief.discussed_at = ctx.clock()
            row.debrief.discussed_by = actor.user_id
            await db.flush()
            row = await sv.get_debrief(db, debrief_id)
            assert row is not None
        return debrief_view(row)


def _day(raw: str | None, field: str) -> dt.date | None:
    if raw is None:
        return None
    try:
        if len(raw) != 10:
            raise ValueError
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{field} must be a date like 2026-01-31.", code="invalid_date") from None


def attendance_window(query: dict[str, str], today: dt.date) -> tuple[dt.date, dt.date]:
    """The days asked for (both inclusive): `to` defaults to today, `from` to four weeks before it."""
    end = _day(query.get("to"), "to")
    start = _day(query.get("from"), "from")
    default = dt.timedelta(days=ATTENDANCE_DEFAULT_DAYS - 1)
    try:
        if end is None:
            end = today if start is None else start + default
        if start is None:
            start = end - default
    except OverflowError:
        raise InvalidInput("Those dates are outside the range Alongside can store.", code="invalid_date") from None
    if end < start:
        raise InvalidInput("to must not be before from.", code="invalid_date")
    if (end - start).days + 1 > ATTENDANCE_DAYS_MAX:
        raise InvalidInput(f"The window is at most {ATTENDANCE_DAYS_MAX} days.", code="window_too_long")
    return start, end


def _local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


async def attendance_report(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, query: dict[str, str]
) -> dict[str, Any]:
    """Per session and per group-week, how many came: counts, never names or words (hub admin)."""
    async with db.begin():
        hub = await require_hub_admin(db, actor, hub_id)
    zone = ZoneInfo(hub.time_zone)
    start, end = attendance_window(query, ctx.clock().astimezone(zone).date())
    try:
        window = (_local_midnight(start, zone), _local_midnight(end + dt.timedelta(days=1), zone))
    except OverflowError:
        raise InvalidInput("Those dates are outside the range Alongside can store.", code="invalid_date") from None
    async with db.begin():
        rows = await sv.attendance_counts(db, hub_id, *window)
    return {
        "hub_id": hub_id,
        "time_zone": hub.time_zone,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "sessions": [
            {
                "session_id": row.session.id,
                "group_id": row.session.group_id,
                "group_name": row.group_name,
                "opened_at": iso(row.session.opened_at),
                "ended_at": iso(row.session.ended_at),
                "members": row.members,
                "facilitators": row.facilitators,
                "newcomers": row.newcomers,
            }
            for row in rows
        ],
        "weekly": weekly_totals(rows, zone),
    }


def weekly_totals(rows: list[sv.AttendanceRow], zone: ZoneInfo) -> list[dict[str, Any]]:
    """Per group and local week (from Monday): sessions, member attendances and newcomers."""
    totals: dict[tuple[dt.date, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    names: dict[int, str] = {}
    for row in rows:
        assert row.session.opened_at is not None
        local = row.session.opened_at.astimezone(zone).date()
        week = local - dt.timedelta(days=local.weekday())
        names[row.session.group_id] = row.group_name
        counts = totals[(week, row.session.group_id)]
        counts[0] += 1
        counts[1] += row.members
        counts[2] += row.newcomers
    return [
        {
            "group_id": group_id,
            "group_name": names[group_id],
            "week_of": week.isoformat(),
            "sessions": sessions,
            "members": members,
            "newcomers": newcomers,
        }
        for (week, group_id), (sessions, members, newcomers) in sorted(
            totals.items(), key=lambda item: (item[0][0], names[item[0][1]], item[0][1])
        )
    ]
