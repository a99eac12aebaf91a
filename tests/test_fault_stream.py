"""Faults under a steady stream (issue 9, "Faults, proven by tests").

Two real Alongside processes share PostgreSQL and a real redis-server. Members on both send numbered messages,
each awaiting its ack, while Redis is stalled (SIGSTOP, SIGCONT), then killed and started again, and then one
Alongside process is SIGKILLed and started again (its members come back on the other process, or on the
restarted one, and resume with room:join since_id). Every acknowledged message is stored exactly once, in
order, under gap-free ids; every member, including one on each process who only listens, holds every message
within a few seconds of each fault ending (a sentinel sent after the fault, waited for), none doubled.
`pytest -s` prints the counts.
"""

from __future__ import annotations

import asyncio
import re
import signal
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select

from rooms.models import Message
from server.db import create_engine
from tests.conftest import Api, Database, open_session
from tests.helpers_faults import NumberedStream, RoomMember, until_acked
from tests.helpers_processes import server_processes
from tests.helpers_safeguarding import start_process
from tests.services import RedisProcess, ServerProcess

pytestmark = pytest.mark.redis
# Watermarks every second (3 s by default) keep the test short; rate limits out of the way of the stream.
SETTINGS = {
    "watermark_interval_ms": "1000",
    "publish_timeout_ms": "500",
    "messages_per_10s": "10000",
    "messages_per_minute": "100000",
    "socket_handshakes_per_minute": "10000",
}
CATCH_UP_SECONDS = 15.0  # "within a few seconds of each fault ending", with room for a loaded machine
FAULT_ACKS = 5  # each fault lasts until every sender had this many more messages acknowledged (and 2 s)
LISTENER_PASSWORD = "a quiet lantern by the weir"
BODY = re.compile(r"n=(\d+) from ([AB])")


async def _member(url: str, pseudonym: str, password: str | None = None) -> Api:
    api = Api(url)
    if password is None:
        await api.login(pseudonym)
        return api
    status, data = await api.call("POST", "/api/auth/signup", {"pseudonym": pseudonym, "password": password})
    assert status == 201, data
    status, data = await api.call("PUT", "/api/groups/1/membership", {"agreement_version": 1})
    assert status == 200, data
    return api


async def _during(streams: list[NumberedStream], what: str) -> None:
    """Let the fault last while the stream runs: until every sender has FAULT_ACKS more acks, and 2 s."""
    loop = asyncio.get_running_loop()
    started, before = loop.time(), [len(s.acked) for s in streams]
    while loop.time() - started < 2 or any(len(s.acked) < b + FAULT_ACKS for s, b in zip(streams, before, strict=True)):
        if loop.time() - started > 30:
            raise AssertionError(f"the stream stalled while {what}: {[dict(s.failures) for s in streams]}")
        await asyncio.sleep(0.1)


