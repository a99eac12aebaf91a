"""Who may do what in a group: the one place roles are decided."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import group_store, store
from rooms.errors import Conflict, DomainError, Forbidden, NotFound
from rooms.hooks import Actor
from rooms.models import Group, GroupSession, Hub, Membership


@dataclass(frozen=True)
class GroupAccess:
    """What one person may do in one group. `is_facilitator` means may facilitate now: the facilitator role in
    the group's hub and training there that counts today. Without current training, staff enter no room as
    facilitator (`holds_facilitator_role` says why they were refused)."""

    group: Group
    membership: Membership | None
    is_facilitator: bool
    holds_facilitator_role: bool
    is_hub_admin: bool

    @property
    def room_role(self) -> str | None:
        """The role shown in the room, or None if this person may not enter it."""
        version = self.membership.agreement_version if self.membership else None
        return room_role(self.is_facilitator, version, self.group.agreement_version)

    @property
    def my_role(self) -> str | None:
        if self.is_hub_admin:
            return "hub_admin"
        if self.is_facilitator:
            return "facilitator"
        return "member" if self.membership is not None else None


def room_role(is_facilitator: bool, accepted_version: int | None, current_version: int) -> str | None:
    """Facilitators enter as such; members only with the current agreement accepted; else nobody."""
    if is_facilitator:
        return "facilitator"
    if accepted_version is not None and accepted_version == current_version:
        return "member"
    return None


async def require_group(db: AsyncSession, group_id: int) -> Group:
    group = await store.get_group(db, group_id)
    if group is None:
        raise NotFound("There is no such group.")
    return group


async def require_hub(db: AsyncSession, hub_id: int) -> Hub:
    hub = await store.get_hub(db, hub_id)
    if hub is None:
        raise NotFound("There is no such hub.")
    return hub


async def group_access(db: AsyncSession, actor: Actor, group_id: int, today: dt.date) -> GroupAccess:
    """What this person may do in this group (one statement)."""
    return (await entry_access(db, actor, group_id, today, with_live=False))[0]


async def entry_access(
    db: AsyncSession, actor: Actor, group_id: int, today: dt.date, *, with_live: bool = True
) -> tuple[GroupAccess, GroupSession | None]:
    """group_access and, read in the same statement, the group's running session (room:join needs both)."""
    row = await store.access_row(db, group_id, actor.user_id, today, with_live=with_live)
    if row is None:
        raise NotFound("There is no such group.")
    return _access_from(row, actor.is_platform_admin), row.live


# Who asks to enter which room: (group id, user id, whether they are a platform admin).
EntryAsk = tuple[int, int, bool]


async def entry_accesses(
    db: AsyncSession, asked: Sequence[EntryAsk], today: dt.date
) -> list[tuple[GroupAccess, GroupSession | None] | NotFound]:
    """entry_access for many people entering rooms at once, in order, in one statement (a connect wave's
    joins: rooms/chat.py); NotFound in the place of a group that does not exist."""
    rows = await store.access_rows_in(db, [(group_id, user_id) for group_id, user_id, _ in asked], today)
    return [
        NotFound("There is no such group.") if row is None else (_access_from(row, platform_admin), row.live)
        for row, (_, _, platform_admin) in zip(rows, asked, strict=True)
    ]


def _access_from(row: store.AccessRow, is_platform_admin: bool) -> GroupAccess:
    return GroupAccess(
        group=row.group,
        membership=row.membership,
        is_facilitator=row.may_facilitate,
        holds_facilitator_role=row.holds_facilitator_role,
        is_hub_admin=is_platform_admin or row.holds_hub_admin_role,
    )


def require_not_archived(group: Group) -> None:
    """An archived group is read-only: no session opens in it and nobody joins it."""
    if group.archived_at is not None:
        raise Conflict("This group is archived: it is read-only.", code="group_archived")


async def require_visible(db: AsyncSession, actor: Actor, access: GroupAccess) -> None:
    """An unlisted group is seen by its members, its hub's staff and those who asked to join it; to anyone else
    it does not exist (its invitation shows it: rooms/joining.py). Listed groups are seen by everyone."""
    group = access.group
    if group.visibility != "unlisted" or access.membership is not None or access.is_hub_admin:
        return
    if await store.staff_roles(db, actor.user_id, group.hub_id):
        return
    if await group_store.get_join_request(db, group.id, actor.user_id) is not None:
        return
    raise NotFound("There is no such group.")


async def is_hub_admin(db: AsyncSession, actor: Actor, hub_id: int) -> bool:
    return actor.is_platform_admin or "hub_admin" in await store.staff_roles(db, actor.user_id, hub_id)


async def require_hub_admin(db: AsyncSession, actor: Actor, hub_id: int) -> Hub:
    hub = await require_hub(db, hub_id)
    if not await is_hub_admin(db, actor, hub_id):
        raise Forbidden("Only this hub's admins can do that.")
    return hub


async def require_hub_role(db: AsyncSession, actor: Actor, hub_id: int, roles: frozenset[str], why: str) -> Hub:
    """The hub, if the person asking holds one of `roles` there (a platform admin holds them all)."""
    hub = await require_hub(db, hub_id)
    if not actor.is_platform_admin and not roles & set(await store.staff_roles(db, actor.user_id, hub_id)):
        raise Forbidden(why)
    return hub


def require_room_role(access: GroupAccess) -> str:
    """Refuse people who have not joined, or whose accepted agreement is out of date."""
    version = access.membership.agreement_version if access.membership else None
    return require_role(access.is_facilitator, version, access.group.agreement_version)


def require_role(is_facilitator: bool, accepted_version: int | None, current_version: int) -> str:
    role = room_role(is_facilitator, accepted_version, current_version)
    if role is not None:
        return role
    if accepted_version is None:
        raise DomainError("Join this group (and accept its agreement) first.", code="not_member")
    raise DomainError(
        "The group agreement has changed. Please read and accept it again before taking part.",
        code="agreement_required",
    )


def require_trained_facilitator(access: GroupAccess) -> None:
    if not access.holds_facilitator_role:
        raise Forbidden("Only this hub's facilitators can open or end sessions.")
    if not access.is_facilitator:
        raise Forbidden(
            "Your facilitator training is not current (not on record, or expired); ask your hub admin to record it.",
            code="training_not_current",
        )
