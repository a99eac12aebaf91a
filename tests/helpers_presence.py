"""Many light Socket.IO connections at once, and counting the statements a server sends to its database.

The official client costs a task, a reader and an event loop's worth of bookkeeping per connection; these speak
Engine.IO/Socket.IO over a websocket directly (as bench/load_client.py does), so a test can hold hundreds.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from rooms.events import RoomEvent
from rooms.models import AgreementVersion, Group, Membership, User
from server.demo import AGREEMENT
from tests.conftest import Database, make_seeded_engine

VERB = re.compile(r"^\s*(\w+)(?:\s+(?:INTO|FROM))?\s+\"?(\w+)", re.IGNORECASE)
FROM = re.compile(r"\b(?:FROM|JOIN)\s+\"?(\w+)", re.IGNORECASE)


class Statements:
    """Statements sent to the database while counting, as (verb, table) pairs: ("DELETE", "presence")."""

    def __init__(self) -> None:
        self.seen: Counter[tuple[str, str]] = Counter()
        self.reading: Counter[str] = Counter()  # statements by each table they read FROM (subqueries too)
        self.total = 0

    def of(self, verb: str, table: str) -> int:
        return self.seen[(verb.upper(), table)]

    def reading_from(self, table: str) -> int:
        """Statements that read `table` anywhere in them (a union or subquery too)."""
        return self.reading[table]


@contextlib.contextmanager
def counting(engine: AsyncEngine, this_task_only: bool = False) -> Iterator[Statements]:
    """Count statements on this engine; `this_task_only`: only those the calling task sends (not the server's
    own handlers and background loops, which run in tasks of their own)."""
    counted = Statements()
    task = asyncio.current_task() if this_task_only else None

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if task is not None and asyncio.current_task() is not task:
            return
        counted.total += 1
        match = VERB.match(statement)
        if match:
            verb, table = match.group(1).upper(), match.group(2).lower()
            counted.seen[(verb, "" if verb in ("BEGIN", "COMMIT", "ROLLBACK") else table)] += 1
        for table in set(FROM.findall(statement)):
            counted.reading[table.lower()] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield counted
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


async def _frame(ws: aiohttp.ClientWebSocketResponse) -> str:
    while True:
        frame = await ws.receive_str(timeout=60)
        if frame != "2":
            return frame
        await ws.send_str("3")


async def joined(http: aiohttp.ClientSession, base: str, cookie: str, group_id: int) -> aiohttp.ClientWebSocketResponse:
    """A connection that has entered the room (its room:join acknowledged as ok)."""
    ws = await http.ws_connect(
        f"{base}/socket.io/?EIO=4&transport=websocket", headers={"Origin": base, "Cookie": cookie}
    )
    assert (await _frame(ws)).startswith("0{")
    await ws.send_str("40/chat,{}")
    opened = await _frame(ws)
    assert opened.startswith("40/chat,"), opened
    await ws.send_str(f'42/chat,1["room:join",{{"group_id":{group_id}}}]')
    while not (ack := await _frame(ws)).startswith("43/chat,1["):
        pass
    assert '"ok":true' in ack.replace(" ", ""), ack[:200]
    return ws


@contextlib.asynccontextmanager
async def crowd(base: str, cookie: str, groups: list[int], concurrency: int = 100) -> AsyncIterator[list[Any]]:
    """len(groups) connections joined at once (one per entry, to that group); closed at the end if still open."""
    slots = asyncio.Semaphore(concurrency)

    async def one(http: aiohttp.ClientSession, group_id: int) -> aiohttp.ClientWebSocketResponse:
        async with slots:
            return await joined(http, base, cookie, group_id)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        sockets = list(await asyncio.gather(*(one(http, g) for g in groups)))
        try:
            yield sockets
        finally:
            await asyncio.gather(*(ws.close() for ws in sockets if not ws.closed), return_exceptions=True)


async def more_groups(engine: AsyncEngine, user_id: int, count: int) -> list[int]:
    """`count` more groups of the demo hub with this person as a member (agreement accepted)."""
    from server.db import create_sessionmaker

    now = dt.datetime.now(dt.UTC)
    async with create_sessionmaker(engine)() as db, db.begin():
        groups = [
            Group(
                hub_id=1,
                name=f"Extra group {n}",
                description="A group for a test.",
                agreement=AGREEMENT,
                agreement_version=1,
                last_message_id=0,
                created_at=now,
            )
            for n in range(count)
        ]
        db.add_all(groups)
        await db.flush()
        for group in groups:
            db.add(AgreementVersion(group_id=group.id, version=1, text=AGREEMENT, created_at=now))
            db.add(Membership(group_id=group.id, user_id=user_id, agreement_version=1, joined_at=now, accepted_at=now))
        return [group.id for group in groups]


class HeardPublisher:
    """A publisher that keeps what the rooms were told."""

    def __init__(self) -> None:
        self.events: list[RoomEvent] = []

    async def publish(self, event: RoomEvent) -> None:
        self.events.append(event)

    async def evict(self, sid: str, group_id: int) -> None: ...

    async def recheck_room(self, group_id: int) -> None: ...

    async def sign_out(self, web_sessions: list[str]) -> None: ...


@contextlib.asynccontextmanager
async def seeded_with_river(
    database: Database,
) -> AsyncIterator[tuple[async_sessionmaker[AsyncSession], int]]:
    """The demo data on its own engine (no server), and River's user id, for tests of presence writes."""
    engine, sessions = await make_seeded_engine(database)
    try:
        async with sessions() as db, db.begin():
            river = (await db.execute(select(User.id).where(User.pseudonym == "River"))).scalar_one()
        yield sessions, river
    finally:
        await engine.dispose()
