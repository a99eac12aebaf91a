"""Group commit on the send path (rooms/send_batch.py), over real Socket.IO clients on both databases.

Concurrent sends in several rooms are stored with per-room ids that are unique, increasing and gap-free, each ack
carrying the stored row's id, and every member hears every message once. Retries of a client_id, inside one
batch and across batches, answer with the one stored message. A sender muted while their message waits in the
queue is refused without leaving a gap. Batching is proven by holding the database's write lock while sends
queue up: they are then stored in one flush, not one transaction each.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import socketio
from sqlalchemy import select

from rooms import community, store
from rooms.clock import utc_now
from rooms.models import AgreementVersion, Group, Membership, Message, Sanction
from rooms.send_batch import SendBatcher
from server.demo import AGREEMENT
from tests.conftest import Api, Database, RunningServer, client_id, open_session, seeded_server
from tests.helpers_chat import Inbox, call, send, wait_until
from tests.helpers_statements import statements_run
from tests.services import free_port

PASSWORD = "batch-member-pass-1"
ROOMS = 3
MEMBERS = 4  # per room
PER_MEMBER = 6  # messages each member sends at once
UNLIMITED = {
    "messages_per_10s": 10_000,
    "messages_per_minute": 100_000,
    "socket_events_per_second": 100_000,
    "socket_event_burst": 100_000,
}


@dataclass
class Member:
    pseudonym: str
    group_id: int
    user_id: int
    io: socketio.AsyncClient | None = None
    inbox: Inbox | None = None


@dataclass
class Rooms:
    server: RunningServer
    sam: Api
    sam_io: socketio.AsyncClient
    sam_inbox: Inbox
    groups: list[int]
    members: list[Member] = field(default_factory=list)
    apis: list[Api] = field(default_factory=list)

    @property
    def batcher(self) -> SendBatcher:
        return self.server.state.rooms.send_batch

    def of(self, group_id: int) -> list[Member]:
        return [m for m in self.members if m.group_id == group_id]


@contextlib.asynccontextmanager
async def busy_rooms(database: Database) -> AsyncIterator[Rooms]:
    """ROOMS groups in session, each with Sam (facilitator) and MEMBERS members in the room, message limits off."""
    async with seeded_server(database.settings(port=free_port(), **UNLIMITED)) as server:
        state = server.state
        now = utc_now()
        password_hash = await state.passwords.hash(PASSWORD)
        members: list[tuple[str, int, int]] = []
        async with state.sessions() as db, db.begin():
            hub_id = (await db.execute(select(Group.hub_id).where(Group.id == 1))).scalar_one()
            groups = [1, 2]
            while len(groups) < ROOMS:
                group = Group(
                    hub_id=hub_id,
                    name=f"Batch room {len(groups) + 1}",
                    description="",
                    agreement=AGREEMENT,
                    agreement_version=1,
                    last_message_id=0,
                    created_at=now,
                )
                db.add(group)
                await db.flush()
                db.add(AgreementVersion(group_id=group.id, version=1, text=AGREEMENT, created_at=now))
                groups.append(group.id)
            for group_id in groups:
                for n in range(MEMBERS):
                    pseudonym = f"batch-{group_id}-{n}"
                    user = await community.create_user(
                        db, pseudonym=pseudonym, email=None, password_hash=password_hash, now=now
                    )
                    db.add(
                        Membership(
                            group_id=group_id, user_id=user.id, agreement_version=1, joined_at=now, accepted_at=now
                        )
                    )
                    members.append((pseudonym, group_id, user.id))
        sam = Api(server.url)
        await sam.login("Sam")
        for group_id in groups:
            await open_session(sam, group_id)
        sam_io = await sam.socket()
        sam_inbox = Inbox(sam_io)
        for group_id in groups:
            assert (await call(sam_io, "room:join", {"group_id": group_id}))["ok"]
        rooms = Rooms(server, sam, sam_io, sam_inbox, groups, apis=[sam])
        try:
            for pseudonym, group_id, user_id in members:
                api = Api(server.url)
                rooms.apis.append(api)
                await api.login(pseudonym, PASSWORD)
                member = Member(pseudonym, group_id, user_id, await api.socket())
                assert member.io is not None
                member.inbox = Inbox(member.io)
                assert (await call(member.io, "room:join", {"group_id": group_id}))["ok"]
                rooms.members.append(member)
            yield rooms
        finally:
            for api in rooms.apis:
                await api.close()


async def stored(rooms: Rooms, group_id: int) -> tuple[list[Message], int]:
    """The room's messages in id order, and its last id as the group row holds it."""
    async with rooms.server.state.sessions() as db, db.begin():
        messages = list(
            (await db.execute(select(Message).where(Message.group_id == group_id).order_by(Message.id))).scalars()
        )
        last = (await db.execute(select(Group.last_message_id).where(Group.id == group_id))).scalar_one()
    return messages, int(last)


