"""The REST API's typed shapes: request bodies (validated here, first wall), responses and errors.

/api/openapi.json is generated from these models, so the published document and the checks cannot drift.
The domain (rooms/) keeps its own checks as the second wall; each constraint here matches or narrows it.
Patterns are written once (server/api_charsets.py) and both published and checked with Python `re`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from rooms import validate
from rooms.errors import InvalidInput
from server import api_charsets as cs

STAFF_ROLES = ("facilitator", "senior_peer", "safeguarding_lead", "hub_admin")
StaffRole = Literal["facilitator", "senior_peer", "safeguarding_lead", "hub_admin"]


def _checked(pattern: str, why: str) -> AfterValidator:
    def check(value: str) -> str:
        if not cs.matches(pattern, value):
            raise ValueError(why)
        return value

    return AfterValidator(check)


LINE = cs.whole(cs.line_class())
LINES = cs.whole(cs.lines_class())
ANY_TEXT = cs.whole(cs.any_text_class())
NO_CONTROLS = "must not hold control characters"
NO_CONTROLS_BUT_LINE_BREAKS = "must not hold control characters other than line breaks and tabs"
SLUG_PATTERN = "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
EMAIL_PATTERN = f"^(?:{cs.visible_class()}*@{cs.visible_class()}*)?$"
SCHEDULED_PATTERN = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})$"
)


def _field(min_length: int, max_length: int, pattern: str, description: str) -> Any:
    return Field(
        min_length=min_length, max_length=max_length, description=description, json_schema_extra={"pattern": pattern}
    )


Password = Annotated[str, _field(10, 256, ANY_TEXT, "10 to 256 characters."), _checked(ANY_TEXT, "must be text")]
Email = Annotated[
    str,
    _field(0, 254, EMAIL_PATTERN, "Optional; empty or null means none."),
    _checked(EMAIL_PATTERN, "does not look like an email address (it is optional)"),
]
LoginPseudonym = Annotated[
    str, _field(0, 64, LINE, "The pseudonym, in any spelling that reads the same."), _checked(LINE, NO_CONTROLS)
]
LoginPassword = Annotated[str, _field(0, 256, ANY_TEXT, "The password."), _checked(ANY_TEXT, "must be text")]
HubName = Annotated[str, _field(1, 120, LINE, "The hub's name."), _checked(LINE, NO_CONTROLS)]
Slug = Annotated[
    str,
    _field(1, 64, SLUG_PATTERN, "Lower-case letters, digits and dashes; used in addresses."),
    _checked(SLUG_PATTERN, "must be 1-64 lower-case letters, digits and dashes"),
]
Locality = Annotated[str, _field(0, 120, LINE, "Where the hub is."), _checked(LINE, NO_CONTROLS)]
GroupName = Annotated[str, _field(1, 120, LINE, "The group's name; markup is removed."), _checked(LINE, NO_CONTROLS)]
GroupDescription = Annotated[
    str, _field(0, 4000, LINES, "Markup is removed."), _checked(LINES, NO_CONTROLS_BUT_LINE_BREAKS)
]
GroupAgreement = Annotated[
    str,
    _field(1, 20000, LINES, "The agreement members accept; markup is removed."),
    _checked(LINES, NO_CONTROLS_BUT_LINE_BREAKS),
]


def _domain_pseudonym(value: str) -> str:
    """The domain's own rule (NFKC, one script, look-alikes); the raw value goes on, the domain normalises."""
    try:
        validate.pseudonym(value)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None
    return value


Pseudonym = Annotated[
    str,
    Field(
        min_length=3,
        max_length=32,
        json_schema_extra={"pattern": cs.pseudonym_pattern()},
        description=(
            "3 to 32 letters of one alphabet, digits, spaces, dots, dashes or underscores. The pattern is the "
            "normal form; the server also accepts other spellings (such as full-width letters or extra spaces) "
            "and stores them NFKC-normalised with single spaces."
        ),
    ),
    AfterValidator(_domain_pseudonym),
]


def _scheduled_for(value: str) -> str:
    """Mirrors rooms.sessions: ISO 8601 with a zone, in a range that converts to UTC."""
    if not cs.matches(SCHEDULED_PATTERN, value):
        raise ValueError("must be an ISO 8601 time with a zone, like 2026-12-01T18:00:00Z")
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise ValueError("must be a real time that Alongside can store, like 2026-12-01T18:00:00Z") from None
    return value


class RequestBody(BaseModel):
    """Bodies are exact: JSON types only (no "5" for 5), and no fields beyond the documented ones."""

    model_config = ConfigDict(extra="forbid", strict=True)


class SignupBody(RequestBody):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "pseudonym": "Quiet Otter",
                    "password": "lichen grows on the north wall",
                    "accept_notices": True,
                    "confirm_minimum_age": True,
                }
            ]
        },
    )
    pseudonym: Pseudonym
    password: Password
    email: Email | None = None
    accept_notices: bool = Field(
        default=False,
        description="The person read and accepts the hub's privacy notice and terms (GET /api/notices). Required "
        "true: notices_not_accepted otherwise.",
        json_schema_extra={"examples": [True]},
    )
    confirm_minimum_age: bool = Field(
        default=False,
        description="The person confirms they are at least the hub's minimum_age. Required true: "
        "below_minimum_age otherwise.",
        json_schema_extra={"examples": [True]},
    )
    hub_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="The hub signed up for; left out: the default (first) hub."
    )
    notice_version: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="The notice version the person read; notices_changed (409) if it has changed since.",
    )


