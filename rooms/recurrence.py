"""When a schedule's sessions fall: pure calendar arithmetic over local dates, no database.

A schedule is kept in its hub's local wall-clock time, so a weekly 19:00 session stays at 19:00 local across
daylight-saving changes: in Europe/London that is 18:00Z in summer (BST) and 19:00Z in winter (GMT).
Two kinds of local time need a rule, and both follow from attaching the zone with fold=0 (PEP 495):

- a time that does not exist (the spring-forward gap, e.g. 01:30 on the last Sunday of March in London)
  happens shifted forward by the gap: 02:30 local. RFC 5545 reads a DTSTART in a gap the same way, so
  calendar apps agree with the server;
- a time that happens twice (the autumn fold, e.g. 01:30 on the last Sunday of October) is the first of
  the two (fold=0, still summer time).

Each occurrence is named by its original local date, which stays its name when it is cancelled or moved.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEK = dt.timedelta(days=7)
DAY = dt.timedelta(days=1)
MAX_WINDOW = dt.timedelta(days=366)  # the longest span anyone may ask occurrences for
MAX_OCCURRENCES = 500  # the most occurrences one answer holds
SESSION_DURATION = dt.timedelta(minutes=90)  # how long a one-off scheduled session is shown to last
FAR_FUTURE = dt.date(9000, 1, 1)  # an open-ended schedule's horizon (schedules name dates up to 2200)

Status = Literal["scheduled", "cancelled", "moved"]


@dataclass(frozen=True)
class Rule:
    """A schedule's shape, apart from the database row: weekly on `weekday`, or once on `starts_on`."""

    schedule_id: int
    kind: Literal["weekly", "once"]
    weekday: int | None
    local_time: dt.time
    duration: dt.timedelta
    starts_on: dt.date
    ends_on: dt.date | None = None


@dataclass(frozen=True)
class Change:
    """One occurrence, named by its original local date, cancelled or moved to an instant."""

    date: dt.date
    action: Literal["cancel", "move"]
    moved_to: dt.datetime | None = None


@dataclass(frozen=True)
class Occurrence:
    schedule_id: int | None
    date: dt.date  # the original local date
    starts_at: dt.datetime  # aware UTC
    ends_at: dt.datetime
    status: Status
    session_id: int | None = None


def zone_of(name: str) -> ZoneInfo:
    """The hub's zone; a name the system does not know falls back to UTC rather than failing every page."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def to_utc(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """Local wall-clock time on a day, as a UTC instant (gap: shifted forward; fold: the first)."""
    return dt.datetime.combine(day, time.replace(fold=0), tzinfo=zone).astimezone(dt.UTC)


def is_occurrence(rule: Rule, day: dt.date) -> bool:
    """Whether the schedule meets on this original local date."""
    if rule.kind == "once":
        return day == rule.starts_on
    if day < rule.starts_on or (rule.ends_on is not None and day > rule.ends_on):
        return False
    return day.weekday() == rule.weekday


def dates_between(rule: Rule, first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """The schedule's original local dates from `first` to `last`, both included, in order."""
    if rule.kind == "once":
        if first <= rule.starts_on <= last:
            yield rule.starts_on
        return
    assert rule.weekday is not None
    start = max(first, rule.starts_on)
    end = last if rule.ends_on is None else min(last, rule.ends_on)
    day = start + dt.timedelta(days=(rule.weekday - start.weekday()) % 7)
    while day <= end:
        yield day
        day += WEEK


def first_date(rule: Rule) -> dt.date | None:
    """The schedule's first original date, or None if it never meets (ends before its weekday comes)."""
    return next(dates_between(rule, rule.starts_on, rule.ends_on or rule.starts_on + WEEK), None)


def occurrence_on(rule: Rule, day: dt.date, zone: ZoneInfo, change: Change | None) -> Occurrence:
    starts = to_utc(day, rule.local_time, zone)
    if change is None:
        return Occurrence(rule.schedule_id, day, starts, starts + rule.duration, "scheduled")
    if change.action == "cancel" or change.moved_to is None:
        return Occurrence(rule.schedule_id, day, starts, starts + rule.duration, "cancelled")
    moved = change.moved_to.astimezone(dt.UTC)
    return Occurrence(rule.schedule_id, day, moved, moved + rule.duration, "moved")