async def assert_gap_free(rooms: Rooms, group_id: int) -> list[Message]:
    messages, last = await stored(rooms, group_id)
    assert [m.id for m in messages] == list(range(1, len(messages) + 1)), "ids unique, increasing, gap-free"
    assert last == len(messages), "the room's last id is its last message's"
    return messages


async def all_heard(rooms: Rooms, group_id: int) -> None:
    """Sam posts a sentinel in the room; once every member has it, everything published before it has arrived."""
    cid = f"sentinel-{client_id()}"
    assert (await send(rooms.sam_io, "sentinel", group_id, cid))["ok"]
    for member in rooms.of(group_id):
        assert member.inbox is not None
        await member.inbox.wait_for("message:new", lambda data: data["message"]["client_id"] == cid, timeout=15)


@contextlib.asynccontextmanager
async def write_lock_held(rooms: Rooms) -> AsyncIterator[Any]:
    """Hold what a flush must take first (SQLite: the write lock, by BEGIN IMMEDIATE; PostgreSQL: the group
    rows), so sends queue behind it; the open session is yielded to write in the same transaction."""
    async with rooms.server.state.sessions() as db, db.begin():
        await db.execute(select(Group.id).where(Group.id.in_(rooms.groups)).with_for_update())
        yield db


async def send_behind_lock(
    client: socketio.AsyncClient, body: str, group_id: int, cid: str | None = None
) -> dict[str, Any]:
    """A send made while the test holds the write lock: its ack waits for the lock's release, which can take
    longer than an ordinary send's 10 s on a loaded machine (the queueing waits allow up to 20 s each)."""
    return await send(client, body, group_id, cid, timeout=90)


async def scraped(rooms: Rooms, name: str) -> float:
    """A figure of /metrics, as Prometheus would read it."""
    status, text = await rooms.sam.call("GET", "/metrics")
    assert status == 200, text
    lines = [line for line in str(text).splitlines() if line.startswith(name + " ")]
    return float(lines[0].split()[1]) if lines else 0.0


def id_bumps_seen(rooms: Rooms) -> contextlib.AbstractContextManager[list[str]]:
    """The statements that take message ids (UPDATE groups SET last_message_id ...) the server runs meanwhile."""
    return statements_run(
        rooms.server.state.engine, lambda statement: statement.startswith("UPDATE groups SET last_message_id")
    )


async def queued(rooms: Rooms, count: int, tasks: list[asyncio.Task[dict[str, Any]]]) -> None:
    """Until `count` sends are held: in the flush that waits for the lock, or waiting for the next one (sends
    that arrive together may both be in the first flush). None of `tasks` may be answered before: the lock
    is held."""

    def held() -> bool:
        return rooms.batcher.waiting + rooms.batcher.in_flight >= count or any(task.done() for task in tasks)

    await wait_until(held, timeout=20, what="sends queued")
    answered = [task.result() for task in tasks if task.done()]
    assert not answered, f"answered while the lock was held: {answered}"


