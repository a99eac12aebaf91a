"""Account recovery's typed shapes (server/http_password_reset.py), published in /api/openapi.json."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from server import api_models as m
from server.api_models import RequestBody, Response


class StaffResetLink(Response):
    user_id: int
    pseudonym: str = Field(description="Whose link it is; render as text.")
    link: str = Field(description="The one-time link: shown once, to be passed on to the member privately.")
    expires_at: dt.datetime


class ResetLinkView(Response):
    pseudonym: str = Field(description="Whose account the link resets; render as text.")
    expires_at: dt.datetime


class ResetPasswordBody(RequestBody):
    password: m.Password


class ForgotBody(RequestBody):
    pseudonym: m.LoginPseudonym


class ForgotAccepted(Response):
    status: Literal["accepted"]
