"""Who may still be in which room, for the sweeps that re-check every connection a process holds.

One query for every (person, group) pair a process holds (per CHUNK pairs, to stay within the drivers'
parameter limits), whatever the number of people or rooms: the housekeeping of a process with thousands of
connections must cost a fixed handful of queries, not one per connection or per room.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.access import room_role
from rooms.models import Group, Membership, User
from rooms.store import may_facilitate_group

Rights = dict[tuple[int, int], bool]
CHUNK = 2000


async def _rights_of_pairs(
    db: AsyncSession, pairs: list[tuple[int, int]], today: dt.date
) -> dict[tuple[int, int], tuple[bool, int | None, int]]:
    """Per (user, group): (may facilitate, accepted agreement version or None, the group's version)."""
    users = sorted({user_id for user_id, _ in pairs})
    groups = sorted({group_id for _, group_id in pairs})
    rows = await db.execute(
        select(
            User.id,
            Group.id,
            may_facilitate_group(Group.kind, Group.hub_id, User.id, today),
            Membership.agreement_version,
            Group.agreement_version,
        )
        .select_from(User)
        .join(Group, Group.id.in_(groups))
        .outerjoin(Membership, and_(Membership.group_id == Group.id, Membership.user_id == User.id))
        .where(User.id.in_(users), tuple_(User.id, Group.id).in_(pairs))
    )
    return {
        (user_id, group_id): (bool(facilitates), accepted, current)
        for user_id, group_id, facilitates, accepted, current in rows
    }


async def rights(db: AsyncSession, pairs: set[tuple[int, int]], today: dt.date, *, staff_only: bool) -> Rights:
    """Whether each (user, group) may be in the group's room now (`staff_only`: may hear its staff room, i.e.
    may facilitate it today). A group or person that no longer exists: no."""
    found: Rights = {pair: False for pair in pairs}
    ordered = sorted(pairs)
    for start in range(0, len(ordered), CHUNK):
        facts = await _rights_of_pairs(db, ordered[start : start + CHUNK], today)
        for pair, (facilitates, accepted, current) in facts.items():
            found[pair] = facilitates if staff_only else room_role(facilitates, accepted, current) is not None
    return found
