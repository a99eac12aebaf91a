"""Use cases for a hub's staff and their training: who holds which role, and whose training counts today.

Facilitating needs the facilitator role and training on record that has not expired (rooms/access.py). When
either goes (a role removed, a record deleted), the hub's live rooms are re-checked at once, so nobody goes on
hearing a room they may no longer be in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import hub_store, presence, store, validate
from rooms.access import require_hub_admin, require_hub_role
from rooms.context import RoomsContext
from rooms.errors import Conflict, InvalidInput, NotFound
from rooms.hooks import Actor
from rooms.models import HubStaff, TrainingRecord, User

STAFF_ROLES = ("facilitator", "senior_peer", "safeguarding_lead", "hub_admin")
# Who may read a hub's staff list and training records: its admins, and senior peers who supervise facilitators.
READERS = frozenset({"hub_admin", "senior_peer"})
EXPIRING_SOON_DAYS = 30  # a record expiring within this many days (inclusive) is "expiring_soon"
COURSE_MAX = 120


def record_status(record: TrainingRecord, today: dt.date) -> str:
    if record.expires_on < today:
        return "expired"
    return "expiring_soon" if (record.expires_on - today).days <= EXPIRING_SOON_DAYS else "current"


def counts_today(record: TrainingRecord, today: dt.date) -> bool:
    return record.completed_on <= today <= record.expires_on


def record_view(record: TrainingRecord, pseudonym: str, hub_name: str, today: dt.date) -> dict[str, Any]:
    """`days_left`: days until it stops counting (0: today is its last day; negative once expired)."""
    return {
        "id": record.id,
        "hub_id": record.hub_id,
        "hub_name": hub_name,
        "user_id": record.user_id,
        "pseudonym": pseudonym,
        "course": record.course,
        "completed_on": record.completed_on.isoformat(),
        "expires_on": record.expires_on.isoformat(),
        "status": record_status(record, today),
        "days_left": (record.expires_on - today).days,
    }


def training_summary(records: Iterable[tuple[TrainingRecord, str, str]], today: dt.date) -> dict[str, Any]:
    """One person's standing in one hub: the record that counts today (the latest to expire), and
    current | expiring_soon | expired (only lapsed records) | none (nothing on record)."""
    records = list(records)
    counting = [r for r in records if counts_today(r[0], today)]
    if counting:
        best = max(counting, key=lambda r: r[0].expires_on)
        return {"status": record_status(best[0], today), "current": record_view(*best, today)}
    if any(r[0].expires_on < today for r in records):
        return {"status": "expired", "current": None}
    return {"status": "none", "current": None}


def staff_entry(
    user: User, roles: Iterable[str], records: Iterable[tuple[TrainingRecord, str, str]], today: dt.date
) -> dict[str, Any]:
    """A person on a hub's staff: their roles, and (for facilitators) whether their training counts."""
    held = [role for role in STAFF_ROLES if role in set(roles)]
    return {
        "user_id": user.id,
        "pseudonym": user.pseudonym,
        "roles": held,
        "training": training_summary(records, today) if "facilitator" in held else None,
    }


async def _staff_entries(
    db: AsyncSession, hub_id: int, today: dt.date, user_id: int | None = None
) -> list[dict[str, Any]]:
    rows = await hub_store.staff_with_users(db, hub_id, user_id)
    records = await hub_store.training_records(db, hub_id=hub_id, user_id=user_id)
    people: dict[int, tuple[User, list[str]]] = {}
    for staff, user in rows:
        people.setdefault(user.id, (user, []))[1].append(staff.role)
    return [
        staff_entry(user, roles, [r for r in records if r[0].user_id == user.id], today)
        for user, roles in people.values()
    ]


async def list_hub_staff(db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int) -> list[dict[str, Any]]:
    async with db.begin():
        await require_hub_role(db, actor, hub_id, READERS, "Only this hub's admins and senior peers can see its staff.")
        return await _staff_entries(db, hub_id, ctx.clock().date())


async def _person(db: AsyncSession, raw_pseudonym: Any) -> User:
    user = await store.get_user_by_pseudonym(db, validate.pseudonym(raw_pseudonym))
    if user is None:
        raise NotFound("Nobody has that pseudonym.")
    return user


