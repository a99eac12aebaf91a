"""Long safeguarding histories for the paged hub-admin lists (dead letters, break-glass log): rows written
straight through the ORM, as the outbox and a reveal write them, so a test can have more than one page."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from rooms import store
from rooms.safeguarding_models import BreakGlassEntry, Concern, OutboxRow
from tests.conftest import RunningServer


@dataclass(frozen=True)
class History:
    """Ids of what was written, oldest first."""

    dead_letters: list[int]
    delivered: list[int]
    break_glass: list[int]


async def seed_history(server: RunningServer, count: int, hub_id: int = 1) -> History:
    """`count` dead letters (a delivered row after every tenth, which no dead-letter page may show) and `count`
    break-glass entries (Ash revealed River's contact), all of one resolved concern of the hub."""
    now = server.state.rooms.clock()
    run = secrets.token_hex(4)
    async with server.state.sessions() as db, db.begin():
        ash = await store.get_user_by_pseudonym(db, "Ash")
        river = await store.get_user_by_pseudonym(db, "River")
        assert ash is not None and river is not None
        concern = Concern(
            hub_id=hub_id,
            subject_user_id=river.id,
            source="worried",
            tier="concern",
            state="resolved",
            outcome="Seeded for paging.",
            created_at=now,
            updated_at=now,
            resolved_at=now,
        )
        db.add(concern)
        await db.flush()
        dead: list[OutboxRow] = []
        delivered: list[OutboxRow] = []
        entries: list[BreakGlassEntry] = []
        for n in range(count):
            at = now - dt.timedelta(seconds=count - n)
            row = _delivery(concern, f"{run}-dead-{n}", "dead", at)
            db.add(row)
            await db.flush()  # one at a time, so ids rise with n on every backend
            dead.append(row)
            if n % 10 == 9:
                kept = _delivery(concern, f"{run}-ok-{n}", "delivered", at)
                db.add(kept)
                await db.flush()
                delivered.append(kept)
            entry = BreakGlassEntry(
                hub_id=hub_id,
                concern_id=concern.id,
                actor_id=ash.id,
                subject_user_id=river.id,
                reason=f"Seeded reveal {n}",
                created_at=at,
            )
            db.add(entry)
            await db.flush()
            entries.append(entry)
        return History([r.id for r in dead], [r.id for r in delivered], [e.id for e in entries])


def _delivery(concern: Concern, key: str, state: str, at: dt.datetime) -> OutboxRow:
    return OutboxRow(
        concern_id=concern.id,
        hub_id=concern.hub_id,
        channel="webhook",
        target="escalation",
        event="concern.raised",
        level=0,
        idempotency_key=key,
        state=state,
        attempts=5 if state == "dead" else 1,
        next_attempt_at=at,
        delivered_at=at if state == "delivered" else None,
        last_error="webhook answered 500" if state == "dead" else "",
        created_at=at,
    )
