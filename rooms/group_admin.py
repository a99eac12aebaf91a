"""Use cases a hub admin runs on a group: its settings (text, visibility, joining, capacity, tags), archiving,
its agreement history, and its members."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import group_store, presence, store, validate
from rooms.access import GroupAccess, group_access, require_visible
from rooms.community import GROUP_FIELDS, RAW_FACTOR, clean_fields, group_view, refuse_removed_markup
from rooms.context import RoomsContext
from rooms.errors import Forbidden, InvalidInput, NotFound
from rooms.events import RoomEvent
from rooms.hooks import Actor
from rooms.models import AgreementVersion, Group
from rooms.sessions import session_payload
from rooms.views import iso

VISIBILITIES = ("listed", "unlisted")
JOINING_MODES = ("open", "request", "invitation")
CAPACITY_RANGE = (2, 500)
# Days a session's messages are kept after it ends (rooms/retention.py): from a day to ten years.
RETENTION_RANGE = (1, 3650)
MAX_TAGS = 8
TAG_LENGTH = (1, 40)


async def require_group_admin(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> GroupAccess:
    """This hub's admins (and platform admins) only; a 404 for a group that does not exist."""
    access = await group_access(db, actor, group_id, ctx.clock().date())
    if not access.is_hub_admin:
        await require_visible(db, actor, access)  # an unlisted group is not there for strangers (404, not 403)
        raise Forbidden("Only this hub's admins can do that.")
    return access


def refuse_opening_space(group: Group, settings: dict[str, Any]) -> None:
    """The facilitators' space is entered only by facilitators with current training: it is never listed,
    nobody joins it and it is never archived (its session cannot be ended), so its host hub's admins look after
    its text but cannot open it to members or close it."""
    if group.kind != store.FACILITATORS_SPACE:
        return
    if settings.get("visibility", "unlisted") != "unlisted" or settings.get("joining", "invitation") != "invitation":
        raise Forbidden("The facilitators' space is never listed and nobody joins it.")
    if settings.get("archived"):
        raise Forbidden("The facilitators' space is a standing room; it is never archived.")


def _settings(body: dict[str, Any]) -> dict[str, Any]:
    """The non-text settings present in `body`, checked (the text fields are cleaned separately)."""
    values: dict[str, Any] = {}
    if "visibility" in body:
        if body["visibility"] not in VISIBILITIES:
            raise InvalidInput("visibility must be one of " + ", ".join(VISIBILITIES) + ".")
        values["visibility"] = body["visibility"]
    if "joining" in body:
        if body["joining"] not in JOINING_MODES:
            raise InvalidInput("joining must be one of " + ", ".join(JOINING_MODES) + ".")
        values["joining"] = body["joining"]
    if "capacity" in body:
        low, high = CAPACITY_RANGE
        capacity = body["capacity"]
        values["capacity"] = (
            None if capacity is None else validate.integer(capacity, "capacity", minimum=low, maximum=high)
        )
    if "retention_days" in body:
        low, high = RETENTION_RANGE
        values["retention_days"] = validate.integer(body["retention_days"], "retention_days", minimum=low, maximum=high)
    if "archived" in body:
        if not isinstance(body["archived"], bool):
            raise InvalidInput("archived must be true or false.")
        values["archived"] = body["archived"]
    return values


async def clean_tags(ctx: RoomsContext, raw: Any) -> list[str]:
    """Focus tags as stored: plain text, NFKC, lower case, single spaces, 1-40 characters, no repeats."""
    if not isinstance(raw, list) or len(raw) > MAX_TAGS:
        raise InvalidInput(f"tags must be a list of at most {MAX_TAGS} tags.")
    low, high = TAG_LENGTH
    for tag in raw:
        if not isinstance(tag, str) or len(tag) > high * RAW_FACTOR:
            raise InvalidInput(f"Each tag must be text of {low} to {high} characters.")
        validate.refuse_control_characters(tag, "A tag")
    tags: list[str] = []
    for tag in raw:
        plain = await ctx.clean_text(tag)
        folded = " ".join(unicodedata.normalize("NFKC", plain).lower().split())
        if not low <= len(folded) <= high:
            raise InvalidInput(f"Each tag must be {low} to {high} characters (once markup is removed).")
        refuse_removed_markup("tags", tag, plain, folded)
        if folded not in tags:
            tags.append(folded)
    return tags


