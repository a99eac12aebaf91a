"""Use cases for when a group meets: its schedules (hub admins), changes to single occurrences, the
occurrences in a window, and the group's iCalendar feed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import ical, recurrence, store, timetable
from rooms.access import GroupAccess, group_access, require_group, require_visible
from rooms.context import RoomsContext
from rooms.directory import listed, parse_local_time
from rooms.errors import Conflict, Forbidden, InvalidInput, NotFound
from rooms.hooks import Actor
from rooms.models import Group, GroupSession, Schedule, ScheduleException
from rooms.recurrence import Change, Occurrence, Rule
from rooms.views import iso

MAX_SCHEDULES = 20  # per group: bounds the work of every occurrence listing and feed
DURATION_MINUTES = (15, 480)
DEFAULT_DURATION_MINUTES = 90
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2200, 12, 31)  # dates a schedule may name
DEFAULT_WINDOW = dt.timedelta(weeks=8)
FEED_HISTORY = dt.timedelta(days=366)  # how far back the feed lists cancelled and moved occurrences
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
INSTANT = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})$"
)


def schedule_view(schedule: Schedule, group: Group) -> dict[str, Any]:
    return {
        "id": schedule.id,
        "group_id": schedule.group_id,
        "kind": schedule.kind,
        "weekday": schedule.weekday,
        "local_time": schedule.local_time.strftime("%H:%M"),
        "duration_minutes": schedule.duration_minutes,
        "starts_on": schedule.starts_on.isoformat(),
        "ends_on": schedule.ends_on.isoformat() if schedule.ends_on else None,
        "time_zone": group.hub.time_zone,
    }


def occurrence_view(occurrence: Occurrence) -> dict[str, Any]:
    return {
        "schedule_id": occurrence.schedule_id,
        "session_id": occurrence.session_id,
        "date": occurrence.date.isoformat(),
        "starts_at": iso(occurrence.starts_at),
        "ends_at": iso(occurrence.ends_at),
        "status": occurrence.status,
    }


def parse_instant(raw: Any, field: str, code: str = "invalid_instant") -> dt.datetime:
    """An ISO 8601 instant with a zone (Z or an offset), as aware UTC."""
    if not isinstance(raw, str) or not INSTANT.fullmatch(raw):
        raise InvalidInput(f"{field} must be an ISO 8601 time with a zone, like 2026-12-01T18:00:00Z.", code=code)
    try:
        when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise InvalidInput(f"{field} must be a real time, like 2026-12-01T18:00:00Z.", code=code) from None
    if not EARLIEST <= when.date() <= LATEST:
        raise InvalidInput(f"{field} must be between {EARLIEST.year} and {LATEST.year}.", code=code)
    return when


def parse_date(raw: Any, field: str) -> dt.date:
    """A date (or its YYYY-MM-DD text) from EARLIEST to LATEST."""
    if isinstance(raw, dt.date):
        day = raw
    elif isinstance(raw, str) and DATE.fullmatch(raw):
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(f"{field} must be a real date like 2026-01-31.", code="invalid_schedule") from None
    else:
        raise InvalidInput(f"{field} must be a date like 2026-01-31.", code="invalid_schedule")
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(f"{field} must be between {EARLIEST} and {LATEST}.", code="invalid_schedule")
    return day


def occurrence_date(raw: str) -> dt.date:
    """The {date} of an occurrence's address: anything but a real date names no occurrence."""
    try:
        if DATE.fullmatch(raw):
            return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    raise NotFound("There is no such occurrence.", code="no_such_occurrence")


