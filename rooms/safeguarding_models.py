"""SQLAlchemy tables of safeguarding: concerns, their copied messages and timeline, the delivery outbox, the
break-glass audit, each hub's escalation settings, and which messages risk detection has assessed.

Kept beside rooms/models.py (same metadata, one Alembic history: migration 0006) because they are one area
with its own rules: the timeline and the break-glass audit are append-only (a PostgreSQL trigger refuses
UPDATE and DELETE), and the copied messages outlive the room's own retention.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from rooms.models import Base, UTCDateTime

BIG_ID = BigInteger().with_variant(Integer, "sqlite")


class Concern(Base):
    """A safeguarding concern about one member: raised → acknowledged → in_progress → resolved."""

    __tablename__ = "concerns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("group_sessions.id", ondelete="SET NULL"))
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    raised_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # None: a detector
    source: Mapped[str] = mapped_column(String(12))  # help_now | worried | facilitator | detector
    tier: Mapped[str] = mapped_column(String(10))  # concern | high | imminent
    state: Mapped[str] = mapped_column(String(12))  # raised | acknowledged | in_progress | resolved
    explanation: Mapped[str] = mapped_column(Text, default="")  # the detector's reason; never the message
    outcome: Mapped[str] = mapped_column(Text, default="")
    ack_deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # None once acknowledged
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    __table_args__ = (
        Index("ix_concerns_hub_state", "hub_id", "state"),
        Index("ix_concerns_deadline", "state", "ack_deadline"),
    )


class ConcernMessage(Base):
    """A message copied into the safeguarding record when the concern was raised (the trigger, and the context
    before it): it stays when the room's messages go."""

    __tablename__ = "concern_messages"
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id", ondelete="CASCADE"), primary_key=True)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # the room's message id
    group_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_pseudonym: Mapped[str] = mapped_column(String(32))
    author_role: Mapped[str] = mapped_column(String(12))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    triggering: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ConcernEvent(Base):
    """The concern's timeline: who did what, when, with notes. Append-only (a trigger on PostgreSQL)."""

    __tablename__ = "concern_events"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # None: the system
    kind: Mapped[str] = mapped_column(String(30))  # raised | pressed_again | acknowledged | note | escalated ...
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class OutboxRow(Base):
    """One delivery of one concern's news to one channel and target, written in the concern's transaction.
    `idempotency_key` is unique: the same delivery is never queued twice, and receivers de-duplicate by it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id", ondelete="CASCADE"))
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))  # socket | email | webhook
    target: Mapped[str] = mapped_column(String(40))  # facilitators | leads | user:<id> | escalation | hub
    event: Mapped[str] = mapped_column(String(30))  # concern.raised | concern.escalated
    level: Mapped[int] = mapped_column(Integer, default=0)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending | delivered | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)


class BreakGlassEntry(Base):
    """A safeguarding lead revealed a member's contact details: who, why, for which concern, when.
    Append-only (a trigger on PostgreSQL); hub admins read it."""

    __tablename__ = "break_glass_log"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class HubEscalation(Base):
    """A hub's escalation settings: its webhook (and signing secret), the escalation email address, and how
    long each tier may wait for acknowledgement. A table of its own (not columns of hubs) because the secret
    is never part of the hub's ordinary settings view. No row: the defaults."""

    __tablename__ = "hub_escalation"
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"), primary_key=True)
    webhook_url: Mapped[str] = mapped_column(String(500), default="")
    webhook_secret: Mapped[str] = mapped_column(String(200), default="")  # "whsec_" + base64
    escalation_email: Mapped[str] = mapped_column(String(254), default="")
    ack_concern_seconds: Mapped[int] = mapped_column(Integer, default=900)
    ack_high_seconds: Mapped[int] = mapped_column(Integer, default=120)
    ack_imminent_seconds: Mapped[int] = mapped_column(Integer, default=30)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MessageAssessment(Base):
    """Risk detection ran on this message (and what it said): the durable marker that lets a restarted process
    find messages whose detection was lost with the process that stored them."""

    __tablename__ = "message_assessments"
    group_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tier: Mapped[str] = mapped_column(String(10))
    assessed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
