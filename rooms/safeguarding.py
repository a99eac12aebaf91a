"""Safeguarding concerns: raised by a member ("I need help now", "I'm worried about this person"), by a
facilitator, or by risk detection; written with their deliveries before anything is announced; climbed up
the hub's ladder when nobody acknowledges in time; handled by the hub's safeguarding leads.

A distressed message is never hidden, held or refused here: detection only adds (a private offer of support,
a marker for facilitators, a concern). docs/safeguarding.md describes the flow, the states and the ladder.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import concerns_store, hub_store, outbox, paging, store, validate
from rooms.access import group_access, is_hub_admin, require_hub_admin, require_hub_role
from rooms.context import RoomsContext
from rooms.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from rooms.events import RoomEvent
from rooms.hooks import Actor, Hooks
from rooms.hookspecs import StoredMessage
from rooms.hubs import crisis_line_view
from rooms.models import Membership, Message, User
from rooms.risk import RiskAssessment, RiskTier
from rooms.safeguarding_models import (
    BreakGlassEntry,
    Concern,
    ConcernEvent,
    HubEscalation,
    MessageAssessment,
    OutboxRow,
)
from rooms.side_talk import member_connections
from rooms.upserts import insert_for

TIERS = ("concern", "high", "imminent")
TIER_RANK = {"none": 0, "concern": 1, "high": 2, "imminent": 3}
STATES = ("raised", "acknowledged", "in_progress", "resolved")
LEAD_ROLES = frozenset({"safeguarding_lead"})
MAX_LEVEL = 2  # 0: facilitators and leads; 1: re-notified, louder; 2: the hub's escalation email and webhook
CONTEXT = 5  # messages kept before the trigger (copied) and shown after it (while the room keeps them)
NOTE_MAX = 4000
# "I need help now" is the member saying, themselves, that it is urgent: the most urgent tier, 30 s by default.
HELP_NOW_TIER = "imminent"
# A member's worry about another member is read as high: recall first; the lead can lower nothing, but
# resolves quickly if it was nothing.
WORRIED_TIER = "high"


@dataclass(frozen=True)
class SafeguardingConfig:
    """What the server decides about delivery (rooms never reads settings)."""

    email_enabled: bool = False
    policy: outbox.OutboxPolicy = field(default_factory=outbox.OutboxPolicy)
    hooks: Hooks | None = None  # its concern_notify notifiers each get a delivery of their own

    def notifiers(self) -> list[str]:
        return self.hooks.concern_notify.names() if self.hooks is not None else []


@dataclass(frozen=True)
class Raised:
    """The outcome of raising: the concern's view, and whether it is new (else an open one was reused)."""

    concern: dict[str, Any]
    created: bool


def tier_name(tier: RiskTier) -> str:
    return tier.name.lower()


def deadline_seconds(settings: HubEscalation, tier: str) -> int:
    return {
        "concern": settings.ack_concern_seconds,
        "high": settings.ack_high_seconds,
        "imminent": settings.ack_imminent_seconds,
    }[tier]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def concern_view(concern: Concern, subject: str | None, group_name: str | None, now: dt.datetime) -> dict[str, Any]:
    """What staff see of a concern, with its clock (seconds left to acknowledge; negative once overdue)."""
    running = concern.state == "raised" and concern.ack_deadline is not None
    return {
        "id": concern.id,
        "hub_id": concern.hub_id,
        "group_id": concern.group_id,
        "group_name": group_name,
        "session_id": concern.session_id,
        "subject": None
        if concern.subject_user_id is None
        else {"user_id": concern.subject_user_id, "pseudonym": subject},
        "source": concern.source,
        "tier": concern.tier,
        "state": concern.state,
        "explanation": concern.explanation,
        "outcome": concern.outcome,
        "ack_deadline": _iso(concern.ack_deadline),
        "seconds_left": round((concern.ack_deadline - now).total_seconds())
        if running and concern.ack_deadline
        else None,
        "escalation_level": concern.escalation_level,
        "created_at": concern.created_at.isoformat(),
        "updated_at": concern.updated_at.isoformat(),
        "acknowledged_at": _iso(concern.acknowledged_at),
        "resolved_at": _iso(concern.resolved_at),
    }


