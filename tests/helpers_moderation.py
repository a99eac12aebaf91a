"""Helpers for the moderation tests over real Socket.IO connections (tests/test_moderation_*.py)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select

from rooms.models import ModerationLogEntry
from tests.conftest import RunningServer
from tests.helpers_chat import Inbox, enter_hearing, send

# What a moderation test listens for: a facilitator's actions, and held messages' review.
MOD_EVENTS = (
    "message:hidden",
    "mod:muted",
    "mod:unmuted",
    "mod:removed",
    "mod:lifted",
    "mod:logged",
    "room:removed",
    "message:held",
    "message:released",
    "message:declined",
)


async def enter(api: Any, group_id: int = 1) -> tuple[Any, Inbox, dict[str, Any]]:
    return await enter_hearing(api, MOD_EVENTS, group_id)


def user_id_of(joined: dict[str, Any], name: str) -> int:
    return next(int(p["user_id"]) for p in joined["present"] if p["display_name"] == name)


def code(ack: dict[str, Any]) -> str:
    assert ack["ok"] is False, ack
    return str(ack["error"]["code"])


async def log_count(server: RunningServer) -> int:
    async with server.state.sessions() as db, db.begin():
        return int((await db.execute(select(func.count()).select_from(ModerationLogEntry))).scalar_one())


async def heard_everything(sender: Any, inbox: Inbox) -> None:
    """A sentinel: once this message reaches the inbox, everything published before it has too."""
    done = await send(sender, f"sentinel {secrets.token_hex(4)}")
    await inbox.wait_for("message:new", lambda d: d["message"]["id"] == done["message"]["id"])
