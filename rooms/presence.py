"""Who is in a room, and taking people out of rooms they may no longer hear."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import facilitation, store
from rooms.context import RoomsContext
from rooms.events import RoomEvent
from rooms.models import Presence
from rooms.presence_writes import READ_ONLY_OPTION
from rooms.read_batch import ReadBatch, Together


async def present_payload(db: AsyncSession, ctx: RoomsContext, group_id: int) -> dict[str, Any]:
    return _payload(group_id, await store.present_in(db, group_id, ctx.clock(), ctx.presence_timeout))


def _payload(group_id: int, rows: list[tuple[int, str, str, bool]]) -> dict[str, Any]:
    return {
        "group_id": group_id,
        "present": [
            {"user_id": uid, "display_name": name, "role": role, "away": away} for uid, name, role, away in rows
        ],
    }


async def publish_presence(db: AsyncSession, ctx: RoomsContext, group_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Tell each room who is in it now; returns what was told, by group."""
    return {group_id: await tell_room(db, ctx, group_id) for group_id in group_ids}


async def _present_in_rooms(
    db: AsyncSession, asked: list[tuple[int, dt.datetime]]
) -> list[list[tuple[int, str, str, bool]]]:
    """Who is in each (room, stale-before time) asked, in one statement: the freshest view any of them asked."""
    found = await store.present_in_groups(db, {group_id for group_id, _ in asked}, max(at for _, at in asked))
    return [found[group_id] for group_id, _ in asked]


# Rooms' presence read together when their reads share a transaction (rooms/read_batch.py): a connect wave's.
PRESENT_TOGETHER: Together[tuple[int, dt.datetime], list[tuple[int, str, str, bool]]] = Together(_present_in_rooms)


async def tell_room(
    db: AsyncSession, ctx: RoomsContext, group_id: int, reads: ReadBatch | None = None
) -> dict[str, Any]:
    """Tell one room who is in it now (a read: on SQLite it takes no write lock); returns what was told.
    `reads`: read in a transaction shared with the other rooms' reads of the moment."""
    if reads is not None:
        rows = await reads.run_together(PRESENT_TOGETHER, (group_id, ctx.clock() - ctx.presence_timeout))
        told = _payload(group_id, rows)
    else:
        async with db.begin():
            await db.connection(execution_options={READ_ONLY_OPTION: True})
            told = await present_payload(db, ctx, group_id)
    await ctx.publisher.publish(RoomEvent(group_id, "presence:update", told))
    return told


async def evict(db: AsyncSession, ctx: RoomsContext, pairs: list[tuple[str, int]]) -> None:
    """Take these (connection, group) pairs out of their rooms on every process, and tell the rooms."""
    await forget(db, ctx, pairs, evicting=True)


async def forget(db: AsyncSession, ctx: RoomsContext, pairs: list[tuple[str, int]], evicting: bool = False) -> None:
    """Drop these (connection, group) presence rows and tell the rooms who is left. Without `evicting` the
    connections are being closed by other means, so they are neither unsubscribed nor told."""
    if not pairs:
        return
    async with db.begin():
        facilitators_left = await store.remove_connections(db, pairs)
    if evicting:
        for sid, group_id in pairs:
            await ctx.publisher.evict(sid, group_id)
    groups = sorted({group_id for _, group_id in pairs})
    await publish_presence(db, ctx, groups)
    for group_id in sorted(facilitators_left):
        await facilitation.settle_session(db, ctx, group_id)  # that may have been the last facilitator


async def demote(db: AsyncSession, ctx: RoomsContext, pairs: list[tuple[str, int]]) -> None:
    """These connections stay in their rooms as members only (their person no longer facilitates there, e.g.
    their training ran out): who is here says so, and a session they alone kept facilitated pauses."""
    if not pairs:
        return
    async with db.begin():
        result = await db.execute(
            update(Presence)
            .where(tuple_(Presence.sid, Presence.group_id).in_(sorted(pairs)), Presence.role == "facilitator")
            .values(role="member")
            .returning(Presence.group_id)
            .execution_options(synchronize_session=False)
        )
        changed = sorted(set(result.scalars()))
    await publish_presence(db, ctx, changed)
    for group_id in sorted({group_id for _, group_id in pairs}):
        await facilitation.settle_session(db, ctx, group_id)
