"""The send flush itself (rooms/send_batch.py), on the domain with no server: on SQLite a flush is two trips to the
driver's thread (the facts with each room's last id, then the ids' UPDATE, the INSERT and the commit together),
and on both databases a write the flush refuses takes no id, so the ids stay gap-free."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rooms.errors import DomainError
from rooms.models import Group, GroupSession, Membership, Message, User
from rooms.send_batch import PendingWrite, SendBatcher
from rooms.send_facts import SendFacts
from tests.conftest import Database, make_seeded_engine
from tests.helpers_sqlite import count_hops

NOW = dt.datetime(2026, 11, 25, 19, 0, tzinfo=dt.UTC)
client_ids = itertools.count()


@dataclass
class Room:
    sessions: async_sessionmaker[AsyncSession]
    group_id: int
    session_id: int
    author_id: int


@pytest.fixture
async def room(database: Database) -> AsyncIterator[Room]:
    """River's first group, with a live session to post in."""
    engine, sessions = await make_seeded_engine(database)
    try:
        async with sessions() as db, db.begin():
            river = (await db.execute(select(User.id).where(User.pseudonym == "River"))).scalar_one()
            group_id = (
                await db.execute(select(Membership.group_id).where(Membership.user_id == river).limit(1))
            ).scalar_one()
            live = GroupSession(group_id=group_id, status="live", opened_at=NOW)
            db.add(live)
            await db.flush()
            session_id = live.id
        yield Room(sessions, group_id, session_id, river)
    finally:
        await engine.dispose()


async def accept(_db: AsyncSession, facts: SendFacts | None) -> tuple[SendFacts, bool]:
    assert facts is not None, "the flush read the sender's facts"
    return facts, False


async def refuse(_db: AsyncSession, _facts: SendFacts | None) -> tuple[SendFacts, bool]:
    raise DomainError("You are muted in this room.", code="muted")


def pending(room: Room, body: str, recheck: Any = accept) -> PendingWrite:
    values = {
        "group_id": room.group_id,
        "session_id": room.session_id,
        "author_id": room.author_id,
        "author_role": "member",
        "client_id": f"flush-{next(client_ids)}",
        "body": body,
        "created_at": NOW,
        "content_note": None,
        "held_reason": None,
    }
    return PendingWrite(values, recheck=recheck, clock=lambda: NOW)


async def last_id(room: Room) -> int:
    async with room.sessions() as db, db.begin():
        return int((await db.execute(select(Group.last_message_id).where(Group.id == room.group_id))).scalar_one())


async def write(batcher: SendBatcher, room: Room, item: PendingWrite) -> Any:
    async with room.sessions() as db:
        try:
            return await batcher.write(db, item)
        except DomainError as refused:
            return refused


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_a_lone_flush_is_two_trips_to_sqlites_thread(room: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    before = await last_id(room)
    batcher = SendBatcher()
    hops = count_hops(monkeypatch)
    written = await write(batcher, room, pending(room, "hello"))
    assert hops.calls == 2  # BEGIN IMMEDIATE with the facts and last ids; the ids' UPDATE, INSERT and COMMIT
    assert written.message.id == before + 1
    assert await last_id(room) == before + 1
    async with room.sessions() as db, db.begin():
        stored = (await db.execute(select(Message.id, Message.body).where(Message.group_id == room.group_id))).all()
    assert (before + 1, "hello") in stored


async def test_a_refused_write_in_a_flush_takes_no_id(room: Room) -> None:
    """Four writes asked for at once go in one flush (the flush task starts after all four have queued), the
    third refused by its re-check."""
    before = await last_id(room)
    batcher = SendBatcher()
    items = [pending(room, "one"), pending(room, "two"), pending(room, "refused", refuse), pending(room, "three")]
    outcomes = await asyncio.gather(*(write(batcher, room, item) for item in items))
    assert isinstance(outcomes[2], DomainError)
    assert [outcome.message.id for outcome in (outcomes[0], outcomes[1], outcomes[3])] == [
        before + 1,
        before + 2,
        before + 3,
    ]
    assert (batcher.flushes, batcher.largest) == (1, 3), "one flush stored the three it kept"
    assert await last_id(room) == before + 3
    async with room.sessions() as db, db.begin():
        bodies = (
            await db.execute(select(Message.body).where(Message.group_id == room.group_id).order_by(Message.id))
        ).scalars()
        assert [body for body in bodies if body in ("one", "two", "three", "refused")] == ["one", "two", "three"]
