"""Queries over safeguarding's tables. Functions take an open AsyncSession; callers own the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.models import Group, GroupSession, HubStaff, Message, User
from rooms.safeguarding_models import Concern, ConcernEvent, ConcernMessage, HubEscalation, MessageAssessment
from rooms.store import RUNNING

LEAD_ROLE = "safeguarding_lead"


async def escalation_settings(db: AsyncSession, hub_id: int) -> HubEscalation:
    """The hub's settings row, or the defaults (an unsaved row) when it has none."""
    found = await db.get(HubEscalation, hub_id)
    if found is not None:
        return found
    return HubEscalation(
        hub_id=hub_id,
        webhook_url="",
        webhook_secret="",
        escalation_email="",
        ack_concern_seconds=900,
        ack_high_seconds=120,
        ack_imminent_seconds=30,
    )


async def lead_contacts(db: AsyncSession, hub_id: int) -> list[tuple[int, str | None]]:
    """The hub's safeguarding leads: (user id, email or None), in a fixed order."""
    rows = await db.execute(
        select(User.id, User.email)
        .join(HubStaff, HubStaff.user_id == User.id)
        .where(HubStaff.hub_id == hub_id, HubStaff.role == LEAD_ROLE)
        .order_by(User.id)
    )
    return [(user_id, email) for user_id, email in rows.all()]


async def is_lead(db: AsyncSession, user_id: int, hub_id: int) -> bool:
    row = await db.execute(
        select(HubStaff.user_id).where(
            HubStaff.hub_id == hub_id, HubStaff.user_id == user_id, HubStaff.role == LEAD_ROLE
        )
    )
    return row.first() is not None


async def lead_pairs(db: AsyncSession, user_ids: set[int], hub_ids: set[int]) -> set[tuple[int, int]]:
    """Which of these people lead safeguarding in which of these hubs, in one query (the console sweep)."""
    if not user_ids or not hub_ids:
        return set()
    rows = await db.execute(
        select(HubStaff.user_id, HubStaff.hub_id).where(
            HubStaff.role == LEAD_ROLE, HubStaff.user_id.in_(user_ids), HubStaff.hub_id.in_(hub_ids)
        )
    )
    return {(user_id, hub_id) for user_id, hub_id in rows.all()}


async def session_messages(
    db: AsyncSession, group_id: int, session_id: int, *, up_to: int | None, after: int | None, limit: int
) -> list[tuple[Message, str]]:
    """Messages of one session with their authors' pseudonyms: the last `limit` up to `up_to` (inclusive), or
    the first `limit` after `after`; in id order."""
    query = (
        select(Message, User.pseudonym)
        .join(User, User.id == Message.author_id)
        .where(Message.group_id == group_id, Message.session_id == session_id)
    )
    if after is not None:
        rows = await db.execute(query.where(Message.id > after).order_by(Message.id).limit(limit))
        return [(m, p) for m, p in rows.all()]
    if up_to is not None:
        query = query.where(Message.id <= up_to)
    rows = await db.execute(query.order_by(Message.id.desc()).limit(limit))
    return [(m, p) for m, p in reversed(rows.all())]


async def copy_messages(
    db: AsyncSession, concern_id: int, found: Sequence[tuple[Message, str]], trigger: int | None
) -> None:
    for message, pseudonym in found:
        db.add(
            ConcernMessage(
                concern_id=concern_id,
                message_id=message.id,
                group_id=message.group_id,
                author_id=message.author_id,
                author_pseudonym=pseudonym,
                author_role=message.author_role,
                body=message.body,
                created_at=message.created_at,
                triggering=message.id == trigger,
            )
        )


async def copied_messages(db: AsyncSession, concern_id: int) -> list[ConcernMessage]:
    rows = await db.execute(
        select(ConcernMessage).where(ConcernMessage.concern_id == concern_id).order_by(ConcernMessage.message_id)
    )
    return list(rows.scalars())


async def timeline(db: AsyncSession, concern_id: int) -> list[tuple[ConcernEvent, str | None]]:
    rows = await db.execute(
        select(ConcernEvent, User.pseudonym)
        .outerjoin(User, User.id == ConcernEvent.actor_id)
        .where(ConcernEvent.concern_id == concern_id)
        .order_by(ConcernEvent.id)
    )
    return [(e, p) for e, p in rows.all()]


async def open_concern(
    db: AsyncSession, *, subject_id: int, group_id: int, session_id: int | None, sources: Sequence[str]
) -> Concern | None:
    """The member's open concern of these sources in this group's session, if any (the newest)."""
    conditions = [
        Concern.subject_user_id == subject_id,
        Concern.group_id == group_id,
        Concern.source.in_(list(sources)),
        Concern.state != "resolved",
    ]
    if session_id is not None:
        conditions.append(Concern.session_id == session_id)
    row = await db.execute(select(Concern).where(and_(*conditions)).order_by(Concern.id.desc()).limit(1))
    return row.scalar_one_or_none()


