"""No facilitator, no session.

A running session pauses as soon as its last facilitator's connections have all left the room (they left,
closed the tab, lost the network, signed out, or their server process died and its presence rows aged
out). Members cannot post while it is paused. A facilitator entering the room resumes it; if none returns
within the hub's grace period, it ends with the reason "no_facilitator".

Every process settles sessions the same way, under the group's row lock, so two processes noticing the same
departure change the session once and publish it once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import store
from rooms.context import RoomsContext
from rooms.events import RoomEvent
from rooms.models import GroupSession

Change = Literal["pause", "resume", "end"]
END_REASON = "no_facilitator"


def decide(
    session: GroupSession,
    facilitator_present: bool,
    now: dt.datetime,
    grace: dt.timedelta,
    settle: dt.timedelta = dt.timedelta(0),
) -> Change | None:
    """What a running session should become. `settle` spares a session opened moments ago whose facilitator
    has not reached the room yet (the periodic sweep passes the presence timeout; a departure passes none)."""
    if session.status == "live":
        if facilitator_present:
            return None
        opened = session.opened_at or now
        return "pause" if now - opened >= settle else None
    if session.status == "paused":
        if facilitator_present:
            return "resume"
        paused = session.paused_at or now
        return "end" if now - paused >= grace else None
    return None


async def settle_session(
    db: AsyncSession, ctx: RoomsContext, group_id: int, settle: dt.timedelta = dt.timedelta(0)
) -> dict[str, Any] | None:
    """Bring the group's running session in line with who is in its room, and tell the room of any change.
    Returns the changed session's view, or None if nothing changed."""
    from rooms.sessions import session_payload

    now = ctx.clock()
    async with db.begin():
        await store.lock_group(db, group_id)
        session = await store.live_session(db, group_id)
        group = await store.get_group(db, group_id)
        if session is None or group is None or group.kind == store.FACILITATORS_SPACE:
            return None  # the facilitators' space is a standing room of facilitators: it never pauses
        present = await store.facilitator_present(db, group_id, now - ctx.presence_timeout)
        change = decide(session, present, now, await store.pause_grace(db, group_id), settle)
        if change is None:
            return None
        apply(session, change, now)
        await db.flush()
        payload = await session_payload(db, session)
    await ctx.publisher.publish(RoomEvent(group_id, "session:updated", {"group_id": group_id, "session": payload}))
    return payload


def apply(session: GroupSession, change: Change, now: dt.datetime) -> None:
    if change == "pause":
        session.status, session.paused_at = "paused", now
    elif change == "resume":
        session.status, session.paused_at = "live", None
    else:
        session.status, session.ended_at, session.end_reason = "ended", now, END_REASON


async def sweep_sessions(db: AsyncSession, ctx: RoomsContext) -> None:
    """The periodic check on every process: catches departures no event reported (a process that died) and
    ends sessions whose grace period ran out. Two queries, then one locked settle per session that changes."""
    now = ctx.clock()
    async with db.begin():
        running = await store.running_sessions(db)
        if not running:
            return
        present = await store.groups_with_facilitator_present(db, now - ctx.presence_timeout)
    due = [
        session.group_id
        for session, grace_minutes in running
        if decide(session, session.group_id in present, now, dt.timedelta(minutes=grace_minutes), ctx.presence_timeout)
    ]
    for group_id in due:
        await settle_session(db, ctx, group_id, settle=ctx.presence_timeout)
