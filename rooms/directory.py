"""Finding a group: the directory's filters (focus tag, hub, local weekday and start time), and the public
directory shown before anyone signs in."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import group_store, recurrence, store, timetable, validate
from rooms.context import RoomsContext
from rooms.errors import InvalidInput
from rooms.models import Group

TIME = re.compile(r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")
WEEKDAY = re.compile(r"^[0-6]$")
HUB_ID = re.compile(r"^[1-9][0-9]{0,9}$")
TAG_LENGTH = (1, 40)  # as group settings keep them


@dataclass(frozen=True)
class DirectoryFilter:
    """Every field left as None filters nothing. The time range includes both ends, and wraps past midnight
    when `from_time` is after `to_time`."""

    tag: str | None = None
    hub_id: int | None = None
    weekday: int | None = None
    from_time: dt.time | None = None
    to_time: dt.time | None = None

    @property
    def by_when(self) -> bool:
        return self.weekday is not None or self.from_time is not None or self.to_time is not None


NO_FILTER = DirectoryFilter()


def parse_local_time(raw: Any, field: str, code: str = "invalid_time") -> dt.time:
    """A local wall-clock time written "HH:MM" (24-hour)."""
    if not isinstance(raw, str) or not TIME.fullmatch(raw):
        raise InvalidInput(f"{field} must be a time like 19:00 (24-hour HH:MM).", code=code)
    return dt.time(int(raw[:2]), int(raw[3:]))


def normal_tag(raw: str) -> str:
    """The tag as group settings store it: NFKC, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", raw).lower().split())


def parse_filter(query: Mapping[str, str]) -> DirectoryFilter:
    """The directory's query parameters; an empty value is the same as none, anything malformed is refused
    with a code naming the parameter's kind."""

    def given(name: str) -> str | None:
        value = query.get(name)
        return value if value else None

    tag = given("tag")
    if tag is not None:
        if validate.has_control_characters(tag) or len(tag) > TAG_LENGTH[1]:
            raise InvalidInput("tag must be a focus tag of 1 to 40 characters.", code="invalid_tag")
        tag = normal_tag(tag) or None  # blank: no filter; longer than any tag once normalised: matches none
    hub = given("hub")
    if hub is not None and (not HUB_ID.fullmatch(hub) or int(hub) > validate.ROW_ID_MAX):
        raise InvalidInput("hub must be a hub's id (a whole number).", code="invalid_hub")
    weekday = given("weekday")
    if weekday is not None and not WEEKDAY.fullmatch(weekday):
        raise InvalidInput("weekday must be a day number from 0 (Monday) to 6 (Sunday).", code="invalid_weekday")
    low, high = given("from_time"), given("to_time")
    return DirectoryFilter(
        tag=tag,
        hub_id=int(hub) if hub is not None else None,
        weekday=int(weekday) if weekday is not None else None,
        from_time=parse_local_time(low, "from_time") if low is not None else None,
        to_time=parse_local_time(high, "to_time") if high is not None else None,
    )


def matches(wanted: DirectoryFilter, group: Group, tags: list[str], when: timetable.Timetable | None = None) -> bool:
    """Whether a group passes the filter; weekday and time must hold for one and the same meeting."""
    if wanted.hub_id is not None and group.hub_id != wanted.hub_id:
        return False
    if wanted.tag is not None and wanted.tag not in tags:
        return False
    if not wanted.by_when:
        return True
    if when is None:
        return False
    return any(
        (wanted.weekday is None or weekday == wanted.weekday)
        and recurrence.in_time_range(time, wanted.from_time, wanted.to_time)
        for weekday, time in when.slots(group.id)
    )


def listed(group: Group) -> bool:
    """Shown to everyone: listed and not archived."""
    return group.visibility == "listed" and group.archived_at is None


def public_view(group: Group, tags: list[str], when: timetable.Timetable) -> dict[str, Any]:
    """What anyone may know about a listed group before signing in: no members, no agreement."""
    return {
        "id": group.id,
        "name": group.name,
        "description": group.description,
        "hub": {"id": group.hub.id, "name": group.hub.name, "locality": group.hub.locality},
        "tags": tags,
        "next_session": timetable.next_session_view(when.next_session(group.id)),
    }


async def list_public_groups(db: AsyncSession, ctx: RoomsContext, wanted: DirectoryFilter) -> list[dict[str, Any]]:
    """The public directory in a fixed number of queries: listed, non-archived groups, by name."""
    async with db.begin():
        groups = [g for g in await store.list_groups(db) if listed(g)]
        groups = [g for g in groups if wanted.hub_id is None or g.hub_id == wanted.hub_id]
        tags = await group_store.tags_of(db, [g.id for g in groups])
        when = await timetable.load(db, groups, ctx.clock())
        return [public_view(g, tags[g.id], when) for g in groups if matches(wanted, g, tags[g.id], when)]
