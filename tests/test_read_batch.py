"""rooms/read_batch.py on both databases: reads asked together share a transaction, each keeps its own answer or
refusal, a read asked after a commit sees it (it never joins a transaction begun before it was asked), reads of
one kind are answered by one call, a failed statement fails only its own read (or its kind's), and a caller that
gave up is skipped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy.exc
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.errors import DomainError, NotFound
from rooms.models import User
from rooms.read_batch import ReadBatch, Together, once_per_transaction
from server.db import create_sessionmaker
from tests.conftest import Database, make_seeded_engine


@pytest.fixture
async def sessions(database: Database) -> AsyncIterator[Any]:
    engine, writers = await make_seeded_engine(database)
    async with writers() as db, db.begin():
        await db.execute(text("CREATE TABLE read_batch_probe (n INTEGER)"))
    try:
        yield writers, create_sessionmaker(engine, read_only=True)
    finally:
        await engine.dispose()


async def pseudonym_of(db: AsyncSession, name: str) -> str:
    return str((await db.execute(select(User.pseudonym).where(User.pseudonym == name))).scalar_one())


async def probes(db: AsyncSession) -> int:
    return int((await db.execute(select(func.count()).select_from(text("read_batch_probe")))).scalar_one())


async def test_reads_asked_together_share_one_transaction_and_keep_their_own_answers(sessions: Any) -> None:
    _, readers = sessions
    batch = ReadBatch(readers)
    names = ["River", "Willow", "Sam", "Ash"] * 5

    async def read(name: str) -> str:
        return await batch.run(lambda db: pseudonym_of(db, name))

    assert await asyncio.gather(*(read(name) for name in names)) == names
    assert (batch.transactions, batch.reads) == (1, 20)


async def test_a_read_asked_after_a_commit_sees_it_though_a_transaction_was_running(sessions: Any) -> None:
    writers, readers = sessions
    batch = ReadBatch(readers)
    reading, release = asyncio.Event(), asyncio.Event()

    async def held(db: AsyncSession) -> int:
        seen = await probes(db)  # on SQLite the transaction's view is fixed from here
        reading.set()
        await release.wait()
        return seen

    first = asyncio.create_task(batch.run(held))
    await reading.wait()
    async with writers() as db, db.begin():
        await db.execute(text("INSERT INTO read_batch_probe (n) VALUES (1)"))
    later = asyncio.create_task(batch.run(probes))
    await asyncio.sleep(0)  # `later` is waiting now, while `first`'s transaction runs
    release.set()
    assert await first == 0
    assert await later == 1, "a read asked after the commit ran in a transaction begun before it"
    assert batch.transactions == 2


async def test_a_refusal_or_a_failed_statement_is_its_own_readers_alone(sessions: Any) -> None:
    _, readers = sessions
    batch = ReadBatch(readers)

    async def refused(db: AsyncSession) -> str:
        await pseudonym_of(db, "River")
        raise NotFound("There is no such group.")

    async def broken(db: AsyncSession) -> Any:
        return (await db.execute(text("SELECT * FROM no_such_table"))).all()

    outcomes = await asyncio.gather(
        batch.run(lambda db: pseudonym_of(db, "River")),
        batch.run(refused),
        batch.run(broken),
        batch.run(lambda db: pseudonym_of(db, "Willow")),
        return_exceptions=True,
    )
    assert outcomes[0] == "River" and outcomes[3] == "Willow"
    assert isinstance(outcomes[1], NotFound)
    assert isinstance(outcomes[2], sqlalchemy.exc.DBAPIError)
    # The read after the failed statement ran in a fresh transaction (on PostgreSQL the first was aborted).
    assert (batch.transactions, batch.reads) == (2, 4)


async def test_a_caller_that_gave_up_before_its_read_began_is_skipped(sessions: Any) -> None:
    _, readers = sessions
    batch = ReadBatch(readers)
    reading, release = asyncio.Event(), asyncio.Event()
    ran: list[str] = []

    async def held(db: AsyncSession) -> str:
        reading.set()
        await release.wait()
        return await pseudonym_of(db, "River")

    async def recorded(db: AsyncSession) -> str:
        ran.append("abandoned")
        return await pseudonym_of(db, "Willow")

    first = asyncio.create_task(batch.run(held))
    await reading.wait()
    abandoned = asyncio.create_task(batch.run(recorded))
    kept = asyncio.create_task(batch.run(lambda db: pseudonym_of(db, "Sam")))
    await asyncio.sleep(0)
    abandoned.cancel()
    release.set()
    assert (await first, await kept) == ("River", "Sam")
    assert abandoned.cancelled() and ran == []
    await batch.close()


async def test_reads_of_one_kind_in_a_transaction_are_answered_by_one_call(sessions: Any) -> None:
    _, readers = sessions
    batch = ReadBatch(readers)
    calls: list[list[str]] = []

    async def many(db: AsyncSession, names: list[str]) -> list[str | DomainError]:
        calls.append(names)
        rows = await db.execute(select(User.pseudonym).where(User.pseudonym.in_(names)))
        known = set(rows.scalars())
        return [name if name in known else NotFound(f"no {name}") for name in names]

    kind = Together(many)
    outcomes = await asyncio.gather(
        batch.run_together(kind, "River"),
        batch.run(lambda db: pseudonym_of(db, "Sam")),
        batch.run_together(kind, "Nobody"),
        batch.run_together(kind, "Willow"),
        return_exceptions=True,
    )
    assert outcomes[0] == "River" and outcomes[1] == "Sam" and outcomes[3] == "Willow"
    assert isinstance(outcomes[2], NotFound)
    assert calls == [["River", "Nobody", "Willow"]]
    assert (batch.transactions, batch.reads) == (1, 4)


async def test_a_failed_call_for_a_kind_fails_that_kinds_reads_alone(sessions: Any) -> None:
    _, readers = sessions
    batch = ReadBatch(readers)

    async def broken(db: AsyncSession, keys: list[int]) -> list[int]:
        await db.execute(text("SELECT * FROM no_such_table"))
        return keys

    kind = Together(broken)
    outcomes = await asyncio.gather(
        batch.run_together(kind, 1),
        batch.run_together(kind, 2),
        batch.run(lambda db: pseudonym_of(db, "Ash")),
        return_exceptions=True,
    )
    assert all(isinstance(outcome, sqlalchemy.exc.DBAPIError) for outcome in outcomes[:2])
    assert outcomes[2] == "Ash"
    assert batch.transactions == 2


async def test_once_closed_a_batch_refuses_reads(sessions: Any) -> None:
    _, readers = sessions
    batch = ReadBatch(readers)
    assert await batch.run(lambda db: pseudonym_of(db, "River")) == "River"
    await batch.close()
    with pytest.raises(DomainError) as refused:
        await batch.run(lambda db: pseudonym_of(db, "River"))
    assert refused.value.code == "server_stopping"
    assert batch.reads == 1


async def test_what_is_the_same_for_reads_sharing_a_transaction_is_read_once(sessions: Any) -> None:
    _, readers = sessions
    batch = ReadBatch(readers)
    asked: list[str] = []

    async def shared(db: AsyncSession) -> str:
        async def read() -> str:
            asked.append("read")
            return await pseudonym_of(db, "Sam")

        return await once_per_transaction(db, ("opener", 1), read)

    assert await asyncio.gather(*(batch.run(shared) for _ in range(5))) == ["Sam"] * 5
    assert (batch.transactions, asked) == (1, ["read"])
    assert await batch.run(shared) == "Sam"
    assert (batch.transactions, asked) == (2, ["read", "read"]), "a new transaction reads afresh"
    async with readers() as db:  # one session, two transactions: each reads once
        for _ in range(2):
            async with db.begin():
                assert [await shared(db), await shared(db)] == ["Sam", "Sam"]
    assert len(asked) == 4


async def test_a_kind_answering_the_wrong_number_of_keys_fails_its_reads_instead_of_hanging(sessions: Any) -> None:
    _, readers = sessions
    batch = ReadBatch(readers)

    async def short(db: AsyncSession, keys: list[int]) -> list[int]:
        return keys[:1]

    kind = Together(short)

    async def both() -> list[Any]:
        return list(
            await asyncio.gather(batch.run_together(kind, 1), batch.run_together(kind, 2), return_exceptions=True)
        )

    outcomes = await asyncio.wait_for(both(), 10)
    assert all(isinstance(outcome, ValueError) for outcome in outcomes), outcomes
    assert await batch.run(lambda db: pseudonym_of(db, "Sam")) == "Sam", "the batch goes on serving"


async def test_a_transaction_serves_at_most_its_bound_and_the_rest_wait_for_the_next(sessions: Any) -> None:
    _, readers = sessions
    batch = ReadBatch(readers, most=2)
    names = ["River", "Willow", "Sam", "Ash", "River"]

    async def read(name: str) -> str:
        return await batch.run(lambda db: pseudonym_of(db, name))

    assert await asyncio.gather(*(read(name) for name in names)) == names
    assert (batch.transactions, batch.reads) == (3, 5)
