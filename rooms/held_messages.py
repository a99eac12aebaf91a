"""A message held for review by a policy (a word list's hold, a group's link policy) and a facilitator's answer:
release it to the room, or decline it for good.

Held, a message is stored with `held_reason` and seen only by its author and staff (rooms/store.py,
messages_with_names). Released, `held_reason` is cleared and the room gets it as a new message. Declined, it
stays held and is also marked hidden (`hidden_at`, `hidden_by`, `hidden_reason` = the decline's reason): held
and hidden together mean declined, so no member but its author ever gets it, and neither unhide nor release
brings it back. Each answer writes one moderation log entry in its own transaction, as every action does
(rooms/moderation_actions.py), and is published after commit.

The message row is read under a row lock (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers),
so two facilitators answering the same message at once get one answer and one `not_held`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import store, validate
from rooms.context import RoomsContext
from rooms.errors import Conflict, NotFound
from rooms.events import RoomEvent
from rooms.hooks import Actor
from rooms.models import Message
from rooms.moderation_actions import HIDE_REASON, LIFT_REASON, _log, _reason, _require_facilitator, tell_logged
from rooms.side_talk import member_connections
from rooms.views import message_view

DECLINED_WITHOUT_REASON = "A facilitator decided not to post it."


def is_declined(message: Message) -> bool:
    return message.held_reason is not None and message.hidden_at is not None


async def _held(db: AsyncSession, group_id: int, body: dict[str, Any]) -> Message:
    """The held message to answer, locked against a second answer at the same moment."""
    message_id = validate.row_id(body.get("message_id"), "message_id")
    message = await db.get(Message, (group_id, message_id), with_for_update=True, populate_existing=True)
    if message is None:
        raise NotFound("There is no such message in this group.", code="message_not_found")
    if is_declined(message):
        raise Conflict("That message was declined: it is not posted.", code="message_declined")
    if message.held_reason is None:
        raise Conflict("That message is not held for review (it may have been released already).", code="not_held")
    return message


async def do_release(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Release a held message: the room gets it (as `message:new`, when it belongs to the running session; an
    earlier session's shows in that session's history), and its author and staff are told `message:released`."""
    async with db.begin():
        access = await _require_facilitator(db, ctx, actor, group_id)
        message = await _held(db, group_id, body)
        reason = await _reason(ctx, body, LIFT_REASON)
        held_for = message.held_reason
        message.held_reason = None
        await db.flush()
        author = await store.get_user(db, message.author_id)
        detail = {"held_reason": held_for}
        entry = await _log(
            db,
            ctx,
            actor,
            access,
            "release",
            session_id=message.session_id,
            target=author,
            message_id=message.id,
            reason=reason,
            detail=detail,
        )
        view = message_view(message, author.pseudonym if author else "")
        live = await store.live_session(db, group_id)
        sids = await member_connections(db, group_id, message.author_id)
    if live is not None and message.session_id == live.id:
        await ctx.publisher.publish(RoomEvent(group_id, "message:new", {"message": view}))
    told = {"group_id": group_id, "message_id": message.id, "message": view}
    await ctx.publisher.publish(RoomEvent(group_id, "message:released", told, audience="staff", to_connections=sids))
    await tell_logged(ctx, group_id, entry)
    return {"message": view}


async def do_decline(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Decline a held message: it is never posted. Its author (and staff) are told `message:declined`, with
    the reason if one was given; members never hear of it."""
    async with db.begin():
        access = await _require_facilitator(db, ctx, actor, group_id)
        message = await _held(db, group_id, body)
        optional = {"reason": (0, HIDE_REASON["reason"][1])}
        reason = await _reason(ctx, body, optional) or DECLINED_WITHOUT_REASON
        message.hidden_at, message.hidden_by, message.hidden_reason = ctx.clock(), actor.user_id, reason
        await db.flush()
        author = await store.get_user(db, message.author_id)
        detail = {"held_reason": message.held_reason}
        entry = await _log(
            db,
            ctx,
            actor,
            access,
            "decline",
            session_id=message.session_id,
            target=author,
            message_id=message.id,
            reason=reason,
            detail=detail,
        )
        sids = await member_connections(db, group_id, message.author_id)
    told = {"group_id": group_id, "message_id": message.id, "reason": reason}
    await ctx.publisher.publish(RoomEvent(group_id, "message:declined", told, audience="staff", to_connections=sids))
    await tell_logged(ctx, group_id, entry)
    return {"message_id": message.id, "declined": True, "reason": reason}
