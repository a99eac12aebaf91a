"""Safeguarding deliveries through real channels on loopback: a real SMTP server (aiosmtpd), a real webhook
receiver verifying Standard Webhooks signatures, two dispatchers on one database, and Redis stopped."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any

from rooms import safeguarding, store
from rooms.context import RoomsContext
from rooms.hookspecs import ConcernNotice
from tests.conftest import Api, Database, RunningServer, open_session, seeded_server, start_server
from tests.helpers_auth import FakeClock
from tests.helpers_chat import call, send
from tests.helpers_safeguarding import (
    WEBHOOK_SECRET,
    enter,
    make_lead,
    open_console,
    outbox_rows,
    set_escalation,
    smtp_server,
    wait_for_rows,
    webhook_receiver,
)
from tests.services import RedisProcess, free_port

FAST = {"outbox_retry_base_ms": 50, "outbox_retry_max_seconds": 1, "outbox_poll_ms": 50}


@contextlib.asynccontextmanager
async def running(database: Database, **settings: Any) -> AsyncIterator[tuple[RunningServer, list[Api]]]:
    """A seeded server with these settings, and the Api clients a test opens (closed afterwards)."""
    clients: list[Api] = []
    async with seeded_server(database.settings(port=free_port(), **{**FAST, **settings})) as server:
        try:
            yield server, clients
        finally:
            for api in clients:
                await api.close()


async def signed_in(server: RunningServer, clients: list[Api], pseudonym: str | None = None) -> Api:
    api = Api(server.url)
    clients.append(api)
    if pseudonym:
        await api.login(pseudonym)
    return api


async def help_now(server: RunningServer, clients: list[Api], body: str = "") -> int:
    """Sam opens a session, River (optionally) says something and presses "I need help now"."""
    sam = await signed_in(server, clients, "Sam")
    await open_session(sam)
    river = await signed_in(server, clients, "River")
    river_io, _ = await enter(river)
    if body:
        assert (await send(river_io, body))["ok"]
    ack = await call(river_io, "concern:help", {"group_id": 1})
    assert ack["ok"], ack
    return int(ack["concern"]["id"])


async def test_email_reaches_the_lead_with_a_link_and_the_tier_and_no_message_text(database: Database) -> None:
    async with smtp_server() as smtp, running(database, smtp_host="127.0.0.1", smtp_port=smtp.port) as (server, apis):
        lead = await signed_in(server, apis)
        await make_lead(server, lead)
        secret_words = "the bridge at midnight"
        concern_id = await help_now(server, apis, f"I keep thinking about {secret_words}")
        [mail] = await smtp.wait_for(1)
        assert mail["To"] == "heron.lead@example.org"
        text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        assert f"/#/safeguarding/concerns/{concern_id}" in text and "imminent" in text
        assert secret_words not in text, "no message text"
        assert re.search(r"\bRiver\b", text) is None, "no pseudonym"
        rows = await wait_for_rows(server, lambda rows: all(r.state == "delivered" for r in rows), what="delivered")
        assert [r.target.startswith("user:") for r in rows if r.channel == "email"] == [True]


async def test_email_waits_for_the_smtp_server_and_arrives_once(database: Database) -> None:
    port = free_port()
    async with running(database, smtp_host="127.0.0.1", smtp_port=port) as (server, apis):
        lead = await signed_in(server, apis)
        await make_lead(server, lead)
        await help_now(server, apis)
        await wait_for_rows(
            server,
            lambda rows: any(r.channel == "email" and r.attempts >= 2 and r.state == "pending" for r in rows),
            what="failed email attempts",
        )
        async with smtp_server(port) as inbox:
            await inbox.wait_for(1)
            rows = await wait_for_rows(
                server, lambda rows: all(r.state == "delivered" for r in rows if r.channel == "email"), what="email"
            )
            sentinel_rows = [r for r in rows if r.channel == "email"]
            assert len(sentinel_rows) == 1 and sentinel_rows[0].attempts >= 2
            assert len(inbox.messages) == 1, "one email per idempotency key"
            assert inbox.messages[0]["X-Alongside-Idempotency-Key"] == sentinel_rows[0].idempotency_key


async def test_webhook_retries_through_errors_and_a_timeout_then_delivers_once(database: Database) -> None:
    async with (
        webhook_receiver(script=[500, 503, "hang", 500]) as receiver,
        running(database, delivery_timeout_seconds=1, outbox_lease_seconds=2) as (server, apis),
    ):
        admin = await signed_in(server, apis, "hub-admin")
        view = await set_escalation(admin, webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET)
        assert view["webhook_secret_set"] is True and "webhook_secret" not in view
        concern_id = await help_now(server, apis, "something only the room should read")
        await receiver.wait_delivered(1)
        rows = await wait_for_rows(
            server, lambda rows: all(r.state == "delivered" for r in rows if r.channel == "webhook"), what="webhook"
        )
        [row] = [r for r in rows if r.channel == "webhook"]
        assert receiver.delivered == {row.idempotency_key: 1}, "delivered exactly once per idempotency key"
        assert receiver.attempts == [row.idempotency_key] * 5, "the same key on every retry"
        assert receiver.bad_signatures == 0
        [payload] = receiver.payloads
        assert payload["type"] == "concern.raised" and payload["data"]["concern_id"] == concern_id
        assert payload["data"]["tier"] == "imminent" and "room should read" not in str(payload)


async def test_a_dead_letter_is_listed_for_hub_admins_and_redelivered(database: Database) -> None:
    async with (
        webhook_receiver(script=[500] * 3) as receiver,
        running(database, outbox_max_attempts=3) as (server, apis),
    ):
        admin = await signed_in(server, apis, "hub-admin")
        await set_escalation(admin, webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET)
        await help_now(server, apis)
        await wait_for_rows(server, lambda rows: any(r.state == "dead" for r in rows), what="a dead letter")
        status, data = await admin.call("GET", "/api/hubs/1/dead-letters")
        assert status == 200 and [d["channel"] for d in data["dead_letters"]] == ["webhook"]
        dead = data["dead_letters"][0]
        assert dead["attempts"] == 3 and dead["last_error"] == "webhook answered 500"
        sam = apis[1]
        assert (await sam.call("GET", "/api/hubs/1/dead-letters"))[0] == 403
        # The same 404 for a delivery of another's hub as for none at all: outbox ids cannot be probed.
        absent = await sam.call("POST", f"/api/outbox/{dead['id'] + 1000}/redeliver")
        assert absent[0] == 404 and await sam.call("POST", f"/api/outbox/{dead['id']}/redeliver") == absent

        status, data = await admin.call("POST", f"/api/outbox/{dead['id']}/redeliver")
        assert status == 200 and data["delivery"]["state"] == "pending", data
        await receiver.wait_delivered(1)
        assert receiver.delivered == {dead["idempotency_key"]: 1}
        status, data = await admin.call("POST", f"/api/outbox/{dead['id']}/redeliver")
        assert status == 409 and data["error"]["code"] == "not_dead_letter"
        assert (await admin.call("GET", "/api/hubs/1/dead-letters"))[1]["dead_letters"] == []


async def test_two_dispatchers_on_one_database_never_deliver_twice(database: Database) -> None:
    async with webhook_receiver() as receiver, running(database) as (first, apis):
        _, runner = await start_server(database.settings(port=free_port(), server_id="second", **FAST))
        try:
            admin = await signed_in(first, apis, "hub-admin")
            await set_escalation(admin, webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET)
            sam = await signed_in(first, apis, "Sam")
            await open_session(sam)
            _, me = await (await signed_in(first, apis, "River")).call("GET", "/api/me")
            river_id = me["user"]["id"]
            state = first.state
            config = safeguarding.SafeguardingConfig()
            ctx = RoomsContext(publisher=state.rooms.publisher, server_id="writer", clock=state.rooms.clock)
            count = 40
            async with state.sessions() as db, db.begin():
                group_id, hub_id = 1, 1
                running_session = await store.live_session(db, group_id)
                session_id = running_session.id if running_session else None
                for _ in range(count):
                    await safeguarding._write_concern(
                        db,
                        config,
                        hub_id=hub_id,
                        group_id=group_id,
                        session_id=session_id,
                        subject_id=river_id,
                        raised_by=None,
                        source="facilitator",
                        tier="high",
                        explanation="",
                        note="",
                        trigger=None,
                        now=ctx.clock(),
                    )
            await receiver.wait_delivered(count, timeout=30)
            rows = await wait_for_rows(
                first, lambda rows: all(r.state == "delivered" for r in rows), timeout=30, what="all delivered"
            )
            assert len(rows) == count * 3  # facilitators, leads (socket) and the webhook, per concern
            assert all(n == 1 for n in receiver.delivered.values()) and len(receiver.delivered) == count
            assert len(receiver.attempts) == count, "no delivery was attempted twice"
        finally:
            await runner.cleanup()


async def test_with_redis_stopped_a_concern_still_reaches_webhook_email_and_this_processs_console(
    database: Database,
) -> None:
    redis = RedisProcess()
    redis.start()
    try:
        async with (
            smtp_server() as smtp,
            webhook_receiver() as receiver,
            running(database, redis_url=redis.url, smtp_host="127.0.0.1", smtp_port=smtp.port) as (server, apis),
        ):
            admin = await signed_in(server, apis, "hub-admin")
            await set_escalation(admin, webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET)
            lead = await signed_in(server, apis)
            await make_lead(server, lead)
            _, console, _ = await open_console(lead)
            sam = await signed_in(server, apis, "Sam")
            await open_session(sam)
            river = await signed_in(server, apis, "River")
            river_io, _ = await enter(river)

            redis.stop()
            ack = await call(river_io, "concern:help", {"group_id": 1})
            assert ack["ok"], ack
            await receiver.wait_delivered(1)
            await smtp.wait_for(1)
            await console.wait_for("concern:new", lambda d: d["concern"]["id"] == ack["concern"]["id"])
            rows = await wait_for_rows(
                server,
                lambda rows: any(r.channel == "socket" and r.attempts >= 2 for r in rows),
                what="socket deliveries retried while Redis is down",
            )
            assert all(r.state == "pending" for r in rows if r.channel == "socket")

            redis.start()
            rows = await wait_for_rows(
                server, lambda rows: all(r.state == "delivered" for r in rows), timeout=20, what="all delivered"
            )
            assert len(receiver.delivered) == 1 and len(smtp.messages) == 1
            assert {r.channel for r in rows} == {"socket", "email", "webhook"}
    finally:
        redis.close()


async def test_outbox_rows_are_one_per_channel_and_target(database: Database) -> None:
    async with (
        webhook_receiver() as receiver,
        running(database, smtp_host="127.0.0.1", smtp_port=free_port()) as (
            server,
            apis,
        ),
    ):
        admin = await signed_in(server, apis, "hub-admin")
        await set_escalation(admin, webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET)
        lead = await signed_in(server, apis)
        await make_lead(server, lead)
        concern_id = await help_now(server, apis)
        rows = await outbox_rows(server, concern_id)
        kinds = sorted((r.channel, r.target.split(":")[0], r.level) for r in rows)
        assert kinds == [
            ("email", "user", 0),
            ("socket", "facilitators", 0),
            ("socket", "leads", 0),
            ("webhook", "hub", 0),
        ]
        assert len({r.idempotency_key for r in rows}) == len(rows)


async def test_the_top_rung_reaches_the_hubs_escalation_email_and_webhook(database: Database) -> None:
    async with (
        smtp_server() as smtp,
        webhook_receiver() as receiver,
        running(database, smtp_host="127.0.0.1", smtp_port=smtp.port) as (server, apis),
    ):
        clock = FakeClock(server)
        admin = await signed_in(server, apis, "hub-admin")
        await set_escalation(
            admin, webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET, escalation_email="on-call@example.org"
        )
        lead = await signed_in(server, apis)
        await make_lead(server, lead)
        concern_id = await help_now(server, apis)
        await receiver.wait_delivered(1)
        await smtp.wait_for(1)  # rung 0: the lead
        clock.advance(31)
        await smtp.wait_for(2)  # rung 1: the lead again
        clock.advance(31)
        await receiver.wait_delivered(2)
        mails = await smtp.wait_for(3)
        assert [m["To"] for m in mails] == ["heron.lead@example.org", "heron.lead@example.org", "on-call@example.org"]
        assert [p["type"] for p in receiver.payloads] == ["concern.raised", "concern.escalated"]
        assert receiver.payloads[1]["data"]["escalation_level"] == 2
        assert receiver.payloads[1]["data"]["concern_id"] == concern_id
        assert all(n == 1 for n in receiver.delivered.values())


async def test_a_concern_notify_plugin_is_a_delivery_of_its_own_retried_until_it_succeeds(database: Database) -> None:
    async with running(database) as (server, apis):
        calls: list[ConcernNotice] = []

        async def pager(notice: ConcernNotice) -> None:
            calls.append(notice)
            if len(calls) < 3:
                raise ConnectionError("the pager service is down")

        server.state.rooms.hooks.concern_notify.register(pager, name="test.pager")
        concern_id = await help_now(server, apis, "words that stay in the room")
        rows = await wait_for_rows(
            server, lambda rows: any(r.channel == "hook" and r.state == "delivered" for r in rows), what="the hook"
        )
        [row] = [r for r in rows if r.channel == "hook"]
        assert row.target == "hook:test.pager" and row.attempts == 3
        assert {n.idempotency_key for n in calls} == {row.idempotency_key} and len(calls) == 3
        assert calls[0].concern_id == concern_id and calls[0].tier == "imminent" and calls[0].event == "concern.raised"
        assert "words that stay" not in repr(calls[0])


async def test_a_hanging_webhook_does_not_hold_up_the_next_concern(database: Database) -> None:
    async with (
        webhook_receiver(script=["hang"]) as receiver,
        running(database, delivery_timeout_seconds=30, outbox_lease_seconds=40) as (server, apis),
    ):
        admin = await signed_in(server, apis, "hub-admin")
        await set_escalation(admin, webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET)
        lead = await signed_in(server, apis)
        await make_lead(server, lead)
        _, console, _ = await open_console(lead)
        first = await help_now(server, apis)
        deadline = asyncio.get_running_loop().time() + 10
        while not receiver.attempts:  # the first concern's webhook is now hanging
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.02)
        willow = await signed_in(server, apis, "Willow")
        willow_io, _ = await enter(willow)
        second = await call(willow_io, "concern:help", {"group_id": 1})
        started = asyncio.get_running_loop().time()
        await console.wait_for("concern:new", lambda d: d["concern"]["id"] == second["concern"]["id"], timeout=5)
        assert asyncio.get_running_loop().time() - started < 5
        await receiver.wait_delivered(1, timeout=10)  # the second concern's webhook, while the first still hangs
        assert list(receiver.delivered) == [f"concern-{second['concern']['id']}-l0-webhook-hub"]
        assert first != second["concern"]["id"]