def sort_key(concern: Concern) -> tuple[int, dt.datetime, int]:
    """Most urgent tier first, then the oldest."""
    return (-TIER_RANK[concern.tier], concern.created_at, concern.id)


async def concern_summary(db: AsyncSession, concern_id: int, now: dt.datetime) -> dict[str, Any] | None:
    found = await concerns_store.concern_with_names(db, concern_id)
    return concern_view(*found, now) if found else None


# ---- writing a concern: the concern, its messages, its first event and its deliveries, in one transaction


async def _plan_deliveries(
    db: AsyncSession,
    concern: Concern,
    level: int,
    settings: HubEscalation,
    config: SafeguardingConfig,
    now: dt.datetime,
) -> None:
    """Queue this rung's deliveries (idempotent per concern, level, channel and target)."""
    event = "concern.raised" if level == 0 else "concern.escalated"
    rows: list[tuple[str, str]] = []
    # A concern about one of the room's facilitators goes to the leads only: its subject must never see it
    # (and could otherwise acknowledge it, stopping the ladder).
    about_staff = concern.subject_user_id is not None and await concerns_store.is_hub_staff_facilitator(
        db, concern.subject_user_id, concern.hub_id
    )
    if level < MAX_LEVEL:
        if concern.group_id is not None and not about_staff:
            rows.append(("socket", "facilitators"))
        rows.append(("socket", "leads"))
        if config.email_enabled:
            rows += [
                ("email", f"user:{uid}")
                for uid, email in await concerns_store.lead_contacts(db, concern.hub_id)
                if email
            ]
    else:
        rows.append(("socket", "leads"))
        if config.email_enabled and settings.escalation_email:
            rows.append(("email", "escalation"))
    if settings.webhook_url and level in (0, MAX_LEVEL):
        rows.append(("webhook", "hub"))
    rows += [("hook", f"hook:{name}") for name in config.notifiers()]
    for channel, target in rows:
        db.add(outbox.new_row(concern.id, concern.hub_id, channel, target, event, level, now))


def _event(concern_id: int, actor_id: int | None, kind: str, note: str, now: dt.datetime) -> ConcernEvent:
    return ConcernEvent(concern_id=concern_id, actor_id=actor_id, kind=kind, note=note, created_at=now)


async def _write_concern(
    db: AsyncSession,
    config: SafeguardingConfig,
    *,
    hub_id: int,
    group_id: int,
    session_id: int | None,
    subject_id: int,
    raised_by: int | None,
    source: str,
    tier: str,
    explanation: str,
    note: str,
    trigger: int | None,
    now: dt.datetime,
) -> Concern:
    """Inside the caller's transaction: nothing is announced until it commits (the dispatcher reads the rows)."""
    settings = await concerns_store.escalation_settings(db, hub_id)
    concern = Concern(
        hub_id=hub_id,
        group_id=group_id,
        session_id=session_id,
        subject_user_id=subject_id,
        raised_by=raised_by,
        source=source,
        tier=tier,
        state="raised",
        explanation=explanation,
        outcome="",
        ack_deadline=now + dt.timedelta(seconds=deadline_seconds(settings, tier)),
        escalation_level=0,
        created_at=now,
        updated_at=now,
    )
    db.add(concern)
    await db.flush()
    if session_id is not None:
        found = await concerns_store.session_messages(
            db, group_id, session_id, up_to=trigger, after=None, limit=CONTEXT + 1
        )
        await concerns_store.copy_messages(db, concern.id, found, trigger)
    db.add(_event(concern.id, raised_by, "raised", note, now))
    await _plan_deliveries(db, concern, 0, settings, config, now)
    await db.flush()
    return concern


async def _running_session(db: AsyncSession, group_id: int) -> int | None:
    session = await store.live_session(db, group_id)
    return session.id if session else None


async def _view(db: AsyncSession, concern: Concern, now: dt.datetime) -> dict[str, Any]:
    summary = await concern_summary(db, concern.id, now)
    assert summary is not None
    return summary


async def crisis_lines(db: AsyncSession, hub_id: int) -> list[dict[str, str]]:
    lines = await hub_store.crisis_lines(db, [hub_id])
    return [crisis_line_view(line) for line in lines[hub_id]]


