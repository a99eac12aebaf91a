"""A policy's verdict on a message goes in the moderation log like a facilitator's action: `hold` or `flag`, by
no one (actor null), with the rule's reason and never the message's text (only its id).

Written right after the message's commit by Alongside's own message_stored observer, in a transaction of its
own, then told to the staff room (`mod:logged`) and to the moderation_action hook. It is an observer rather
than part of the send's write transaction so the send path (the hot path) is unchanged; the price is that a
process dying in the instant between the two commits loses that entry (the message itself, and its
`held_reason`, stay). `write_verdicts` is also callable inside a caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rooms import moderation_log, store
from rooms.context import RoomsContext
from rooms.events import RoomEvent
from rooms.hooks import moderation_action_taken
from rooms.hookspecs import ModerationAction, Priority, StoredMessage
from rooms.models import Group, Message, ModerationLogEntry

OBSERVER_NAME = "alongside.moderation_log"


async def write_verdicts(
    db: AsyncSession,
    *,
    hub_id: int,
    group_id: int,
    session_id: int,
    message_id: int,
    author_id: int,
    now: dt.datetime,
    hold_reasons: Sequence[str],
    flag_reasons: Sequence[str],
) -> list[ModerationLogEntry]:
    """One entry per hold and per flag, in the caller's transaction."""
    entries = []
    for action, reasons in (("hold", hold_reasons), ("flag", flag_reasons)):
        for reason in reasons:
            entries.append(
                await moderation_log.write(
                    db,
                    hub_id=hub_id,
                    group_id=group_id,
                    session_id=session_id,
                    actor_id=None,
                    action=action,
                    now=now,
                    target_user_id=author_id,
                    target_message_id=message_id,
                    reason=reason[:500],
                    detail={"policy": True},
                )
            )
    return entries


def _observed(entry: ModerationLogEntry) -> ModerationAction:
    return ModerationAction(
        hub_id=entry.hub_id,
        group_id=entry.group_id,
        session_id=entry.session_id,
        actor_id=None,
        action=entry.action,
        target_user_id=entry.target_user_id,
        target_message_id=entry.target_message_id,
        reason=entry.reason,
        at=entry.created_at,
    )


async def log_stored(sessions: async_sessionmaker[AsyncSession], ctx: RoomsContext, stored: StoredMessage) -> None:
    """Log a just-stored message's hold and flags, then tell the staff room and the moderation_action hook."""
    if stored.hub_id is None or not (stored.held or stored.flags):
        return
    async with sessions() as db:
        async with db.begin():
            message = await db.get(Message, (stored.group_id, stored.message_id))
            # Released already (a fast facilitator): the hold still happened; its reason went with the release.
            held_reason = (message.held_reason if message is not None else None) or ""
            entries = await write_verdicts(
                db,
                hub_id=stored.hub_id,
                group_id=stored.group_id,
                session_id=stored.session_id,
                message_id=stored.message_id,
                author_id=stored.author_id,
                now=ctx.clock(),
                hold_reasons=[held_reason] if stored.held else [],
                flag_reasons=stored.flags,
            )
            author = await store.get_user(db, stored.author_id)
            group = await db.get(Group, stored.group_id)
            name, group_name = (author.pseudonym if author else None), (group.name if group else None)
            views: list[dict[str, Any]] = [moderation_log.entry_view(e, None, name, group_name) for e in entries]
        for entry, view in zip(entries, views, strict=True):
            told = {"group_id": stored.group_id, "entry": view}
            await ctx.publisher.publish(RoomEvent(stored.group_id, "mod:logged", told, audience="staff"))
            moderation_action_taken(ctx.hooks, _observed(entry))


def install(ctx: RoomsContext, sessions: async_sessionmaker[AsyncSession]) -> None:
    """Register the observer that logs policies' verdicts (first among message_stored observers)."""

    async def log_policy_verdicts(stored: StoredMessage) -> None:
        await log_stored(sessions, ctx, stored)

    ctx.hooks.message_stored.register(log_policy_verdicts, priority=Priority.SHAPE, name=OBSERVER_NAME)