async def is_hub_staff_facilitator(db: AsyncSession, user_id: int, hub_id: int) -> bool:
    """Holds the facilitator role in the hub (trained or not): a concern about them is for the leads only."""
    row = await db.execute(
        select(HubStaff.user_id).where(
            HubStaff.user_id == user_id, HubStaff.hub_id == hub_id, HubStaff.role == "facilitator"
        )
    )
    return row.first() is not None


async def unanswered_help(
    db: AsyncSession, *, subject_id: int, group_id: int, session_id: int | None
) -> Concern | None:
    """The member's "I need help now" in this very session that nobody has acknowledged yet: pressing again
    joins it (its deliveries and ladder are already under way). One acknowledged, or from another session, is
    not it: a new press then needs a new alert."""
    session = Concern.session_id == session_id if session_id is not None else Concern.session_id.is_(None)
    row = await db.execute(
        select(Concern)
        .where(
            Concern.subject_user_id == subject_id,
            Concern.group_id == group_id,
            Concern.source == "help_now",
            Concern.state == "raised",
            session,
        )
        .order_by(Concern.id.desc())
        .limit(1)
    )
    return row.scalar_one_or_none()


async def hub_concerns(
    db: AsyncSession,
    hub_id: int | None,
    *,
    open_only: bool,
    subject_id: int | None = None,
    group_id: int | None = None,
) -> list[tuple[Concern, str | None, str | None]]:
    """A hub's (or, with `group_id`, one group's) concerns with the subject's pseudonym and the group's name."""
    query = (
        select(Concern, User.pseudonym, Group.name)
        .outerjoin(User, User.id == Concern.subject_user_id)
        .outerjoin(Group, Group.id == Concern.group_id)
    )
    if hub_id is not None:
        query = query.where(Concern.hub_id == hub_id)
    if group_id is not None:
        query = query.where(Concern.group_id == group_id)
    if open_only:
        query = query.where(Concern.state != "resolved")
    if subject_id is not None:
        query = query.where(Concern.subject_user_id == subject_id)
    rows = await db.execute(query.order_by(Concern.id))
    return [(c, p, g) for c, p, g in rows.all()]


async def concern_with_names(db: AsyncSession, concern_id: int) -> tuple[Concern, str | None, str | None] | None:
    row = await db.execute(
        select(Concern, User.pseudonym, Group.name)
        .outerjoin(User, User.id == Concern.subject_user_id)
        .outerjoin(Group, Group.id == Concern.group_id)
        .where(Concern.id == concern_id)
    )
    found = row.first()
    return (found[0], found[1], found[2]) if found else None


async def overdue_ids(db: AsyncSession, now: dt.datetime, max_level: int) -> list[int]:
    rows = await db.execute(
        select(Concern.id)
        .where(Concern.state == "raised", Concern.ack_deadline <= now, Concern.escalation_level < max_level)
        .order_by(Concern.ack_deadline)
    )
    return list(rows.scalars())


async def lock_concern(db: AsyncSession, concern_id: int) -> Concern | None:
    """The concern, its row held until commit (PostgreSQL; SQLite's writer holds the database already)."""
    # populate_existing: a Concern loaded earlier in this session is refreshed from the locked row, so a state
    # changed meanwhile by another lead is seen (else two acknowledges both pass, or one reopens a resolve).
    query = select(Concern).where(Concern.id == concern_id).execution_options(populate_existing=True)
    if db.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return (await db.execute(query)).scalar_one_or_none()


async def unassessed_messages(
    db: AsyncSession, since: dt.datetime, before: dt.datetime, limit: int = 200
) -> list[tuple[Message, int]]:
    """Recent messages that risk detection never recorded (their process died first), with their hub. Only
    sessions running now or ended within the window are looked at, so the messages table is read through its
    session index, not scanned."""
    recent_sessions = select(GroupSession.id).where(
        or_(GroupSession.status.in_(RUNNING), GroupSession.ended_at >= since)
    )
    rows = await db.execute(
        select(Message, Group.hub_id)
        .join(Group, Group.id == Message.group_id)
        .outerjoin(
            MessageAssessment,
            and_(MessageAssessment.group_id == Message.group_id, MessageAssessment.message_id == Message.id),
        )
        .where(
            Message.session_id.in_(recent_sessions),
            Message.created_at >= since,
            Message.created_at < before,
            MessageAssessment.message_id.is_(None),
        )
        .order_by(Message.created_at)
        .limit(limit)
    )
    return [(m, hub_id) for m, hub_id in rows.all()]
