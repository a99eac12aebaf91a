"""A hub's groups as its admins see them: every one, archived ones too (the directory leaves archived groups
out, so without this an archived group could not be found again to unarchive it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import store
from rooms.access import require_hub_admin
from rooms.community import group_view
from rooms.context import RoomsContext
from rooms.hooks import Actor


async def list_hub_groups(db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int) -> list[dict[str, Any]]:
    """The hub's groups by name, archived ones last; one view per group (a hub has a handful, and only its
    admins ask)."""
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
        groups = [g for g in await store.list_groups(db) if g.hub_id == hub_id]
        groups.sort(key=lambda g: g.archived_at is not None)
        return [await group_view(db, ctx, actor, group) for group in groups]
