"""Senders with no facts remembered (a session's first messages, or everyone in a room after its facts changed)
read them together: one read transaction and one statement for all who ask at the same moment (rooms/chat.py,
`_facts_to_check` with the process's ReadBatch). Before, each read in a transaction of its own, and a sudden
crowd of first messages queued for the pool's connections while their writes waited behind them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from rooms import chat, sessions
from rooms.context import RoomsContext
from rooms.errors import DomainError
from rooms.hooks import Actor
from rooms.models import Message, User
from rooms.read_batch import ReadBatch
from server.db import create_sessionmaker
from tests.conftest import Database, make_seeded_engine
from tests.helpers_presence import HeardPublisher
from tests.helpers_statements import statements_run

GROUP = 1  # the demo's first group: Sam facilitates it, River and Willow are members


@dataclass
class World:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    ctx: RoomsContext
    actors: dict[str, Actor]
    reads: ReadBatch


@pytest.fixture
async def world(database: Database) -> AsyncIterator[World]:
    engine, makers = await make_seeded_engine(database)
    try:
        ctx = RoomsContext(publisher=HeardPublisher(), server_id="test-server")
        async with makers() as db, db.begin():
            people = (
                await db.execute(select(User).where(User.pseudonym.in_(["Sam", "River", "Willow", "Ash"])))
            ).scalars()
            actors = {user.pseudonym: Actor(user.id, user.pseudonym) for user in people}
        async with makers() as db:
            await sessions.do_open_session(db, ctx, actors["Sam"], GROUP, {})
        reads = ReadBatch(create_sessionmaker(engine, read_only=True))
        yield World(engine, makers, ctx, actors, reads)
        await reads.close()
    finally:
        await engine.dispose()


async def send(world: World, name: str, n: int) -> dict[str, Any]:
    async with world.sessions() as db:
        request = chat.SendRequest(GROUP, f"{name}-{n}", f"line {n}")
        return await chat.do_send_message(db, world.ctx, world.actors[name], request, world.reads)


async def test_first_messages_at_one_moment_read_their_facts_in_one_transaction(world: World) -> None:
    names = ("River", "Willow", "Sam")
    with statements_run(world.engine) as statements:
        first = await asyncio.gather(*(send(world, name, n) for n in range(2) for name in names))
    assert world.reads.transactions == 1, "one read transaction for every sender's facts"
    assert world.reads.reads == 6, "each message asked (two per sender, none remembered yet)"
    facts_reads = [s for s in statements if "agreement_version" in s and s.lstrip().upper().startswith("SELECT")]
    # The shared read, then each flush's own re-read under the write lock (at most one flush per message).
    assert 2 <= len(facts_reads) <= 1 + len(first), facts_reads
    assert sorted(m["id"] for m in first) == list(range(1, 7)), "gap-free ids, each message stored once"

    # Remembered now: the next messages read nothing before their checks.
    second = await asyncio.gather(*(send(world, name, 2) for name in names))
    assert world.reads.reads == 6 and world.reads.transactions == 1
    assert sorted(m["id"] for m in second) == [7, 8, 9]
    async with world.sessions() as db, db.begin():
        stored = (await db.execute(select(Message.id).where(Message.group_id == GROUP))).scalars().all()
    assert sorted(stored) == list(range(1, 10))


async def test_a_sender_who_may_not_post_is_refused_through_the_shared_read(world: World) -> None:
    """Ash leads safeguarding and is no member of the group: refused as before, and the member who asked at the
    same moment is not held up by it."""
    outcomes: list[Any] = await asyncio.gather(send(world, "Ash", 0), send(world, "River", 0), return_exceptions=True)
    refused, posted = outcomes
    assert isinstance(refused, DomainError), refused
    assert refused.code == "not_member", refused.code
    assert isinstance(posted, dict) and posted["id"] == 1
    assert world.reads.transactions == 1 and world.reads.reads == 2
    assert world.ctx.send_facts.get(world.actors["Ash"].user_id, GROUP) is None, "a refused sender's facts are not kept"
