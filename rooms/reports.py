"""Members' reports of a message or a member, and the hub's queue of them (docs/protocol.md, "Members' tools").

A report reaches the facilitators in the room at once and waits in the hub's queue. The reported person never
learns of it: report events go only to facilitators' connections (never the reported person's, even when a
facilitator is the one reported) and, once it is dealt with, to the reporter's own connections. Staff see who
reported, so they can follow up with the reporter and notice reports used as a weapon.

Unstaffed hours: a message reported by `Hub.report_threshold` different people is hidden pending review, with
nobody on duty (a facilitator's message is not: it waits for the hub's staff). Reports are about conduct only:
a message is never hidden because it shows distress (that is safeguarding's: docs/safeguarding.md). A staff
member never sees, or resolves, a report about themselves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from rooms import store, validate
from rooms.access import group_access, require_hub, require_room_role
from rooms.community import clean_fields
from rooms.context import RoomsContext
from rooms.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from rooms.events import RoomEvent
from rooms.hooks import Actor
from rooms.models import Group, GroupSession, Message, ModerationLogEntry, Presence, Report, User
from rooms.views import iso, message_view

CATEGORIES = ("harassment", "hate", "spam", "personal_details", "unsafe_advice", "other")
NOTE_MAX = 1000
STATUSES = ("open", "resolved")
AUTO_HIDDEN_REASON = "reported by several members; waiting for review"
OUTCOME_LIMITS = {"outcome": (1, 500)}
QUEUE_LIMIT = 500


@dataclass(frozen=True)
class ReportRequest:
    group_id: int
    message_id: int | None
    user_id: int | None
    category: str
    note: Any  # checked after who is asking (rooms/reports.clean_note)


def parse_report(payload: Any) -> ReportRequest:
    """The shape of `report:create`: exactly one of message_id and user_id, and a known category."""
    if not isinstance(payload, dict):
        raise DomainError("Send an object with group_id, message_id or user_id, and category.")
    group_id = validate.row_id(payload.get("group_id"), "group_id")
    raw_message, raw_user = payload.get("message_id"), payload.get("user_id")
    if (raw_message is None) == (raw_user is None):
        raise InvalidInput("Report either a message (message_id) or a member (user_id).")
    message_id = None if raw_message is None else validate.integer(raw_message, "message_id", minimum=1)
    user_id = None if raw_user is None else validate.row_id(raw_user, "user_id")
    category = payload.get("category")
    if category not in CATEGORIES:
        raise InvalidInput(f"category must be one of: {', '.join(CATEGORIES)}.", code="invalid_category")
    return ReportRequest(group_id, message_id, user_id, str(category), payload.get("note", ""))


def clean_note(value: Any) -> str:
    """Plain text as written (never markup-stripped or rendered as HTML), line breaks normalised."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("note must be text.")
    if len(value) > NOTE_MAX * 2:
        raise InvalidInput(f"note must be at most {NOTE_MAX} characters.", code="note_too_long")
    validate.refuse_control_characters(value, "Your note")
    note = validate.clean_line_breaks(value)
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"note must be at most {NOTE_MAX} characters.", code="note_too_long")
    return note if note.strip() else ""


def mine_view(report: Report, group_name: str, reported_name: str | None) -> dict[str, Any]:
    """The reporter's own view: never who dealt with it."""
    return {
        "id": report.id,
        "group_id": report.group_id,
        "group_name": group_name,
        "message_id": report.message_id,
        "reported": _person(report.target_user_id, reported_name),
        "category": report.category,
        "note": report.note,
        "status": report.status,
        "outcome": report.outcome if report.status == "resolved" else None,
        "created_at": iso(report.created_at),
        "resolved_at": iso(report.resolved_at),
    }


def staff_view(report: Report, message: Message | None, names: dict[int, str], group_name: str) -> dict[str, Any]:
    """What the session's facilitators and the hub's queue see, reporter included (never sent to members)."""
    return {
        "id": report.id,
        "group_id": report.group_id,
        "group_name": group_name,
        "session_id": report.session_id,
        "category": report.category,
        "note": report.note,
        "status": report.status,
        "created_at": iso(report.created_at),
        "message": None
        if message is None
        else {
            "id": message.id,
            "body": message.body,
            "content_note": message.content_note,
            "created_at": iso(message.created_at),
            "hidden": message.hidden_at is not None,
        },
        "auto_hidden": message is not None and is_auto_hidden(message),
        "reported": _person(report.target_user_id, names.get(report.target_user_id or 0)),
        "reporter": _person(report.reporter_id, names.get(report.reporter_id)),
        "outcome": report.outcome if report.status == "resolved" else None,
        "resolved_at": iso(report.resolved_at),
        "resolved_by": _person(report.resolved_by, names.get(report.resolved_by or 0)),
    }


