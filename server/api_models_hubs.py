"""Typed shapes of the hub routes (server/http_hubs.py): hub settings, crisis lines, staff, training and the
platform admin's accounts. Published in /api/openapi.json like the rest; the domain (rooms/hubs.py,
rooms/staff.py) keeps its own checks as the second wall, and the rules JSON Schema cannot say (a real time
zone, an https address, expiry after completion) are the domain's alone."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from server import api_models as m
from server.api_models import LINE, LINES, NO_CONTROLS, NO_CONTROLS_BUT_LINE_BREAKS, RequestBody, Response

COUNTRY_PATTERN = "^[A-Z]{2}$"
PHONE_PATTERN = "^[0-9 +-]*$"


About = Annotated[
    str,
    m._field(0, 2000, LINES, "What the hub is and who it is for, in plain text; markup is removed."),
    m._checked(LINES, NO_CONTROLS_BUT_LINE_BREAKS),
]
TimeZone = Annotated[
    str,
    m._field(1, 64, LINE, "An IANA time zone name, such as Europe/London (refused with invalid_time_zone otherwise)."),
    m._checked(LINE, NO_CONTROLS),
]
Country = Annotated[
    str,
    m._field(2, 2, COUNTRY_PATTERN, "An ISO 3166-1 alpha-2 country code in capitals, such as GB."),
    m._checked(COUNTRY_PATTERN, "must be a two-letter country code in capitals, such as GB"),
]
Phone = Annotated[
    str,
    m._field(0, 40, PHONE_PATTERN, 'The number as dialled, e.g. "116 123": digits, spaces, + and - only.'),
    m._checked(PHONE_PATTERN, "must be digits, spaces, + and - only"),
]
Course = Annotated[str, m._field(1, 120, LINE, "The course completed."), m._checked(LINE, NO_CONTROLS)]
LineName = Annotated[str, m._field(1, 120, LINE, "Who answers, e.g. Samaritans."), m._checked(LINE, NO_CONTROLS)]
Sms = Annotated[
    str, m._field(0, 120, LINE, 'How to text them, e.g. "Text SHOUT to 85258".'), m._checked(LINE, NO_CONTROLS)
]
Web = Annotated[
    str,
    m._field(0, 300, LINE, "Empty, or an https:// address (refused with invalid_url otherwise)."),
    m._checked(LINE, NO_CONTROLS),
]
Hours = Annotated[
    str, m._field(0, 120, LINE, 'When they answer, e.g. "24 hours, every day".'), m._checked(LINE, NO_CONTROLS)
]


def _optional_fields(schema: dict[str, Any]) -> None:
    """Every field may be left out, none sent as null, and at least one must be sent."""
    m._no_defaults(schema)
    schema["minProperties"] = 1


class HubCreateBody(RequestBody):
    name: m.HubName
    slug: m.Slug
    locality: m.Locality = ""
    about: About = ""
    time_zone: TimeZone = "Europe/London"
    country: Country = Field(
        default="GB", description="Its crisis lines start as this country's defaults, where Alongside has them."
    )


class HubUpdateBody(RequestBody):
    """Only the fields sent change; send at least one."""

    model_config = ConfigDict(json_schema_extra=_optional_fields)

    name: m.HubName = ""
    locality: m.Locality = ""
    about: About = ""
    time_zone: TimeZone = ""
    country: Country = "GB"
    pause_grace_minutes: m.WholeNumber = Field(
        default=5, ge=1, le=60, description="How long a paused session waits for a facilitator before it ends."
    )
    require_two_factor: bool = Field(
        default=False, description="Whether the hub's staff must use two-factor sign-in to use staff tools."
    )

    @model_validator(mode="after")
    def _something_sent(self) -> HubUpdateBody:
        if not self.model_fields_set:
            raise ValueError("Send at least one setting to change.")
        return self


class CrisisLineBody(RequestBody):
    name: LineName
    phone: Phone = ""
    sms: Sms = ""
    web: Web = ""
    hours: Hours = ""


class CrisisLinesBody(RequestBody):
    lines: list[CrisisLineBody] = Field(
        max_length=12, description="The whole ordered list; each line needs a phone number, a text or a web address."
    )


class StaffAddBody(RequestBody):
    pseudonym: m.Pseudonym
    role: m.StaffRole


class TrainingAddBody(RequestBody):
    pseudonym: m.Pseudonym
    course: Course
    completed_on: dt.date = Field(description="YYYY-MM-DD; not in the future.")
    expires_on: dt.date = Field(description="YYYY-MM-DD, after completed_on: the last day the training counts.")


class AccountCreateBody(RequestBody):
    pseudonym: m.Pseudonym
    password: m.Password


# Responses.


class HubSettings(m.Hub):
    """Everything about a hub, for its admins."""

    about: str
    country: str
    pause_grace_minutes: int
    require_two_factor: bool


class HubSettingsResult(Response):
    hub: HubSettings


class CrisisLine(Response):
    name: str
    phone: str
    sms: str
    web: str
    hours: str


class CrisisLines(Response):
    hub_id: int
    lines: list[CrisisLine]


class CrisisLineDefault(CrisisLine):
    source: str = Field(description="The organisation's page where the number is published.")


class CrisisLineDefaults(Response):
    country: str
    checked_on: dt.date = Field(description="When the lines were last checked against their sources.")
    lines: list[CrisisLineDefault]


class PublicHub(Response):
    id: int
    slug: str
    name: str
    locality: str
    about: str
    time_zone: str
    crisis_lines: list[CrisisLine]


class PublicHubList(Response):
    hubs: list[PublicHub]


TrainingStatus = Literal["current", "expiring_soon", "expired"]


class TrainingRecord(Response):
    id: int
    hub_id: int
    hub_name: str
    user_id: int
    pseudonym: str
    course: str
    completed_on: dt.date
    expires_on: dt.date = Field(description="The last day it counts.")
    status: TrainingStatus = Field(description="expiring_soon: expires within 30 days (inclusive).")
    days_left: int = Field(description="Days until it stops counting: 0 on its last day, negative once expired.")


class TrainingResult(Response):
    training: TrainingRecord


class TrainingList(Response):
    training: list[TrainingRecord]


class StaffTraining(Response):
    status: Literal["current", "expiring_soon", "expired", "none"] = Field(
        description="expired: only lapsed records; none: nothing on record with this hub."
    )
    current: TrainingRecord | None = Field(description="The record that counts today (the latest to expire).")


class StaffMember(Response):
    user_id: int
    pseudonym: str
    roles: list[m.StaffRole]
    training: StaffTraining | None = Field(description="For facilitators; null for other staff.")


class StaffResult(Response):
    staff: StaffMember


class StaffList(Response):
    staff: list[StaffMember]


class Account(Response):
    id: int
    pseudonym: str


class AccountResult(Response):
    account: Account
