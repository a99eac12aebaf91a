"""A group's meetings as an iCalendar (RFC 5545) feed, for calendar apps to subscribe to.

Weekly schedules are one VEVENT each with an RRULE and a DTSTART in the hub's zone (with its VTIMEZONE), so
calendar apps keep 19:00 at 19:00 across clock changes themselves; cancelled occurrences are EXDATEs, moved
ones a VEVENT with the same UID and a RECURRENCE-ID. One-off schedules and scheduled sessions are single
VEVENTs. Only the group's name goes in: no member data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from rooms import recurrence
from rooms.recurrence import Change, Occurrence, Rule

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DOMAIN = "alongside"
TIMEZONE_AHEAD = dt.timedelta(days=10 * 365)


@dataclass(frozen=True)
class Feed:
    group_id: int
    name: str
    zone: ZoneInfo
    rules: list[Rule]
    changes: Mapping[int, Mapping[dt.date, Change]]
    sessions: list[Occurrence]  # one-off scheduled sessions
    now: dt.datetime


def schedule_uid(schedule_id: int) -> str:
    return f"schedule-{schedule_id}@{DOMAIN}"


def session_uid(session_id: int) -> str:
    return f"session-{session_id}@{DOMAIN}"


def _local(day: dt.date, rule: Rule, zone: ZoneInfo) -> dt.datetime:
    """The local wall-clock start as the feed writes it (with TZID). A time in a spring-forward gap is written
    as it is; RFC 5545 has readers shift it forward by the gap, as the server does."""
    return dt.datetime.combine(day, rule.local_time.replace(fold=0), tzinfo=zone)


def _event(uid: str, summary: str, now: dt.datetime, start: dt.datetime, duration: dt.timedelta) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("duration", duration)
    return event


def _weekly(feed: Feed, rule: Rule) -> Iterable[Event]:
    first = recurrence.first_date(rule)
    if first is None or rule.weekday is None:
        return
    own = feed.changes.get(rule.schedule_id, {})
    event = _event(schedule_uid(rule.schedule_id), feed.name, feed.now, _local(first, rule, feed.zone), rule.duration)
    repeat: dict[str, object] = {"freq": "weekly", "byday": WEEKDAYS[rule.weekday]}
    if rule.ends_on is not None:
        # UNTIL is UTC when DTSTART has a zone (RFC 5545 3.3.10): the end of ends_on, local time.
        repeat["until"] = recurrence.to_utc(rule.ends_on + recurrence.DAY, dt.time(0), feed.zone) - dt.timedelta(
            seconds=1
        )
    event.add("rrule", repeat)
    cancelled = [_local(day, rule, feed.zone) for day in _exdates(feed, rule)]
    if cancelled:
        event.add("exdate", cancelled)
    yield event
    for day, change in sorted(own.items()):
        if change.action != "move" or change.moved_to is None or not recurrence.is_occurrence(rule, day):
            continue
        moved = _event(schedule_uid(rule.schedule_id), feed.name, feed.now, change.moved_to, rule.duration)
        moved.add("recurrence-id", _local(day, rule, feed.zone))
        yield moved


def _exdates(feed: Feed, rule: Rule) -> list[dt.date]:
    own = feed.changes.get(rule.schedule_id, {})
    return sorted(
        day for day, change in own.items() if change.action == "cancel" and recurrence.is_occurrence(rule, day)
    )


def _once(feed: Feed, rule: Rule) -> Iterable[Event]:
    change = feed.changes.get(rule.schedule_id, {}).get(rule.starts_on)
    occurrence = recurrence.occurrence_on(rule, rule.starts_on, feed.zone, change)
    if occurrence.status == "cancelled":
        return
    start = occurrence.starts_at if occurrence.status == "moved" else _local(rule.starts_on, rule, feed.zone)
    yield _event(schedule_uid(rule.schedule_id), feed.name, feed.now, start, rule.duration)


def build(feed: Feed) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Alongside//Group meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", feed.name)
    for rule in feed.rules:
        events = _weekly(feed, rule) if rule.kind == "weekly" else _once(feed, rule)
        for event in events:
            calendar.add_component(event)
    for session in feed.sessions:
        assert session.session_id is not None
        calendar.add_component(
            _event(
                session_uid(session.session_id),
                feed.name,
                feed.now,
                session.starts_at,
                session.ends_at - session.starts_at,
            )
        )
    if feed.rules:
        first = min(rule.starts_on for rule in feed.rules)
        last = max([*(rule.ends_on or rule.starts_on for rule in feed.rules), feed.now.date()])
        # The zone's changes over the feed's years, and ten more for schedules without an end.
        calendar.add_missing_timezones(first_date=first - recurrence.DAY, last_date=last + TIMEZONE_AHEAD)
    return bytes(calendar.to_ical())
