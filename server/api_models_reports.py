"""Typed shapes of members' tools over REST (server/http_reports.py): the hub's report queue, a reporter's own
reports, blocks and muted words. The domain (rooms/reports.py, rooms/member_tools.py) keeps its own checks as
the second wall."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from server import api_models as m
from server.api_models import LINE, LINES, NO_CONTROLS, NO_CONTROLS_BUT_LINE_BREAKS, RequestBody, Response, WholeNumber
from server.api_spec import QueryParam

Category = Literal["harassment", "hate", "spam", "personal_details", "unsafe_advice", "other"]
Outcome = Annotated[
    str,
    m._field(1, 500, LINES, "What was done, told to the reporter; plain text, markup is removed."),
    m._checked(LINES, NO_CONTROLS_BUT_LINE_BREAKS),
]
MutedWord = Annotated[
    str,
    m._field(1, 100, LINE, "A word or phrase; stored NFKC-normalised and case-folded."),
    m._checked(LINE, NO_CONTROLS),
]


class Person(Response):
    id: int
    display_name: str


class ReportedMessage(Response):
    id: int
    body: str = Field(description="Plain text: always render as text.")
    content_note: str | None
    created_at: dt.datetime
    hidden: bool


class StaffReport(Response):
    """A report as the hub's facilitators and admins see it (reporter included; never shown to members)."""

    id: int
    group_id: int
    group_name: str
    session_id: int | None
    category: Category
    note: str = Field(description="The reporter's note; plain text, always render as text.")
    status: Literal["open", "resolved"]
    created_at: dt.datetime
    message: ReportedMessage | None = Field(description="The reported message; null for a report of a member.")
    auto_hidden: bool = Field(description="Hidden by the unstaffed-hours threshold, waiting for review.")
    reported: Person | None
    reporter: Person | None
    outcome: str | None
    resolved_at: dt.datetime | None
    resolved_by: Person | None


class StaffReportResult(Response):
    report: StaffReport


class StaffReportList(Response):
    reports: list[StaffReport]


class MyReport(Response):
    """A report as its reporter sees it: its status and outcome, never who dealt with it."""

    id: int
    group_id: int
    group_name: str
    message_id: int | None
    reported: Person | None
    category: Category
    note: str
    status: Literal["open", "resolved"]
    outcome: str | None
    created_at: dt.datetime
    resolved_at: dt.datetime | None


class MyReportList(Response):
    reports: list[MyReport]


class ResolveBody(RequestBody):
    outcome: Outcome
    unhide: bool = Field(default=False, description="Show the reported message again (if hidden).")


class BlockBody(RequestBody):
    user_id: WholeNumber = Field(ge=1, le=2**31 - 1, description="Someone you meet in one of your groups.")


class Blocked(Response):
    user_id: int
    pseudonym: str
    blocked_at: dt.datetime


class BlockResult(Response):
    blocked: Blocked


class BlockList(Response):
    blocked: list[Blocked]


class MutedWordsBody(RequestBody):
    words: list[MutedWord] = Field(max_length=50, description="The whole list (it replaces the one kept).")


class MutedWords(Response):
    words: list[str] = Field(description="NFKC-normalised and case-folded, alphabetical, no repeats.")


REPORT_STATUS = ("open", "resolved")
REPORT_QUERY = (
    QueryParam(
        "status",
        "open (the default; oldest first) or resolved (newest first).",
        {"type": "string", "enum": list(REPORT_STATUS)},
    ),
)