def parse_schedule(body: dict[str, Any]) -> dict[str, Any]:
    """The new schedule's columns, or a refusal naming what is inconsistent."""
    kind = body.get("kind")
    if kind not in ("weekly", "once"):
        raise InvalidInput('kind must be "weekly" or "once".', code="invalid_schedule")
    weekday = body.get("weekday")
    if kind == "weekly":
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise InvalidInput("A weekly schedule needs weekday: 0 (Monday) to 6 (Sunday).", code="invalid_schedule")
    elif weekday is not None or body.get("ends_on") is not None:
        raise InvalidInput("A one-off schedule takes neither weekday nor ends_on.", code="invalid_schedule")
    duration = body.get("duration_minutes", DEFAULT_DURATION_MINUTES)
    low, high = DURATION_MINUTES
    if isinstance(duration, bool) or not isinstance(duration, int) or not low <= duration <= high:
        raise InvalidInput(f"duration_minutes must be from {low} to {high}.", code="invalid_schedule")
    starts_on = parse_date(body.get("starts_on"), "starts_on")
    ends_on = parse_date(body["ends_on"], "ends_on") if body.get("ends_on") is not None else None
    values = {
        "kind": kind,
        "weekday": weekday if kind == "weekly" else None,
        "local_time": parse_local_time(body.get("local_time"), "local_time", code="invalid_schedule"),
        "duration_minutes": duration,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    if ends_on is not None:
        if ends_on < starts_on:
            raise InvalidInput("ends_on must not be before starts_on.", code="invalid_schedule")
        if recurrence.first_date(rule_from(0, values)) is None:
            raise InvalidInput("The schedule never meets between starts_on and ends_on.", code="invalid_schedule")
    return values


def rule_from(schedule_id: int, values: dict[str, Any]) -> Rule:
    return Rule(
        schedule_id=schedule_id,
        kind=values["kind"],
        weekday=values["weekday"],
        local_time=values["local_time"],
        duration=dt.timedelta(minutes=values["duration_minutes"]),
        starts_on=values["starts_on"],
        ends_on=values["ends_on"],
    )


async def _visible_access(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> GroupAccess:
    access = await group_access(db, actor, group_id, ctx.clock().date())
    await require_visible(db, actor, access)
    return access


async def _is_own(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> bool:
    """A member of the group, or staff of its hub (a platform admin counts as staff everywhere)."""
    access = await group_access(db, actor, group_id, ctx.clock().date())
    if access.membership is not None or access.is_hub_admin:
        return True
    return bool(await store.staff_roles(db, actor.user_id, access.group.hub_id))


async def _admin_access(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> GroupAccess:
    """The group, if the person asking is its hub's admin; unlisted groups stay unknown to strangers."""
    access = await _visible_access(db, ctx, actor, group_id)
    if not access.is_hub_admin:
        raise Forbidden("Only this hub's admins can change when a group meets.")
    if access.group.archived_at is not None:
        raise Conflict("This group is archived; its schedule cannot change.", code="group_archived")
    return access


async def do_create_schedule(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    async with db.begin():
        access = await _admin_access(db, ctx, actor, group_id)
        values = parse_schedule(body)
        count = await db.scalar(select(func.count()).select_from(Schedule).where(Schedule.group_id == group_id))
        if (count or 0) >= MAX_SCHEDULES:
            raise Conflict(
                f"A group can have at most {MAX_SCHEDULES} schedules; delete one first.", code="too_many_schedules"
            )
        schedule = Schedule(group_id=group_id, created_at=ctx.clock(), **values)
        db.add(schedule)
        await db.flush()
        return schedule_view(schedule, access.group)


async def list_schedules(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> list[dict[str, Any]]:
    async with db.begin():
        access = await _visible_access(db, ctx, actor, group_id)
        rows = await db.execute(select(Schedule).where(Schedule.group_id == group_id).order_by(Schedule.id))
        return [schedule_view(schedule, access.group) for schedule in rows.scalars()]


async def _schedule_of(db: AsyncSession, group_id: int, schedule_id: int) -> Schedule:
    schedule = await db.get(Schedule, schedule_id)
    if schedule is None or schedule.group_id != group_id:
        raise NotFound("This group has no such schedule.", code="no_such_schedule")
    return schedule


async def do_delete_schedule(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, schedule_id: int
) -> None:
    async with db.begin():
        await _admin_access(db, ctx, actor, group_id)
        schedule = await _schedule_of(db, group_id, schedule_id)
        await db.execute(delete(ScheduleException).where(ScheduleException.schedule_id == schedule.id))
        await db.delete(schedule)


async def do_change_occurrence(
    db: AsyncSession,
    ctx: RoomsContext,
    actor: Actor,
    group_id: int,
    schedule_id: int,
    raw_date: str,
    *,
    action: str,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Cancel ("cancel"), move ("move", to body["starts_at"]) or restore ("restore") one occurrence, named by
    its original local date."""
    async with db.begin():
        access = await _admin_access(db, ctx, actor, group_id)
        schedule = await _schedule_of(db, group_id, schedule_id)
        day = occurrence_date(raw_date)
        rule = timetable.rule_of(schedule)
        if not recurrence.is_occurrence(rule, day):
            raise NotFound("The schedule does not meet on that date.", code="no_such_occurrence")
        moved_to = None
        if action == "move":
            moved_to = parse_instant((body or {}).get("starts_at"), "starts_at", code="invalid_payload")
            if moved_to <= ctx.clock():
                raise InvalidInput("starts_at must be in the future.", code="starts_at_in_past")
        existing = await db.get(ScheduleException, (schedule.id, day))
        if action == "restore":
            if existing is not None:
                await db.delete(existing)
            change = None
        else:
            if existing is None:
                existing = ScheduleException(schedule_id=schedule.id, occurrence_date=day)
                db.add(existing)
            existing.action = action
            existing.moved_to = moved_to
            change = timetable.change_of(existing)
        await db.flush()
        zone = recurrence.zone_of(access.group.hub.time_zone)
        return occurrence_view(recurrence.occurrence_on(rule, day, zone, change))


def occurrence_window(query: dict[str, str], now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The window asked for: from now (or `from`) for eight weeks (or to `to`), at most 366 days."""
    start = parse_instant(query["from"], "from") if query.get("from") else now
    end = parse_instant(query["to"], "to") if query.get("to") else start + DEFAULT_WINDOW
    if end <= start:
        raise InvalidInput("to must be after from.", code="invalid_window")
    if end - start > recurrence.MAX_WINDOW:
        raise InvalidInput("The window can be at most 366 days long.", code="window_too_long")
    return start, end


async def list_occurrences(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, query: dict[str, str]
) -> dict[str, Any]:
    """Occurrences under way in the window, sorted by start: schedules' (cancelled and moved ones marked) and
    one-off scheduled sessions'. At most MAX_OCCURRENCES; `truncated` says when there were more."""
    async with db.begin():
        access = await _visible_access(db, ctx, actor, group_id)
        start, end = occurrence_window(query, ctx.clock())
        zone = recurrence.zone_of(access.group.hub.time_zone)
        rows = await db.execute(select(Schedule).where(Schedule.group_id == group_id).order_by(Schedule.id))
        rules = [timetable.rule_of(schedule) for schedule in rows.scalars()]
        widest = dt.timedelta(minutes=DURATION_MINUTES[1]) + recurrence.DAY * 2
        exceptions = await db.execute(
            select(ScheduleException)
            .join(Schedule, Schedule.id == ScheduleException.schedule_id)
            .where(
                Schedule.group_id == group_id,
                or_(
                    and_(
                        ScheduleException.occurrence_date >= (start - widest).date(),
                        ScheduleException.occurrence_date <= (end + widest).date(),
                    ),
                    and_(ScheduleException.moved_to >= start - widest, ScheduleException.moved_to < end),
                ),
            )
        )
        changes: dict[int, dict[dt.date, Change]] = {}
        for exception in exceptions.scalars():
            changes.setdefault(exception.schedule_id, {})[exception.occurrence_date] = timetable.change_of(exception)
        found = recurrence.occurrences(rules, changes, zone, start, end)
        sessions = await db.execute(
            select(GroupSession)
            .where(
                GroupSession.group_id == group_id,
                GroupSession.status == "scheduled",
                GroupSession.scheduled_for > start - recurrence.SESSION_DURATION,
                GroupSession.scheduled_for < end,
            )
            .order_by(GroupSession.scheduled_for)
            .limit(recurrence.MAX_OCCURRENCES + 1)
        )
        found += [timetable.session_occurrence(session, zone) for session in sessions.scalars()]
        found.sort(key=recurrence.sort_key)
        return {
            "time_zone": access.group.hub.time_zone,
            "occurrences": [occurrence_view(o) for o in found[: recurrence.MAX_OCCURRENCES]],
            "truncated": len(found) > recurrence.MAX_OCCURRENCES,
        }


async def calendar_feed(db: AsyncSession, ctx: RoomsContext, actor: Actor | None, group_id: int) -> bytes:
    """The group's iCalendar feed. A listed, non-archived group's is public (calendar apps cannot sign in);
    any other group's is for its members and staff only, and does not exist for anyone else."""
    async with db.begin():
        group = await require_group(db, group_id)
        if not listed(group) and (actor is None or not await _is_own(db, ctx, actor, group_id)):
            raise NotFound("There is no such group.")
        now = ctx.clock()
        zone = recurrence.zone_of(group.hub.time_zone)
        rows = await db.execute(select(Schedule).where(Schedule.group_id == group_id).order_by(Schedule.id))
        rules = [timetable.rule_of(schedule) for schedule in rows.scalars()]
        exceptions = await db.execute(
            select(ScheduleException)
            .join(Schedule, Schedule.id == ScheduleException.schedule_id)
            .where(Schedule.group_id == group_id, ScheduleException.occurrence_date >= (now - FEED_HISTORY).date())
        )
        changes: dict[int, dict[dt.date, Change]] = {}
        for exception in exceptions.scalars():
            changes.setdefault(exception.schedule_id, {})[exception.occurrence_date] = timetable.change_of(exception)
        sessions = await db.execute(
            select(GroupSession)
            .where(
                GroupSession.group_id == group_id,
                GroupSession.status == "scheduled",
                GroupSession.scheduled_for > now - FEED_HISTORY,
            )
            .order_by(GroupSession.scheduled_for)
            .limit(recurrence.MAX_OCCURRENCES)
        )
        one_offs = [timetable.session_occurrence(session, zone) for session in sessions.scalars()]
        name = group.name
    return ical.build(ical.Feed(group_id, name, zone, rules, changes, one_offs, now))
