"""The moderation log: who did what, to whom, why, when, in which session.

Append-only. This module only ever inserts rows and reads them; nothing in the application updates or deletes
one (tests/test_moderation_actions.py greps for it), and on PostgreSQL a trigger refuses it anyway. Entries are
written in the same transaction as the action they record, so an action and its entry stand or fall together.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from rooms import validate
from rooms.access import require_hub_admin
from rooms.context import RoomsContext
from rooms.errors import InvalidInput
from rooms.hooks import Actor
from rooms.models import Group, ModerationLogEntry, User
from rooms.views import iso

ACTION_SHAPE = re.compile(r"[a-z_]{1,40}")  # policies (and plugins) log actions of their own beside ACTIONS
LOG_LIMIT_DEFAULT = 100
LOG_LIMIT_MAX = 500
ACTIONS = (  # a facilitator's, written by rooms/moderation_actions.py
    "hide",
    "unhide",
    "mute",
    "unmute",
    "remove",
    "ban",
    "lift",
    "slow_mode",
    "lock",
    "unlock",
    "pin",
    "unpin",
    "release",  # a held message released to the room (rooms/held_messages.py)
    "decline",  # a held message never posted
)
POLICY_ACTIONS = ("hold", "flag")  # a policy's verdict on a message (actor null; rooms/policy_log.py)
ACCOUNT_ACTIONS = ("password_reset_issued",)  # a hub admin's, about a member's account (rooms/password_reset.py)


async def write(
    db: AsyncSession,
    *,
    hub_id: int,
    group_id: int | None,
    session_id: int | None,
    actor_id: int | None,
    action: str,
    now: dt.datetime,
    target_user_id: int | None = None,
    target_message_id: int | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> ModerationLogEntry:
    """Insert one entry in the caller's transaction (flushed, so it has its id)."""
    entry = ModerationLogEntry(
        hub_id=hub_id,
        group_id=group_id,
        session_id=session_id,
        actor_id=actor_id,
        action=action,
        target_user_id=target_user_id,
        target_message_id=target_message_id,
        reason=reason,
        detail=json.dumps(detail or {}, sort_keys=True),
        created_at=now,
    )
    db.add(entry)
    await db.flush()
    return entry


def _person(user_id: int | None, name: str | None) -> dict[str, Any] | None:
    return None if user_id is None else {"id": user_id, "display_name": name or ""}


def entry_view(
    entry: ModerationLogEntry, actor_name: str | None, target_name: str | None, group_name: str | None = None
) -> dict[str, Any]:
    """An entry for staff: never the text of a message, only its id (the reason is the facilitator's own)."""
    try:
        detail = json.loads(entry.detail) if entry.detail else {}
    except ValueError:
        detail = {}
    return {
        "id": entry.id,
        "hub_id": entry.hub_id,
        "group_id": entry.group_id,
        "group_name": group_name,
        "session_id": entry.session_id,
        "action": entry.action,
        "actor": _person(entry.actor_id, actor_name),
        "target_user": _person(entry.target_user_id, target_name),
        "target_message_id": entry.target_message_id,
        "reason": entry.reason,
        "detail": detail if isinstance(detail, dict) else {},
        "created_at": iso(entry.created_at),
    }


def _day_bound(raw: str | None, field: str, *, end: bool) -> dt.datetime | None:
    """A whole UTC day (YYYY-MM-DD, both ends inclusive): its first moment, or for `end` the first moment after
    it (so the query's upper bound is exclusive; None past the last day there is)."""
    if raw is None or raw == "":
        return None
    try:
        if len(raw) != 10:
            raise ValueError
        start = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(0), tzinfo=dt.UTC)
    except ValueError:
        raise InvalidInput(f"{field} must be a date like 2026-01-31.", code="invalid_date") from None
    if not end:
        return start
    try:
        return start + dt.timedelta(days=1)
    except OverflowError:
        return None


def _optional_id(query: dict[str, str], name: str) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return validate.row_id(int(raw), name)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number.") from None


async def read_hub_log(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, query: dict[str, str]
) -> list[dict[str, Any]]:
    """A hub's log for its admins (and platform admins), newest first, filtered by group, action, person
    (as actor or target) and time; at most LOG_LIMIT_MAX entries."""
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
    group_id = _optional_id(query, "group_id")
    user_id = _optional_id(query, "user_id")
    before_id = _optional_id(query, "before_id")
    action = query.get("action") or None
    if action is not None and not ACTION_SHAPE.fullmatch(action):
        raise InvalidInput(f"action is a name such as {', '.join(ACTIONS[:4])}.", code="invalid_action")
    start = _day_bound(query.get("from"), "from", end=False)
    end = _day_bound(query.get("to"), "to", end=True)
    raw_limit = query.get("limit") or None
    try:
        limit = LOG_LIMIT_DEFAULT if raw_limit is None else int(raw_limit)
    except ValueError:
        raise InvalidInput("limit must be a whole number.") from None
    limit = validate.integer(limit, "limit", minimum=1, maximum=LOG_LIMIT_MAX)
    acting, target = aliased(User), aliased(User)
    stmt = (
        select(ModerationLogEntry, acting.pseudonym, target.pseudonym, Group.name)
        .outerjoin(acting, acting.id == ModerationLogEntry.actor_id)
        .outerjoin(target, target.id == ModerationLogEntry.target_user_id)
        .outerjoin(Group, Group.id == ModerationLogEntry.group_id)
        .where(ModerationLogEntry.hub_id == hub_id)
    )
    if group_id is not None:
        stmt = stmt.where(ModerationLogEntry.group_id == group_id)
    if user_id is not None:
        stmt = stmt.where(or_(ModerationLogEntry.actor_id == user_id, ModerationLogEntry.target_user_id == user_id))
    if action is not None:
        stmt = stmt.where(ModerationLogEntry.action == action)
    if start is not None:
        stmt = stmt.where(ModerationLogEntry.created_at >= start)
    if end is not None:
        stmt = stmt.where(ModerationLogEntry.created_at < end)
    if before_id is not None:
        stmt = stmt.where(ModerationLogEntry.id < before_id)
    stmt = stmt.order_by(ModerationLogEntry.created_at.desc(), ModerationLogEntry.id.desc()).limit(limit)
    async with db.begin():
        rows = (await db.execute(stmt)).all()
    return [entry_view(entry, a, t, g) for entry, a, t, g in rows]