async def test_concurrent_sends_in_several_rooms_are_gap_free_and_heard_once(database: Database) -> None:
    async with busy_rooms(database) as rooms:
        flushes_before, stored_before = rooms.batcher.flushes, rooms.batcher.stored

        async def burst(member: Member) -> list[tuple[str, dict[str, Any]]]:
            assert member.io is not None
            io = member.io
            cids = [f"{member.pseudonym}-{n}" for n in range(PER_MEMBER)]
            acks = await asyncio.gather(*(send(io, f"{cid} says hello", member.group_id, cid) for cid in cids))
            return list(zip(cids, acks, strict=True))

        results = await asyncio.gather(*(burst(m) for m in rooms.members))
        acks = {cid: ack for result in results for cid, ack in result}
        assert all(ack["ok"] for ack in acks.values()), [a for a in acks.values() if not a["ok"]][:3]
        total = ROOMS * MEMBERS * PER_MEMBER
        assert len(acks) == total

        for group_id in rooms.groups:
            messages = await assert_gap_free(rooms, group_id)
            assert len(messages) == MEMBERS * PER_MEMBER
            for message in messages:
                ack = acks[str(message.client_id)]["message"]
                assert ack["id"] == message.id and ack["body"] == message.body, "each ack names its stored row"
            await all_heard(rooms, group_id)
            ids = [m.id for m in messages]
            for member in rooms.of(group_id):
                assert member.inbox is not None
                heard = [
                    data["message"]["id"]
                    for data in member.inbox.of("message:new")
                    if data["message"]["group_id"] == group_id and data["message"]["id"] in ids
                ]
                assert sorted(heard) == ids, "every member heard every message of the room, once"
        assert rooms.batcher.stored - stored_before == total + ROOMS  # the sentinels too
        assert rooms.batcher.flushes - flushes_before < total + ROOMS, "some sends shared a transaction"


async def test_sends_queued_behind_a_flush_are_stored_in_one(database: Database) -> None:
    """Would fail without batching: eight sends that wait while the database is busy are one transaction."""
    async with busy_rooms(database) as rooms:
        batches_before = await scraped(rooms, "alongside_send_batches_total")
        flushes_before = rooms.batcher.flushes
        senders = [m for m in rooms.members][:8]
        with id_bumps_seen(rooms) as id_bumps:
            async with write_lock_held(rooms):
                tasks = [asyncio.create_task(send_behind_lock(m.io, "queued", m.group_id)) for m in senders if m.io]
                await queued(rooms, len(senders), tasks)  # the first leads a flush that waits for the lock
                first_flush = rooms.batcher.in_flight
            acks = await asyncio.gather(*tasks)
        assert all(ack["ok"] for ack in acks), acks
        # The senders' facts are read together (rooms/chat.py), so they often reach the batcher at one moment and
        # all lead one flush; otherwise the first leads a flush and the rest go together in the next.
        flushes = rooms.batcher.flushes - flushes_before
        assert flushes in (1, 2), "the leader's flush, then all the others in one"
        assert len({m.group_id for m in senders}) > 1, "the sends span rooms"
        assert len(id_bumps) == flushes, "one statement took the ids of every room in a flush"
        assert rooms.batcher.largest == max(first_flush, len(senders) - first_flush) >= len(senders) // 2
        assert await scraped(rooms, "alongside_send_batches_total") - batches_before == flushes, "/metrics agrees"
        messages = await scraped(rooms, "alongside_send_batch_messages_total")
        assert messages / await scraped(rooms, "alongside_send_batches_total") > 1, "the mean batch size"
        for group_id in rooms.groups:
            await assert_gap_free(rooms, group_id)


async def test_retries_inside_and_across_batches_store_one_message(database: Database) -> None:
    async with busy_rooms(database) as rooms:
        first, second = rooms.of(rooms.groups[0])[:2]
        assert first.io is not None and second.io is not None
        repeated, other = f"retry-{client_id()}", f"other-{client_id()}"
        async with write_lock_held(rooms):
            tasks = [asyncio.create_task(send_behind_lock(second.io, "leads the first flush", first.group_id))]
            await wait_until(lambda: rooms.batcher.busy, timeout=20, what="a flush waiting for the lock")
            tasks += [
                asyncio.create_task(send_behind_lock(first.io, "said once", first.group_id, repeated)),
                asyncio.create_task(send_behind_lock(first.io, "said once", first.group_id, repeated)),
                asyncio.create_task(send_behind_lock(second.io, "after it", first.group_id, other)),
                asyncio.create_task(send_behind_lock(first.io, "said once", first.group_id, repeated)),
            ]
            await queued(rooms, 5, tasks)
        acks = await asyncio.gather(*tasks)
        assert all(ack["ok"] for ack in acks), acks
        copies = {ack["message"]["id"] for ack in (acks[1], acks[2], acks[4])}
        assert len(copies) == 1, "every copy in the batch answered with the one stored message"
        across = await send(first.io, "said once", first.group_id, repeated)  # a later batch
        assert across["ok"] and across["message"]["id"] in copies
        # Across batches while others are stored beside it: retried in a flush with a new message.
        async with write_lock_held(rooms):
            tasks = [asyncio.create_task(send_behind_lock(second.io, "leads again", first.group_id))]
            await wait_until(lambda: rooms.batcher.busy, timeout=20, what="a flush waiting for the lock")
            tasks += [
                asyncio.create_task(send_behind_lock(first.io, "said once", first.group_id, repeated)),
                asyncio.create_task(send_behind_lock(second.io, "new beside the retry", first.group_id)),
            ]
            await queued(rooms, 3, tasks)
        later = await asyncio.gather(*tasks)
        assert all(ack["ok"] for ack in later), later
        assert later[1]["message"]["id"] in copies
        assert rooms.batcher.repeat_flushes == 1, "the retry's stored copy sent its flush round again, once"
        messages = await assert_gap_free(rooms, first.group_id)
        assert [m.client_id for m in messages].count(repeated) == 1, "one row stored"
        assert len(messages) == 5
        await all_heard(rooms, first.group_id)
        assert first.inbox is not None
        told = [d for d in first.inbox.of("message:new") if d["message"]["client_id"] == repeated]
        assert len(told) == 1, "published once"


