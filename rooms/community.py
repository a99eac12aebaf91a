"""Use cases for people, groups and membership (hubs: rooms/hubs.py; staff and training: rooms/staff.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import directory, presence, store, timetable, validate
from rooms.access import GroupAccess, group_access, require_hub_admin, require_visible
from rooms.context import RoomsContext
from rooms.errors import Conflict, InvalidInput, NotFound
from rooms.group_facts import GroupFacts, facts_for, settings_view
from rooms.hooks import Actor
from rooms.models import AgreementVersion, Group, GroupSession, User
from rooms.privacy import Notices, record_acceptance
from rooms.views import hub_view, membership_view, session_view


async def create_user(
    db: AsyncSession,
    *,
    pseudonym: str,
    email: str | None,
    password_hash: str,
    now: dt.datetime,
    is_platform_admin: bool = False,
    notices: Notices | None = None,
) -> User:
    """Add a person (caller commits). A pseudonym is unique whatever its letter case. `notices`: the hub's
    privacy notice and terms they accepted at sign-up (rooms/privacy.py), recorded with the version."""
    user = User(
        pseudonym=pseudonym,
        pseudonym_key=validate.pseudonym_key(pseudonym),
        email=email,
        password_hash=password_hash,
        is_platform_admin=is_platform_admin,
        created_at=now,
    )
    if notices is not None:
        record_acceptance(user, notices, now)
    db.add(user)
    try:
        await db.flush()
    except IntegrityError:
        raise Conflict("That pseudonym is taken; please choose another.", code="pseudonym_taken") from None
    return user


# Staff-written fields: (shortest, longest) after cleaning. Raw text may be longer (markup that cleaning
# removes), but never more than RAW_FACTOR times, so no one sends megabytes to be cleaned down to a line.
GROUP_FIELDS = {"name": (1, 120), "description": (0, 4000), "agreement": (1, 20000)}
RAW_FACTOR = 4


async def clean_fields(
    ctx: RoomsContext, body: dict[str, Any], limits: dict[str, tuple[int, int]], *, partial: bool
) -> dict[str, str]:
    """Shape-check, then clean, the staff-written text fields present in `body`. Call it only after checking
    who is asking: cleaning costs CPU time in proportion to the text."""
    raw_values: dict[str, str] = {}
    for field, (low, high) in limits.items():
        if field not in body:
            if not partial and low > 0:
                raise InvalidInput(f"{field} is required.")
            continue
        raw = body[field]
        if not isinstance(raw, str):
            raise InvalidInput(f"{field} must be text.")
        if len(raw) > high * RAW_FACTOR:
            raise InvalidInput(f"{field} must be at most {high} characters.")
        validate.refuse_control_characters(raw, field)
        raw_values[field] = raw
    cleaned_values = {}
    for field, raw in raw_values.items():
        cleaned = await ctx.clean_text(raw)
        cleaned_values[field] = validate.text(cleaned, field, min_len=limits[field][0], max_len=limits[field][1])
        refuse_removed_markup(field, raw, cleaned, cleaned_values[field])
    return cleaned_values


MARKUP_PREVIEW = 300


def refuse_removed_markup(field: str, raw: str, cleaned: str, shown: str) -> None:
    """Staff see what the sanitiser removed before anyone reads the rest (docs/security.md, "Markup in staff
    text"): text that lost markup when cleaned is refused with `markup_removed` and what it would read without
    it, never stored as that silently, so "<script>alert(1)</script>" cannot leave a stray "alert(1)" that
    members read first. Sending the cleaned text again passes (cleaning it changes nothing)."""
    if validate.clean_line_breaks(cleaned) == validate.clean_line_breaks(raw):
        return
    preview = shown if len(shown) <= MARKUP_PREVIEW else shown[:MARKUP_PREVIEW] + "\u2026"
    raise InvalidInput(
        f"The {field} cannot hold markup (such as <b> or <script>), so nothing was saved. Without it, it would "
        f'read: "{preview}". If that is what you mean, send it again as it reads now.',
        code="markup_removed",
        detail={"field": field, "cleaned": shown},
    )


async def group_view(db: AsyncSession, ctx: RoomsContext, actor: Actor, group: Group) -> dict[str, Any]:
    access = await group_access(db, actor, group.id, ctx.clock().date())
    facts = (await facts_for(db, [group.id], actor.user_id))[group.id]
    when = await timetable.load(db, [group], ctx.clock())
    next_session = timetable.next_session_view(when.next_session(group.id))
    return render_group(access, await store.headline_session(db, group.id, ctx.clock()), facts, next_session)


def render_group(
    access: GroupAccess,
    headline: GroupSession | None,
    facts: GroupFacts | None = None,
    next_session: dict[str, Any] | None = None,
) -> dict[str, Any]:
    group = access.group
    return {
        **settings_view(group, facts or GroupFacts()),
        "id": group.id,
        "hub": hub_view(group.hub),
        "name": group.name,
        "description": group.description,
        "agreement": group.agreement,
        "agreement_version": group.agreement_version,
        "membership": membership_view(access.membership, group),
        "my_role": access.my_role,
        "session": session_view(headline) if headline else None,
        "next_session": next_session,  # rooms/timetable.py: when the group next meets
    }


async def do_create_group(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)  # who is asking, before any costly cleaning
    values = await clean_fields(ctx, body, GROUP_FIELDS, partial=False)
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
        now = ctx.clock()
        group = Group(hub_id=hub_id, agreement_version=1, last_message_id=0, created_at=now, **values)
        db.add(group)
        await db.flush()
        db.add(
            AgreementVersion(
                group_id=group.id, version=1, text=group.agreement, created_at=now, created_by=actor.user_id
            )
        )
        await db.flush()
        await db.refresh(group, ["hub"])
        return await group_view(db, ctx, actor, group)


async def get_group_view(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> dict[str, Any]:
    async with db.begin():
        access = await group_access(db, actor, group_id, ctx.clock().date())
        await require_visible(db, actor, access)
        return await group_view(db, ctx, actor, access.group)


async def list_group_views(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, wanted: directory.DirectoryFilter = directory.NO_FILTER
) -> list[dict[str, Any]]:
    """The directory in a fixed number of queries, however many groups there are: filtered as asked
    (rooms/directory.py), the asker's own groups (member or staff) first."""
    async with db.begin():
        groups = await store.list_groups(db)
        staff = await store.all_staff_roles(db, actor.user_id)
        facilitating = {s.hub_id for s in staff if s.role == "facilitator"}
        trained = await store.hubs_with_current_training(db, actor.user_id, ctx.clock().date())
        administering = {s.hub_id for s in staff if s.role == "hub_admin"}
        memberships = await store.memberships_of(db, actor.user_id)
        headlines = await store.headline_sessions(db, ctx.clock())
        staff_hubs = {s.hub_id for s in staff}
        # Unlisted groups are listed only to their members and their hub's staff (others follow an invitation).
        groups = [
            g
            for g in groups
            if g.visibility != "unlisted" or g.id in memberships or g.hub_id in staff_hubs or actor.is_platform_admin
        ]
        facts = await facts_for(db, [g.id for g in groups], actor.user_id)
        when = await timetable.load(db, groups, ctx.clock())
        groups = [g for g in groups if g.archived_at is None and directory.matches(wanted, g, facts[g.id].tags, when)]
        groups.sort(key=lambda g: not (g.id in memberships or g.hub_id in staff_hubs))
        return [
            render_group(
                GroupAccess(
                    group=group,
                    membership=memberships.get(group.id),
                    is_facilitator=group.hub_id in facilitating and group.hub_id in trained,
                    holds_facilitator_role=group.hub_id in facilitating,
                    is_hub_admin=actor.is_platform_admin or group.hub_id in administering,
                ),
                headlines.get(group.id),
                facts[group.id],
                timetable.next_session_view(when.next_session(group.id)),
            )
            for group in groups
        ]


async def do_leave_group(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> None:
    """Leave a group; open connections in its room stop hearing it at once (facilitators stay)."""
    async with db.begin():
        access = await group_access(db, actor, group_id, ctx.clock().date())
        if access.membership is None:
            raise NotFound("You are not a member of this group.", code="not_member")
        await db.delete(access.membership)
        await db.flush()
        lapsed = await store.connections_without_room_rights(db, ctx.clock().date(), group_id=group_id)
    await presence.evict(db, ctx, lapsed)
