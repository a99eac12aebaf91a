"""A policy's verdict on a message goes in the moderation log like a facilitator's action: `hold` or `flag`, by
no one (actor null), with the rule's reason and never the message's text (only its id).

Written in the send's own write transaction (rooms/chat.py), so a held or flagged message is never stored
without its log entry; only messages that were held or flagged pay for it. After commit the entries are told
to the staff room (`mod:logged`) and to the moderation_action hook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import moderation_log
from rooms.context import RoomsContext
from rooms.hookspecs import ModerationAction
from rooms.models import ModerationLogEntry
from rooms.moderation_actions import Logged, tell_logged


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


async def announce(
    ctx: RoomsContext, group_id: int, entries: Sequence[ModerationLogEntry], author_name: str, group_name: str
) -> None:
    """After commit: each entry to the staff room (`mod:logged`) and to the moderation_action hook, as every
    facilitator's action is told (rooms/moderation_actions.tell_logged)."""
    for entry in entries:
        view = moderation_log.entry_view(entry, None, author_name, group_name)
        await tell_logged(ctx, group_id, Logged(view, _observed(entry)))
