"""When groups meet, read for any number of groups in a fixed number of queries: the group page and every
directory entry show the next session, and the directory filters on weekday and time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import recurrence
from rooms.models import Group, GroupSession, Schedule, ScheduleException
from rooms.recurrence import Change, Occurrence, Rule
from rooms.views import iso


def rule_of(schedule: Schedule) -> Rule:
    return Rule(
        schedule_id=schedule.id,
        kind=cast(Any, schedule.kind),
        weekday=schedule.weekday,
        local_time=schedule.local_time,
        duration=dt.timedelta(minutes=schedule.duration_minutes),
        starts_on=schedule.starts_on,
        ends_on=schedule.ends_on,
    )


def change_of(exception: ScheduleException) -> Change:
    return Change(exception.occurrence_date, cast(Any, exception.action), exception.moved_to)


def session_occurrence(session: GroupSession, zone: ZoneInfo) -> Occurrence:
    """A one-off session scheduled with POST /api/groups/{id}/sessions, shown as an occurrence."""
    assert session.scheduled_for is not None
    starts = session.scheduled_for
    return Occurrence(
        schedule_id=None,
        date=starts.astimezone(zone).date(),
        starts_at=starts,
        ends_at=starts + recurrence.SESSION_DURATION,
        status="scheduled",
        session_id=session.id,
    )


def next_session_view(occurrence: Occurrence | None) -> dict[str, Any] | None:
    if occurrence is None:
        return None
    return {"starts_at": iso(occurrence.starts_at), "ends_at": iso(occurrence.ends_at)}


@dataclass
class Timetable:
    """Schedules, their upcoming changes, and upcoming one-off sessions of some groups, as of `now`."""

    now: dt.datetime
    zones: dict[int, ZoneInfo] = field(default_factory=dict)  # by group
    rules: dict[int, list[Rule]] = field(default_factory=dict)  # by group
    changes: dict[int, dict[dt.date, Change]] = field(default_factory=dict)  # by schedule
    sessions: dict[int, list[GroupSession]] = field(default_factory=dict)  # by group, scheduled after now

    def next_session(self, group_id: int) -> Occurrence | None:
        """The earliest upcoming occurrence (starting after now) that is not cancelled, or None."""
        zone = self.zones.get(group_id, recurrence.zone_of("UTC"))
        found = [
            recurrence.next_occurrence(rule, self.changes.get(rule.schedule_id, {}), zone, self.now)
            for rule in self.rules.get(group_id, [])
        ]
        found += [session_occurrence(session, zone) for session in self.sessions.get(group_id, [])]
        upcoming = [occurrence for occurrence in found if occurrence is not None]
        return min(upcoming, key=recurrence.sort_key) if upcoming else None

    def slots(self, group_id: int) -> set[tuple[int, dt.time]]:
        """(local weekday, local start time) pairs the group meets at from now on."""
        zone = self.zones.get(group_id, recurrence.zone_of("UTC"))
        found: set[tuple[int, dt.time]] = set()
        for rule in self.rules.get(group_id, []):
            found |= recurrence.upcoming_slots(rule, self.changes.get(rule.schedule_id, {}), zone, self.now)
        for session in self.sessions.get(group_id, []):
            assert session.scheduled_for is not None
            found.add(recurrence.local_slot(session.scheduled_for, zone))
        return found


async def load(db: AsyncSession, groups: Sequence[Group], now: dt.datetime) -> Timetable:
    """Three queries, whatever the number of groups (`groups` must have their hub loaded, as Group does)."""
    timetable = Timetable(now=now, zones={g.id: recurrence.zone_of(g.hub.time_zone) for g in groups})
    ids = sorted(timetable.zones)
    if not ids:
        return timetable
    for group_id in ids:
        timetable.rules[group_id] = []
        timetable.sessions[group_id] = []
    schedules = await db.execute(select(Schedule).where(Schedule.group_id.in_(ids)).order_by(Schedule.id))
    for schedule in schedules.scalars():
        timetable.rules[schedule.group_id].append(rule_of(schedule))
    # Only changes that can matter from now on: a zone is at most a day or so from UTC, and a moved
    # occurrence matters while its new time is ahead.
    recent = now.date() - dt.timedelta(days=2)
    exceptions = await db.execute(
        select(ScheduleException)
        .join(Schedule, Schedule.id == ScheduleException.schedule_id)
        .where(
            Schedule.group_id.in_(ids),
            or_(ScheduleException.occurrence_date >= recent, ScheduleException.moved_to > now),
        )
    )
    for exception in exceptions.scalars():
        timetable.changes.setdefault(exception.schedule_id, {})[exception.occurrence_date] = change_of(exception)
    sessions = await db.execute(
        select(GroupSession)
        .where(GroupSession.group_id.in_(ids), GroupSession.status == "scheduled", GroupSession.scheduled_for > now)
        .order_by(GroupSession.scheduled_for)
    )
    for session in sessions.scalars():
        timetable.sessions[session.group_id].append(session)
    return timetable
