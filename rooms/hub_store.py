"""Queries over a hub's own tables: crisis lines, staff roles and training records.

Functions take an open AsyncSession; callers own the transaction. Kept apart from rooms/store.py, which holds
the room and presence queries of the chat's hot paths."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, not_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.models import CrisisLine, Group, Hub, HubStaff, Presence, TrainingRecord, User
from rooms.store import may_facilitate


async def lock_hub(db: AsyncSession, hub_id: int) -> None:
    """Hold the hub row until commit, so two admins changing its staff at once run in turn."""
    await db.execute(update(Hub).where(Hub.id == hub_id).values(slug=Hub.slug))


async def crisis_lines(db: AsyncSession, hub_ids: Sequence[int]) -> dict[int, list[CrisisLine]]:
    """Each hub's crisis lines in their order (one query for any number of hubs)."""
    found: dict[int, list[CrisisLine]] = {hub_id: [] for hub_id in hub_ids}
    if found:
        rows = await db.execute(
            select(CrisisLine)
            .where(CrisisLine.hub_id.in_(sorted(found)))
            .order_by(CrisisLine.hub_id, CrisisLine.position, CrisisLine.id)
        )
        for line in rows.scalars():
            found[line.hub_id].append(line)
    return found


async def replace_crisis_lines(db: AsyncSession, hub_id: int, lines: Sequence[dict[str, str]]) -> None:
    await db.execute(delete(CrisisLine).where(CrisisLine.hub_id == hub_id))
    for position, line in enumerate(lines):
        db.add(CrisisLine(hub_id=hub_id, position=position, **line))
    await db.flush()


async def group_ids_of_hub(db: AsyncSession, hub_id: int) -> list[int]:
    rows = await db.execute(select(Group.id).where(Group.hub_id == hub_id).order_by(Group.id))
    return list(rows.scalars())


async def demote_presence(db: AsyncSession, hub_id: int, group_ids: Sequence[int], today: dt.date) -> list[int]:
    """Connections still in the hub's rooms as facilitators whose owner may no longer facilitate (they stay as
    members) now show as members; returns the groups whose presence changed."""
    if not group_ids:
        return []
    result = await db.execute(
        update(Presence)
        .where(
            Presence.group_id.in_(sorted(group_ids)),
            Presence.role == "facilitator",
            not_(may_facilitate(hub_id, Presence.user_id, today)),
        )
        .values(role="member")
        .returning(Presence.group_id)
        .execution_options(synchronize_session=False)
    )
    return sorted(set(result.scalars()))


async def hub_admin_count(db: AsyncSession, hub_id: int) -> int:
    rows = await db.execute(
        select(func.count()).select_from(HubStaff).where(HubStaff.hub_id == hub_id, HubStaff.role == "hub_admin")
    )
    return int(rows.scalar_one())


async def staff_with_users(db: AsyncSession, hub_id: int, user_id: int | None = None) -> list[tuple[HubStaff, User]]:
    query = select(HubStaff, User).join(User, User.id == HubStaff.user_id).where(HubStaff.hub_id == hub_id)
    if user_id is not None:
        query = query.where(HubStaff.user_id == user_id)
    rows = await db.execute(query.order_by(User.pseudonym, User.id))
    return [(staff, user) for staff, user in rows.all()]


async def training_records(
    db: AsyncSession, *, hub_id: int | None = None, user_id: int | None = None
) -> list[tuple[TrainingRecord, str, str]]:
    """(record, the trained person's pseudonym, the hub's name): latest to expire first."""
    query = (
        select(TrainingRecord, User.pseudonym, Hub.name)
        .join(User, User.id == TrainingRecord.user_id)
        .join(Hub, Hub.id == TrainingRecord.hub_id)
    )
    if hub_id is not None:
        query = query.where(TrainingRecord.hub_id == hub_id)
    if user_id is not None:
        query = query.where(TrainingRecord.user_id == user_id)
    query = query.order_by(User.pseudonym, TrainingRecord.expires_on.desc(), TrainingRecord.id.desc())
    return [(record, pseudonym, hub_name) for record, pseudonym, hub_name in (await db.execute(query)).all()]


async def get_training_record(db: AsyncSession, record_id: int) -> TrainingRecord | None:
    return await db.get(TrainingRecord, record_id)
