"""Presence at scale (issue 9): a crowd joining or leaving at once costs a few statements and transactions, not
one each; a mass departure leaves no presence rows and needs no more than a small pool; housekeeping costs the
same statements however many connections a process holds."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from typing import Any

import pytest
from sqlalchemy import func, select

from rooms import store
from rooms.context import RoomsContext
from rooms.models import Presence, User
from rooms.presence import tell_room
from rooms.presence_writes import Arrival, PresenceWrites
from rooms.read_batch import ReadBatch
from server import app as app_module
from server.app import NAMESPACE, housekeeping
from server.db import create_engine, create_sessionmaker
from tests.conftest import Api, Database, RunningServer, make_seeded_engine, open_session, seeded_server
from tests.helpers_chat import call, send
from tests.helpers_presence import HeardPublisher, counting, crowd, more_groups, seeded_with_river
from tests.helpers_sqlite import count_hops
from tests.services import free_port

CROWD = 200


def settings_for(database: Database) -> Any:
    return database.settings(
        port=free_port(),
        socket_connections_per_person=CROWD + 50,
        socket_handshakes_per_minute=10 * CROWD,
    )


def small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three connections and no overflow: a process must not need one per departing connection."""
    monkeypatch.setattr(
        app_module, "create_engine", functools.partial(create_engine, pool_size=3, max_overflow=0, pool_timeout=20)
    )


async def presence_rows(server: RunningServer) -> int:
    async with server.state.readers() as db, db.begin():
        return int((await db.execute(select(func.count()).select_from(Presence))).scalar_one())