async def do_update_group(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Change a group's settings. A changed agreement gets a new version (kept in the history); archiving
    ends a running session and makes the group read-only."""
    async with db.begin():
        await require_group_admin(db, ctx, actor, group_id)  # who is asking, before any costly cleaning
    settings = _settings(body)
    tags = await clean_tags(ctx, body["tags"]) if "tags" in body else None
    values = await clean_fields(ctx, body, GROUP_FIELDS, partial=True)
    ended: list[dict[str, Any]] = []
    async with db.begin():
        group = (await require_group_admin(db, ctx, actor, group_id)).group
        refuse_opening_space(group, settings)
        await store.lock_group(db, group_id)  # archiving and opening a session run in turn, never interleaved
        await db.refresh(group)
        now = ctx.clock()
        new_agreement = "agreement" in values and values["agreement"] != group.agreement
        if new_agreement:
            group.agreement_version += 1
        for field, value in values.items():
            setattr(group, field, value)
        for field in ("visibility", "joining", "capacity", "retention_days"):
            if field in settings:
                setattr(group, field, settings[field])
        if new_agreement:
            db.add(
                AgreementVersion(
                    group_id=group.id,
                    version=group.agreement_version,
                    text=group.agreement,
                    created_at=now,
                    created_by=actor.user_id,
                )
            )
        if tags is not None:
            await group_store.replace_tags(db, group_id, tags)
        if settings.get("archived") is True and group.archived_at is None:
            group.archived_at = now
            ended = await _end_sessions(db, group, actor, now)
        elif settings.get("archived") is False:
            group.archived_at = None
        await db.flush()
        view = await group_view(db, ctx, actor, group)
        # Members who accepted an earlier agreement must read the new one before hearing the room again.
        lapsed = await store.connections_without_room_rights(db, now.date(), group_id=group_id)
    for payload in ended:
        await ctx.publisher.publish(RoomEvent(group_id, "session:updated", {"group_id": group_id, "session": payload}))
    await presence.evict(db, ctx, lapsed)
    await ctx.publisher.recheck_room(group_id)
    return view


async def _end_sessions(db: AsyncSession, group: Group, actor: Actor, now: dt.datetime) -> list[dict[str, Any]]:
    """End the group's running session (if any) because it is being archived."""
    payloads = []
    for session in await group_store.open_sessions(db, group.id):
        session.status = "ended"
        session.ended_at = now
        session.ended_by = actor.user_id
        session.end_reason = "archived"
        await db.flush()
        payloads.append(await session_payload(db, session))
    return payloads


def _reads_group(access: GroupAccess, staff: bool) -> bool:
    return access.membership is not None or access.is_hub_admin or access.holds_facilitator_role or staff


async def list_agreement_versions(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int
) -> list[dict[str, Any]]:
    """Every version of the agreement, newest first: for members and the hub's staff."""
    async with db.begin():
        access = await group_access(db, actor, group_id, ctx.clock().date())
        await require_visible(db, actor, access)
        staff = bool(await store.staff_roles(db, actor.user_id, access.group.hub_id))
        if not _reads_group(access, staff):
            raise Forbidden("Only this group's members and its hub's staff can read its agreement history.")
        return [
            {"version": v.version, "text": v.text, "created_at": iso(v.created_at), "created_by": name}
            for v, name in await group_store.agreement_versions(db, group_id)
        ]


async def list_members(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> list[dict[str, Any]]:
    """The group's members: for its hub's admins, and its hub's facilitators."""
    async with db.begin():
        access = await group_access(db, actor, group_id, ctx.clock().date())
        if not (access.is_hub_admin or access.is_facilitator):  # a lapsed facilitator's role counts for nothing
            await require_visible(db, actor, access)
            raise Forbidden("Only this hub's admins and facilitators can see who is in a group.")
        current = access.group.agreement_version
        return [
            {
                "user_id": membership.user_id,
                "pseudonym": name,
                "joined_at": iso(membership.joined_at),
                "agreement_version": membership.agreement_version,
                "current": membership.agreement_version == current,
            }
            for membership, name in await group_store.members_with_names(db, group_id)
        ]


async def do_remove_member(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, user_id: int) -> None:
    """Take someone out of a group; their open connections leave its room at once."""
    async with db.begin():
        await require_group_admin(db, ctx, actor, group_id)
        membership = await store.get_membership(db, group_id, user_id)
        if membership is None:
            raise NotFound("That person is not a member of this group.", code="not_member")
        await db.delete(membership)
        await db.flush()
        lapsed = await store.connections_without_room_rights(db, ctx.clock().date(), group_id=group_id)
    await presence.evict(db, ctx, lapsed)
    await ctx.publisher.recheck_room(group_id)