async def do_help_now(
    db: AsyncSession, ctx: RoomsContext, config: SafeguardingConfig, actor: Actor, group_id: int
) -> Raised:
    """A member presses "I need help now" in the room. Pressing again while that alert is still unanswered adds
    to its timeline (its deliveries and ladder are under way); once someone acknowledged it, or in a later
    session, a press is a new alert with deliveries of its own: nobody's call for help goes unheard."""
    now = ctx.clock()
    async with db.begin():
        group = await store.get_group(db, group_id)
        if group is None:
            raise NotFound("There is no such group.")
        session_id = await _running_session(db, group_id)
        # One press at a time per person: on PostgreSQL two presses at once would each see no alert yet and
        # raise two (SQLite's single writer already runs them in turn).
        await db.execute(select(User.id).where(User.id == actor.user_id).with_for_update())
        existing = await concerns_store.unanswered_help(
            db, subject_id=actor.user_id, group_id=group_id, session_id=session_id
        )
        if existing is not None:
            db.add(_event(existing.id, actor.user_id, "pressed_again", "", now))
            existing.updated_at = now
            concern, created = existing, False
        else:
            concern = await _write_concern(
                db,
                config,
                hub_id=group.hub_id,
                group_id=group_id,
                session_id=session_id,
                subject_id=actor.user_id,
                raised_by=actor.user_id,
                source="help_now",
                tier=HELP_NOW_TIER,
                explanation="The member pressed \u201cI need help now\u201d.",
                note="",
                trigger=None,
                now=now,
            )
            created = True
        await db.flush()
        view = await _view(db, concern, now)
    return Raised(view, created)


def _note(value: Any) -> str:
    if value is None:
        return ""
    return validate.text(value, "note", min_len=0, max_len=NOTE_MAX)


async def _require_member_of(db: AsyncSession, group_id: int, user_id: int) -> None:
    membership = await db.get(Membership, (group_id, user_id))
    if membership is None:
        raise NotFound("That person is not a member of this group.")


async def _message_of(db: AsyncSession, group_id: int, message_id: Any, author_id: int) -> int:
    mid = validate.row_id(message_id, "message_id")
    message = await db.get(Message, (group_id, mid))
    if message is None or message.author_id != author_id:
        raise NotFound("There is no such message of that person in this group.")
    return mid


async def do_worried(
    db: AsyncSession, ctx: RoomsContext, config: SafeguardingConfig, actor: Actor, payload: dict[str, Any]
) -> Raised:
    """A member is worried about another member. Separate from reporting abuse; the other member is never
    told who raised it."""
    group_id = validate.row_id(payload.get("group_id"), "group_id")
    subject_id = validate.row_id(payload.get("user_id"), "user_id")
    note = _note(payload.get("note"))
    if subject_id == actor.user_id:
        raise InvalidInput("To ask for help for yourself, use \u201cI need help now\u201d.")
    now = ctx.clock()
    async with db.begin():
        group = await store.get_group(db, group_id)
        if group is None:
            raise NotFound("There is no such group.")
        await _require_member_of(db, group_id, subject_id)
        trigger = None
        if payload.get("message_id") is not None:
            trigger = await _message_of(db, group_id, payload.get("message_id"), subject_id)
        concern = await _write_concern(
            db,
            config,
            hub_id=group.hub_id,
            group_id=group_id,
            session_id=await _running_session(db, group_id),
            subject_id=subject_id,
            raised_by=actor.user_id,
            source="worried",
            tier=WORRIED_TIER,
            explanation="A member is worried about this person.",
            note=note,
            trigger=trigger,
            now=now,
        )
        view = await _view(db, concern, now)
    return Raised(view, True)


async def do_facilitator_raise(
    db: AsyncSession, ctx: RoomsContext, config: SafeguardingConfig, actor: Actor, payload: dict[str, Any]
) -> Raised:
    """A facilitator raises a concern about a member of a group they facilitate."""
    group_id = validate.row_id(payload.get("group_id"), "group_id")
    subject_id = validate.row_id(payload.get("user_id"), "user_id")
    tier = payload.get("tier", "high")
    if tier not in TIERS:
        raise InvalidInput("tier must be one of " + ", ".join(TIERS) + ".")
    note = _note(payload.get("note"))
    now = ctx.clock()
    async with db.begin():
        access = await group_access(db, actor, group_id, now.date())
        if not access.is_facilitator:
            raise Forbidden("Only this group's facilitators can raise a concern here.")
        await _require_member_of(db, group_id, subject_id)
        trigger = None
        if payload.get("message_id") is not None:
            trigger = await _message_of(db, group_id, payload.get("message_id"), subject_id)
        concern = await _write_concern(
            db,
            config,
            hub_id=access.group.hub_id,
            group_id=group_id,
            session_id=await _running_session(db, group_id),
            subject_id=subject_id,
            raised_by=actor.user_id,
            source="facilitator",
            tier=str(tier),
            explanation="A facilitator raised this concern.",
            note=note,
            trigger=trigger,
            now=now,
        )
        view = await _view(db, concern, now)
    return Raised(view, True)


