"""Helpers for the account recovery tests (API and browser): issue a staff reset link, give someone an email,
add a second hub with its own admin."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from rooms import community, store
from rooms.models import Hub, HubStaff, Membership, User
from tests.conftest import Api, RunningServer

NEW_PASSWORD = "tidal-heron-lantern-oats"


async def user_id(server: RunningServer, pseudonym: str) -> int:
    async with server.state.readers() as db, db.begin():
        user = await store.get_user_by_pseudonym(db, pseudonym)
        assert user is not None
        return user.id


async def issue_link(admin: Api, hub_id: int, member_id: int) -> tuple[str, str]:
    """A hub admin issues a reset link; (the link, its token)."""
    status, data = await admin.call("POST", f"/api/hubs/{hub_id}/members/{member_id}/password-reset")
    assert status == 201, data
    link: str = data["link"]
    return link, link.rsplit("/", 1)[1]


async def set_user(server: RunningServer, pseudonym: str, **values: Any) -> None:
    """Change a person's row (an email, platform admin) directly in the database."""
    async with server.state.sessions() as db, db.begin():
        await db.execute(update(User).where(User.pseudonym == pseudonym).values(**values))


async def join_group(server: RunningServer, pseudonym: str, group_id: int = 1) -> None:
    now = server.state.rooms.clock()
    member = await user_id(server, pseudonym)
    async with server.state.sessions() as db, db.begin():
        db.add(Membership(group_id=group_id, user_id=member, agreement_version=1, joined_at=now, accepted_at=now))


async def second_hub(server: RunningServer, admin: str = "Lake Admin", password: str = NEW_PASSWORD) -> int:
    """Another hub with its own admin; its id."""
    now = server.state.rooms.clock()
    password_hash = await server.state.passwords.hash(password)
    async with server.state.sessions() as db, db.begin():
        user = await community.create_user(db, pseudonym=admin, email=None, password_hash=password_hash, now=now)
        hub = Hub(
            slug="lakeside",
            name="Lakeside Peer Support",
            locality="Lakeside",
            about="",
            time_zone="Europe/London",
            country="GB",
            created_at=now,
        )
        db.add(hub)
        await db.flush()
        db.add(HubStaff(hub_id=hub.id, user_id=user.id, role="hub_admin", added_at=now))
        return hub.id
