"""The safeguarding outbox: deliveries written with the concern, claimed safely by any process, retried with
backoff under one idempotency key, and dead-lettered after too many attempts.

Why an outbox: a concern must reach people even if the process that wrote it dies, Redis is down, or a
receiver fails. The rows are written in the concern's own transaction, so a committed concern always has
its deliveries, and a delivery never names a concern that was rolled back.

Claiming: PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED`, so processes claim different rows at once; SQLite
takes the write lock at BEGIN (server/db.py), so one claimant at a time. A claim is a lease
(`claimed_until`): a process that dies holding it loses it when the lease runs out, and another delivers.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.safeguarding_models import OutboxRow

CHANNELS = ("socket", "email", "webhook")
PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


@dataclass(frozen=True)
class OutboxPolicy:
    """How hard to try: the server's settings, handed in (rooms never reads them)."""

    max_attempts: int = 10
    retry_base: dt.timedelta = dt.timedelta(seconds=2)
    retry_max: dt.timedelta = dt.timedelta(minutes=5)
    lease: dt.timedelta = dt.timedelta(seconds=60)

    def backoff(self, attempts: int) -> dt.timedelta:
        """Exponential backoff with jitter: base x 2^(attempts-1), capped, then a random half to all of it,
        so many failed deliveries do not all come back at the same instant."""
        ceiling = min(self.retry_max, self.retry_base * int(2 ** min(30, max(0, attempts - 1))))
        return ceiling * random.uniform(0.5, 1.0)


@dataclass(frozen=True)
class Delivery:
    """A claimed outbox row, as the dispatcher needs it (detached from any session)."""

    id: int
    concern_id: int
    hub_id: int
    channel: str
    target: str
    event: str
    level: int
    idempotency_key: str
    attempts: int


def idempotency_key(concern_id: int, level: int, channel: str, target: str) -> str:
    """One key per concern, escalation level, channel and target: the same news is never queued twice."""
    return f"concern-{concern_id}-l{level}-{channel}-{target}"


def new_row(
    concern_id: int, hub_id: int, channel: str, target: str, event: str, level: int, now: dt.datetime
) -> OutboxRow:
    return OutboxRow(
        concern_id=concern_id,
        hub_id=hub_id,
        channel=channel,
        target=target,
        event=event,
        level=level,
        idempotency_key=idempotency_key(concern_id, level, channel, target),
        state=PENDING,
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )


async def any_due(db: AsyncSession, now: dt.datetime) -> bool:
    """Whether anything is due (a read, so an idle process takes no write lock each round)."""
    async with db.begin():
        row = await db.execute(
            select(OutboxRow.id)
            .where(
                OutboxRow.state == PENDING,
                OutboxRow.next_attempt_at <= now,
                or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
            )
            .limit(1)
        )
        return row.first() is not None


async def claim_due(
    db: AsyncSession, server_id: str, now: dt.datetime, policy: OutboxPolicy, limit: int = 20
) -> list[Delivery]:
    """Claim up to `limit` due deliveries for this process (its own transaction). Each claim counts as an
    attempt, so a delivery that kills its process every time still ends as a dead letter."""
    async with db.begin():
        query = (
            select(OutboxRow)
            .where(
                OutboxRow.state == PENDING,
                OutboxRow.next_attempt_at <= now,
                or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
            )
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
        )
        if db.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list((await db.execute(query)).scalars())
        claimed: list[Delivery] = []
        for row in rows:
            if row.claimed_until is not None and row.attempts >= policy.max_attempts:
                # Its last claimant's lease ran out with no outcome recorded, again and again (the delivery
                # kills or hangs its process): a dead letter for a hub admin to look at, not claimed for ever.
                row.state, row.claimed_by, row.claimed_until = DEAD, None, None
                row.last_error = "no outcome recorded before the lease ran out, on every attempt"
                continue
            row.claimed_by, row.claimed_until, row.attempts = server_id, now + policy.lease, row.attempts + 1
            claimed.append(
                Delivery(
                    row.id,
                    row.concern_id,
                    row.hub_id,
                    row.channel,
                    row.target,
                    row.event,
                    row.level,
                    row.idempotency_key,
                    row.attempts,
                )
            )
    return claimed


async def record_delivered(db: AsyncSession, delivery: Delivery, server_id: str, now: dt.datetime) -> bool:
    """Mark it delivered while it is still pending, whoever holds the claim now: a delivery that succeeded is
    done, even if its lease ran out meanwhile (otherwise a later claimant sends it yet again). False: it was
    marked already (another claimant's attempt succeeded too: the receiver de-duplicates by the key)."""
    async with db.begin():
        result = await db.execute(
            update(OutboxRow)
            .where(OutboxRow.id == delivery.id, OutboxRow.state == PENDING)
            .values(state=DELIVERED, delivered_at=now, claimed_by=None, claimed_until=None, last_error="")
        )
    return bool(getattr(result, "rowcount", 0))


async def record_failure(
    db: AsyncSession, delivery: Delivery, server_id: str, now: dt.datetime, error: str, policy: OutboxPolicy
) -> str:
    """A failed attempt: try again after a backoff, or (after max_attempts) a dead letter. Returns the state."""
    dead = delivery.attempts >= policy.max_attempts
    async with db.begin():
        # Only while this very attempt still holds the claim (each claim counts one more attempt): a slow
        # attempt whose lease ran out must not undo a newer claim, even one by this same process.
        await db.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == delivery.id,
                OutboxRow.claimed_by == server_id,
                OutboxRow.attempts == delivery.attempts,
                OutboxRow.state == PENDING,
            )
            .values(
                state=DEAD if dead else PENDING,
                next_attempt_at=now if dead else now + policy.backoff(delivery.attempts),
                claimed_by=None,
                claimed_until=None,
                last_error=error[:300],
            )
        )
    return DEAD if dead else PENDING


async def dead_letters(db: AsyncSession, hub_id: int, before_id: int | None, limit: int) -> list[OutboxRow]:
    """A hub's dead letters, newest first, older than `before_id` when given; `limit` at most (a page)."""
    stmt = select(OutboxRow).where(OutboxRow.hub_id == hub_id, OutboxRow.state == DEAD)
    if before_id is not None:
        stmt = stmt.where(OutboxRow.id < before_id)
    rows = await db.execute(stmt.order_by(OutboxRow.id.desc()).limit(limit))
    return list(rows.scalars())


async def redeliver(db: AsyncSession, row: OutboxRow, now: dt.datetime) -> None:
    """A dead letter goes back on the queue, under the same idempotency key, with a fresh count of attempts."""
    row.state, row.attempts, row.next_attempt_at = PENDING, 0, now
    row.claimed_by, row.claimed_until = None, None


def row_view(row: OutboxRow) -> dict[str, object]:
    return {
        "id": row.id,
        "concern_id": row.concern_id,
        "channel": row.channel,
        "target": row.target,
        "event": row.event,
        "level": row.level,
        "idempotency_key": row.idempotency_key,
        "state": row.state,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "created_at": row.created_at.isoformat(),
        "delivered_at": row.delivered_at.isoformat() if row.delivered_at else None,
    }
