"""Use cases for facilitated sessions: open (now or scheduled) and end."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import store
from rooms.access import group_access, require_not_archived, require_trained_facilitator
from rooms.context import RoomsContext
from rooms.errors import Conflict, InvalidInput, NotFound
from rooms.events import RoomEvent
from rooms.hooks import Actor
from rooms.models import GroupSession
from rooms.views import author_view, iso, session_view


async def session_payload(db: AsyncSession, session: GroupSession) -> dict[str, Any]:
    opener = None
    if session.opened_by is not None:
        user = await store.get_user(db, session.opened_by)
        if user is not None:
            opener = author_view(user.id, user.pseudonym, "facilitator")
    view = session_view(session, opener)
    if session.status == "paused" and session.paused_at is not None:
        # When it ends unless a facilitator returns, so members can be told plainly.
        view["ends_if_unfacilitated_at"] = iso(session.paused_at + await store.pause_grace(db, session.group_id))
    return view


def _parse_when(raw: Any) -> dt.datetime:
    if not isinstance(raw, str):
        raise InvalidInput("scheduled_for must be an ISO 8601 time with a zone, like 2026-12-01T18:00:00Z.")
    try:
        when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("scheduled_for must be an ISO 8601 time with a zone.") from None
    if when.tzinfo is None:
        raise InvalidInput("scheduled_for needs a time zone (for example a trailing Z for UTC).")
    try:
        return when.astimezone(dt.UTC)
    except OverflowError:
        raise InvalidInput("scheduled_for is outside the range of dates Alongside can store.") from None


async def do_open_session(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Open a session now (taking over the next scheduled one if there is one), or schedule one."""
    scheduled_for = _parse_when(body["scheduled_for"]) if body.get("scheduled_for") is not None else None
    async with db.begin():
        access = await group_access(db, actor, group_id, ctx.clock().date())
        require_trained_facilitator(access)
        require_not_archived(access.group)
        now = ctx.clock()
        if scheduled_for is not None:
            if scheduled_for <= now:
                raise InvalidInput("scheduled_for must be in the future.")
            session = GroupSession(group_id=group_id, status="scheduled", scheduled_for=scheduled_for)
            db.add(session)
            await db.flush()
            return await session_payload(db, session)
        # Lock the group row so two facilitators pressing "start" at once open one session, not two.
        await store.lock_group(db, group_id)
        await db.refresh(access.group, ["archived_at"])  # archived while we waited for the lock?
        require_not_archived(access.group)
        if await store.live_session(db, group_id) is not None:
            raise Conflict("A session is already live in this group.", code="session_already_live")
        # "Start now" opens the scheduled session it is close to (up to SCHEDULE_GRACE either way);
        # a session scheduled for next week stays scheduled.
        scheduled = await store.next_scheduled(db, group_id, now)
        if (
            scheduled is not None
            and scheduled.scheduled_for is not None
            and (abs(scheduled.scheduled_for - now) <= store.SCHEDULE_GRACE)
        ):
            session = scheduled
        else:
            session = GroupSession(group_id=group_id, status="live")
            db.add(session)
        session.status = "live"
        session.opened_at = now
        session.opened_by = actor.user_id
        await db.flush()
        payload = await session_payload(db, session)
    await ctx.publisher.publish(RoomEvent(group_id, "session:updated", {"group_id": group_id, "session": payload}))
    return payload


async def do_end_session(db: AsyncSession, ctx: RoomsContext, actor: Actor, session_id: int) -> dict[str, Any]:
    async with db.begin():
        session = await store.get_session(db, session_id)
        if session is None:
            raise NotFound("There is no such session.")
        access = await group_access(db, actor, session.group_id, ctx.clock().date())
        require_trained_facilitator(access)
        if session.status not in store.RUNNING:
            raise Conflict("This session is not live.", code="no_live_session")
        if access.group.kind == store.FACILITATORS_SPACE:
            raise Conflict("The facilitators' space is a standing room; it stays open.", code="standing_room")
        session.status = "ended"
        session.ended_at = ctx.clock()
        session.ended_by = actor.user_id
        await db.flush()
        payload = await session_payload(db, session)
    group_id = session.group_id
    await ctx.publisher.publish(RoomEvent(group_id, "session:updated", {"group_id": group_id, "session": payload}))
    return payload


async def list_session_views(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> list[dict[str, Any]]:
    async with db.begin():
        access = await group_access(db, actor, group_id, ctx.clock().date())
        if access.my_role is None:
            raise NotFound("You are not a member of this group.", code="not_member")
        return [await session_payload(db, s) for s in await store.list_sessions(db, group_id)]
