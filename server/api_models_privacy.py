"""Typed shapes of the privacy routes (server/http_privacy.py): a hub's privacy notice and terms, the data
export and account deletion. Published in /api/openapi.json like the rest."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, model_validator

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
    safeguarding_retention_days: int = Field(description="Days safeguarding records are kept (docs/privacy.md).")
    log_retention_days: int = Field(description="Days the moderation log is kept.")


def _optional_fields(schema: dict[str, Any]) -> None:
    """Every field may be left out, none sent as null, and at least one must be sent."""
    m._no_defaults(schema)
    schema["minProperties"] = 1


class NoticesBody(RequestBody):
    """Only the fields sent change; send at least one."""

    model_config = ConfigDict(json_schema_extra=_optional_fields)
    privacy_notice: NoticeText = ""
    terms: NoticeText = ""
    minimum_age: m.WholeNumber = Field(default=18, ge=13, le=120)
    safeguarding_retention_days: m.WholeNumber = Field(
        default=2555, ge=365, le=3650, description="Days safeguarding records are kept: one to ten years."
    )
    log_retention_days: m.WholeNumber = Field(
        default=2555, ge=365, le=3650, description="Days the moderation log is kept: one to ten years."
    )

    @model_validator(mode="after")
    def _something_sent(self) -> NoticesBody:
        if not self.model_fields_set:
            raise ValueError("send at least one of privacy_notice, terms, minimum_age or a retention")
        return self


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