# ---- risk detection's outcome


@dataclass(frozen=True)
class Detection:
    """What recording one assessment did: None fields when nothing (already assessed, or no risk)."""

    recorded: bool
    concern_id: int | None = None
    created: bool = False


async def record_assessment(
    db: AsyncSession, ctx: RoomsContext, config: SafeguardingConfig, stored: StoredMessage, assessment: RiskAssessment
) -> Detection:
    """Record that the message was assessed and, at high or imminent, raise (or add to) a concern, in one
    transaction. The marker row is the claim: a second assessment of the same message (the recovery scan
    racing the live observer) finds it and does nothing."""
    now = ctx.clock()
    tier = tier_name(assessment.tier)
    try:
        async with db.begin():
            db.add(
                MessageAssessment(group_id=stored.group_id, message_id=stored.message_id, tier=tier, assessed_at=now)
            )
            await db.flush()
            if assessment.tier < RiskTier.HIGH or stored.hub_id is None:
                return Detection(True)
            existing = await concerns_store.open_concern(
                db,
                subject_id=stored.author_id,
                group_id=stored.group_id,
                session_id=stored.session_id,
                sources=("detector",),
            )
            if existing is not None and TIER_RANK[existing.tier] >= TIER_RANK[tier]:
                found = await concerns_store.session_messages(
                    db, stored.group_id, stored.session_id, up_to=stored.message_id, after=None, limit=1
                )
                known = {m.message_id for m in await concerns_store.copied_messages(db, existing.id)}
                await concerns_store.copy_messages(
                    db, existing.id, [f for f in found if f[0].id not in known], stored.message_id
                )
                db.add(_event(existing.id, None, "message_added", assessment.explanation, now))
                existing.updated_at = now
                return Detection(True, existing.id, False)
            concern = await _write_concern(
                db,
                config,
                hub_id=stored.hub_id,
                group_id=stored.group_id,
                session_id=stored.session_id,
                subject_id=stored.author_id,
                raised_by=None,
                source="detector",
                tier=tier,
                explanation=assessment.explanation,
                note=f"Detected by {assessment.detector or 'risk detection'}.",
                trigger=stored.message_id,
                now=now,
            )
            return Detection(True, concern.id, True)
    except IntegrityError:  # assessed already, by another process or the recovery scan
        return Detection(False)


async def record_quiet(db: AsyncSession, markers: list[tuple[int, int]], now: dt.datetime) -> None:
    """Messages assessed as no risk: their markers written together, in one short transaction (one write per
    batch, not per message, beside the send path's writes). A marker already there is left alone."""
    if not markers:
        return
    rows = [{"group_id": g, "message_id": m, "tier": "none", "assessed_at": now} for g, m in sorted(set(markers))]
    async with db.begin():
        connection = await db.connection()
        await connection.execute(_quiet_insert(db.get_bind().dialect.name), rows)


@functools.cache
def _quiet_insert(dialect: str) -> Any:
    """The markers' insert, built once per dialect and run with the batch's rows (an executemany), so its compiled
    form is cached. A multi-row VALUES, as it was, was compiled afresh for each batch: at 600 messages a second
    (about 120 markers every 0.2 s) that was 4% of the server's event loop."""
    table: Table = MessageAssessment.__table__  # type: ignore[assignment]
    return insert_for(dialect, table).on_conflict_do_nothing()


def risk_payload(stored: StoredMessage, assessment: RiskAssessment) -> dict[str, Any]:
    """`message:risk` for the session's facilitators: the tier and why, never a copy of the text."""
    return {
        "group_id": stored.group_id,
        "message_id": stored.message_id,
        "tier": tier_name(assessment.tier),
        "explanation": assessment.explanation,
        "matches": [{"phrase": m.phrase, "construct": m.construct, "why": m.why} for m in assessment.matches],
    }