async def do_add_staff(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Give a person a staff role in the hub; giving a role they hold already changes nothing."""
    role = body.get("role")
    if role not in STAFF_ROLES:
        raise InvalidInput("role must be one of " + ", ".join(STAFF_ROLES) + ".")
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
        user = await _person(db, body.get("pseudonym"))
        if role not in await store.staff_roles(db, user.id, hub_id):
            db.add(HubStaff(hub_id=hub_id, user_id=user.id, role=role, added_at=ctx.clock()))
            await db.flush()
        return (await _staff_entries(db, hub_id, ctx.clock().date(), user.id))[0]


async def do_remove_staff_role(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, user_id: int, role: str
) -> None:
    """Take one role away. The hub keeps at least one admin unless a platform admin says otherwise; a
    facilitator who loses the role leaves the rooms they are not a member of at once."""
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
        if role not in STAFF_ROLES:
            raise NotFound("There is no such staff role.")
        await hub_store.lock_hub(db, hub_id)
        held = (await store.staff_roles(db, user_id, hub_id)).get(role)
        if held is None:
            raise NotFound("That person does not hold that role in this hub.")
        if role == "hub_admin" and not actor.is_platform_admin and await hub_store.hub_admin_count(db, hub_id) <= 1:
            raise Conflict(
                "This is the hub's last admin; add another admin first (or ask a platform admin).", code="last_admin"
            )
        await db.delete(held)
        await db.flush()
        group_ids = await hub_store.group_ids_of_hub(db, hub_id)
    if role == "facilitator":
        await recheck_hub_rooms(db, ctx, hub_id, group_ids)


async def recheck_hub_rooms(db: AsyncSession, ctx: RoomsContext, hub_id: int, group_ids: list[int]) -> None:
    """Rights in the hub's rooms changed: take out the connections that lost them, on every process, and show
    as members those who stay only as members."""
    if not group_ids:
        return
    wanted = set(group_ids)
    today = ctx.clock().date()
    async with db.begin():
        lapsed = [
            (sid, group_id)
            for sid, group_id in await store.connections_without_room_rights(db, today)
            if group_id in wanted
        ]
    await presence.evict(db, ctx, lapsed)
    async with db.begin():
        demoted = await hub_store.demote_presence(db, hub_id, group_ids, today)
    await presence.publish_presence(db, ctx, demoted)
    for group_id in group_ids:
        await ctx.publisher.recheck_room(group_id)


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{field} must be a date like 2026-01-31.") from None


async def do_add_training(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Put a completed course on record with the hub (the trained person need not be staff yet)."""
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
    course = validate.text(body.get("course"), "course", min_len=1, max_len=COURSE_MAX)
    if "\n" in course:
        raise InvalidInput("course must be one line.")
    completed_on = _date(body.get("completed_on"), "completed_on")
    expires_on = _date(body.get("expires_on"), "expires_on")
    today = ctx.clock().date()
    if completed_on > today:
        raise InvalidInput("completed_on must not be in the future.")
    if expires_on <= completed_on:
        raise InvalidInput("expires_on must be after completed_on.")
    async with db.begin():
        hub = await require_hub_admin(db, actor, hub_id)
        user = await _person(db, body.get("pseudonym"))
        record = TrainingRecord(
            hub_id=hub_id,
            user_id=user.id,
            course=course,
            completed_on=completed_on,
            expires_on=expires_on,
            recorded_by=actor.user_id,
            recorded_at=ctx.clock(),
        )
        db.add(record)
        await db.flush()
        return record_view(record, user.pseudonym, hub.name, today)


async def list_training(db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int) -> list[dict[str, Any]]:
    async with db.begin():
        await require_hub_role(
            db, actor, hub_id, READERS, "Only this hub's admins and senior peers can see its training records."
        )
        today = ctx.clock().date()
        return [record_view(*row, today) for row in await hub_store.training_records(db, hub_id=hub_id)]


async def do_delete_training(db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, record_id: int) -> None:
    """Take a record off (recorded by mistake); whoever it let facilitate may no longer, at once."""
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
        record = await hub_store.get_training_record(db, record_id)
        if record is None or record.hub_id != hub_id:
            raise NotFound("There is no such training record in this hub.")
        await db.delete(record)
        await db.flush()
        group_ids = await hub_store.group_ids_of_hub(db, hub_id)
    await recheck_hub_rooms(db, ctx, hub_id, group_ids)


async def my_training(db: AsyncSession, ctx: RoomsContext, actor: Actor) -> list[dict[str, Any]]:
    """The signed-in person's records in every hub, so a facilitator sees when theirs runs out."""
    async with db.begin():
        today = ctx.clock().date()
        return [record_view(*row, today) for row in await hub_store.training_records(db, user_id=actor.user_id)]
