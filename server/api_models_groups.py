"""Request and response shapes of group administration: settings, agreement history, members, join
requests and invitations (server/http_groups.py). The domain (rooms/group_admin.py, rooms/joining.py) keeps
its own checks as the second wall."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field

from server import api_models as m

CAPACITY_DESCRIPTION = (
    "Most members at once (2 to 500), or null for no limit. Lowering it below the member count keeps everyone "
    "but refuses new joins."
)

Tag = Annotated[
    str,
    Field(
        min_length=1,
        max_length=160,
        json_schema_extra={"pattern": m.LINE},
        description="A focus tag: 1 to 40 characters once trimmed; stored lower case and NFKC-normalised.",
    ),
    m._checked(m.LINE, m.NO_CONTROLS),
]
Capacity = Annotated[m.WholeNumber, Field(ge=2, le=500)]


class GroupSettingsBody(m.GroupUpdateBody):
    """Only the fields sent change. A changed agreement gets a new version; archived: true ends a running
    session and makes the group read-only; false restores it."""

    model_config = ConfigDict(json_schema_extra=m._no_defaults)

    visibility: Literal["listed", "unlisted"] = "listed"
    joining: Literal["open", "request", "invitation"] = "open"
    capacity: Capacity | None = Field(default=None, description=CAPACITY_DESCRIPTION)
    tags: list[Tag] = Field(default_factory=list, max_length=8, description="At most 8; repeats are dropped.")
    retention_days: int = Field(
        default=90, ge=1, le=3650, description="Days a session's messages are kept after it ends (docs/privacy.md)."
    )
    archived: bool = False


class InvitationCreateBody(m.RequestBody):
    expires_at: (
        Annotated[
            str,
            Field(
                json_schema_extra={"pattern": m.SCHEDULED_PATTERN, "format": "date-time"},
                description="Left out or null: never expires. Else a time in the future, at most 90 days ahead.",
            ),
            AfterValidator(m._scheduled_for),
        ]
        | None
    ) = None


class RequestPending(m.Response):
    status: Literal["pending"]


class RequestPendingResult(m.Response):
    request: RequestPending


class AgreementVersion(m.Response):
    version: int
    text: str
    created_at: dt.datetime
    created_by: str | None = Field(description="The pseudonym of whoever wrote it, or null if not known.")


class AgreementVersionList(m.Response):
    versions: list[AgreementVersion]


class Member(m.Response):
    user_id: int
    pseudonym: str
    joined_at: dt.datetime
    agreement_version: int = Field(description="The agreement version this member accepted.")
    current: bool = Field(description="Whether that is the group's current version.")


class MemberList(m.Response):
    members: list[Member]


class JoinRequest(m.Response):
    user_id: int
    pseudonym: str
    status: Literal["pending", "approved", "declined"]
    requested_at: dt.datetime
    decided_at: dt.datetime | None


class JoinRequestList(m.Response):
    requests: list[JoinRequest]


class JoinRequestResult(m.Response):
    request: JoinRequest


class Invitation(m.Response):
    id: int
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    uses: int = Field(description="How many people joined through it.")


class InvitationCreated(m.Response):
    invitation: Invitation
    token: str = Field(description="Given this once only; the server keeps a digest. The link is built from it.")


class InvitationList(m.Response):
    invitations: list[Invitation]


class InvitedGroup(m.Response):
    id: int
    hub: m.Hub
    name: str
    description: str
    agreement: str
    agreement_version: int
    archived: bool


class InvitedGroupResult(m.Response):
    group: InvitedGroup
