"""Retention: deleting what is kept no longer than it is needed (docs/privacy.md).

Every process runs this from its periodic housekeeping, but only one at a time does the work: a process
takes the job's row in job_leases with one UPDATE ... WHERE lease_until < now (atomic on SQLite and
PostgreSQL: of two racing, one changes the row and the other changes none), and the lease lasts until the
next round is due, so the job runs about once per ROUND across the whole deployment. A process that dies
mid-round leaves the lease to run out; the deletes are idempotent, so the next holder finishes them.

What goes:
- messages (and the session's private words and backchannel) of a group, `groups.retention_days` after the
  session they belong to ended. Sessions still running keep theirs.
- resolved safeguarding concerns (with their copied messages, timeline, outbox rows and break-glass
  entries), `hubs.safeguarding_retention_days` after they were resolved. An open concern is never deleted.
- moderation log entries, `hubs.log_retention_days` after they were written.

The moderation log, a concern's timeline and the break-glass log are append-only: on PostgreSQL triggers
(migrations 0005, 0006) refuse UPDATE and DELETE. Retention deletes them inside a transaction that has set
`alongside.retention = 'on'` (SET LOCAL), which migration 0008's triggers let through (DELETE only; docs/privacy.md,
"Append-only records"). A database without it refuses: that part rolls back (a savepoint) and is logged;
messages are still deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.models import Group, GroupSession, Hub, Message, ModerationLogEntry, SideMessage
from rooms.privacy_models import JobLease
from rooms.safeguarding_models import (
    BreakGlassEntry,
    Concern,
    ConcernEvent,
    ConcernMessage,
    MessageAssessment,
    OutboxRow,
)

log = logging.getLogger("alongside.retention")
JOB = "retention"
ROUND = dt.timedelta(minutes=10)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass
class RetentionRound:
    """How many rows one round deleted (counts only: never what they held)."""

    messages: int = 0
    side_messages: int = 0
    concerns: int = 0
    log_entries: int = 0
    skipped: list[str] = field(default_factory=list)


async def take_lease(db: AsyncSession, name: str, holder: str, now: dt.datetime, length: dt.timedelta) -> bool:
    """Whether `holder` now holds job `name` until now + length. One UPDATE decides between racers."""
    async with db.begin():
        exists = await db.scalar(select(JobLease.name).where(JobLease.name == name))
    if exists is None:
        try:
            async with db.begin():
                db.add(JobLease(name=name, holder="", lease_until=EPOCH))
        except IntegrityError:  # another process added it first: fine, the UPDATE below decides
            pass
    async with db.begin():
        taken = await db.execute(
            update(JobLease)
            .where(JobLease.name == name, JobLease.lease_until < now)
            .values(holder=holder, lease_until=now + length)
        )
    return int(getattr(taken, "rowcount", 0) or 0) == 1


async def run_retention(db: AsyncSession, holder: str, now: dt.datetime) -> RetentionRound | None:
    """One round if this process takes the lease; None if another holds it (its round is not due yet)."""
    if not await take_lease(db, JOB, holder, now, ROUND):
        return None
    done = RetentionRound()
    await _expire_messages(db, now, done)
    await _expire_append_only(db, now, done)
    if done.messages or done.concerns or done.log_entries:
        log.info(
            "retention deleted %d messages, %d side messages, %d safeguarding records, %d log entries",
            done.messages,
            done.side_messages,
            done.concerns,
            done.log_entries,
        )
    return done


async def _expire_messages(db: AsyncSession, now: dt.datetime, done: RetentionRound) -> None:
    async with db.begin():
        groups = (await db.execute(select(Group.id, Group.retention_days))).all()
    for group_id, days in groups:
        cutoff = now - dt.timedelta(days=days)
        ended = (
            select(GroupSession.id)
            .where(GroupSession.group_id == group_id, GroupSession.status == "ended", GroupSession.ended_at < cutoff)
            .scalar_subquery()
        )
        async with db.begin():
            gone = select(Message.id).where(Message.group_id == group_id, Message.session_id.in_(ended))
            await db.execute(
                delete(MessageAssessment).where(
                    MessageAssessment.group_id == group_id, MessageAssessment.message_id.in_(gone.scalar_subquery())
                )
            )
            removed = await db.execute(
                delete(Message).where(Message.group_id == group_id, Message.session_id.in_(ended))
            )
            side = await db.execute(delete(SideMessage).where(SideMessage.session_id.in_(ended)))
        done.messages += int(getattr(removed, "rowcount", 0) or 0)
        done.side_messages += int(getattr(side, "rowcount", 0) or 0)


async def _allow_retention_deletes(db: AsyncSession) -> None:
    if db.get_bind().dialect.name == "postgresql":
        await db.execute(text("SET LOCAL alongside.retention = 'on'"))


async def _expire_append_only(db: AsyncSession, now: dt.datetime, done: RetentionRound) -> None:
    async with db.begin():
        hubs = (await db.execute(select(Hub.id, Hub.safeguarding_retention_days, Hub.log_retention_days))).all()
    for hub_id, safeguarding_days, log_days in hubs:
        concern_cutoff = now - dt.timedelta(days=safeguarding_days)
        log_cutoff = now - dt.timedelta(days=log_days)
        async with db.begin():
            await _allow_retention_deletes(db)
            try:
                async with db.begin_nested():
                    done.concerns += await _delete_concerns(db, hub_id, concern_cutoff)
            except DBAPIError:
                done.skipped.append(f"safeguarding records of hub {hub_id}")
                log.warning("retention: the database refused deleting old safeguarding records (append-only)")
            try:
                async with db.begin_nested():
                    entries = await db.execute(
                        delete(ModerationLogEntry).where(
                            ModerationLogEntry.hub_id == hub_id, ModerationLogEntry.created_at < log_cutoff
                        )
                    )
                    done.log_entries += int(getattr(entries, "rowcount", 0) or 0)
            except DBAPIError:
                done.skipped.append(f"moderation log of hub {hub_id}")
                log.warning("retention: the database refused deleting old moderation log entries (append-only)")


async def _delete_concerns(db: AsyncSession, hub_id: int, cutoff: dt.datetime) -> int:
    old = (
        (
            await db.execute(
                select(Concern.id).where(
                    Concern.hub_id == hub_id, Concern.state == "resolved", Concern.resolved_at < cutoff
                )
            )
        )
        .scalars()
        .all()
    )
    if not old:
        return 0
    for table, column in (
        (ConcernMessage, ConcernMessage.concern_id),
        (ConcernEvent, ConcernEvent.concern_id),
        (OutboxRow, OutboxRow.concern_id),
        (BreakGlassEntry, BreakGlassEntry.concern_id),
    ):
        await db.execute(delete(table).where(column.in_(old)))
    await db.execute(delete(Concern).where(Concern.id.in_(old)))
    return len(old)


async def run_once(db: AsyncSession, holder: str, now: dt.datetime) -> None:
    """The housekeeping step (server/app.py): a round if it is due and this process takes it."""
    await run_retention(db, holder, now)