async def announce_detection(
    db: AsyncSession, ctx: RoomsContext, stored: StoredMessage, assessment: RiskAssessment
) -> None:
    """After commit, at concern or above: support privately to the author's own connections in the room, and
    the marker to the session's facilitators (the staff room)."""
    if assessment.tier < RiskTier.CONCERN:
        return
    async with db.begin():
        lines = await crisis_lines(db, stored.hub_id) if stored.hub_id is not None else []
        sids = await store_connections(db, stored.group_id, stored.author_id)
    if stored.author_role == "member" and sids:
        offer = {"group_id": stored.group_id, "crisis_lines": lines, "talk_to_facilitator": True}
        await ctx.publisher.publish(
            RoomEvent(stored.group_id, "support:offer", offer, audience="direct", to_connections=sids)
        )
    await ctx.publisher.publish(
        RoomEvent(stored.group_id, "message:risk", risk_payload(stored, assessment), audience="staff")
    )


async def store_connections(db: AsyncSession, group_id: int, user_id: int) -> tuple[str, ...]:
    return await member_connections(db, group_id, user_id)


async def unassessed(
    db: AsyncSession, now: dt.datetime, window: dt.timedelta, grace: dt.timedelta
) -> list[StoredMessage]:
    """Messages from the last `window` (but older than `grace`, so the live observer has had its turn) that
    nothing assessed: a process died between storing and assessing them."""
    async with db.begin():
        found = await concerns_store.unassessed_messages(db, now - window, now - grace)
    return [
        StoredMessage(
            group_id=m.group_id,
            message_id=m.id,
            session_id=m.session_id,
            hub_id=hub_id,
            author_id=m.author_id,
            author_role=m.author_role,
            body=m.body,
            created_at=m.created_at,
            held=m.held_reason is not None,
            flags=(),
        )
        for m, hub_id in found
    ]


# ---- the ladder


async def overdue(db: AsyncSession, now: dt.datetime) -> list[int]:
    """Concerns past their deadline that may climb (a read: no write lock taken when there are none)."""
    async with db.begin():
        return await concerns_store.overdue_ids(db, now, MAX_LEVEL)


async def escalate_overdue(
    db: AsyncSession, ctx: RoomsContext, config: SafeguardingConfig, due: list[int] | None = None
) -> list[int]:
    """Climb every concern still unacknowledged past its deadline by one rung, once: each under its row lock,
    re-checked there, so processes sweeping at the same moment escalate it once."""
    now = ctx.clock()
    if due is None:
        due = await overdue(db, now)
    climbed: list[int] = []
    for concern_id in due:
        try:
            async with db.begin():
                concern = await concerns_store.lock_concern(db, concern_id)
                if (
                    concern is None
                    or concern.state != "raised"
                    or concern.ack_deadline is None
                    or concern.ack_deadline > now
                    or concern.escalation_level >= MAX_LEVEL
                ):
                    continue
                settings = await concerns_store.escalation_settings(db, concern.hub_id)
                concern.escalation_level += 1
                concern.ack_deadline = now + dt.timedelta(seconds=deadline_seconds(settings, concern.tier))
                concern.updated_at = now
                rung = (
                    "the safeguarding leads again"
                    if concern.escalation_level < MAX_LEVEL
                    else "the hub's escalation contacts"
                )
                db.add(_event(concern.id, None, "escalated", f"Not acknowledged in time: re-notified {rung}.", now))
                await _plan_deliveries(db, concern, concern.escalation_level, settings, config, now)
                await db.flush()
            climbed.append(concern_id)
        except IntegrityError:  # another process queued this rung first
            continue
    return climbed


# ---- the leads' work


async def _concern_for(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, concern_id: int, *, leads_only: bool
) -> Concern:
    """The concern, if the person asking is one of its hub's safeguarding leads (or, unless `leads_only`, a
    facilitator of its group, the ladder's first rung, unless the concern is about them). Anyone else: 404, as
    if it did not exist."""
    concern = await db.get(Concern, concern_id)
    if concern is None:
        raise NotFound("There is no such concern.")
    if actor.is_platform_admin or await concerns_store.is_lead(db, actor.user_id, concern.hub_id):
        return concern
    if not leads_only and concern.group_id is not None and concern.subject_user_id != actor.user_id:
        access = await group_access(db, actor, concern.group_id, ctx.clock().date())
        if access.is_facilitator:
            return concern
    raise NotFound("There is no such concern.")


