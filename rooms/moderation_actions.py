"""A facilitator's moderation actions in a session: hide a message, mute, remove or ban a member, lift any of
those, and the room controls (slow mode, lock, pin); plus the send and entry checks that enforce them.

Only a facilitator of the group (the role and current training: rooms/access.py) acts, and only on a member
(never on a facilitator). Each action and each lift writes one moderation log entry (rooms/moderation_log.py)
in the same transaction, and is published after commit. Members never receive a hidden message's text or the
reason it was hidden; a muted, removed or banned member's own connections are told why, and until when.

Nothing here needs a job or Redis: a sanction's expiry is compared with ctx.clock() when it is checked, and
slow mode reads the member's latest message in the session from the messages table, so every process agrees.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import moderation_log, store, validate
from rooms.access import GroupAccess, group_access
from rooms.community import clean_fields
from rooms.context import RoomsContext
from rooms.errors import Conflict, DomainError, Forbidden, NotFound
from rooms.events import RoomEvent
from rooms.hooks import Actor, moderation_action_taken
from rooms.hookspecs import ModerationAction
from rooms.in_lists import padded
from rooms.models import GroupSession, Message, Sanction, User, UTCDateTime
from rooms.own_mute import mute_view
from rooms.presence import evict
from rooms.sessions import session_payload
from rooms.side_talk import member_connections
from rooms.views import iso, message_view

HIDE_REASON = {"reason": (1, 200)}
SANCTION_REASON = {"reason": (1, 500)}
LIFT_REASON = {"reason": (0, 500)}
MUTE_MINUTES = (1, 1440)
BAN_MINUTES = (1, 525600)  # up to a year; null (no minutes) bans until lifted
SLOW_MODE_SECONDS = (0, 3600)


# ----- who may act, on whom -----


async def _require_facilitator(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> GroupAccess:
    access = await group_access(db, actor, group_id, ctx.clock().date())
    if not access.is_facilitator:
        raise Forbidden("Only the session's facilitators can do that.", code="facilitators_only")
    return access


async def _require_member_target(db: AsyncSession, ctx: RoomsContext, access: GroupAccess, user_id: int) -> User:
    """The person acted on: a member of the group, and not someone who may facilitate it."""
    group = access.group
    user = await store.get_user(db, user_id)
    if user is None:
        raise NotFound("That person is not a member of this group.", code="not_a_member")
    today = ctx.clock().date()
    if (await db.execute(select(store.may_facilitate_group(group.kind, group.hub_id, user_id, today)))).scalar():
        raise Forbidden(
            "Facilitators are not moderated in the room; talk with your hub admin.", code="target_is_facilitator"
        )
    if await store.get_membership(db, group.id, user_id) is None:
        raise NotFound("That person is not a member of this group.", code="not_a_member")
    return user


async def _running(db: AsyncSession, group_id: int) -> GroupSession:
    session = await store.live_session(db, group_id)
    if session is None:
        raise DomainError("This group is not in session.", code="session_not_live")
    return session


async def _reason(ctx: RoomsContext, body: dict[str, Any], limits: dict[str, tuple[int, int]]) -> str:
    return (await clean_fields(ctx, body, limits, partial=limits["reason"][0] == 0)).get("reason", "")


@dataclass(frozen=True)
class Logged:
    """A log entry as staff see it, and as the moderation_action hook's observers get it."""

    view: dict[str, Any]
    action: ModerationAction


async def tell_logged(ctx: RoomsContext, group_id: int, logged: Logged) -> None:
    """After commit: the entry to the staff beside the room (with the reason; never to members), and to the
    moderation_action hook's observers (rooms/hookspecs.py)."""
    event = RoomEvent(group_id, "mod:logged", {"group_id": group_id, "entry": logged.view}, audience="staff")
    await ctx.publisher.publish(event)
    moderation_action_taken(ctx.hooks, logged.action)


