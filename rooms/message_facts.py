"""What the message checks need to know about a room, read before they run (one indexed query)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.hookspecs import RoomFacts
from rooms.models import Group, Hub


async def room_facts(db: AsyncSession, group_id: int) -> RoomFacts | None:
    row = (
        await db.execute(
            select(Group.hub_id, Hub.name, Hub.country, Group.link_policy)
            .join(Hub, Hub.id == Group.hub_id)
            .where(Group.id == group_id)
        )
    ).first()
    if row is None:
        return None
    return RoomFacts(hub_id=row[0], hub_name=row[1], country=row[2] or "GB", link_policy=row[3] or "allow")