def _person(user_id: int | None, name: str | None) -> dict[str, Any] | None:
    return None if user_id is None else {"id": user_id, "display_name": name or ""}


def is_auto_hidden(message: Message) -> bool:
    return message.hidden_at is not None and message.hidden_by is None and message.hidden_reason == AUTO_HIDDEN_REASON


async def _names(db: AsyncSession, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = await db.execute(select(User.id, User.pseudonym).where(User.id.in_(wanted)))
    return {uid: name for uid, name in rows.all()}


async def _visible_message(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, message_id: int
) -> Message:
    """The message, if the reporter can see it: in the sessions they may read, and not held from them."""
    access = await group_access(db, actor, group_id, ctx.clock().date())
    message = await db.get(Message, (group_id, message_id))
    if message is None or (message.held_reason is not None and message.author_id != actor.user_id):
        raise NotFound("There is no such message here.")
    if not access.is_facilitator and access.membership is not None:
        session = await db.get(GroupSession, message.session_id)
        if session is not None and session.ended_at is not None and session.ended_at <= access.membership.joined_at:
            raise NotFound("There is no such message here.")
    return message


async def _reportable_member(db: AsyncSession, group: Group, user_id: int) -> User:
    """Someone of this group: a member, or staff of its hub. Anyone else is not found (no probing for ids)."""
    user = await store.get_user(db, user_id)
    if user is None or (
        await store.get_membership(db, group.id, user_id) is None
        and not await store.staff_roles(db, user_id, group.hub_id)
    ):
        raise NotFound("There is no such member here.")
    return user


async def facilitator_connections(db: AsyncSession, group_id: int, leave_out: int | None) -> tuple[str, ...]:
    """The facilitators' connections in the room (those the staff room holds), without `leave_out`'s: a
    facilitator who is reported never hears of it."""
    rows = await db.execute(
        select(Presence.sid).where(
            Presence.group_id == group_id, Presence.role == "facilitator", Presence.user_id != (leave_out or 0)
        )
    )
    return tuple(sorted(set(rows.scalars())))


async def person_connections(db: AsyncSession, user_id: int) -> tuple[str, ...]:
    """Every connection of one person, in whichever rooms."""
    rows = await db.execute(select(Presence.sid).where(Presence.user_id == user_id))
    return tuple(sorted(set(rows.scalars())))


def _log(report: Report, hub_id: int, action: str, actor_id: int | None, now: Any, detail: dict[str, Any]) -> Any:
    return ModerationLogEntry(
        hub_id=hub_id,
        group_id=report.group_id,
        session_id=report.session_id,
        actor_id=actor_id,
        action=action,
        target_user_id=report.target_user_id,
        target_message_id=report.message_id,
        reason=detail.pop("reason", ""),
        detail=json.dumps(detail, sort_keys=True),
        created_at=now,
    )


async def do_create_report(db: AsyncSession, ctx: RoomsContext, actor: Actor, request: ReportRequest) -> dict[str, Any]:
    """Store a report (once per reporter and message: a second answers the first), tell the facilitators in
    the room, and hide the message once enough different people have reported it."""
    hidden = False
    async with db.begin():
        access = await group_access(db, actor, request.group_id, ctx.clock().date())
        require_room_role(access)
        group = access.group
        note = clean_note(request.note)
        message: Message | None = None
        if request.message_id is not None:
            message = await _visible_message(db, ctx, actor, group.id, request.message_id)
            target_id = message.author_id
            existing = await _existing(db, group.id, actor.user_id, message_id=message.id)
        else:
            target_id = (await _reportable_member(db, group, request.user_id or 0)).id
            existing = await _existing(db, group.id, actor.user_id, user_id=target_id)
        if target_id == actor.user_id:
            raise InvalidInput("You cannot report yourself.", code="cannot_report_self")
        names = await _names(db, {target_id, actor.user_id})
        if existing is not None:
            return {"report": mine_view(existing, group.name, names.get(target_id)), "already_reported": True}
        live = await store.live_session(db, group.id)
        now = ctx.clock()
        report = Report(
            group_id=group.id,
            session_id=message.session_id if message is not None else (live.id if live else None),
            reporter_id=actor.user_id,
            target_user_id=target_id,
            message_id=message.id if message is not None else None,
            category=request.category,
            note=note,
            status="open",
            created_at=now,
            outcome="",
        )
        try:
            async with db.begin_nested():
                db.add(report)
        except IntegrityError:  # a double click: the twin stored it first, so answer that one
            twin = await _existing(db, group.id, actor.user_id, message_id=request.message_id)
            if twin is None:
                raise
            return {"report": mine_view(twin, group.name, names.get(target_id)), "already_reported": True}
        if message is not None and message.hidden_at is None:
            hidden = await _hide_if_enough(db, group, message, report, now)
        sids = await facilitator_connections(db, group.id, leave_out=target_id)
        staff = staff_view(report, message, names, group.name)
        mine = mine_view(report, group.name, names.get(target_id))
    if sids:
        payload = {"group_id": group.id, "report": staff}
        await ctx.publisher.publish(RoomEvent(group.id, "report:new", payload, audience="direct", to_connections=sids))
    if hidden and message is not None:
        await _tell_hidden(ctx, group.id, message.id, True)
    return {"report": mine, "already_reported": False}


async def _existing(
    db: AsyncSession, group_id: int, reporter_id: int, *, message_id: int | None = None, user_id: int | None = None
) -> Report | None:
    """A message: the reporter's report of it. A member: their report of that member still open."""
    query = select(Report).where(Report.group_id == group_id, Report.reporter_id == reporter_id)
    if message_id is not None:
        query = query.where(Report.message_id == message_id)
    else:
        query = query.where(Report.message_id.is_(None), Report.target_user_id == user_id, Report.status == "open")
    return (await db.execute(query.limit(1))).scalars().first()


async def _hide_if_enough(db: AsyncSession, group: Group, message: Message, report: Report, now: Any) -> bool:
    """Unstaffed hours: hide the message once `report_threshold` different people have open reports of it; the
    moderation log records a "hide" by no one (a policy)."""
    count = await db.execute(
        select(func.count(func.distinct(Report.reporter_id))).where(
            Report.group_id == group.id, Report.message_id == message.id, Report.status == "open"
        )
    )
    threshold = max(1, group.hub.report_threshold)
    if count.scalar_one() < threshold or message.author_role == "facilitator":
        return False  # a facilitator's message waits for the hub's staff: members cannot outvote a facilitator
    message.hidden_at, message.hidden_by, message.hidden_reason = now, None, AUTO_HIDDEN_REASON
    detail = {"policy": "report_threshold", "reports": threshold, "reason": AUTO_HIDDEN_REASON}
    db.add(_log(report, group.hub_id, "hide", None, now, detail))
    await db.flush()
    return True


async def _tell_hidden(
    ctx: RoomsContext, group_id: int, message_id: int, hidden: bool, view: dict[str, Any] | None = None
) -> None:
    """As a facilitator's hide and unhide do (rooms/moderation_actions.py): shown again, the message itself
    comes along when it belongs to the running session."""
    payload: dict[str, Any] = {"group_id": group_id, "message_id": message_id, "hidden": hidden}
    if view is not None:
        payload["message"] = view
    await ctx.publisher.publish(RoomEvent(group_id, "message:hidden", payload))


async def require_queue_staff(db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int) -> None:
    """The hub's admins and its facilitators (with current training) work the queue; platform admins too."""
    await require_hub(db, hub_id)
    if actor.is_platform_admin:
        return
    roles = await store.staff_roles(db, actor.user_id, hub_id)
    if "hub_admin" in roles:
        return
    if "facilitator" in roles and await store.current_training(db, actor.user_id, hub_id, ctx.clock().date()):
        return
    raise Forbidden("Only this hub's facilitators and admins work its reports.")


def parse_status(raw: str | None) -> str:
    status = raw or "open"
    if status not in STATUSES:
        raise InvalidInput("status must be open or resolved.", code="invalid_status")
    return status


async def list_hub_reports(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, raw_status: str | None
) -> list[dict[str, Any]]:
    """The hub's queue: open reports oldest first (the longest waiting on top), resolved ones newest first.
    Reports about the person asking are left out: the reported never see who reported them."""
    async with db.begin():
        await require_queue_staff(db, ctx, actor, hub_id)
        status = parse_status(raw_status)
        order = Report.id if status == "open" else Report.id.desc()
        rows = (
            await db.execute(
                select(Report, Message, Group.name)
                .join(Group, Group.id == Report.group_id)
                .outerjoin(Message, (Message.group_id == Report.group_id) & (Message.id == Report.message_id))
                .where(Group.hub_id == hub_id, Report.status == status)
                .where(or_(Report.target_user_id.is_(None), Report.target_user_id != actor.user_id))
                .order_by(order)
                .limit(QUEUE_LIMIT)
            )
        ).all()
        ids: set[int | None] = set()
        for report, _, _ in rows:
            ids |= {report.reporter_id, report.target_user_id, report.resolved_by}
        names = await _names(db, ids)
        return [staff_view(report, message, names, name) for report, message, name in rows]


async def list_my_reports(db: AsyncSession, ctx: RoomsContext, actor: Actor) -> list[dict[str, Any]]:
    """The reporter's own reports, newest first, so someone offline when one was dealt with is told later."""
    reported = aliased(User)
    async with db.begin():
        rows = await db.execute(
            select(Report, Group.name, reported.pseudonym)
            .join(Group, Group.id == Report.group_id)
            .outerjoin(reported, reported.id == Report.target_user_id)
            .where(Report.reporter_id == actor.user_id)
            .order_by(Report.id.desc())
            .limit(QUEUE_LIMIT)
        )
        return [mine_view(report, group_name, name) for report, group_name, name in rows.all()]


async def do_resolve_report(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, report_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Resolve a report with an outcome the reporter is told. A message's other open reports are resolved with
    it (one decision about one message); `unhide` shows a hidden message again."""
    unhide = body.get("unhide", False)
    if not isinstance(unhide, bool):
        raise InvalidInput("unhide must be true or false.")
    async with db.begin():
        report = await db.get(Report, report_id)
        if report is None:
            raise NotFound("There is no such report.")
        group = await store.get_group(db, report.group_id)
        if group is None:
            raise NotFound("There is no such report.")
        await require_queue_staff(db, ctx, actor, group.hub_id)
        if report.target_user_id == actor.user_id:
            raise Forbidden("A report about you is dealt with by someone else.")
        outcome = (await clean_fields(ctx, body, OUTCOME_LIMITS, partial=False))["outcome"]
        if report.status != "open":
            raise Conflict("This report has already been resolved.", code="already_resolved")
        now = ctx.clock()
        together = [report]
        if report.message_id is not None:
            others = await db.execute(
                select(Report).where(
                    Report.group_id == report.group_id,
                    Report.message_id == report.message_id,
                    Report.status == "open",
                    Report.id != report.id,
                )
            )
            together.extend(others.scalars())
        for each in together:
            each.status, each.resolved_at, each.resolved_by, each.outcome = "resolved", now, actor.user_id, outcome
        message = None
        if report.message_id is not None:
            message = await db.get(Message, (report.group_id, report.message_id))
        shown_again = bool(unhide and message is not None and message.hidden_at is not None)
        if shown_again and message is not None:
            message.hidden_at, message.hidden_by, message.hidden_reason = None, None, None
            db.add(
                _log(report, group.hub_id, "unhide", actor.user_id, now, {"reason": outcome, "report_id": report.id})
            )
        await db.flush()
        tell = {each.id: await person_connections(db, each.reporter_id) for each in together}
        names = await _names(db, {report.reporter_id, report.target_user_id, actor.user_id})  # target: the author
        view = staff_view(report, message, names, group.name)
        shown: dict[str, Any] | None = None
        live = await store.live_session(db, group.id) if shown_again else None
        if message is not None and live is not None and message.session_id == live.id and not message.held_reason:
            shown = message_view(message, names.get(message.author_id) or "")
    for each in together:
        if tell[each.id]:
            payload = {"report_id": each.id, "outcome": outcome}
            event = RoomEvent(
                each.group_id, "report:resolved", payload, audience="direct", to_connections=tell[each.id]
            )
            await ctx.publisher.publish(event)
    if shown_again and message is not None:
        await _tell_hidden(ctx, group.id, message.id, False, shown)
    return view