async def _log(
    db: AsyncSession,
    ctx: RoomsContext,
    actor: Actor,
    access: GroupAccess,
    action: str,
    *,
    session_id: int | None,
    target: User | None = None,
    message_id: int | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> Logged:
    entry = await moderation_log.write(
        db,
        hub_id=access.group.hub_id,
        group_id=access.group.id,
        session_id=session_id,
        actor_id=actor.user_id,
        action=action,
        now=ctx.clock(),
        target_user_id=target.id if target else None,
        target_message_id=message_id,
        reason=reason,
        detail=detail,
    )
    view = moderation_log.entry_view(entry, actor.pseudonym, target.pseudonym if target else None, access.group.name)
    observed = ModerationAction(
        hub_id=entry.hub_id,
        group_id=entry.group_id,
        session_id=entry.session_id,
        actor_id=entry.actor_id,
        action=entry.action,
        target_user_id=entry.target_user_id,
        target_message_id=entry.target_message_id,
        reason=entry.reason,
        at=entry.created_at,
    )
    return Logged(view, observed)


# ----- sanctions -----


def sanction_view(sanction: Sanction, display_name: str) -> dict[str, Any]:
    return {
        "id": sanction.id,
        "group_id": sanction.group_id,
        "user": {"id": sanction.user_id, "display_name": display_name},
        "kind": sanction.kind,
        "session_id": sanction.session_id,
        "reason": sanction.reason,
        "created_at": iso(sanction.created_at),
        "expires_at": iso(sanction.expires_at),
        "lifted_at": iso(sanction.lifted_at),
    }


def _in_force(now: Any) -> Any:  # a time, or a bound parameter for one
    return and_(Sanction.lifted_at.is_(None), or_(Sanction.expires_at.is_(None), Sanction.expires_at > now))


async def _active(
    db: AsyncSession, group_id: int, user_id: int, now: dt.datetime, kinds: tuple[str, ...]
) -> list[Sanction]:
    rows = await db.execute(
        select(Sanction)
        .where(Sanction.group_id == group_id, Sanction.user_id == user_id, Sanction.kind.in_(kinds), _in_force(now))
        .order_by(Sanction.id)
    )
    return list(rows.scalars())


Ends = list[dt.datetime | None]  # when each sanction in force ends; None: until lifted


def _until(ends: Ends) -> dt.datetime | None:
    """When the last of these ends; None if one is until lifted."""
    return None if any(end is None for end in ends) else max(end for end in ends if end is not None)


async def _sanction(
    db: AsyncSession,
    ctx: RoomsContext,
    actor: Actor,
    group_id: int,
    body: dict[str, Any],
    kind: str,
    minutes: int | None,
) -> tuple[dict[str, Any], Logged, tuple[str, ...], GroupAccess]:
    """Record a mute, removal or ban and its log entry; returns its view, the entry and the member's sids."""
    user_id = validate.row_id(body.get("user_id"), "user_id")
    access = await _require_facilitator(db, ctx, actor, group_id)
    reason = await _reason(ctx, body, SANCTION_REASON)
    target = await _require_member_target(db, ctx, access, user_id)
    session = await _running(db, group_id) if kind == "removal" else await store.live_session(db, group_id)
    now = ctx.clock()
    sanction = Sanction(
        group_id=group_id,
        user_id=user_id,
        kind=kind,
        session_id=session.id if session else None,
        reason=reason,
        created_by=actor.user_id,
        created_at=now,
        expires_at=None if minutes is None else now + dt.timedelta(minutes=minutes),
    )
    db.add(sanction)
    await db.flush()
    action = {"mute": "mute", "removal": "remove", "ban": "ban"}[kind]
    detail: dict[str, Any] = {"sanction_id": sanction.id, "minutes": minutes}
    entry = await _log(
        db, ctx, actor, access, action, session_id=sanction.session_id, target=target, reason=reason, detail=detail
    )
    sids = await member_connections(db, group_id, user_id)
    return sanction_view(sanction, target.pseudonym), entry, sids, access


async def do_mute(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Mute a member for 1 to 1440 minutes: they still read, but cannot post until then (or until unmuted)."""
    minutes = validate.integer(body.get("minutes"), "minutes", minimum=MUTE_MINUTES[0], maximum=MUTE_MINUTES[1])
    async with db.begin():
        view, entry, sids, _ = await _sanction(db, ctx, actor, group_id, body, "mute", minutes)
    told = {"group_id": group_id, "user_id": view["user"]["id"], "until": view["expires_at"], "reason": view["reason"]}
    await ctx.publisher.publish(RoomEvent(group_id, "mod:muted", told, audience="staff", to_connections=sids))
    await tell_logged(ctx, group_id, entry)
    return {"sanction": view}


async def _take_out(
    db: AsyncSession,
    ctx: RoomsContext,
    group_id: int,
    view: dict[str, Any],
    entry: Logged,
) -> None:
    """Tell the member's connections why, then take them out of the room on every process.

    Their connections are read after the sanction's commit, never inside its transaction: a room:join on its
    way (past its own check, before its presence row was committed) is then either seen here, or commits its
    presence after this read, and so re-checks after that commit (`recheck_entries_in`, which server/realtime.py
    calls once room:join has committed) and sees this sanction. No order of the two leaves the member in the
    room. (Read inside the sanction's transaction, on PostgreSQL both could miss the other.)"""
    async with db.begin():
        sids = await member_connections(db, group_id, int(view["user"]["id"]))
    told = {
        "group_id": group_id,
        "user_id": view["user"]["id"],
        "kind": view["kind"],
        "until": view["expires_at"],
        "reason": view["reason"],
    }
    await ctx.publisher.publish(RoomEvent(group_id, "mod:removed", told, audience="staff", to_connections=sids))
    await tell_logged(ctx, group_id, entry)
    await evict(db, ctx, [(sid, group_id) for sid in sids])


async def do_remove(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Take a member out of this session: out of the room at once, and not back in while it runs."""
    async with db.begin():
        view, entry, _, _ = await _sanction(db, ctx, actor, group_id, body, "removal", None)
    await _take_out(db, ctx, group_id, view, entry)
    return {"sanction": view}


async def do_ban(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Ban a member from the group for some minutes, or (minutes null) until lifted: out of the room at once,
    and neither entering, posting nor joining again meanwhile."""
    raw = body.get("minutes")
    minutes = None if raw is None else validate.integer(raw, "minutes", minimum=BAN_MINUTES[0], maximum=BAN_MINUTES[1])
    async with db.begin():
        view, entry, _, _ = await _sanction(db, ctx, actor, group_id, body, "ban", minutes)
    await _take_out(db, ctx, group_id, view, entry)
    return {"sanction": view}


async def _lift(db: AsyncSession, ctx: RoomsContext, actor: Actor, sanctions: list[Sanction]) -> None:
    now = ctx.clock()
    for sanction in sanctions:
        sanction.lifted_at, sanction.lifted_by = now, actor.user_id
    await db.flush()


async def do_unmute(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Lift every mute of this member in the group now."""
    user_id = validate.row_id(body.get("user_id"), "user_id")
    async with db.begin():
        access = await _require_facilitator(db, ctx, actor, group_id)
        reason = await _reason(ctx, body, LIFT_REASON)
        target = await _require_member_target(db, ctx, access, user_id)
        mutes = await _active(db, group_id, user_id, ctx.clock(), ("mute",))
        if not mutes:
            raise Conflict("That member is not muted.", code="not_muted")
        await _lift(db, ctx, actor, mutes)
        live = await store.live_session(db, group_id)
        detail = {"sanction_ids": [s.id for s in mutes]}
        entry = await _log(
            db,
            ctx,
            actor,
            access,
            "unmute",
            session_id=live.id if live else None,
            target=target,
            reason=reason,
            detail=detail,
        )
        views = [sanction_view(s, target.pseudonym) for s in mutes]
        sids = await member_connections(db, group_id, user_id)
    told = {"group_id": group_id, "user_id": user_id}
    await ctx.publisher.publish(RoomEvent(group_id, "mod:unmuted", told, audience="staff", to_connections=sids))
    await tell_logged(ctx, group_id, entry)
    return {"sanctions": views}


async def do_lift(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Lift one sanction (mute, removal or ban) early."""
    sanction_id = validate.row_id(body.get("sanction_id"), "sanction_id")
    async with db.begin():
        access = await _require_facilitator(db, ctx, actor, group_id)
        reason = await _reason(ctx, body, LIFT_REASON)
        sanction = await db.get(Sanction, sanction_id)
        if sanction is None or sanction.group_id != group_id:
            raise NotFound("There is no such sanction in this group.", code="sanction_not_found")
        now = ctx.clock()
        if sanction.lifted_at is not None or (sanction.expires_at is not None and sanction.expires_at <= now):
            raise Conflict("That has already ended.", code="sanction_not_active")
        await _lift(db, ctx, actor, [sanction])
        target = await store.get_user(db, sanction.user_id)
        name = target.pseudonym if target else ""
        live = await store.live_session(db, group_id)
        detail = {"sanction_id": sanction.id, "kind": sanction.kind}
        entry = await _log(
            db,
            ctx,
            actor,
            access,
            "lift",
            session_id=live.id if live else None,
            target=target,
            reason=reason,
            detail=detail,
        )
        view = sanction_view(sanction, name)
        sids = await member_connections(db, group_id, sanction.user_id)
    told = {"group_id": group_id, "user_id": sanction.user_id, "kind": sanction.kind, "sanction_id": sanction.id}
    name_told = "mod:unmuted" if sanction.kind == "mute" else "mod:lifted"
    await ctx.publisher.publish(RoomEvent(group_id, name_told, told, audience="staff", to_connections=sids))
    await tell_logged(ctx, group_id, entry)
    return {"sanction": view}


async def list_sanctions(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> dict[str, Any]:
    """The sanctions in force in the group, oldest first (facilitators: to see who is muted, and lift it)."""
    async with db.begin():
        await _require_facilitator(db, ctx, actor, group_id)
        rows = await db.execute(
            select(Sanction, User.pseudonym)
            .join(User, User.id == Sanction.user_id)
            .where(Sanction.group_id == group_id, _in_force(ctx.clock()))
            .order_by(Sanction.id)
        )
        return {"sanctions": [sanction_view(s, name) for s, name in rows.all()]}


# ----- hiding messages -----


async def _message(db: AsyncSession, group_id: int, body: dict[str, Any]) -> Message:
    message_id = validate.row_id(body.get("message_id"), "message_id")
    message = await db.get(Message, (group_id, message_id))
    if message is None:
        raise NotFound("There is no such message in this group.", code="message_not_found")
    return message


async def do_hide(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Hide a message: members see "hidden by a facilitator" (never its text or the reason); staff still read
    it. A pinned message hidden is unpinned."""
    async with db.begin():
        access = await _require_facilitator(db, ctx, actor, group_id)
        message = await _message(db, group_id, body)
        reason = await _reason(ctx, body, HIDE_REASON)
        if message.author_role == "facilitator":
            raise Forbidden("A facilitator's message is not hidden from the room.", code="target_is_facilitator")
        if message.hidden_at is not None:
            raise Conflict("That message is already hidden.", code="already_hidden")
        if message.held_reason is not None:  # members never see it; its author is owed an answer
            raise Conflict("That message is held for review: release or decline it.", code="message_held")
        now = ctx.clock()
        message.hidden_at, message.hidden_by, message.hidden_reason = now, actor.user_id, reason
        live = await store.live_session(db, group_id)
        unpinned = live is not None and live.pinned_message_id == message.id
        if live is not None and unpinned:
            live.pinned_message_id = None
        await db.flush()
        author = await store.get_user(db, message.author_id)
        detail = {"unpinned": True} if unpinned else {}
        entry = await _log(
            db,
            ctx,
            actor,
            access,
            "hide",
            session_id=message.session_id,
            target=author,
            message_id=message.id,
            reason=reason,
            detail=detail,
        )
        session = await session_payload(db, live) if live is not None and unpinned else None
    told = {"group_id": group_id, "message_id": message.id, "hidden": True}
    await ctx.publisher.publish(RoomEvent(group_id, "message:hidden", told))
    await tell_logged(ctx, group_id, entry)
    if session is not None:
        await ctx.publisher.publish(RoomEvent(group_id, "session:updated", {"group_id": group_id, "session": session}))
    return {"message_id": message.id, "hidden": True, "hidden_reason": reason}


async def do_unhide(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Show a hidden message again. If it belongs to the running session the room gets it back whole."""
    async with db.begin():
        access = await _require_facilitator(db, ctx, actor, group_id)
        message = await _message(db, group_id, body)
        reason = await _reason(ctx, body, LIFT_REASON)
        if message.hidden_at is None:
            raise Conflict("That message is not hidden.", code="not_hidden")
        if message.held_reason is not None:  # declined (rooms/held_messages.py): for good
            raise Conflict("That message was declined: it is not posted.", code="message_declined")
        message.hidden_at = message.hidden_by = message.hidden_reason = None
        await db.flush()
        author = await store.get_user(db, message.author_id)
        entry = await _log(
            db,
            ctx,
            actor,
            access,
            "unhide",
            session_id=message.session_id,
            target=author,
            message_id=message.id,
            reason=reason,
        )
        live = await store.live_session(db, group_id)
        told: dict[str, Any] = {"group_id": group_id, "message_id": message.id, "hidden": False}
        if live is not None and message.session_id == live.id and message.held_reason is None:
            told["message"] = message_view(message, author.pseudonym if author else "")
    await ctx.publisher.publish(RoomEvent(group_id, "message:hidden", told))
    await tell_logged(ctx, group_id, entry)
    return {"message_id": message.id, "hidden": False}


# ----- room controls -----


async def _control(
    db: AsyncSession,
    ctx: RoomsContext,
    actor: Actor,
    group_id: int,
    change: Any,
) -> dict[str, Any]:
    """Apply `change(session) -> (action, message_id, detail)` to the running session, log it, and tell the
    room the session as it now is."""
    async with db.begin():
        access = await _require_facilitator(db, ctx, actor, group_id)
        session = await _running(db, group_id)
        action, message_id, detail = await change(session)
        await db.flush()
        entry = await _log(db, ctx, actor, access, action, session_id=session.id, message_id=message_id, detail=detail)
        payload = await session_payload(db, session)
    await ctx.publisher.publish(RoomEvent(group_id, "session:updated", {"group_id": group_id, "session": payload}))
    await tell_logged(ctx, group_id, entry)
    return {"session": payload}


async def do_slow_mode(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Seconds a member waits between their messages in this session (0: off)."""
    seconds = validate.integer(
        body.get("seconds"), "seconds", minimum=SLOW_MODE_SECONDS[0], maximum=SLOW_MODE_SECONDS[1]
    )

    async def change(session: GroupSession) -> tuple[str, int | None, dict[str, Any]]:
        session.slow_mode_seconds = seconds
        return "slow_mode", None, {"seconds": seconds}

    return await _control(db, ctx, actor, group_id, change)


async def do_lock(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Locked: only facilitators post; members still read."""
    locked = body.get("locked")
    if not isinstance(locked, bool):
        raise DomainError("locked must be true or false.")

    async def change(session: GroupSession) -> tuple[str, int | None, dict[str, Any]]:
        session.locked = locked
        return ("lock" if locked else "unlock"), None, {}

    return await _control(db, ctx, actor, group_id, change)


async def do_pin(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Pin a message of this session for everyone (null unpins). A hidden or held message is not pinned."""
    raw = body.get("message_id")

    async def change(session: GroupSession) -> tuple[str, int | None, dict[str, Any]]:
        if raw is None:
            was = session.pinned_message_id
            session.pinned_message_id = None
            return "unpin", was, {}
        message = await _message(db, group_id, body)
        if message.session_id != session.id:
            raise NotFound("Pin a message of this session.", code="message_not_found")
        if message.hidden_at is not None or message.held_reason is not None:
            raise Conflict("A hidden or held message cannot be pinned.", code="message_hidden")
        session.pinned_message_id = message.id
        return "pin", message.id, {}

    return await _control(db, ctx, actor, group_id, change)


# ----- enforcement -----


def _refuse_sanctioned(kinds: dict[str, Ends]) -> None:
    if kinds.get("ban"):
        until = _until(kinds["ban"])
        when = f" until {iso(until)}" if until else ""
        raise Forbidden(
            f"A facilitator has banned you from this group{when}.", code="banned", detail={"until": iso(until)}
        )
    if kinds.get("removal"):
        raise Forbidden(
            "A facilitator has removed you from this session. You can come back to the group's next session.",
            code="removed_from_session",
        )
    if kinds.get("mute"):
        until = _until(kinds["mute"])
        raise Forbidden(
            "A facilitator has muted you for now: you can read, and post again when it ends.",
            code="muted",
            detail={"until": iso(until)},
        )


def _by_kind(rows: Any) -> dict[str, Ends]:
    found: dict[str, Ends] = {}
    for kind, expires_at, _ in rows:
        found.setdefault(kind, []).append(expires_at)
    return found


async def refuse_if_restricted(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, session_id: int, role: str
) -> None:
    """The send path's check, inside its transaction: a ban, a removal from this session, a mute, a locked room,
    or slow mode refuses a member's message (facilitators are never restricted)."""
    if role == "facilitator":
        return
    now = ctx.clock()
    # One query on the hot path: the room's controls, and beside them each sanction of this member in force.
    rows = (
        await db.execute(
            select(GroupSession.locked, GroupSession.slow_mode_seconds, Sanction.kind, Sanction.expires_at)
            .select_from(GroupSession)
            .outerjoin(
                Sanction,
                and_(
                    Sanction.group_id == GroupSession.group_id,
                    Sanction.user_id == actor.user_id,
                    _in_force(now),
                    or_(Sanction.kind != "removal", Sanction.session_id == GroupSession.id),
                ),
            )
            .where(GroupSession.id == session_id)
        )
    ).all()
    if not rows:
        return
    kinds: dict[str, Ends] = {}
    for _, _, kind, expires_at in rows:
        if kind is not None:
            kinds.setdefault(kind, []).append(expires_at)
    _refuse_sanctioned(kinds)
    locked, slow = bool(rows[0][0]), int(rows[0][1] or 0)
    if locked:
        raise Forbidden("The room is locked for now: only facilitators post. You can still read.", code="room_locked")
    if slow > 0:
        # Taken in turn per group (the row lock next_message_id takes anyway, taken earlier here), so two sends at
        # once on two processes cannot both pass: the second reads the first's message once it is committed.
        await store.lock_group(db, group_id)
        latest = (
            await db.execute(
                select(Message.created_at)
                .where(Message.session_id == session_id, Message.author_id == actor.user_id)
                .order_by(Message.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        if latest is not None:
            wait = slow - (now - latest).total_seconds()
            if wait > 0:
                retry = max(1, math.ceil(wait))
                raise DomainError(
                    f"Slow mode is on: you can post again in {retry} seconds.",
                    code="slow_mode",
                    detail={"retry_after": retry},
                )


async def recheck_entries_in(
    db: AsyncSession, ctx: RoomsContext, entries: list[tuple[int, int, str]]
) -> list[DomainError | None]:
    """room:join's look at bans and removals, for joins given as (group, user, role entered as), in the caller's
    read transaction (server/realtime.py shares one among the joins of a moment, rooms/read_batch.py), begun
    after each join's presence row was committed: a ban or removal committed while a join was on its way refuses
    it then (see `_take_out` for why that pair closes the race). Each join's refusal, or None. One statement for
    them all (`_entry_sanctions`). Facilitators are never refused here."""
    members = [(group_id, user_id) for group_id, user_id, role in entries if role != "facilitator"]
    answers = dict(zip(members, await entry_sanctions_in(db, ctx, members), strict=True)) if members else {}
    return [
        None if role == "facilitator" else _refusal_only(answers[(group_id, user_id)])
        for group_id, user_id, role in entries
    ]


def _refusal_only(answer: dict[str, Any] | DomainError | None) -> DomainError | None:
    return answer if isinstance(answer, DomainError) else None


async def entry_sanctions_in(
    db: AsyncSession, ctx: RoomsContext, members: list[tuple[int, int]]
) -> list[dict[str, Any] | DomainError | None]:
    """room:join's check of a member's sanctions, for members entering rooms given as (group, user): a ban or a
    removal from the session running now refuses (the DomainError, in its place); otherwise the member's own
    mute in force for the ack (rooms/own_mute.py), or None. One statement however many (a connect wave's
    joins ask together, rooms/read_batch.py): the sanctions in force, a removal only from the session running
    now, read in the same statement so both are as committed when it runs. room:join asks it for every
    join, before it knows the role; a facilitator's answer is then not looked at (chat.entry_check)."""
    params = {
        "group_ids": padded(group_id for group_id, _ in members),
        "user_ids": padded(user_id for _, user_id in members),
        "now": ctx.clock(),
    }
    rows = await db.execute(_entry_sanctions_query(), params)
    found: dict[tuple[int, int], list[tuple[str, dt.datetime | None, str]]] = {}
    for group_id, user_id, kind, expires_at, reason in rows:
        found.setdefault((group_id, user_id), []).append((kind, expires_at, reason))
    answers: list[dict[str, Any] | DomainError | None] = []
    for member in members:
        held = found.get(member, [])
        kinds = _by_kind(held)
        kinds.pop("mute", None)  # a muted member still reads
        try:
            _refuse_sanctioned(kinds)
        except DomainError as refusal:
            answers.append(refusal)
            continue
        answers.append(mute_view([(expires_at, reason) for kind, expires_at, reason in held if kind == "mute"]))
    return answers


@functools.cache
def _entry_sanctions_query() -> Any:  # a Select, built once: every join runs it (twice)
    running = select(GroupSession.id).where(
        GroupSession.group_id == Sanction.group_id, GroupSession.status.in_(store.RUNNING)
    )
    return (
        select(Sanction.group_id, Sanction.user_id, Sanction.kind, Sanction.expires_at, Sanction.reason)
        .where(
            Sanction.group_id.in_(bindparam("group_ids", expanding=True)),
            Sanction.user_id.in_(bindparam("user_ids", expanding=True)),
            _in_force(bindparam("now", type_=UTCDateTime())),
            or_(Sanction.kind != "removal", Sanction.session_id.in_(running)),
        )
        .order_by(Sanction.id)
    )


async def refuse_if_banned(db: AsyncSession, ctx: RoomsContext, group_id: int, user_id: int) -> None:
    """Joining (or renewing) a group one is banned from is refused until the ban ends."""
    bans = await _active(db, group_id, user_id, ctx.clock(), ("ban",))
    if bans:
        until = _until([ban.expires_at for ban in bans])
        when = f" until {iso(until)}" if until else ""
        raise Forbidden(
            f"A facilitator has banned you from this group{when}.", code="banned", detail={"until": iso(until)}
        )
