"""Shared helpers for the privacy tests: a sign-up exactly as sent (without the test client's default acceptance
of the notices), and reading a person's row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from rooms import validate
from rooms.models import User
from tests.conftest import Api, RunningServer


async def raw_signup(api: Api, body: dict[str, Any]) -> tuple[int, Any]:
    """POST /api/auth/signup with exactly `body` (Api.call adds the acceptance a sign-up needs)."""
    async with api.http.post(api.base + "/api/auth/signup", json=body) as response:
        return response.status, await response.json()


async def user_named(server: RunningServer, pseudonym: str) -> User | None:
    async with server.state.sessions() as db, db.begin():
        key = validate.pseudonym_key(pseudonym)
        return (await db.execute(select(User).where(User.pseudonym_key == key))).scalar_one_or_none()
