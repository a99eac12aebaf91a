"""Typed shapes of supervision after a session (server/http_supervision.py): facilitators' debriefs, the hub's
list of them for senior peers and admins, and attendance counts. The domain (rooms/supervision.py) keeps its
own checks as the second wall."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field

from server import api_models as m
from server.api_models import LINES, NO_CONTROLS_BUT_LINE_BREAKS, RequestBody, Response
from server.api_spec import QueryParam


def _text(low: int, description: str) -> Any:
    return m._field(low, 4000, LINES, description)


HowItWent = Annotated[
    str,
    _text(1, "How the session went, in plain text; markup is removed."),
    m._checked(LINES, NO_CONTROLS_BUT_LINE_BREAKS),
]
FollowUp = Annotated[
    str,
    _text(0, "Anything or anyone to follow up, in plain text; markup is removed."),
    m._checked(LINES, NO_CONTROLS_BUT_LINE_BREAKS),
]
Wellbeing = Annotated[
    str,
    _text(0, "How the facilitator is doing, in plain text; markup is removed."),
    m._checked(LINES, NO_CONTROLS_BUT_LINE_BREAKS),
]


class DebriefBody(RequestBody):
    """The whole debrief; sending it again replaces the texts until it has been discussed."""

    how_it_went: HowItWent
    follow_up: FollowUp = ""
    wellbeing: Wellbeing = ""


class DebriefSession(Response):
    """The session a debrief is about: when, and in which group; never who came or what was said."""

    id: int
    group_id: int
    group_name: str
    opened_at: dt.datetime | None
    ended_at: dt.datetime | None
    end_reason: str | None = Field(description='Why it ended other than by a facilitator: "no_facilitator".')


class Person(Response):
    id: int
    pseudonym: str


class Debrief(Response):
    """A facilitator's reflection after a session, read only by them and the hub's senior peers and admins."""

    id: int
    session: DebriefSession
    author: Person
    how_it_went: str
    follow_up: str
    wellbeing: str
    created_at: dt.datetime
    discussed_at: dt.datetime | None
    discussed_by: Person | None


class DebriefResult(Response):
    debrief: Debrief


class DebriefList(Response):
    debriefs: list[Debrief]


class PendingDebrief(Response):
    """An ended session (last 30 days) you facilitated and have not yet written a debrief for."""

    session: DebriefSession


class PendingDebriefList(Response):
    pending: list[PendingDebrief]


class SessionAttendance(Response):
    """Counts only: never who came, never what was said."""

    session_id: int
    group_id: int
    group_name: str
    opened_at: dt.datetime
    ended_at: dt.datetime | None
    members: int = Field(description="Members who came (each counted once).")
    facilitators: int
    newcomers: int = Field(description="Members at their first session of the group.")


class WeeklyAttendance(Response):
    """One group's totals in one week (Monday to Sunday in the hub's time zone)."""

    group_id: int
    group_name: str
    week_of: dt.date = Field(description="The Monday the week starts on.")
    sessions: int
    members: int = Field(description="Member attendances summed over the week's sessions.")
    newcomers: int


class AttendanceReport(Response):
    hub_id: int
    time_zone: str = Field(description="The hub's IANA zone, in which the dates and weeks are read.")
    from_date: dt.date = Field(serialization_alias="from")
    to_date: dt.date = Field(serialization_alias="to")
    sessions: list[SessionAttendance] = Field(description="Sessions opened in the window, newest first.")
    weekly: list[WeeklyAttendance] = Field(description="Per group and week, oldest week first.")


DEBRIEF_STATUS = ("open", "discussed", "all")
DebriefStatus = Literal["open", "discussed", "all"]
DEBRIEF_QUERY = (
    QueryParam(
        "status",
        "open (not yet discussed; the default), discussed, or all (open first).",
        {"type": "string", "enum": list(DEBRIEF_STATUS)},
    ),
)
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
ATTENDANCE_QUERY = (
    QueryParam(
        "from",
        "The first day (YYYY-MM-DD, in the hub's zone); 27 days before `to` if left out.",
        {"type": "string", "format": "date", "pattern": DATE_PATTERN},
    ),
    QueryParam(
        "to",
        "The last day (YYYY-MM-DD, in the hub's zone); today if left out. At most 366 days from `from`.",
        {"type": "string", "format": "date", "pattern": DATE_PATTERN},
    ),
)