def _overlaps(occurrence: Occurrence, start: dt.datetime, end: dt.datetime) -> bool:
    return occurrence.ends_at > start and occurrence.starts_at < end


def occurrences(
    rules: Iterable[Rule],
    changes: Mapping[int, Mapping[dt.date, Change]],
    zone: ZoneInfo,
    start: dt.datetime,
    end: dt.datetime,
) -> list[Occurrence]:
    """Every occurrence of these schedules under way at some point in [start, end), cancelled ones
    included (at their original time), moved ones at their new time; sorted by start."""
    found: list[Occurrence] = []
    for rule in rules:
        own = changes.get(rule.schedule_id, {})
        # Local dates a little wider than the window: a zone can be up to a day away from UTC.
        first = (start - rule.duration).astimezone(zone).date() - DAY
        last = end.astimezone(zone).date() + DAY
        for day in dates_between(rule, first, last):
            change = own.get(day)
            if change is not None and change.action == "move":
                continue  # found below, at its new time
            occurrence = occurrence_on(rule, day, zone, change)
            if _overlaps(occurrence, start, end):
                found.append(occurrence)
        for change in own.values():
            if change.action == "move" and is_occurrence(rule, change.date):
                occurrence = occurrence_on(rule, change.date, zone, change)
                if _overlaps(occurrence, start, end):
                    found.append(occurrence)
    return sorted(found, key=sort_key)


def sort_key(occurrence: Occurrence) -> tuple[dt.datetime, int, int, dt.date]:
    return (occurrence.starts_at, occurrence.schedule_id or 0, occurrence.session_id or 0, occurrence.date)


def next_occurrence(
    rule: Rule, changes: Mapping[dt.date, Change], zone: ZoneInfo, after: dt.datetime
) -> Occurrence | None:
    """The earliest occurrence that is not cancelled and starts after `after`, however far ahead. Cheap: a
    date passed over either has a change or starts before `after` (at most two do), so the walk is short."""
    best: Occurrence | None = None
    dates = dates_between(rule, after.astimezone(zone).date() - DAY, rule.ends_on or FAR_FUTURE)
    for day in itertools.islice(dates, len(changes) + 3):
        if day in changes:
            continue  # cancelled, or moved (found below)
        candidate = occurrence_on(rule, day, zone, None)
        if candidate.starts_at > after:
            best = candidate
            break
    for change in changes.values():
        if change.action != "move" or change.moved_to is None or not is_occurrence(rule, change.date):
            continue
        moved = occurrence_on(rule, change.date, zone, change)
        if moved.starts_at > after and (best is None or moved.starts_at < best.starts_at):
            best = moved
    return best


def upcoming_slots(
    rule: Rule, changes: Mapping[dt.date, Change], zone: ZoneInfo, now: dt.datetime
) -> set[tuple[int, dt.time]]:
    """(local weekday, local start time) pairs the schedule meets at from now on: its weekday and time while
    a weekly schedule runs, and the local day and time of each upcoming one-off or moved occurrence."""
    slots: set[tuple[int, dt.time]] = set()
    today = now.astimezone(zone).date()
    if rule.kind == "weekly":
        assert rule.weekday is not None
        if rule.ends_on is None or rule.ends_on >= today:
            slots.add((rule.weekday, rule.local_time.replace(fold=0)))
    else:
        once = occurrence_on(rule, rule.starts_on, zone, changes.get(rule.starts_on))
        if once.status == "scheduled" and once.starts_at > now:
            slots.add((rule.starts_on.weekday(), rule.local_time.replace(fold=0)))
    for change in changes.values():
        moved = change.action == "move" and change.moved_to is not None and change.moved_to > now
        if moved and change.moved_to is not None and is_occurrence(rule, change.date):
            slots.add(local_slot(change.moved_to, zone))
    return slots


def local_slot(instant: dt.datetime, zone: ZoneInfo) -> tuple[int, dt.time]:
    local = instant.astimezone(zone)
    return local.weekday(), local.time().replace(second=0, microsecond=0, fold=0)


def in_time_range(time: dt.time, low: dt.time | None, high: dt.time | None) -> bool:
    """Both ends included; a range whose start is after its end wraps past midnight (22:00 to 02:00)."""
    if low is not None and high is not None and low > high:
        return time >= low or time <= high
    return (low is None or time >= low) and (high is None or time <= high)