async def require_console(db: AsyncSession, actor: Actor, hub_id: int) -> None:
    """The leads' console is for the hub's safeguarding leads (and platform admins) only."""
    async with db.begin():
        await require_hub_role(db, actor, hub_id, LEAD_ROLES, "Only the hub's safeguarding leads see its concerns.")


async def list_open(db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int) -> list[dict[str, Any]]:
    """The hub's open concerns, most urgent tier first, then the oldest (the leads' console)."""
    now = ctx.clock()
    async with db.begin():
        await require_hub_role(db, actor, hub_id, LEAD_ROLES, "Only the hub's safeguarding leads see its concerns.")
        found = await concerns_store.hub_concerns(db, hub_id, open_only=True)
    found.sort(key=lambda row: sort_key(row[0]))
    return [concern_view(c, p, g, now) for c, p, g in found]


async def open_in_group(db: AsyncSession, group_id: int, viewer_id: int, now: dt.datetime) -> list[dict[str, Any]]:
    """A room's open concerns, most urgent first: for its facilitators' room:join snapshot (they hear each one's
    news live; this is what was raised before they came in, or while their page was away). Never one about the
    viewer, nor about any facilitator (those go to the leads only)."""
    found = [
        row
        for row in await concerns_store.hub_concerns(db, None, open_only=True, group_id=group_id)
        if row[0].subject_user_id != viewer_id
        and not (
            row[0].subject_user_id is not None
            and await concerns_store.is_hub_staff_facilitator(db, row[0].subject_user_id, row[0].hub_id)
        )
    ]
    found.sort(key=lambda row: sort_key(row[0]))
    return [concern_view(c, p, g, now) for c, p, g in found]


def _message_view(
    message_id: int, author: str | None, role: str, body: str, created: dt.datetime, kept: bool, triggering: bool
) -> dict[str, Any]:
    return {
        "id": message_id,
        "author": {"display_name": author, "role": role},
        "body": body,
        "created_at": created.isoformat(),
        "kept": kept,  # copied into the safeguarding record (stays after the room's messages go)
        "triggering": triggering,
    }


async def concern_detail(db: AsyncSession, ctx: RoomsContext, actor: Actor, concern_id: int) -> dict[str, Any]:
    """Everything a lead needs: the concern and its clock, the messages (kept copies, then what followed while
    the room still has it), the timeline, the hub's crisis lines and the member's other open concerns."""
    now = ctx.clock()
    async with db.begin():
        concern = await _concern_for(db, ctx, actor, concern_id, leads_only=True)
        view = await _view(db, concern, now)
        kept = await concerns_store.copied_messages(db, concern.id)
        messages = [
            _message_view(m.message_id, m.author_pseudonym, m.author_role, m.body, m.created_at, True, m.triggering)
            for m in kept
        ]
        if concern.group_id is not None and concern.session_id is not None:
            last = max((m.message_id for m in kept), default=0)
            after = await concerns_store.session_messages(
                db, concern.group_id, concern.session_id, up_to=None, after=last, limit=CONTEXT
            )
            messages += [_message_view(m.id, p, m.author_role, m.body, m.created_at, False, False) for m, p in after]
        events = await concerns_store.timeline(db, concern.id)
        others = []
        if concern.subject_user_id is not None:
            others = [
                concern_view(c, p, g, now)
                for c, p, g in await concerns_store.hub_concerns(
                    db, concern.hub_id, open_only=True, subject_id=concern.subject_user_id
                )
                if c.id != concern.id
            ]
        raiser = await db.get(User, concern.raised_by) if concern.raised_by else None
        lines = await crisis_lines(db, concern.hub_id)
    return {
        "concern": {
            **view,
            "raised_by": None if raiser is None else {"user_id": raiser.id, "pseudonym": raiser.pseudonym},
        },
        "messages": messages,
        "timeline": [
            {"id": e.id, "kind": e.kind, "actor": p, "note": e.note, "at": e.created_at.isoformat()} for e, p in events
        ],
        "crisis_lines": lines,
        "other_open_concerns": others,
    }


