"""Everything Alongside holds about one person, as one JSON document (the right of access, docs/privacy.md).

Left out: the password hash (a secret, not information about them), other people's messages, and the notes
and timeline of safeguarding records about them. UK GDPR allows withholding where disclosure would be likely
to cause serious harm to the person or someone else (Data Protection Act 2018, Schedule 3, and the
safeguarding exemptions of Schedule 2); a safeguarding lead's notes can name the people who raised a worry.
The export says what it left out, and why, in `left_out`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.errors import NotFound
from rooms.models import (
    Attendance,
    Block,
    Group,
    GroupSession,
    Hub,
    HubStaff,
    JoinRequest,
    Membership,
    Message,
    MutedWord,
    Report,
    Sanction,
    SideMessage,
    TrainingRecord,
    User,
)
from rooms.privacy import acceptance_view
from rooms.safeguarding_models import Concern
from rooms.views import iso

LEFT_OUT = [
    {
        "what": "Your password",
        "why": "Only a one-way hash of it is kept; it is a secret, not information about you.",
    },
    {
        "what": "Other people's messages, names and reports",
        "why": "They are about other people. Your export holds only what you wrote and did.",
    },
    {
        "what": "Notes, timelines and copied messages of safeguarding records about you",
        "why": (
            "Safeguarding records say who was worried about someone and what was done to keep people safe. "
            "The law (UK GDPR, Data Protection Act 2018 Schedules 2 and 3) allows them to be withheld where "
            "showing them would be likely to cause serious harm to you or someone else. You can see that a "
            "record exists, its state and dates below; to ask about one, contact the hub."
        ),
    },
]


def _date(value: dt.date) -> str:
    return value.isoformat()


async def export_person(db: AsyncSession, user_id: int, now: dt.datetime) -> dict[str, Any]:
    """The whole document (call inside a read transaction)."""
    user = await db.get(User, user_id)
    if user is None:
        raise NotFound("There is no such account.")
    groups = {g.id: g.name for g in (await db.execute(select(Group))).scalars()}
    hubs = {h.id: h.name for h in (await db.execute(select(Hub))).scalars()}

    def group_name(group_id: int | None) -> str | None:
        return groups.get(group_id) if group_id is not None else None

    messages = (
        await db.execute(
            select(Message).where(Message.author_id == user_id).order_by(Message.group_id, Message.created_at)
        )
    ).scalars()
    side = (
        await db.execute(select(SideMessage).where(SideMessage.author_id == user_id).order_by(SideMessage.created_at))
    ).scalars()
    attendance = await db.execute(
        select(Attendance, GroupSession)
        .join(GroupSession, GroupSession.id == Attendance.session_id)
        .where(Attendance.user_id == user_id)
        .order_by(Attendance.first_joined_at)
    )
    concerns = (
        await db.execute(select(Concern).where(Concern.subject_user_id == user_id).order_by(Concern.created_at))
    ).scalars()
    return {
        "exported_at": iso(now),
        "about": "Everything Alongside holds about you, as of exported_at. Times are UTC.",
        "account": {
            "id": user.id,
            "pseudonym": user.pseudonym,
            "email": user.email,
            "created_at": iso(user.created_at),
            "is_platform_admin": user.is_platform_admin,
            "notices_accepted": acceptance_view(user),
            "language": user.language,
        },
        "staff_roles": [
            {"hub": hubs.get(s.hub_id), "role": s.role, "added_at": iso(s.added_at)}
            for s in (await db.execute(select(HubStaff).where(HubStaff.user_id == user_id))).scalars()
        ],
        "training_records": [
            {
                "hub": hubs.get(t.hub_id),
                "course": t.course,
                "completed_on": _date(t.completed_on),
                "expires_on": _date(t.expires_on),
            }
            for t in (await db.execute(select(TrainingRecord).where(TrainingRecord.user_id == user_id))).scalars()
        ],
        "memberships": [
            {
                "group_id": ms.group_id,
                "group": group_name(ms.group_id),
                "agreement_version": ms.agreement_version,
                "joined_at": iso(ms.joined_at),
                "accepted_at": iso(ms.accepted_at),
            }
            for ms in (await db.execute(select(Membership).where(Membership.user_id == user_id))).scalars()
        ],
        "join_requests": [
            {"group": group_name(j.group_id), "status": j.status, "requested_at": iso(j.requested_at)}
            for j in (await db.execute(select(JoinRequest).where(JoinRequest.user_id == user_id))).scalars()
        ],
        "messages": [
            {
                "group_id": msg.group_id,
                "group": group_name(msg.group_id),
                "session_id": msg.session_id,
                "id": msg.id,
                "created_at": iso(msg.created_at),
                "body": msg.body,
                "content_note": msg.content_note,
                "hidden_by_facilitator": msg.hidden_at is not None,
                "held_for_review": msg.held_reason is not None,
            }
            for msg in messages
        ],
        "private_and_backchannel_messages": [
            {"session_id": sm.session_id, "channel": sm.channel, "created_at": iso(sm.created_at), "body": sm.body}
            for sm in side
        ],
        "reports_made": [
            {
                "group": group_name(r.group_id),
                "category": r.category,
                "note": r.note,
                "status": r.status,
                "created_at": iso(r.created_at),
                "resolved_at": iso(r.resolved_at),
            }
            for r in (await db.execute(select(Report).where(Report.reporter_id == user_id))).scalars()
        ],
        "blocked_people": [
            {"user_id": b.blocked_user_id, "created_at": iso(b.created_at)}
            for b in (await db.execute(select(Block).where(Block.user_id == user_id))).scalars()
        ],
        "muted_words": [
            w.word for w in (await db.execute(select(MutedWord).where(MutedWord.user_id == user_id))).scalars()
        ],
        "attendance": [
            {
                "group": group_name(session.group_id),
                "session_id": a.session_id,
                "role": a.role,
                "first_joined_at": iso(a.first_joined_at),
            }
            for a, session in attendance
        ],
        "sanctions": [
            {
                "group": group_name(s.group_id),
                "kind": s.kind,
                "reason": s.reason,
                "created_at": iso(s.created_at),
                "expires_at": iso(s.expires_at),
                "lifted_at": iso(s.lifted_at),
            }
            for s in (await db.execute(select(Sanction).where(Sanction.user_id == user_id))).scalars()
        ],
        "safeguarding_concerns_about_you": [
            {
                "hub": hubs.get(c.hub_id),
                "state": c.state,
                "tier": c.tier,
                "created_at": iso(c.created_at),
                "resolved_at": iso(c.resolved_at),
            }
            for c in concerns
        ],
        "left_out": LEFT_OUT,
    }
