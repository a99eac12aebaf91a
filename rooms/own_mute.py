"""The viewer's own mute in a group, for room:join's ack: a member who reloads while muted still sees why, and
the countdown to when they may post again (the live `mod:muted` event only reaches connections open then)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.models import Sanction
from rooms.views import iso


async def own_mute(db: AsyncSession, group_id: int, user_id: int, now: dt.datetime) -> dict[str, Any] | None:
    """`{"until": ISO time | None (until lifted), "reason": str}` for the mutes in force, or None."""
    rows = (
        await db.execute(
            select(Sanction.expires_at, Sanction.reason)
            .where(
                Sanction.group_id == group_id,
                Sanction.user_id == user_id,
                Sanction.kind == "mute",
                Sanction.lifted_at.is_(None),
                or_(Sanction.expires_at.is_(None), Sanction.expires_at > now),
            )
            .order_by(Sanction.id)
        )
    ).all()
    if not rows:
        return None
    ends = [row.expires_at for row in rows]
    until = None if any(end is None for end in ends) else max(end for end in ends if end is not None)
    return {"until": iso(until), "reason": rows[-1].reason}
