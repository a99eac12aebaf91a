"""Running a session well: hands up and the turn, "one voice at a time", stepping out, newcomers.

Members raise and lower a hand; facilitators see the queue oldest first and give the turn. With one voice
on, only the person with the turn (and facilitators) may post: the send path checks it (rooms/chat.py). A
member stepping out is shown so in who is here, and comes back without rejoining.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import store
from rooms.access import group_access, require_room_role
from rooms.context import RoomsContext
from rooms.errors import Conflict, DomainError, Forbidden, NotFound
from rooms.events import RoomEvent
from rooms.hooks import Actor
from rooms.models import GroupSession, Presence, RaisedHand, User
from rooms.presence import publish_presence
from rooms.sessions import session_payload
from rooms.views import iso


async def _running(db: AsyncSession, group_id: int) -> GroupSession:
    session = await store.live_session(db, group_id)
    if session is None:
        raise DomainError("This group is not in session.", code="session_not_live")
    return session


async def _role(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> str:
    return require_room_role(await group_access(db, actor, group_id, ctx.clock().date()))


async def _require_facilitator(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> None:
    if await _role(db, ctx, actor, group_id) != "facilitator":
        raise Forbidden("Only the session's facilitators can do that.", code="facilitators_only")


async def hands_queue(db: AsyncSession, session_id: int) -> list[dict[str, Any]]:
    rows = await db.execute(
        select(RaisedHand.user_id, User.pseudonym, RaisedHand.raised_at)
        .join(User, User.id == RaisedHand.user_id)
        .where(RaisedHand.session_id == session_id)
        .order_by(RaisedHand.raised_at, RaisedHand.user_id)
    )
    return [{"user_id": uid, "display_name": name, "raised_at": iso(at)} for uid, name, at in rows.all()]


async def _tell_hands(db: AsyncSession, ctx: RoomsContext, group_id: int, session_id: int) -> list[dict[str, Any]]:
    async with db.begin():
        queue = await hands_queue(db, session_id)
    await ctx.publisher.publish(RoomEvent(group_id, "hands:update", {"group_id": group_id, "queue": queue}))
    return queue


async def do_set_hand(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, raised: bool) -> dict[str, Any]:
    """Raise or lower one's own hand (idempotent); everyone in the room sees the queue change."""
    async with db.begin():
        await _role(db, ctx, actor, group_id)
        session = await _running(db, group_id)
        existing = await db.get(RaisedHand, (session.id, actor.user_id))
        if raised and existing is None:
            db.add(RaisedHand(session_id=session.id, user_id=actor.user_id, raised_at=ctx.clock()))
        elif not raised and existing is not None:
            await db.delete(existing)
        session_id = session.id
    queue = await _tell_hands(db, ctx, group_id, session_id)
    return {"raised": raised, "queue": queue}


async def do_give_turn(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, user_id: int | None
) -> dict[str, Any]:
    """Give the turn to someone in the room (their hand goes down), or take it back (None)."""
    async with db.begin():
        await _require_facilitator(db, ctx, actor, group_id)
        session = await _running(db, group_id)
        if user_id is not None:
            present = {uid for uid, _, _, _ in await store.present_in(db, group_id, ctx.clock(), ctx.presence_timeout)}
            if user_id not in present:
                raise NotFound("That person is not in the room now.", code="not_present")
            await db.execute(
                delete(RaisedHand).where(RaisedHand.session_id == session.id, RaisedHand.user_id == user_id)
            )
        session.turn_user_id = user_id
        await db.flush()
        payload = await session_payload(db, session)
        session_id = session.id
    await ctx.publisher.publish(RoomEvent(group_id, "session:updated", {"group_id": group_id, "session": payload}))
    await _tell_hands(db, ctx, group_id, session_id)
    return payload


async def do_set_one_voice(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, on: bool
) -> dict[str, Any]:
    """Turn "one voice at a time" on or off; turning it off also clears the turn."""
    async with db.begin():
        await _require_facilitator(db, ctx, actor, group_id)
        session = await _running(db, group_id)
        session.one_voice = on
        if not on:
            session.turn_user_id = None
        await db.flush()
        payload = await session_payload(db, session)
    await ctx.publisher.publish(RoomEvent(group_id, "session:updated", {"group_id": group_id, "session": payload}))
    return payload


def refuse_out_of_turn(one_voice: bool, turn_user_id: int | None, role: str, user_id: int) -> None:
    """The send path's check: in one-voice mode a member posts only with the turn."""
    if one_voice and role != "facilitator" and turn_user_id != user_id:
        raise DomainError(
            "It is one voice at a time just now. Raise your hand, and a facilitator will give you the turn.",
            code="not_your_turn",
        )


async def do_step_out(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, away: bool) -> dict[str, Any]:
    """Take a break (or come back): who is here shows "stepping out"; the person stays in the room."""
    async with db.begin():
        await _role(db, ctx, actor, group_id)
        result = await db.execute(
            update(Presence).where(Presence.group_id == group_id, Presence.user_id == actor.user_id).values(away=away)
        )
        if getattr(result, "rowcount", 0) == 0:
            raise Conflict("Enter the room first (room:join).", code="not_in_room")
    await publish_presence(db, ctx, [group_id])
    return {"away": away}
