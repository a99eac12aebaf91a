"""Safeguarding deliveries under injected faults: does every concern reach every channel exactly once?

A real server on loopback (SQLite, or PostgreSQL with --postgres), a real webhook receiver (verifying the
Standard Webhooks signature) and a real SMTP server (aiosmtpd). Each round injects one fault and raises one
concern:
  webhook_500      the receiver answers 500 to its next request
  webhook_timeout  the receiver hangs on its next request (past delivery_timeout_seconds)
  smtp_down        the SMTP server stops, and comes back 0.5 s later
  dead_claimant    a "process" claims every due delivery and dies holding them (its lease must run out)
Then it waits for the outbox to drain and counts, per idempotency key, at the receivers:

    .venv/bin/python bench/safeguarding_faults.py                 # 100 faults on SQLite
    .venv/bin/python bench/safeguarding_faults.py --faults 200 --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test

The last line reads `safeguarding_faults: faults=N raised=R delivered=D duplicated=U lost=L`: raised is the
number of deliveries the concerns queued; delivered those that arrived (email and webhook counted at the
receiver, socket deliveries as recorded); duplicated the extra arrivals of a key already received; lost those
that never arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from rooms import outbox, safeguarding, store  # noqa: E402
from rooms.safeguarding_models import OutboxRow  # noqa: E402
from server.db import create_engine, migrate  # noqa: E402
from server.http_safeguarding import DISPATCHER  # noqa: E402
from tests.conftest import Api, Database, RunningServer, seeded_server  # noqa: E402
from tests.helpers_safeguarding import (  # noqa: E402
    WEBHOOK_SECRET,
    SmtpInbox,
    make_lead,
    set_escalation,
    smtp_server,
    webhook_receiver,
)
from tests.services import free_port  # noqa: E402

FAULTS = ("webhook_500", "webhook_timeout", "smtp_down", "dead_claimant")
SETTINGS = {
    "outbox_retry_base_ms": 50,
    "outbox_retry_max_seconds": 1,
    "outbox_poll_ms": 50,
    "outbox_lease_seconds": 2,
    "delivery_timeout_seconds": 1,
    "outbox_max_attempts": 100,
}


async def database(postgres: str, workdir: str) -> Database:
    if not postgres:
        db = Database("sqlite", f"sqlite+aiosqlite:///{workdir}/faults.db")
        engine = create_engine(db.url)
    else:
        schema = f"faults_{uuid.uuid4().hex[:8]}"
        admin = create_engine(postgres)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        db = Database("postgresql", postgres, schema)
        engine = create_engine(postgres, schema)
    await migrate(engine)
    await engine.dispose()
    return db


async def raise_concern(server: RunningServer, subject_id: int) -> None:
    state = server.state
    dispatcher = server.app[DISPATCHER]
    async with state.sessions() as db, db.begin():
        session = await store.live_session(db, 1)
        await safeguarding._write_concern(
            db,
            dispatcher.config,
            hub_id=1,
            group_id=1,
            session_id=session.id if session else None,
            subject_id=subject_id,
            raised_by=None,
            source="facilitator",
            tier="high",
            explanation="",
            note="",
            trigger=None,
            now=state.rooms.clock(),
        )
    dispatcher.wake()


async def dead_claimant(server: RunningServer) -> int:
    """A process that claims what is due and dies holding it."""
    state = server.state
    policy = outbox.OutboxPolicy(lease=outbox.OutboxPolicy().lease / 30)
    async with state.sessions() as db:
        return len(await outbox.claim_due(db, f"doomed-{uuid.uuid4().hex[:6]}", state.rooms.clock(), policy, 50))


async def bounce_smtp(smtp: SmtpInbox) -> None:
    await smtp.stop()
    await asyncio.sleep(0.5)
    await smtp.start()


async def run(faults: int, postgres: str, seed: int) -> int:
    random.seed(seed)
    with tempfile.TemporaryDirectory() as workdir:
        db = await database(postgres, workdir)
        async with (
            smtp_server() as smtp,
            webhook_receiver() as receiver,
            seeded_server(
                db.settings(port=free_port(), smtp_host="127.0.0.1", smtp_port=smtp.port, **SETTINGS)
            ) as server,
        ):
            admin, lead = Api(server.url), Api(server.url)
            try:
                await admin.login("hub-admin")
                await set_escalation(admin, webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET)
                await make_lead(server, lead)
                async with server.state.sessions() as session, session.begin():
                    river = await store.get_user_by_pseudonym(session, "River")
                    assert river is not None
                injected: Counter[str] = Counter()
                bouncing: list[asyncio.Task[None]] = []
                started = time.monotonic()
                for _ in range(faults):
                    fault = random.choice(FAULTS)
                    injected[fault] += 1
                    if fault == "webhook_500":
                        receiver.script.append(500)
                    elif fault == "webhook_timeout":
                        receiver.script.append("hang")
                    elif fault == "smtp_down" and (not bouncing or bouncing[-1].done()):
                        bouncing.append(asyncio.create_task(bounce_smtp(smtp)))
                    await raise_concern(server, river.id)
                    if fault == "dead_claimant":
                        await dead_claimant(server)
                    await asyncio.sleep(random.uniform(0, 0.05))
                await asyncio.gather(*bouncing)
                rows = await drain(server, within=120)
                elapsed = time.monotonic() - started
            finally:
                await admin.close()
                await lead.close()
        if postgres:
            admin_engine = create_engine(postgres)
            async with admin_engine.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{db.schema}" CASCADE'))
            await admin_engine.dispose()
    return report(faults, injected, rows, receiver.delivered, smtp, elapsed)


async def drain(server: RunningServer, within: float) -> list[OutboxRow]:
    deadline = time.monotonic() + within
    while True:
        async with server.state.sessions() as db, db.begin():
            rows = list((await db.execute(select(OutboxRow))).scalars())
        if all(r.state != outbox.PENDING for r in rows) or time.monotonic() > deadline:
            return rows
        await asyncio.sleep(0.2)


def report(
    faults: int,
    injected: Counter[str],
    rows: list[OutboxRow],
    webhooks: dict[str, int],
    smtp: SmtpInbox,
    elapsed: float,
) -> int:
    emails = Counter(str(m["X-Alongside-Idempotency-Key"]) for m in smtp.messages)
    arrived: dict[str, int] = {}
    for row in rows:
        if row.channel == "webhook":
            arrived[row.idempotency_key] = webhooks.get(row.idempotency_key, 0)
        elif row.channel == "email":
            arrived[row.idempotency_key] = emails.get(row.idempotency_key, 0)
        else:
            arrived[row.idempotency_key] = 1 if row.state == outbox.DELIVERED else 0
    raised = len(rows)
    delivered = sum(1 for n in arrived.values() if n >= 1)
    duplicated = sum(n - 1 for n in arrived.values() if n > 1)
    lost = raised - delivered
    by_channel = Counter(r.channel for r in rows)
    print(f"faults injected: {dict(injected)}")
    print(f"deliveries by channel: {dict(by_channel)}; dead letters: {sum(r.state == 'dead' for r in rows)}")
    print(f"drained in {elapsed:.1f} s")
    counts = f"raised={raised} delivered={delivered} duplicated={duplicated} lost={lost}"
    print(f"safeguarding_faults: faults={faults} {counts}")
    return 0 if lost == 0 and duplicated == 0 else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faults", type=int, default=100)
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL (a fresh schema is made in it)")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args.faults, args.postgres, args.seed)))


if __name__ == "__main__":
    main()
