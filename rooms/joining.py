"""How people join a group: open (accept the agreement), by request (a hub admin approves), or by invitation
(a link whose token only its holder knows); always within the group's capacity, never into an archived group."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import group_store, moderation_actions, store, validate
from rooms.access import group_access, require_not_archived, require_visible
from rooms.community import group_view
from rooms.context import RoomsContext
from rooms.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from rooms.group_admin import require_group_admin
from rooms.hooks import Actor
from rooms.models import Group, Invitation, JoinRequest, Membership
from rooms.views import hub_view, iso

INVITATION_MAX_AHEAD = dt.timedelta(days=90)
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def token_digest(token: str) -> str:
    """What is stored of an invitation token: a leaked table holds no usable link. A plain SHA-256 suffices
    (unlike a password, the token is 192 random bits, so there is nothing to guess)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _require_current(version: int, group: Group) -> None:
    if version != group.agreement_version:
        raise Conflict(
            "The group agreement changed while you were reading it. Please read the new version.",
            code="agreement_outdated",
        )


async def _admit(db: AsyncSession, group: Group, user_id: int, version: int, now: dt.datetime) -> None:
    """Make someone a member, within the group's capacity. The group row is locked first, so two people
    taking the last place at once cannot both have it."""
    await store.lock_group(db, group.id)
    if group.capacity is not None and await group_store.member_count(db, group.id) >= group.capacity:
        raise Conflict("This group is full.", code="group_full")
    db.add(Membership(group_id=group.id, user_id=user_id, agreement_version=version, joined_at=now, accepted_at=now))


def _renew(membership: Membership, group: Group, version: int, now: dt.datetime) -> None:
    _require_current(version, group)
    membership.agreement_version = version
    membership.accepted_at = now