ACTIONS = ("acknowledge", "start", "note", "resolve")
ACTION_EVENTS = {"acknowledge": "acknowledged", "start": "in_progress", "note": "note", "resolve": "resolved"}


async def do_act(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, concern_id: int, action: str, text: Any = None
) -> dict[str, Any]:
    """acknowledge (raised → acknowledged: the ladder stops), start (→ in_progress), note, resolve (with an
    outcome). Facilitators of the concern's group may acknowledge and add notes; the rest is the leads'."""
    if action not in ACTIONS:
        raise InvalidInput("action must be one of " + ", ".join(ACTIONS) + ".")
    now = ctx.clock()
    note = _note(text)
    if action in ("note", "resolve") and not note.strip():
        raise InvalidInput("Say what happened: a note or an outcome is needed.")
    async with db.begin():
        concern = await _concern_for(db, ctx, actor, concern_id, leads_only=action in ("start", "resolve"))
        concern = await concerns_store.lock_concern(db, concern.id) or concern
        if concern.state == "resolved" and action != "note":
            raise Conflict("This concern is resolved already.", code="concern_resolved")
        if action == "acknowledge":
            if concern.state != "raised":
                raise Conflict("This concern was acknowledged already.", code="concern_acknowledged")
            concern.state, concern.acknowledged_at, concern.acknowledged_by = "acknowledged", now, actor.user_id
        elif action == "start":
            if concern.state == "raised":
                concern.acknowledged_at, concern.acknowledged_by = now, actor.user_id
            concern.state = "in_progress"
        elif action == "resolve":
            concern.state, concern.outcome = "resolved", note
            concern.resolved_at, concern.resolved_by = now, actor.user_id
            if concern.acknowledged_at is None:
                concern.acknowledged_at, concern.acknowledged_by = now, actor.user_id
        concern.updated_at = now
        db.add(_event(concern.id, actor.user_id, ACTION_EVENTS[action], note, now))
        await db.flush()
        return await _view(db, concern, now)


async def do_reveal_contact(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, concern_id: int, reason: Any
) -> dict[str, Any]:
    """Break-glass: a safeguarding lead reads a pseudonymous member's contact details, for this concern, with
    a reason. The audit row is written in the same transaction as the read: no reveal without its record."""
    why = validate.text(reason, "reason", max_len=1000)
    if len(why.strip()) < 5:
        raise InvalidInput("Give the reason for revealing this person's contact details.")
    now = ctx.clock()
    async with db.begin():
        concern = await db.get(Concern, concern_id)
        # Anyone but the hub's leads gets the same answer whether the concern exists or not: concern ids are
        # not to be probed.
        if concern is None or (
            not actor.is_platform_admin and not await concerns_store.is_lead(db, actor.user_id, concern.hub_id)
        ):
            raise NotFound("There is no such concern.")
        if concern.subject_user_id is None:
            raise Conflict("This concern names no member.", code="no_subject")
        subject = await db.get(User, concern.subject_user_id)
        if subject is None:
            raise NotFound("That person's account is gone.")
        db.add(
            BreakGlassEntry(
                hub_id=concern.hub_id,
                concern_id=concern.id,
                actor_id=actor.user_id,
                subject_user_id=subject.id,
                reason=why,
                created_at=now,
            )
        )
        db.add(_event(concern.id, actor.user_id, "contact_revealed", why, now))
    return {"user_id": subject.id, "pseudonym": subject.pseudonym, "email": subject.email}


