"""Nothing lost when a process dies: a server SIGKILLed between committing a concern and finishing its
delivery, then restarted, delivers it (once per idempotency key); and risk detection a dead process never
ran is recovered from the durable marker."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sqlalchemy import select

from rooms import safeguarding
from rooms.safeguarding_models import Concern, MessageAssessment
from server.http_safeguarding import DISPATCHER
from tests.conftest import Api, Database, RunningServer, open_session
from tests.helpers_auth import FakeClock
from tests.helpers_chat import call, send
from tests.helpers_processes import server_processes
from tests.helpers_safeguarding import (
    WEBHOOK_SECRET,
    FakeDetector,
    enter,
    set_escalation,
    start_process,
    wait_for_rows,
    webhook_receiver,
)
from tests.services import RedisProcess


async def test_a_process_killed_mid_delivery_is_restarted_and_the_concern_is_delivered_once(
    database: Database,
) -> None:
    redis = RedisProcess()
    redis.start()
    apis: list[Api] = []
    settings = {"delivery_timeout_seconds": "4", "outbox_lease_seconds": "5", "outbox_retry_base_ms": "50"}
    try:
        async with (
            webhook_receiver(script=["hang"]) as receiver,
            server_processes(database, redis.url, names=("a",), settings=settings) as [(url, first)],
        ):
            for name in ("hub-admin", "Sam", "River"):
                api = Api(url)
                apis.append(api)
                await api.login(name)
            admin, sam, river = apis
            await set_escalation(admin, webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET)
            await open_session(sam)
            river_io, _ = await enter(river)
            ack = await call(river_io, "concern:help", {"group_id": 1})
            assert ack["ok"], ack
            await receiver_saw(receiver, 1)  # the delivery is claimed and under way: kill the process now
            first.proc.kill()
            first.proc.wait()
            for api in apis:
                await api.close()
            apis.clear()

            _, restarted = await start_process(database, redis.url, "a-restarted", settings)
            try:
                await receiver.wait_delivered(1, timeout=30)
                [key] = receiver.delivered
                assert receiver.delivered == {key: 1} and receiver.attempts == [key, key]
                assert key == f"concern-{ack['concern']['id']}-l0-webhook-hub"
            finally:
                restarted.stop()
    finally:
        for api in apis:
            await api.close()
        redis.close()


async def receiver_saw(receiver: Any, count: int) -> None:
    deadline = asyncio.get_running_loop().time() + 20
    while len(receiver.attempts) < count:
        assert asyncio.get_running_loop().time() < deadline, "the webhook was never attempted"
        await asyncio.sleep(0.02)


async def test_detection_lost_with_its_process_is_recovered(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    """The message commits, the process dies before detection runs (here: the observer is not there), and the
    recovery scan (at start-up and every sweep) finds the message with no assessment and raises the concern."""
    clock = FakeClock(server)
    hooks = server.state.rooms.hooks
    hooks.risk_detectors.register(FakeDetector(), name="fake")
    observers = hooks.message_stored.registered
    hooks.message_stored.registered = [o for o in observers if o.name != "risk_detection"]
    river_io, _ = await enter(live_room["river"])
    sent = await send(river_io, "I have a PLAN")
    hooks.message_stored.registered = observers

    clock.advance(11)  # older than the live observer's grace
    await server.app[DISPATCHER].recover()
    async with server.state.sessions() as db, db.begin():
        concerns = list((await db.execute(select(Concern))).scalars())
    assert [(c.source, c.tier) for c in concerns] == [("detector", "imminent")]
    rows = await wait_for_rows(server, lambda rows: all(r.state == "delivered" for r in rows), what="delivered")
    assert rows and all(r.concern_id == concerns[0].id for r in rows)
    await server.app[DISPATCHER].recover()  # a second scan finds nothing more to do
    async with server.state.sessions() as db, db.begin():
        assert len((await db.execute(select(Concern))).all()) == 1
    assert sent["ok"]


async def test_every_assessed_message_leaves_a_marker_so_recovery_repeats_nothing(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    river_io, _ = await enter(live_room["river"])
    sent = [await send(river_io, f"just saying hello {n}") for n in range(5)]
    ids = {s["message"]["id"] for s in sent}

    async def markers() -> dict[int, str]:
        async with server.state.sessions() as db, db.begin():
            rows = (await db.execute(select(MessageAssessment).where(MessageAssessment.group_id == 1))).scalars()
            return {row.message_id: row.tier for row in rows}

    deadline = asyncio.get_running_loop().time() + 10
    while not ids <= set(await markers()):
        assert asyncio.get_running_loop().time() < deadline, "no-risk markers were never written"
        await asyncio.sleep(0.05)
    assert {mid: tier for mid, tier in (await markers()).items() if mid in ids} == dict.fromkeys(ids, "none")
    FakeClock(server).advance(11)
    async with server.state.readers() as db:
        assert (
            await safeguarding.unassessed(db, server.state.rooms.clock(), dt.timedelta(minutes=10), dt.timedelta(0))
            == []
        )
