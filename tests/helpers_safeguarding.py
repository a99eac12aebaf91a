"""Shared helpers for safeguarding tests: a safeguarding lead, a console and room clients that record the
safeguarding events, a real SMTP server (aiosmtpd) and a real webhook receiver (aiohttp) on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from standardwebhooks import Webhook

from rooms import store
from rooms.models import HubStaff
from rooms.risk import RiskAssessment, RiskMatch, RiskTier
from rooms.safeguarding_models import Concern, OutboxRow
from tests.conftest import Api, Database, RunningServer
from tests.helpers_chat import Inbox, call
from tests.helpers_processes import ROOT, SERVE
from tests.services import ServerProcess, free_port, wait_ready

SAFEGUARDING_EVENTS = (
    "concern:new",
    "concern:escalated",
    "concern:updated",
    "support:offer",
    "message:risk",
)
WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
LEAD_PASSWORD = "a quiet lantern by the weir"


def record_safeguarding(client: Any, inbox: Inbox) -> None:
    for name in SAFEGUARDING_EVENTS:
        client.on(name, inbox._recorder(name), namespace="/chat")


async def enter(api: Api, group_id: int = 1) -> tuple[Any, Inbox]:
    """A room connection that records the safeguarding events too."""
    client = await api.socket()
    inbox = Inbox(client)
    record_safeguarding(client, inbox)
    joined = await call(client, "room:join", {"group_id": group_id})
    assert joined["ok"], joined
    return client, inbox


async def make_lead(server: RunningServer, api: Api, pseudonym: str = "Heron Lead", hub_id: int = 1) -> None:
    """Sign `api` up as `pseudonym` and make them the hub's safeguarding lead (with an email on file)."""
    body = {"pseudonym": pseudonym, "password": LEAD_PASSWORD, "email": "heron.lead@example.org"}
    status, data = await api.call("POST", "/api/auth/signup", body)
    assert status == 201, data
    now = server.state.rooms.clock()
    async with server.state.sessions() as db, db.begin():
        user = await store.get_user_by_pseudonym(db, pseudonym)
        assert user is not None
        db.add(HubStaff(hub_id=hub_id, user_id=user.id, role="safeguarding_lead", added_at=now))


async def open_console(api: Api, hub_id: int = 1) -> tuple[Any, Inbox, dict[str, Any]]:
    client = await api.socket()
    inbox = Inbox(client)
    record_safeguarding(client, inbox)
    joined = await call(client, "console:join", {"hub_id": hub_id})
    assert joined["ok"], joined
    return client, inbox, joined


async def outbox_rows(server: RunningServer, concern_id: int | None = None) -> list[OutboxRow]:
    async with server.state.sessions() as db, db.begin():
        query = select(OutboxRow).order_by(OutboxRow.id)
        if concern_id is not None:
            query = query.where(OutboxRow.concern_id == concern_id)
        return list((await db.execute(query)).scalars())


async def concern_count(server: RunningServer) -> int:
    async with server.state.sessions() as db, db.begin():
        return int((await db.execute(select(func.count()).select_from(Concern))).scalar_one())


async def wait_for_rows(
    server: RunningServer, check: Callable[[list[OutboxRow]], bool], timeout: float = 10.0, what: str = "outbox"
) -> list[OutboxRow]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        rows = await outbox_rows(server)
        if check(rows):
            return rows
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {[(r.channel, r.target, r.state) for r in rows]}")
        await asyncio.sleep(0.05)


@dataclass
class SmtpInbox:
    """A real SMTP server (aiosmtpd, in its own thread and loop) on a loopback port; what it received."""

    port: int
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's handler hook
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        self.messages.append(parsed)  # list.append is atomic: read from the test's loop by polling
        return "250 OK"

    async def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        await asyncio.get_running_loop().run_in_executor(None, self.controller.start)

    async def stop(self) -> None:
        if self.controller is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.controller.stop)
            self.controller = None

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[email.message.EmailMessage]:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.messages) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{len(self.messages)} of {count} emails arrived")
            await asyncio.sleep(0.02)
        return self.messages


