"""Typed shapes of the privacy routes (server/http_privacy.py): a hub's privacy notice and terms, the data
export and account deletion. Published in /api/openapi.json like the rest."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field

from server import api_models as m
from server.api_models import LINES, NO_CONTROLS_BUT_LINE_BREAKS, RequestBody, Response

NoticeText = Annotated[
    str,
    m._field(0, 20000, LINES, "Plain text, shown as text; empty: Alongside's default text for the hub."),
    m._checked(LINES, NO_CONTROLS_BUT_LINE_BREAKS),
]


class Notices(Response):
    """The privacy notice and terms a person accepts at sign-up, and the version their acceptance records."""

    hub_id: int | None = Field(description="None only before any hub exists.")
    hub_name: str
    privacy_notice: str = Field(description="Plain text: always render as text.")
    terms: str = Field(description="Plain text: always render as text.")
    version: int = Field(ge=1, description="Goes up with every change; sign-up records it.")
    minimum_age: int
    customised: bool = Field(description="False: the default text, filled in with the hub's name and settings.")


class NoticesBody(RequestBody):
    privacy_notice: NoticeText | None = None
    terms: NoticeText | None = None
    minimum_age: m.WholeNumber | None = Field(default=None, ge=13, le=120)


class DataExport(Response):
    """Everything held about you (see `left_out` for what is not, and why). Sections are lists of records."""

    model_config = ConfigDict(extra="allow")
    exported_at: str
    about: str
    account: dict[str, Any]
    memberships: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    reports_made: list[dict[str, Any]]
    safeguarding_concerns_about_you: list[dict[str, Any]]
    left_out: list[dict[str, str]]


class DeleteAccountBody(RequestBody):
    password: m.LoginPassword


class Erasure(Response):
    erased: bool
    messages_removed: int
    kept_in_safeguarding_records: int = Field(
        description="Messages of yours copied into a safeguarding record: kept there under its own retention."
    )
    explanation: str = Field(description="What happened, in plain words, to show the person.")