async def do_join(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Accept the agreement version the person read: renews a membership, or joins (open groups), or asks to
    join (groups by request). Answers {"group": view} or {"request": {"status": "pending"}}."""
    version = validate.integer(body.get("agreement_version"), "agreement_version", minimum=1)
    async with db.begin():
        access = await group_access(db, actor, group_id, ctx.clock().date())
        await require_visible(db, actor, access)
        await moderation_actions.refuse_if_banned(db, ctx, group_id, actor.user_id)
        group, now = access.group, ctx.clock()
        if access.membership is not None:  # renewing an accepted agreement is always allowed
            _renew(access.membership, group, version, now)
            await db.flush()
            return {"group": await group_view(db, ctx, actor, group)}
        require_not_archived(group)
        if group.joining == "invitation":
            raise Forbidden("This group is joined by invitation only.", code="invitation_required")
        _require_current(version, group)
        if group.joining == "request":
            await _ask_to_join(db, group, actor.user_id, now)
            return {"request": {"status": "pending"}}
        await _admit(db, group, actor.user_id, version, now)
        await db.flush()
        return {"group": await group_view(db, ctx, actor, group)}


async def _ask_to_join(db: AsyncSession, group: Group, user_id: int, now: dt.datetime) -> None:
    """Create or keep a pending request. Its time says which agreement version was accepted with it (the one
    current then), so a request renewed after the agreement changed is re-dated to the new version."""
    request = await group_store.get_join_request(db, group.id, user_id)
    if request is None:
        db.add(JoinRequest(group_id=group.id, user_id=user_id, status="pending", requested_at=now))
    elif request.status != "pending" or (
        await group_store.version_current_at(db, group.id, request.requested_at) != group.agreement_version
    ):
        request.status, request.requested_at, request.decided_at, request.decided_by = "pending", now, None, None
    await db.flush()


def request_view(request: JoinRequest, pseudonym: str) -> dict[str, Any]:
    return {
        "user_id": request.user_id,
        "pseudonym": pseudonym,
        "status": request.status,
        "requested_at": iso(request.requested_at),
        "decided_at": iso(request.decided_at),
    }


async def list_join_requests(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> list[dict[str, Any]]:
    async with db.begin():
        await require_group_admin(db, ctx, actor, group_id)
        return [request_view(r, name) for r, name in await group_store.pending_requests(db, group_id)]


async def do_decide_request(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, user_id: int, *, approve: bool
) -> dict[str, Any]:
    """Approve (membership with the agreement version accepted in the request) or decline a pending request.
    If the agreement changed since, the new member must accept the current one before entering the room."""
    async with db.begin():
        group = (await require_group_admin(db, ctx, actor, group_id)).group
        request = await group_store.get_join_request(db, group_id, user_id)
        if request is None or request.status != "pending":
            raise NotFound("There is no pending request from that person.")
        now = ctx.clock()
        if approve:
            require_not_archived(group)
            if await store.get_membership(db, group_id, user_id) is None:
                accepted = await group_store.version_current_at(db, group_id, request.requested_at)
                await _admit(db, group, user_id, accepted or group.agreement_version, now)
        request.status = "approved" if approve else "declined"
        request.decided_at, request.decided_by = now, actor.user_id
        await db.flush()
        user = await store.get_user(db, user_id)
        return request_view(request, user.pseudonym if user else "")


# Invitations


def invitation_view(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "created_at": iso(invitation.created_at),
        "expires_at": iso(invitation.expires_at),
        "revoked_at": iso(invitation.revoked_at),
        "uses": invitation.uses,
    }


def _parse_expiry(raw: Any, now: dt.datetime) -> dt.datetime | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InvalidInput("expires_at must be an ISO 8601 time with a zone, like 2026-12-01T18:00:00Z.")
    try:
        when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if when.tzinfo is None:
            raise ValueError
        when = when.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise InvalidInput("expires_at must be an ISO 8601 time with a zone, like 2026-12-01T18:00:00Z.") from None
    if when <= now:
        raise InvalidInput("expires_at must be in the future.")
    if when > now + INVITATION_MAX_AHEAD:
        raise InvalidInput("expires_at must be at most 90 days ahead.")
    return when


async def do_create_invitation(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """A new invitation link. The token is answered this once; only its digest is kept."""
    async with db.begin():
        group = (await require_group_admin(db, ctx, actor, group_id)).group
        if group.kind == store.FACILITATORS_SPACE:
            raise Forbidden("Nobody joins the facilitators' space: facilitators with current training enter it.")
        now = ctx.clock()
        expires_at = _parse_expiry(body.get("expires_at"), now)
        token = secrets.token_urlsafe(24)
        invitation = Invitation(
            group_id=group_id,
            token_digest=token_digest(token),
            created_by=actor.user_id,
            created_at=now,
            expires_at=expires_at,
            uses=0,
        )
        db.add(invitation)
        await db.flush()
        return {"invitation": invitation_view(invitation), "token": token}


async def list_invitations(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> list[dict[str, Any]]:
    async with db.begin():
        await require_group_admin(db, ctx, actor, group_id)
        return [invitation_view(i) for i in await group_store.invitations(db, group_id)]


async def do_revoke_invitation(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, invitation_id: int
) -> None:
    """Revoked, an invitation stops working at once (revoking twice changes nothing)."""
    async with db.begin():
        await require_group_admin(db, ctx, actor, group_id)
        invitation = await db.get(Invitation, invitation_id)
        if invitation is None or invitation.group_id != group_id:
            raise NotFound("There is no such invitation.")
        if invitation.revoked_at is None:
            invitation.revoked_at = ctx.clock()


def _invalid() -> DomainError:
    return NotFound("This invitation is not valid: it may have expired or been withdrawn.", code="invitation_invalid")


async def _valid_invitation(db: AsyncSession, token: str, now: dt.datetime) -> tuple[Invitation, Group]:
    """The invitation and its group, or one refusal for unknown, revoked and expired tokens alike."""
    if not TOKEN_SHAPE.fullmatch(token):
        raise _invalid()
    invitation = await group_store.invitation_by_digest(db, token_digest(token))
    if invitation is None or invitation.revoked_at is not None:
        raise _invalid()
    if invitation.expires_at is not None and invitation.expires_at <= now:
        raise _invalid()
    group = await store.get_group(db, invitation.group_id)
    if group is None or group.kind == store.FACILITATORS_SPACE:  # nobody joins the space, however invited
        raise _invalid()
    return invitation, group


async def get_invited_group(db: AsyncSession, ctx: RoomsContext, actor: Actor, token: str) -> dict[str, Any]:
    """What an invitation shows before joining: the group, its hub and its agreement."""
    async with db.begin():
        _, group = await _valid_invitation(db, token, ctx.clock())
        return {
            "id": group.id,
            "hub": hub_view(group.hub),
            "name": group.name,
            "description": group.description,
            "agreement": group.agreement,
            "agreement_version": group.agreement_version,
            "archived": group.archived_at is not None,
        }


async def do_accept_invitation(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, token: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Join through an invitation, accepting the agreement version read (whatever the group's joining mode)."""
    version = validate.integer(body.get("agreement_version"), "agreement_version", minimum=1)
    async with db.begin():
        now = ctx.clock()
        invitation, group = await _valid_invitation(db, token, now)
        await moderation_actions.refuse_if_banned(db, ctx, group.id, actor.user_id)
        membership = await store.get_membership(db, group.id, actor.user_id)
        if membership is not None:
            _renew(membership, group, version, now)
        else:
            require_not_archived(group)
            _require_current(version, group)
            await _admit(db, group, actor.user_id, version, now)
            invitation.uses = Invitation.uses + 1  # counted in SQL: no lost updates
            request = await group_store.get_join_request(db, group.id, actor.user_id)
            if request is not None and request.status == "pending":
                request.status, request.decided_at = "approved", now
        await db.flush()
        return await group_view(db, ctx, actor, group)
