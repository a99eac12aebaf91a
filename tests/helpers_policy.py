"""Shared helpers for the message-policy and hook tests."""

from __future__ import annotations

from typing import Any

import socketio
from sqlalchemy import update

from rooms.models import Group
from tests.conftest import Api
from tests.helpers_chat import NS, Inbox

STAFF_EVENTS = ("message:held", "message:flagged")


def listening(client: socketio.AsyncClient) -> Inbox:
    """An inbox that also records the staff-only policy events."""
    inbox = Inbox(client)
    for name in STAFF_EVENTS:
        client.on(name, inbox._recorder(name), namespace=NS)
    return inbox


def code(data: Any) -> str:
    error = data["error"]
    return str(error["code"])


async def set_link_policy(server: Any, group_id: int, policy: str) -> None:
    async with server.state.sessions() as db, db.begin():
        await db.execute(update(Group).where(Group.id == group_id).values(link_policy=policy))


async def add_word(api: Api, phrase: str, action: str, reason: str = "", hub_id: int = 1) -> tuple[int, Any]:
    return await api.call(
        "POST", f"/api/hubs/{hub_id}/word-list", {"phrase": phrase, "action": action, "reason": reason}
    )
