"""The facilitators' space: one standing room where facilitators with current training, from every hub on
the platform, share practice across hubs (the national peer networks peer support calls for).

It is a group of its own kind, using the same room machinery: its members are exactly the people who may
facilitate somewhere today (rooms/access.py, rooms/store.may_facilitate_group), who enter it as facilitators
without joining. It is never listed in a directory, it has one session that stays open (nobody needs to start
it, and it never pauses for want of a facilitator: everyone in it is one), and it cannot be ended.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import store
from rooms.access import require_hub
from rooms.community import group_view
from rooms.context import RoomsContext
from rooms.errors import Forbidden, NotFound
from rooms.hooks import Actor
from rooms.models import AgreementVersion, Group, GroupSession

NAME = "Facilitators' space"
DESCRIPTION = (
    "A standing room for peer facilitators with current training, from every hub: share practice, ask how "
    "others handle things, and look after each other."
)
AGREEMENT = (
    "What is shared here stays here. Talk about practice, not about members: no names or details that could "
    "identify someone in your groups. Safeguarding concerns go to your hub's safeguarding lead, not here. "
    "Be kind; we are all learning."
)


async def do_create_space(db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int) -> dict[str, Any]:
    """Open the platform's facilitators' space, hosted by a hub (whose admins look after its agreement).
    There is one: asking again returns it."""
    if not actor.is_platform_admin:
        raise Forbidden("Only platform admins can open the facilitators' space.")
    async with db.begin():
        existing = await store.facilitators_space(db)
        if existing is None:
            await require_hub(db, hub_id)
            existing = await _create(db, ctx.clock(), actor.user_id, hub_id)
        await _keep_open(db, ctx.clock(), existing, actor.user_id)
        return await group_view(db, ctx, actor, existing)


async def seed_space(db: AsyncSession, now: dt.datetime, hub_id: int) -> Group:
    """For the demo: the space, hosted by this hub (caller commits)."""
    space = await store.facilitators_space(db) or await _create(db, now, None, hub_id)
    await _keep_open(db, now, space, None)
    return space


async def get_space_view(db: AsyncSession, ctx: RoomsContext, actor: Actor) -> dict[str, Any]:
    """The space, for those who may enter it (and platform admins); to anyone else it does not exist."""
    async with db.begin():
        space = await store.facilitators_space(db)
        allowed = actor.is_platform_admin or await store.trained_anywhere(db, actor.user_id, ctx.clock().date())
        if space is None or not allowed:
            raise NotFound("There is no facilitators' space for you here.", code="not_found")
        await _keep_open(db, ctx.clock(), space, None)
        return await group_view(db, ctx, actor, space)


async def _create(db: AsyncSession, now: dt.datetime, creator: int | None, hub_id: int) -> Group:
    space = Group(
        hub_id=hub_id,
        kind=store.FACILITATORS_SPACE,
        name=NAME,
        description=DESCRIPTION,
        agreement=AGREEMENT,
        agreement_version=1,
        last_message_id=0,
        visibility="unlisted",
        joining="invitation",
        created_at=now,
    )
    db.add(space)
    await db.flush()
    db.add(AgreementVersion(group_id=space.id, version=1, text=AGREEMENT, created_at=now, created_by=creator))
    await db.flush()
    return space


async def _keep_open(db: AsyncSession, now: dt.datetime, space: Group, opener: int | None) -> None:
    """The space's one session is always live (reopened if it was somehow ended)."""
    if await store.live_session(db, space.id) is None:
        db.add(GroupSession(group_id=space.id, status="live", opened_at=now, opened_by=opener))
        await db.flush()