async def until_rows(server: RunningServer, expected: int, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while (rows := await presence_rows(server)) != expected or (expected == 0 and server.app[NAMESPACE].local_sids()):
        assert asyncio.get_running_loop().time() < deadline, f"{rows} presence rows, expected {expected}"
        await asyncio.sleep(0.05)


async def test_a_crowd_enters_and_leaves_at_once_in_a_few_statements_and_leaves_no_rows(
    database: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    small_pool(monkeypatch)
    caplog.set_level(logging.WARNING)
    async with seeded_server(settings_for(database)) as server:
        api = Api(server.url)
        try:
            await api.login("River")
            engine = server.state.engine
            reads = server.state.entry_reads
            with counting(engine) as entering:
                async with crowd(server.url, api.cookie_header(), [1] * CROWD) as sockets:
                    await until_rows(server, CROWD)
                    with counting(engine) as leaving:
                        await asyncio.gather(*(ws.close() for ws in sockets))
                        await until_rows(server, 0)
        finally:
            await api.close()
    # Joins of the same moment share their presence writes (and leaves their deletes).
    assert 0 < entering.of("INSERT", "presence") <= CROWD // 4, entering.seen
    assert 0 < leaving.of("DELETE", "presence") <= CROWD // 4, leaving.seen
    # Their reads (the sign-in lookup, the room's access check and the member's sanctions before subscribing,
    # the snapshot, the viewer's own lists and the re-check: six each, and the room's presence told to it)
    # share transactions too.
    assert 6 * CROWD < reads.reads <= 7 * CROWD
    assert 0 < reads.transactions <= CROWD // 4, f"{reads.transactions} read transactions for {CROWD} joins"
    # Reads of one kind in a shared transaction are one statement: the sign-in lookups, the access checks and the
    # sanctions (before subscribing, and the re-checks after the presence rows), the viewers' blocks and muted
    # words.
    assert 0 < entering.of("SELECT", "groups") <= CROWD // 4, entering.seen
    assert 0 < entering.of("SELECT", "web_sessions") <= CROWD // 4, entering.seen
    assert 0 < entering.of("SELECT", "sanctions") <= CROWD // 4, entering.seen
    assert 0 < entering.reading_from("muted_words") <= CROWD // 4, entering.reading
    problems = [
        r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("alongside")
    ]
    assert problems == []


async def test_a_crowd_entering_a_live_room_reads_its_page_once_per_transaction(database: Database) -> None:
    """The running session's last page is the same for every member entering (bar held messages): read once for
    the joins that share a read transaction (rooms/chat._room_page), not once each; what is read for each viewer
    alone (their attendance, their own private word) is read per kind for them all (rooms/chat.snapshot_together)."""
    async with seeded_server(settings_for(database)) as server:
        sam, river = Api(server.url), Api(server.url)
        try:
            await sam.login("Sam")
            await open_session(sam)
            sam_io = await sam.socket()
            assert (await call(sam_io, "room:join", {"group_id": 1}))["ok"]
            for n in range(5):
                assert (await send(sam_io, f"welcome {n}"))["ok"]
            await river.login("River")
            reads = server.state.entry_reads
            transactions_before = reads.transactions
            with counting(server.state.engine) as entering:
                async with crowd(server.url, river.cookie_header(), [1] * (CROWD // 2)):
                    await until_rows(server, CROWD // 2 + 1)
            transactions = reads.transactions - transactions_before
            await sam_io.disconnect()
        finally:
            await sam.close()
            await river.close()
    pages = entering.of("SELECT", "messages")
    assert 0 < pages <= transactions < CROWD // 4, (pages, transactions, entering.seen)
    # Each member's attendance, and own private word and thread: one statement each for the joins of a transaction.
    assert 0 < entering.reading_from("attendance") <= transactions, entering.reading
    assert 0 < entering.of("SELECT", "private_words") <= transactions, entering.seen
    assert 0 < entering.reading_from("side_messages") <= transactions, entering.reading


async def test_housekeeping_costs_the_same_statements_for_5_or_100_connections(database: Database) -> None:
    async with seeded_server(settings_for(database)) as server:
        api = Api(server.url)
        try:
            river = await api.login("River")
            groups = [1, 2, *await more_groups(server.state.engine, int(river["id"]), 18)]
            namespace = server.app[NAMESPACE]
            await housekeeping(server.state, namespace)  # once idle first: work that runs once a day is done

            async def statements_with(connections: int) -> int:
                rooms = [groups[k % len(groups)] for k in range(connections)]
                async with crowd(server.url, api.cookie_header(), rooms):
                    await until_rows(server, connections)
                    with counting(server.state.engine, this_task_only=True) as counted:
                        await housekeeping(server.state, namespace)
                await until_rows(server, 0)
                return counted.total

            few, many = await statements_with(5), await statements_with(100)
        finally:
            await api.close()
    assert few > 0
    assert many == few, f"5 connections in 5 rooms: {few} statements; 100 in 20 rooms: {many}"


async def test_presence_writes_share_transactions_and_a_caller_giving_up_stalls_nobody(database: Database) -> None:
    async with seeded_with_river(database) as (sessions, river):
        writes = PresenceWrites()
        now = dt.datetime.now(dt.UTC)

        async def arrive(sid: str) -> None:
            async with sessions() as db:
                await writes.arrive(db, Arrival(sid, 1, river, "member", "web", "here", now))

        async def depart(sid: str) -> list[tuple[int, str]]:
            async with sessions() as db:
                return await writes.depart(db, sid)

        await asyncio.gather(*(arrive(f"s{n}") for n in range(50)))
        assert writes.batches <= 3, "fifty arrivals at once share their transactions"
        # Callers that give up (the first, which leads, and one waiting) must not leave the others waiting.
        tasks = [asyncio.create_task(depart(f"s{n}")) for n in range(50)]
        await asyncio.sleep(0)
        tasks[0].cancel()
        tasks[10].cancel()
        outcomes = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
        done = [o for o in outcomes if isinstance(o, list)]
        assert all(o in ([], [(1, "member")]) for o in done)
        # Whatever a batch cut short left behind, a later departure takes (as the housekeeping sweep does).
        await asyncio.wait_for(asyncio.gather(*(depart(f"s{n}") for n in range(50))), 30)
        async with sessions() as db, db.begin():
            assert (await db.execute(select(func.count()).select_from(Presence))).scalar_one() == 0


async def test_rooms_told_together_read_who_is_present_in_one_statement_as_each_alone(database: Database) -> None:
    engine, sessions = await make_seeded_engine(database)
    try:
        now = dt.datetime.now(dt.UTC)
        async with sessions() as db, db.begin():
            users = {name: uid for name, uid in (await db.execute(select(User.pseudonym, User.id))).all()}
            rows = [
                ("a", 1, "River", "member", now),
                ("b", 1, "Sam", "facilitator", now),
                ("c", 1, "River", "member", now - dt.timedelta(hours=1)),  # a stale second tab
                ("d", 2, "Willow", "member", now),
                ("e", 2, "Ash", "member", now - dt.timedelta(hours=1)),  # gone: its process died
            ]
            for sid, group_id, name, role, seen in rows:
                await store.add_presence(
                    db,
                    sid=sid,
                    group_id=group_id,
                    user_id=users[name],
                    role=role,
                    web_session="w",
                    server_id="s",
                    now=seen,
                )
        ctx = RoomsContext(publisher=HeardPublisher(), server_id="s")
        batch = ReadBatch(create_sessionmaker(engine, read_only=True))
        with counting(engine) as counted:
            async with sessions() as unused:  # each room's own session, unused when the batch reads
                together = await asyncio.gather(*(tell_room(unused, ctx, g, batch) for g in (1, 2, 3)))
        assert counted.of("SELECT", "presence") == 1
        async with sessions() as db:
            alone = [await tell_room(db, ctx, g) for g in (1, 2, 3)]
        assert together == alone
        assert [p["display_name"] for p in together[0]["present"]] == ["River", "Sam"]
        assert [p["display_name"] for p in together[1]["present"]] == ["Willow"]
        assert together[2]["present"] == []
        assert [event.payload for event in ctx.publisher.events] == together + alone  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_an_arrival_is_written_in_one_call_on_sqlites_thread(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BEGIN IMMEDIATE, the presence upsert and the attendance insert all go with the commit
    (rooms/statement_hints.RESULT_UNUSED, server/sqlite_one_hop.py): one trip to the driver's thread."""
    async with seeded_with_river(database) as (sessions, river):
        writes = PresenceWrites()
        now = dt.datetime.now(dt.UTC)
        hops = count_hops(monkeypatch)
        async with sessions() as db:
            arrival = Arrival("one", 1, river, role="member", web_session="web", server_id="here", now=now)
            await writes.arrive(db, arrival)
        assert hops.calls == 1
        async with sessions() as db, db.begin():
            rows = (await db.execute(select(Presence.sid, Presence.user_id))).all()
        assert rows == [("one", river)]