@contextlib.asynccontextmanager
async def smtp_server(port: int | None = None) -> AsyncIterator[SmtpInbox]:
    inbox = SmtpInbox(port or free_port())
    await inbox.start()
    try:
        yield inbox
    finally:
        await inbox.stop()


@dataclass
class WebhookReceiver:
    """A real receiver: verifies each request's Standard Webhooks signature, answers with `script` (a status,
    or "hang" to time out) while it lasts, then 200; counts successful deliveries per webhook-id."""

    port: int
    secret: str = WEBHOOK_SECRET
    script: list[int | str] = field(default_factory=list)
    attempts: list[str] = field(default_factory=list)
    delivered: dict[str, int] = field(default_factory=dict)
    payloads: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.text()
        try:
            payload = Webhook(self.secret).verify(body, dict(request.headers))
        except Exception:
            self.bad_signatures += 1
            return web.Response(status=400)
        key = request.headers["webhook-id"]
        self.attempts.append(key)
        self.changed.set()
        answer = self.script.pop(0) if self.script else 200
        if answer == "hang":
            await asyncio.sleep(3600)
        if answer != 200:
            return web.Response(status=int(answer))
        self.delivered[key] = self.delivered.get(key, 0) + 1
        self.payloads.append(payload)
        self.changed.set()
        return web.Response(status=204)

    async def wait_delivered(self, count: int, timeout: float = 15.0) -> None:
        async def enough() -> None:
            while len(self.delivered) < count:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(enough(), timeout)


@contextlib.asynccontextmanager
async def webhook_receiver(script: list[int | str] | None = None) -> AsyncIterator[WebhookReceiver]:
    receiver = WebhookReceiver(free_port(), script=list(script or []))
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", receiver.port).start()
    try:
        yield receiver
    finally:
        await runner.cleanup()


async def set_escalation(api: Api, hub_id: int = 1, **values: Any) -> dict[str, Any]:
    status, data = await api.call("PUT", f"/api/hubs/{hub_id}/escalation", values)
    assert status == 200, data
    return dict(data)


def process_env(database: Database, redis_url: str, name: str, settings: dict[str, str]) -> dict[str, str]:
    """The environment of one real `alongside serve` process (as tests/helpers_processes.py sets it up)."""
    return {
        **os.environ,
        "ALONGSIDE_DATABASE_URL": database.url,
        "ALONGSIDE_DATABASE_SCHEMA": database.schema,
        "ALONGSIDE_REDIS_URL": redis_url,
        "ALONGSIDE_PASSWORD_TIME_COST": "1",
        "ALONGSIDE_PASSWORD_MEMORY_KIB": "8",
        "ALONGSIDE_SERVER_ID": f"process-{name}",
        "ALONGSIDE_CONFIG": str(ROOT / "config" / "alongside.toml"),
        **{f"ALONGSIDE_{key.upper()}": value for key, value in settings.items()},
    }


async def start_process(
    database: Database, redis_url: str, name: str, settings: dict[str, str], port: int | None = None
) -> tuple[str, ServerProcess]:
    port = port or free_port()
    server = ServerProcess([*SERVE, "--port", str(port)], process_env(database, redis_url, name, settings), ROOT)
    url = f"http://127.0.0.1:{port}"
    await wait_ready(url, server)
    return url, server


class FakeDetector:
    """A detector the test controls: 'PLAN' in the text is imminent, 'hopeless' a concern."""

    async def __call__(self, body: str) -> RiskAssessment:
        if "PLAN" in body:
            match = RiskMatch("PLAN", "suicidal_planning", "a plan, now")
            return RiskAssessment(RiskTier.IMMINENT, (match,), "fake", "A plan with a time.")
        if "hopeless" in body:
            match = RiskMatch("hopeless", "hopelessness", "hopelessness")
            return RiskAssessment(RiskTier.CONCERN, (match,), "fake", "Hopelessness.")
        return RiskAssessment(RiskTier.NONE, (), "fake", "")
