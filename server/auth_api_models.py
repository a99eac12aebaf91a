"""The account API's typed shapes (server/http_auth.py): request bodies and answers, published in
/api/openapi.json like the rest (server/api_models.py holds the shared field types)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from rooms.languages import SUPPORTED_LANGUAGES
from server import api_models as m
from server.api_models import LINE, NO_CONTROLS, RequestBody, Response

Text254 = Annotated[
    str,
    Field(max_length=254, json_schema_extra={"pattern": LINE}, description="Optional."),
    m._checked(LINE, NO_CONTROLS),
]
Code = Annotated[
    str,
    Field(min_length=6, max_length=16, json_schema_extra={"pattern": "^[0-9 ]+$"}, description="The 6-digit code."),
    m._checked("^[0-9 ]+$", "must be the 6 digits your authenticator app shows"),
]
Challenge = Annotated[
    str,
    Field(max_length=200, json_schema_extra={"pattern": "^[A-Za-z0-9._-]+$"}, description="From the sign-in answer."),
    m._checked("^[A-Za-z0-9._-]+$", "must be the challenge the sign-in answered with"),
]

# Checked by rooms/languages.py (`unsupported_language`), so the refusal names the languages there are.
Language = Annotated[
    str,
    Field(max_length=16, json_schema_extra={"enum": list(SUPPORTED_LANGUAGES)}, description="A BCP 47 tag."),
]


class TwoFactorState(Response):
    enabled: bool
    enrolment_required: bool = Field(description="Staff of a hub that requires two-factor sign-in, not enrolled.")


class AccountUser(m.User):
    two_factor: TwoFactorState
    language: Language | None = Field(
        default=None, description="The interface language they picked; null follows the browser's language."
    )


class SessionResult(Response):
    user: AccountUser | None = Field(description="Who is signed in in this browser, or null.")


class LanguageBody(RequestBody):
    language: Language | None = Field(description="One of the shipped languages, or null to follow the browser.")


class LanguageResult(Response):
    language: Language | None


class AccountUserResult(Response):
    user: AccountUser


class SignInResult(Response):
    """`signed_in` (or `two_factor_enrolment_required`: signed in, but staff powers wait for enrolment) with
    the user and a session cookie; or `two_factor_required` with a challenge for POST /api/auth/login/two-factor
    and no cookie yet."""

    status: Literal["signed_in", "two_factor_enrolment_required", "two_factor_required"]
    user: AccountUser | None = None
    challenge: str | None = None


class TwoFactorSignInBody(RequestBody):
    challenge: Challenge
    code: Code


class PasswordCheckBody(RequestBody):
    password: m.LoginPassword
    pseudonym: m.LoginPseudonym = ""
    email: Text254 = ""


class PasswordCheckResult(Response):
    score: int = Field(ge=0, le=4, description="zxcvbn: 0 too guessable ... 4 very unguessable.")
    acceptable: bool = Field(description="Whether sign-up and password change would accept it (score >= 3).")
    warning: str
    suggestions: list[str]


class PasswordChangeBody(RequestBody):
    current_password: m.LoginPassword
    new_password: m.Password


class DeviceSession(Response):
    id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime
    device: str = Field(description='A coarse description such as "Firefox on Android".')
    current: bool = Field(description="The browser asking.")


class DeviceSessionList(Response):
    sessions: list[DeviceSession]


class TwoFactorStatus(Response):
    enabled: bool
    eligible: bool = Field(description="Staff and platform admins may turn it on.")
    enrolment_required: bool


class TwoFactorEnrolBody(RequestBody):
    password: m.LoginPassword


class TwoFactorEnrolment(Response):
    secret: str = Field(description="Base32; shown once. Type it into an authenticator app, or use the URI.")
    otpauth_uri: str


class TwoFactorCodeBody(RequestBody):
    code: Code
