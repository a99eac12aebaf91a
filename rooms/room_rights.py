"""Who may still be in which room, for the sweeps that re-check every connection a process holds.

One query per group, whatever the number of people in it: the housekeeping of a process with thousands of
connections must cost a fixed handful of queries, not one per connection.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.access import room_role
from rooms.models import Group, Membership, User
from rooms.store import may_facilitate_group

Rights = dict[tuple[int, int], bool]


async def _rights_in_group(
    db: AsyncSession, group_id: int, user_ids: set[int], today: dt.date
) -> dict[int, tuple[bool, int | None, int]]:
    """Per user: (may facilitate, accepted agreement version or None, the group's version)."""
    rows = await db.execute(
        select(
            User.id,
            may_facilitate_group(Group.kind, Group.hub_id, User.id, today),
            Membership.agreement_version,
            Group.agreement_version,
        )
        .select_from(User)
        .join(Group, Group.id == group_id)
        .outerjoin(Membership, and_(Membership.group_id == Group.id, Membership.user_id == User.id))
        .where(User.id.in_(sorted(user_ids)))
    )
    return {user_id: (bool(facilitates), accepted, current) for user_id, facilitates, accepted, current in rows}


async def rights(db: AsyncSession, pairs: set[tuple[int, int]], today: dt.date, *, staff_only: bool) -> Rights:
    """Whether each (user, group) may be in the group's room now (`staff_only`: may hear its staff room, i.e.
    may facilitate it today). A group or person that no longer exists: no."""
    by_group: dict[int, set[int]] = defaultdict(set)
    for user_id, group_id in pairs:
        by_group[group_id].add(user_id)
    found: Rights = {pair: False for pair in pairs}
    for group_id, user_ids in sorted(by_group.items()):
        for user_id, (facilitates, accepted, current) in (
            await _rights_in_group(db, group_id, user_ids, today)
        ).items():
            if staff_only:
                found[(user_id, group_id)] = facilitates
            else:
                found[(user_id, group_id)] = room_role(facilitates, accepted, current) is not None
    return found