async def break_glass_log(
    db: AsyncSession, actor: Actor, hub_id: int, query: Mapping[str, str]
) -> tuple[list[dict[str, Any]], int | None]:
    """One page of the hub's break-glass audit, newest first, and the `before_id` of the next page (None at the
    oldest). Only the hub's admins may ask; who is asking is checked before the query is read."""
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
    page = paging.page_request(query)
    actor_user = User.__table__.alias("actor_user")
    subject_user = User.__table__.alias("subject_user")
    stmt = (
        select(BreakGlassEntry, actor_user.c.pseudonym, subject_user.c.pseudonym)
        .outerjoin(actor_user, actor_user.c.id == BreakGlassEntry.actor_id)
        .outerjoin(subject_user, subject_user.c.id == BreakGlassEntry.subject_user_id)
        .where(BreakGlassEntry.hub_id == hub_id)
    )
    if page.before_id is not None:
        stmt = stmt.where(BreakGlassEntry.id < page.before_id)
    async with db.begin():
        rows = (await db.execute(stmt.order_by(BreakGlassEntry.id.desc()).limit(page.fetch))).all()
    kept, next_before_id = paging.cut(rows, page, lambda row: int(row[0].id))
    entries = [
        {
            "id": e.id,
            "concern_id": e.concern_id,
            "actor": {"user_id": e.actor_id, "pseudonym": a},
            "subject": {"user_id": e.subject_user_id, "pseudonym": s},
            "reason": e.reason,
            "at": e.created_at.isoformat(),
        }
        for e, a, s in kept
    ]
    return entries, next_before_id


# ---- the hub admins' side of delivery


async def list_dead_letters(
    db: AsyncSession, actor: Actor, hub_id: int, query: Mapping[str, str]
) -> tuple[list[dict[str, object]], int | None]:
    """One page of the hub's dead letters, newest first, and the `before_id` of the next page (None at the
    oldest). Only the hub's admins may ask; who is asking is checked before the query is read."""
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
    page = paging.page_request(query)
    async with db.begin():
        rows = await outbox.dead_letters(db, hub_id, page.before_id, page.fetch)
    kept, next_before_id = paging.cut(rows, page, lambda row: row.id)
    return [outbox.row_view(row) for row in kept], next_before_id


async def do_redeliver(db: AsyncSession, ctx: RoomsContext, actor: Actor, outbox_id: int) -> dict[str, object]:
    now = ctx.clock()
    async with db.begin():
        row = await db.get(OutboxRow, outbox_id)
        # The same answer whether the delivery exists or belongs to a hub the asker does not run (no probing).
        if row is None or not await is_hub_admin(db, actor, row.hub_id):
            raise NotFound("There is no such delivery.")
        if row.state != outbox.DEAD:
            raise Conflict("Only a dead letter can be redelivered.", code="not_dead_letter")
        await outbox.redeliver(db, row, now)
        db.add(_event(row.concern_id, actor.user_id, "redelivery", f"{row.channel} to {row.target}", now))
        await db.flush()
        return outbox.row_view(row)


def escalation_view(settings: HubEscalation) -> dict[str, Any]:
    """The secret is never shown again: only whether one is set."""
    return {
        "hub_id": settings.hub_id,
        "webhook_url": settings.webhook_url,
        "webhook_secret_set": bool(settings.webhook_secret),
        "escalation_email": settings.escalation_email,
        "ack_seconds": {
            "concern": settings.ack_concern_seconds,
            "high": settings.ack_high_seconds,
            "imminent": settings.ack_imminent_seconds,
        },
    }


async def get_escalation(db: AsyncSession, actor: Actor, hub_id: int) -> dict[str, Any]:
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
        return escalation_view(await concerns_store.escalation_settings(db, hub_id))


async def do_update_escalation(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, values: dict[str, Any], *, allow_http: bool
) -> dict[str, Any]:
    """Change a hub's webhook, secret, escalation email or deadlines (only the fields given)."""
    now = ctx.clock()
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
        settings = await db.get(HubEscalation, hub_id)
        if settings is None:
            settings = await concerns_store.escalation_settings(db, hub_id)
            db.add(settings)
        if "webhook_url" in values:
            url = str(values["webhook_url"] or "")
            if url and not (url.startswith("https://") or (allow_http and url.startswith("http://"))):
                raise InvalidInput("webhook_url must be an https:// address.")
            settings.webhook_url = url
        if "webhook_secret" in values:
            settings.webhook_secret = str(values["webhook_secret"] or "")
        if settings.webhook_url and not settings.webhook_secret:
            raise DomainError("A webhook needs a signing secret (whsec_...).", code="invalid_payload")
        if "escalation_email" in values:
            settings.escalation_email = str(values["escalation_email"] or "")
        for tier in TIERS:
            key = f"ack_{tier}_seconds"
            if key in values:
                setattr(settings, key, validate.integer(values[key], key, minimum=10, maximum=86400))
        settings.updated_at = now
        await db.flush()
        return escalation_view(settings)
