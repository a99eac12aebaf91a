"""Typed shapes of the moderation log over REST (server/http_moderation.py). The domain
(rooms/moderation_log.py) keeps its own checks as the second wall."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from rooms.moderation_log import ACCOUNT_ACTIONS, ACTIONS, LOG_LIMIT_MAX, POLICY_ACTIONS
from rooms.validate import ROW_ID_MAX
from server.api_models import Response
from server.api_spec import QueryParam


class LogPerson(Response):
    id: int
    display_name: str


class LogEntry(Response):
    """One facilitator action, or one lift, as written when it happened (the log is append-only)."""

    id: int
    hub_id: int
    group_id: int | None
    group_name: str | None
    session_id: int | None
    action: str = Field(
        description="A facilitator's: "
        + ", ".join(ACTIONS)
        + "; a policy's (actor null): "
        + ", ".join(POLICY_ACTIONS)
        + "; a hub admin's (group null): "
        + ", ".join(ACCOUNT_ACTIONS)
        + "; hide (a report threshold), or a plugin's own."
    )
    actor: LogPerson | None = Field(description="Who acted; null for a policy (or an account since deleted).")
    target_user: LogPerson | None = Field(description="Whom it was about (for a hidden message: its author).")
    target_message_id: int | None = Field(description="The message's id in its group; never its text.")
    reason: str = Field(description="The facilitator's reason, plain text: always render as text.")
    detail: dict[str, Any] = Field(description="E.g. minutes, sanction_id, seconds.")
    created_at: dt.datetime


class LogList(Response):
    entries: list[LogEntry]


_ID = {"type": "integer", "minimum": 1, "maximum": ROW_ID_MAX}
_DAY = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
LOG_QUERY = (
    QueryParam("group_id", "Only this group's entries.", _ID),
    QueryParam(
        "action", "Only this action (e.g. " + ", ".join(ACTIONS) + ").", {"type": "string", "pattern": "^[a-z_]{1,40}$"}
    ),
    QueryParam("user_id", "Only entries where this person acted or was acted on.", _ID),
    QueryParam("from", "From this day (YYYY-MM-DD, a whole UTC day; inclusive).", _DAY),
    QueryParam("to", "Up to this day (YYYY-MM-DD, a whole UTC day; inclusive).", _DAY),
    QueryParam("before_id", "Entries older than this one (the next page).", _ID),
    QueryParam(
        "limit", "At most this many (default 100).", {"type": "integer", "minimum": 1, "maximum": LOG_LIMIT_MAX}
    ),
)