@pytest.mark.parametrize("database", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
async def test_a_numbered_stream_survives_redis_and_process_faults(database: Database) -> None:
    loop = asyncio.get_running_loop()
    redis = RedisProcess()
    redis.start()
    apis: list[Api] = []
    members: list[RoomMember] = []
    restarted: ServerProcess | None = None
    stop = asyncio.Event()
    runs: list[asyncio.Task[None]] = []
    try:
        async with server_processes(database, redis.url, settings=SETTINGS) as [(url_a, process_a), (url_b, _)]:
            sam = await _member(url_a, "Sam")
            river, willow = await _member(url_a, "River"), await _member(url_b, "Willow")
            heron = await _member(url_a, "Heron", LISTENER_PASSWORD)
            linnet = await _member(url_b, "Linnet", LISTENER_PASSWORD)
            apis += [sam, river, willow, heron, linnet]
            await open_session(sam)
            # The facilitator is in the room on both processes, so the session stays live when one dies.
            sam_a, sam_b = RoomMember(sam, [url_a], "Sam on A"), RoomMember(sam, [url_b], "Sam on B")
            river_m = RoomMember(river, [url_a, url_b], "River (sends, A)")  # comes back on the other process
            willow_m = RoomMember(willow, [url_b, url_a], "Willow (sends, B)")
            heron_m = RoomMember(heron, [url_a], "Heron (listens, A)")  # comes back on the restarted process
            linnet_m = RoomMember(linnet, [url_b], "Linnet (listens, B)")
            members += [sam_a, sam_b, river_m, willow_m, heron_m, linnet_m]
            for member in members:
                await member.start()

            streams = [NumberedStream(river_m, "A"), NumberedStream(willow_m, "B")]
            runs += [asyncio.create_task(stream.run(stop)) for stream in streams]
            quiet: dict[str, float] = {}  # seconds from a fault's end until everyone held every message
            sentinel_seen: dict[str, float] = {}  # ... and the sentinel sent after it

            async def fault_ends(fault: str, end: Callable[[], Awaitable[None]]) -> None:
                """The senders stop (a quiet spell), the fault ends, and every member comes to hold every
                message up to the last acknowledged one with nobody sending; then a sentinel, held by all."""
                for stream in streams:
                    await stream.pause()
                await end()
                ended_at = loop.time()
                last_acked = max(stream.last_id for stream in streams)

                async def everyone_holds(upto: int) -> float:
                    for member in members:
                        left = max(CATCH_UP_SECONDS - (loop.time() - ended_at), 0.1)
                        await member.wait_joined(left)
                        await member.wait_complete(upto, left)
                    return round(loop.time() - ended_at, 2)

                quiet[fault] = await everyone_holds(last_acked)
                cid = f"sentinel-{len(quiet)}"
                sentinel = await until_acked(lambda: sam_b.send(f"sentinel after {fault}", cid), CATCH_UP_SECONDS)
                sentinel_seen[fault] = await everyone_holds(sentinel["id"])
                if fault == "the end":  # live delivery is back on both processes: pushed, not only caught up
                    for member in members:
                        await member.wait_pushed(sentinel["id"], CATCH_UP_SECONDS)
                for stream in streams:
                    stream.resume()

            async def nothing() -> None:
                pass

            async def redis_continues() -> None:
                assert redis.proc is not None
                redis.proc.send_signal(signal.SIGCONT)

            async def redis_restarts() -> None:
                redis.start()  # on the same port

            async def process_a_restarts() -> None:
                nonlocal restarted
                port_a = int(url_a.rsplit(":", 1)[1])
                _, restarted = await start_process(database, redis.url, "a", SETTINGS, port=port_a)

            await _during(streams, "warming up")
            await fault_ends("warm-up", nothing)

            assert redis.proc is not None
            redis.proc.send_signal(signal.SIGSTOP)
            try:
                await _during(streams, "Redis was stalled")
            except BaseException:
                redis.proc.send_signal(signal.SIGCONT)
                raise
            await fault_ends("redis stalled", redis_continues)

            redis.proc.kill()
            redis.proc.wait(timeout=10)
            await _during(streams, "Redis was down")
            await fault_ends("redis killed", redis_restarts)

            process_a.proc.kill()
            process_a.proc.wait(timeout=10)
            await _during(streams, "process A was dead")
            await fault_ends("process killed", process_a_restarts)
            assert heron_m.url == url_a and river_m.url == url_b, "back on the restarted and the other process"

            stop.set()
            for stream in streams:
                stream.resume()
            await asyncio.wait_for(asyncio.gather(*runs), 60)
            await fault_ends("the end", nothing)

            stored = await _stored_messages(database)
            counts = _check(stored, streams, members)
            print(
                f"\nfaults: acked={counts['acked']} stored={counts['stored']} "
                f"unacked_stored={counts['unacked_stored']} delivered={counts['delivered']}/{counts['expected']} "
                f"({len(members)} members) doubled={counts['doubled']} lost={counts['lost']} "
                f"retries={sum(s.retries for s in streams)} "
                f"failures={dict(sum((s.failures for s in streams), Counter()))} "
                f"reconnects={sum(m.reconnects for m in members)} pushed_twice={counts['pushed_twice']} "
                f"caught_up_quiet_s={quiet} sentinel_s={sentinel_seen}"
            )
            assert counts["doubled"] == 0 and counts["lost"] == 0
    finally:
        stop.set()
        for run in runs:
            run.cancel()
        for member in members:
            await member.close()
        for api in apis:
            await api.close()
        if restarted is not None:
            restarted.stop()
        if redis.proc is not None and redis.proc.poll() is None:
            redis.proc.send_signal(signal.SIGCONT)  # a failure mid-stall must not leave it unable to stop
        redis.close()


async def _stored_messages(database: Database) -> list[Any]:
    engine = create_engine(database.url, database.schema)
    try:
        async with engine.connect() as conn:
            query = select(Message.id, Message.client_id, Message.body).where(Message.group_id == 1)
            return list((await conn.execute(query.order_by(Message.id))).all())
    finally:
        await engine.dispose()


def _check(stored: list[Any], streams: list[NumberedStream], members: list[RoomMember]) -> dict[str, int]:
    """Every acknowledged message stored once, in order, gap-free; every member holds each once."""
    ids = [row.id for row in stored]
    assert ids == list(range(1, len(ids) + 1)), "per-room ids are gap-free"
    assert not [b for b, c in Counter(row.body for row in stored).items() if c > 1], "a message stored twice"
    by_label: dict[str, list[tuple[int, int]]] = {"A": [], "B": []}  # (id, n) in id order
    for row in stored:
        if found := BODY.fullmatch(row.body):
            by_label[found[2]].append((row.id, int(found[1])))
    acked = 0
    unacked_stored = 0
    for stream in streams:
        numbers = [n for _, n in by_label[stream.label]]
        assert numbers == sorted(numbers), f"{stream.label}'s messages stored out of order"
        stored_ids = {n: message_id for message_id, n in by_label[stream.label]}
        for n, message_id in stream.acked.items():
            assert stored_ids.get(n) == message_id, f"acked {stream.body(n)} (id {message_id}) is not stored as acked"
        acked += len(stream.acked)
        unacked_stored += len(set(stored_ids) - set(stream.acked))
    expected = {stream.body(n) for stream in streams for n in stream.acked}
    delivered = doubled = lost = pushed_twice = 0
    for member in members:
        bodies = Counter(message["body"] for message in member.held.values())
        doubled += sum(1 for body, count in bodies.items() if count > 1)
        delivered += len(expected & set(bodies))
        lost += len(expected - set(bodies))
        pushed_twice += sum(1 for count in member.pushes.values() if count > 1)
    return {
        "acked": acked,
        "stored": sum(len(rows) for rows in by_label.values()),
        "unacked_stored": unacked_stored,
        "delivered": delivered,
        "expected": len(expected) * len(members),
        "doubled": doubled,
        "lost": lost,
        "pushed_twice": pushed_twice,
    }
