"""Queries over a group's settings tables: tags, members, agreement history, join requests, invitations.

Functions take an open AsyncSession; callers own the transaction. Kept apart from rooms/store.py, which holds
the room and presence queries of the chat's hot paths."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.models import AgreementVersion, GroupSession, GroupTag, Invitation, JoinRequest, Membership, User


async def tags_of(db: AsyncSession, group_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each group's tags, alphabetically (one query for any number of groups)."""
    ids = sorted(set(group_ids))
    found: dict[int, list[str]] = {group_id: [] for group_id in ids}
    if ids:
        rows = await db.execute(
            select(GroupTag.group_id, GroupTag.tag).where(GroupTag.group_id.in_(ids)).order_by(GroupTag.tag)
        )
        for group_id, tag in rows.all():
            found[group_id].append(tag)
    return found


async def replace_tags(db: AsyncSession, group_id: int, tags: list[str]) -> None:
    await db.execute(delete(GroupTag).where(GroupTag.group_id == group_id))
    db.add_all(GroupTag(group_id=group_id, tag=tag) for tag in tags)


async def member_counts(db: AsyncSession, group_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(group_ids))
    found = dict.fromkeys(ids, 0)
    if ids:
        rows = await db.execute(
            select(Membership.group_id, func.count()).where(Membership.group_id.in_(ids)).group_by(Membership.group_id)
        )
        for group_id, count in rows.all():
            found[group_id] = int(count)
    return found


async def member_count(db: AsyncSession, group_id: int) -> int:
    return (await member_counts(db, [group_id]))[group_id]


async def members_with_names(db: AsyncSession, group_id: int) -> list[tuple[Membership, str]]:
    rows = await db.execute(
        select(Membership, User.pseudonym)
        .join(User, User.id == Membership.user_id)
        .where(Membership.group_id == group_id)
        .order_by(User.pseudonym_key)
    )
    return [(membership, name) for membership, name in rows.all()]


async def agreement_versions(db: AsyncSession, group_id: int) -> list[tuple[AgreementVersion, str | None]]:
    """Every version of a group's agreement, newest first, with its author's pseudonym (None if unknown)."""
    rows = await db.execute(
        select(AgreementVersion, User.pseudonym)
        .outerjoin(User, User.id == AgreementVersion.created_by)
        .where(AgreementVersion.group_id == group_id)
        .order_by(AgreementVersion.version.desc())
    )
    return [(version, name) for version, name in rows.all()]


async def version_current_at(db: AsyncSession, group_id: int, when: dt.datetime) -> int | None:
    """The agreement version that was current at `when` (the newest written by then)."""
    rows = await db.execute(
        select(func.max(AgreementVersion.version)).where(
            AgreementVersion.group_id == group_id, AgreementVersion.created_at <= when
        )
    )
    found = rows.scalar_one_or_none()
    return int(found) if found is not None else None


async def get_join_request(db: AsyncSession, group_id: int, user_id: int) -> JoinRequest | None:
    return await db.get(JoinRequest, (group_id, user_id))


async def join_request_statuses(db: AsyncSession, user_id: int, group_ids: Iterable[int]) -> dict[int, str]:
    """One person's join request status in each of these groups that has one."""
    ids = sorted(set(group_ids))
    if not ids:
        return {}
    rows = await db.execute(
        select(JoinRequest.group_id, JoinRequest.status).where(
            JoinRequest.user_id == user_id, JoinRequest.group_id.in_(ids)
        )
    )
    return {group_id: status for group_id, status in rows.all()}


async def pending_requests(db: AsyncSession, group_id: int) -> list[tuple[JoinRequest, str]]:
    rows = await db.execute(
        select(JoinRequest, User.pseudonym)
        .join(User, User.id == JoinRequest.user_id)
        .where(JoinRequest.group_id == group_id, JoinRequest.status == "pending")
        .order_by(JoinRequest.requested_at, JoinRequest.user_id)
    )
    return [(request, name) for request, name in rows.all()]


async def invitations(db: AsyncSession, group_id: int) -> Sequence[Invitation]:
    rows = await db.execute(select(Invitation).where(Invitation.group_id == group_id).order_by(Invitation.id.desc()))
    return rows.scalars().all()


async def invitation_by_digest(db: AsyncSession, digest: str) -> Invitation | None:
    rows = await db.execute(select(Invitation).where(Invitation.token_digest == digest))
    return rows.scalar_one_or_none()


async def open_sessions(db: AsyncSession, group_id: int) -> Sequence[GroupSession]:
    """Sessions under way (live, or paused waiting for a facilitator): what archiving ends."""
    rows = await db.execute(
        select(GroupSession).where(GroupSession.group_id == group_id, GroupSession.status.in_(("live", "paused")))
    )
    return rows.scalars().all()
