"""Typed shapes of when groups meet: schedule bodies, occurrences, the public directory, and the query
parameters of the directory and occurrence listings (documented here, checked by rooms/)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from rooms import validate
from server import api_charsets as cs
from server import api_models as m
from server.api_spec import QueryParam

LOCAL_TIME_PATTERN = "^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
LocalTime = Annotated[
    str,
    Field(description='Local wall-clock time in the hub\'s zone, 24-hour "HH:MM".', pattern=LOCAL_TIME_PATTERN),
]


def _instant(value: str) -> str:
    if not cs.matches(m.SCHEDULED_PATTERN, value):
        raise ValueError("must be an ISO 8601 time with a zone, like 2026-12-01T18:00:00Z")
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise ValueError("must be a real time that Alongside can store, like 2026-12-01T18:00:00Z") from None
    return value


class ScheduleCreateBody(m.RequestBody):
    """Weekly: on `weekday` at `local_time` from `starts_on` (until `ends_on`, if given). Once: on `starts_on`."""

    kind: Literal["weekly", "once"]
    weekday: Annotated[int, Field(ge=0, le=6), BeforeValidator(m._whole_number)] | None = Field(
        default=None, description="0 = Monday .. 6 = Sunday; weekly schedules only (required there)."
    )
    local_time: LocalTime
    duration_minutes: m.WholeNumber = Field(default=90, ge=15, le=480, description="15 to 480; 90 if left out.")
    starts_on: dt.date = Field(description="The first day (YYYY-MM-DD, 2000 to 2200); a one-off's only day.")
    ends_on: dt.date | None = Field(default=None, description="The last day a weekly schedule may meet.")


class OccurrenceMoveBody(m.RequestBody):
    starts_at: Annotated[
        str,
        Field(
            json_schema_extra={"pattern": m.SCHEDULED_PATTERN, "format": "date-time"},
            description="The new start, with a zone; in the future. It keeps its original date as its name.",
        ),
        AfterValidator(_instant),
    ]


class Schedule(m.Response):
    id: int
    group_id: int
    kind: Literal["weekly", "once"]
    weekday: int | None = Field(description="0 = Monday .. 6 = Sunday; null for one-off schedules.")
    local_time: str = Field(description='"HH:MM" in `time_zone`.')
    duration_minutes: int
    starts_on: dt.date
    ends_on: dt.date | None
    time_zone: str = Field(description="The hub's IANA zone, in which local_time is kept across clock changes.")


class ScheduleResult(m.Response):
    schedule: Schedule


class ScheduleList(m.Response):
    schedules: list[Schedule]


class Occurrence(m.Response):
    """One meeting. `date` is its original local date, which names it for cancelling, moving and restoring;
    a moved one is at its new time. One-off scheduled sessions have a session_id and no schedule_id."""

    schedule_id: int | None
    session_id: int | None
    date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: Literal["scheduled", "cancelled", "moved"]


class OccurrenceResult(m.Response):
    occurrence: Occurrence


class OccurrenceList(m.Response):
    time_zone: str = Field(description="The hub's IANA zone.")
    occurrences: list[Occurrence] = Field(description="Sorted by starts_at; at most 500.")
    truncated: bool = Field(description="True when the window held more than 500 occurrences.")


class PublicHub(m.Response):
    id: int
    name: str
    locality: str


class PublicGroup(m.Response):
    """What anyone may know about a listed group before signing in."""

    id: int
    name: str
    description: str
    hub: PublicHub
    tags: list[str]
    next_session: m.NextSession | None


class PublicGroupList(m.Response):
    groups: list[PublicGroup]


DIRECTORY_QUERY = (
    QueryParam(
        "tag",
        "Only groups with this focus tag (any letter case).",
        {"type": "string", "maxLength": 40, "pattern": m.LINE},
    ),
    QueryParam(
        "hub", "Only groups of this hub (its id).", {"type": "integer", "minimum": 1, "maximum": validate.ROW_ID_MAX}
    ),
    QueryParam(
        "weekday",
        "Only groups meeting on this local weekday (0 = Monday .. 6 = Sunday): a weekly schedule on it, or an "
        "upcoming occurrence that day.",
        {"type": "integer", "minimum": 0, "maximum": 6},
    ),
    QueryParam(
        "from_time",
        'Only groups starting at or after this local time ("HH:MM"); with to_time, a range that may wrap past '
        "midnight. With weekday, both must hold for the same meeting.",
        {"type": "string", "pattern": LOCAL_TIME_PATTERN},
    ),
    QueryParam(
        "to_time",
        'Only groups starting at or before this local time ("HH:MM").',
        {"type": "string", "pattern": LOCAL_TIME_PATTERN},
    ),
)
DIRECTORY_REFUSALS = {400: ("invalid_tag", "invalid_hub", "invalid_weekday", "invalid_time")}

OCCURRENCE_QUERY = (
    QueryParam(
        "from",
        "The window's start, ISO 8601 with a zone; now if left out.",
        {"type": "string", "format": "date-time", "pattern": m.SCHEDULED_PATTERN},
    ),
    QueryParam(
        "to",
        "The window's end, ISO 8601 with a zone; eight weeks after its start if left out. At most 366 days.",
        {"type": "string", "format": "date-time", "pattern": m.SCHEDULED_PATTERN},
    ),
)