class LoginBody(RequestBody):
    pseudonym: LoginPseudonym
    password: LoginPassword


def _no_defaults(schema: dict[str, Any]) -> None:
    """Optional fields that may be left out but not sent as null: their placeholder default is not API."""
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


class GroupCreateBody(RequestBody):
    name: GroupName
    description: GroupDescription = ""
    agreement: GroupAgreement


class GroupUpdateBody(RequestBody):
    """Only the fields sent change; a changed agreement gets a new version."""

    model_config = ConfigDict(json_schema_extra=_no_defaults)

    name: GroupName = ""
    description: GroupDescription = ""
    agreement: GroupAgreement = ""


def _whole_number(value: Any) -> Any:
    """JSON Schema counts 2.0 as an integer, so the API does too (and passes the domain a true int)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


class AcceptAgreementBody(RequestBody):
    agreement_version: WholeNumber = Field(ge=1, le=2**53, description="The version of the agreement the person read.")


class OpenSessionBody(RequestBody):
    scheduled_for: (
        Annotated[
            str,
            Field(
                json_schema_extra={"pattern": SCHEDULED_PATTERN, "format": "date-time"},
                description="Left out or null: open a session now. Else a time in the future, with a zone.",
            ),
            AfterValidator(_scheduled_for),
        ]
        | None
    ) = None


# Responses. Field types say what the server sends; times are UTC ISO 8601 with a trailing Z.


class Response(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StaffRoleView(Response):
    hub_id: int
    role: StaffRole


class User(Response):
    id: int
    pseudonym: str
    email: str | None
    is_platform_admin: bool
    staff: list[StaffRoleView]


class UserResult(Response):
    user: User


class Hub(Response):
    """A hub as any signed-in person sees it (its admins see more: server/api_models_hubs.py)."""

    id: int
    slug: str
    name: str
    locality: str
    time_zone: str = Field(description="An IANA zone name; the hub's schedules are in its local time.")


class HubList(Response):
    hubs: list[Hub]


class Author(Response):
    id: int
    display_name: str
    role: Literal["member", "facilitator"]


class Session(Response):
    """A facilitated session. `paused`: its last facilitator has gone; members cannot post until one is back,
    and it ends at `ends_if_unfacilitated_at` otherwise (with end_reason "no_facilitator")."""

    id: int
    group_id: int
    status: Literal["scheduled", "live", "paused", "ended"]
    scheduled_for: dt.datetime | None
    opened_at: dt.datetime | None
    ended_at: dt.datetime | None
    opened_by: Author | None
    paused_at: dt.datetime | None
    end_reason: str | None = Field(description='Why it ended other than by a facilitator: "no_facilitator".')
    ends_if_unfacilitated_at: dt.datetime | None
    one_voice: bool = Field(description="One voice at a time: only the person with the turn, and facilitators, post.")
    turn_user_id: int | None = Field(description="Who has the turn in one-voice mode.")
    slow_mode_seconds: int = Field(0, description="Seconds a member waits between their messages (0: off).")
    locked: bool = Field(False, description="Locked by a facilitator: only facilitators post.")
    pinned_message_id: int | None = Field(None, description="The message a facilitator pinned, if any.")


class SessionResult(Response):
    session: Session


class SessionList(Response):
    sessions: list[Session]


class MembershipView(Response):
    agreement_version: int
    joined_at: dt.datetime
    current: bool


class JoinRequestStatus(Response):
    status: Literal["pending", "approved", "declined"]


class NextSession(Response):
    """When a group next meets: the earliest upcoming (starting after now), not cancelled occurrence of its
    schedules or scheduled sessions (a session scheduled without a schedule is shown as 90 minutes long)."""

    starts_at: dt.datetime
    ends_at: dt.datetime


class Group(Response):
    id: int
    hub: Hub
    name: str
    description: str
    agreement: str
    agreement_version: int
    membership: MembershipView | None
    my_role: Literal["member", "facilitator", "hub_admin"] | None
    session: Session | None = Field(description="The live session, else the next scheduled one, else null.")
    next_session: NextSession | None = Field(description="When the group next meets; null: nothing upcoming.")
    visibility: Literal["listed", "unlisted"] = Field(description="Unlisted: only members and staff see it.")
    joining: Literal["open", "request", "invitation"]
    capacity: int | None = Field(description="Most members at once; null: no limit.")
    member_count: int
    tags: list[str] = Field(description="Focus tags, lower case, alphabetical.")
    archived: bool = Field(description="Archived: read-only; no sessions, no joining.")
    retention_days: int = Field(description="Days a session's messages are kept after it ends (docs/privacy.md).")
    join_request: JoinRequestStatus | None = Field(description="The asker's own request to join, if any.")


class GroupResult(Response):
    group: Group


class GroupList(Response):
    groups: list[Group]


class Health(Response):
    status: Literal["ok"]


class Readiness(Response):
    status: Literal["ready", "not_ready"]
    checks: dict[str, str]


class ErrorDetail(Response):
    code: str = Field(description="A machine code; each response lists the codes it can carry.")
    message: str = Field(description="A sentence a person can read.")


class Error(Response):
    error: ErrorDetail