async def test_a_sender_muted_while_queued_is_refused_and_leaves_no_gap(database: Database) -> None:
    async with busy_rooms(database) as rooms:
        group_id = rooms.groups[1]
        muted, *others = rooms.of(group_id)
        assert muted.io is not None
        async with write_lock_held(rooms) as db:
            tasks = [asyncio.create_task(send_behind_lock(m.io, "still here", group_id)) for m in others if m.io]
            await wait_until(lambda: rooms.batcher.busy, timeout=20, what="a flush waiting for the lock")
            await queued(rooms, len(others), tasks)
            mine = asyncio.create_task(send_behind_lock(muted.io, "checked before the mute", group_id))
            await queued(rooms, len(others) + 1, [*tasks, mine])
            sam = await store.get_user_by_pseudonym(db, "Sam")
            assert sam is not None
            db.add(
                Sanction(
                    group_id=group_id,
                    user_id=muted.user_id,
                    kind="mute",
                    reason="muted while the message waited",
                    created_by=sam.id,
                    created_at=utc_now(),
                    expires_at=utc_now() + dt.timedelta(minutes=5),
                )
            )
        refused = await mine
        assert not refused["ok"] and refused["error"]["code"] == "muted", refused
        acks = await asyncio.gather(*tasks)
        assert all(ack["ok"] for ack in acks), acks
        messages = await assert_gap_free(rooms, group_id)
        assert [m.author_id for m in messages].count(muted.user_id) == 0, "nothing stored for the muted sender"
        assert sorted(ack["message"]["id"] for ack in acks) == [m.id for m in messages]
        await all_heard(rooms, group_id)


async def test_first_messages_sent_at_once_read_their_facts_in_one_transaction(database: Database) -> None:
    """Would fail without rooms/chat.py's shared read: every member's first message (nothing remembered of their
    facts yet), sent while the process's shared reads are busy, is checked against facts read in one transaction
    beside the others', not in a transaction each."""
    async with busy_rooms(database) as rooms:
        reads = rooms.server.state.entry_reads
        release = asyncio.Event()

        async def busy(_db: Any) -> None:
            await release.wait()

        asked_before = reads.reads
        blocker = asyncio.create_task(reads.run(busy))
        await wait_until(lambda: reads.reads == asked_before + 1, what="the shared reads busy")  # its read began
        transactions, asked = reads.transactions, reads.reads
        tasks = [asyncio.create_task(send(m.io, "first words", m.group_id)) for m in rooms.members if m.io is not None]
        await wait_until(lambda: reads.waiting >= len(rooms.members), timeout=20, what="every first send asking")
        release.set()
        acks = await asyncio.gather(*tasks)
        await blocker
        assert all(ack["ok"] for ack in acks), acks
        assert reads.reads - asked == len(rooms.members), "each first message asked for its sender's facts"
        assert reads.transactions - transactions == 1, "and one read transaction answered them all"
        for group_id in rooms.groups:
            await assert_gap_free(rooms, group_id)
