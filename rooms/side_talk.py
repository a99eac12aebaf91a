"""Words beside the room: the facilitators' backchannel, and a member's private word with the facilitators.

Neither is ever delivered to the room. Backchannel events go only to the staff room (the session's
facilitators' connections); a private word's events go to the staff room and to that one member's own
connections in the room, looked up from presence at the moment of sending. Both are stored with the session
(SideMessage), so supervision and safeguarding can read them later.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import store, validate
from rooms.access import group_access, require_room_role
from rooms.context import RoomsContext
from rooms.errors import Conflict, DomainError, Forbidden, NotFound
from rooms.events import RoomEvent
from rooms.hooks import Actor, MessageDraft
from rooms.models import GroupSession, Presence, PrivateWord, SideMessage, User
from rooms.read_batch import Together
from rooms.views import author_view, iso

CLIENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
HISTORY = 100


def side_view(message: SideMessage, display_name: str) -> dict[str, Any]:
    return {
        "id": message.id,
        "session_id": message.session_id,
        "channel": message.channel,
        "member_id": message.member_id,
        "author": author_view(message.author_id, display_name, message.author_role),
        "body": message.body,
        "client_id": message.client_id,
        "created_at": iso(message.created_at),
    }


async def _context(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> tuple[str, GroupSession]:
    role = require_room_role(await group_access(db, actor, group_id, ctx.clock().date()))
    session = await store.live_session(db, group_id)
    if session is None:
        raise DomainError("This group is not in session.", code="session_not_live")
    return role, session


def _clean_body(body: Any) -> str:
    if not isinstance(body, str):
        raise DomainError("body must be text.")
    validate.refuse_control_characters(body, "Your message")
    text = validate.clean_line_breaks(body)
    if not text.strip():
        raise DomainError("Type a message before sending.", code="message_empty")
    return text


def _client_id(value: Any) -> str:
    if not isinstance(value, str) or not CLIENT_ID.fullmatch(value):
        raise DomainError("client_id must be 1 to 64 letters, digits, dashes, underscores, dots or colons.")
    return value


async def member_connections(db: AsyncSession, group_id: int, member_id: int) -> tuple[str, ...]:
    rows = await db.execute(select(Presence.sid).where(Presence.group_id == group_id, Presence.user_id == member_id))
    return tuple(sorted(rows.scalars()))


async def _store(
    db: AsyncSession, ctx: RoomsContext, values: dict[str, Any], actor: Actor, group_id: int, role: str
) -> SideMessage:
    """Store once per client_id (a retried send returns the stored one), after the message checks."""
    existing = await db.execute(
        select(SideMessage).where(
            SideMessage.session_id == values["session_id"],
            SideMessage.author_id == actor.user_id,
            SideMessage.client_id == values["client_id"],
        )
    )
    found = existing.scalar_one_or_none()
    if found is not None:
        return found
    await ctx.message_checks.run(MessageDraft(group_id, values["session_id"], actor, role, values["body"], ctx.clock()))
    message = SideMessage(author_id=actor.user_id, author_role=role, created_at=ctx.clock(), **values)
    try:
        async with db.begin_nested():
            db.add(message)
    except IntegrityError:
        raise DomainError("That message was just sent; it is already there.", code="duplicate") from None
    return message


async def do_send_backchannel(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, client_id: Any, body: Any
) -> dict[str, Any]:
    """A facilitator writes in the backchannel; only the staff room hears it."""
    cid, text = _client_id(client_id), _clean_body(body)
    async with db.begin():
        role, session = await _context(db, ctx, actor, group_id)
        if role != "facilitator":
            raise Forbidden("Only the session's facilitators use the backchannel.", code="facilitators_only")
        message = await _store(
            db,
            ctx,
            {"session_id": session.id, "channel": "backchannel", "client_id": cid, "body": text},
            actor,
            group_id,
            role,
        )
        view = side_view(message, actor.pseudonym)
    await ctx.publisher.publish(
        RoomEvent(group_id, "backchannel:new", {"group_id": group_id, "message": view}, audience="staff")
    )
    return view


async def do_request_private_word(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> dict[str, Any]:
    """A member asks for a private word; the facilitators see the request at once."""
    async with db.begin():
        role, session = await _context(db, ctx, actor, group_id)
        if role == "facilitator":
            raise DomainError("Facilitators open private words; members ask for them.", code="members_only")
        word = await db.get(PrivateWord, (session.id, actor.user_id))
        now = ctx.clock()
        if word is None:
            word = PrivateWord(session_id=session.id, member_id=actor.user_id, requested_at=now)
            db.add(word)
        elif word.opened_at is None:
            word.requested_at = now
        await db.flush()
        view = private_word_view(word, actor.pseudonym)
        sids = await member_connections(db, group_id, actor.user_id)
    event = RoomEvent(
        group_id, "private:updated", {"group_id": group_id, "private_word": view}, audience="staff", to_connections=sids
    )
    await ctx.publisher.publish(event)
    return view


async def do_open_private_word(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, member_id: Any
) -> dict[str, Any]:
    """A facilitator opens the 1:1 thread with a member in the room (asked for or not)."""
    member = validate.row_id(member_id, "member_id")
    async with db.begin():
        role, session = await _context(db, ctx, actor, group_id)
        if role != "facilitator":
            raise Forbidden("Only the session's facilitators open private words.", code="facilitators_only")
        sids = await member_connections(db, group_id, member)
        user = await store.get_user(db, member)
        if not sids or user is None:
            raise NotFound("That member is not in the room now.", code="not_present")
        word = await db.get(PrivateWord, (session.id, member))
        now = ctx.clock()
        if word is None:
            word = PrivateWord(session_id=session.id, member_id=member)
            db.add(word)
        if word.opened_at is None:
            word.opened_at, word.opened_by = now, actor.user_id
        await db.flush()
        view = private_word_view(word, user.pseudonym)
    event = RoomEvent(
        group_id, "private:updated", {"group_id": group_id, "private_word": view}, audience="staff", to_connections=sids
    )
    await ctx.publisher.publish(event)
    return view


async def do_send_private(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, member_id: Any, client_id: Any, body: Any
) -> dict[str, Any]:
    """A message in an open private word: from the member, or from a facilitator to that member."""
    cid, text = _client_id(client_id), _clean_body(body)
    async with db.begin():
        role, session = await _context(db, ctx, actor, group_id)
        member = validate.row_id(member_id, "member_id") if role == "facilitator" else actor.user_id
        word = await db.get(PrivateWord, (session.id, member))
        if word is None or word.opened_at is None:
            raise DomainError(
                "This private word has not been opened by a facilitator yet.", code="private_word_not_open"
            )
        values = {"session_id": session.id, "channel": "private", "member_id": member, "client_id": cid, "body": text}
        message = await _store(db, ctx, values, actor, group_id, role)
        view = side_view(message, actor.pseudonym)
        sids = await member_connections(db, group_id, member)
    event = RoomEvent(
        group_id, "private:new", {"group_id": group_id, "message": view}, audience="staff", to_connections=sids
    )
    await ctx.publisher.publish(event)
    return view


def private_word_view(word: PrivateWord, member_name: str) -> dict[str, Any]:
    return {
        "session_id": word.session_id,
        "member": {"id": word.member_id, "display_name": member_name},
        "requested_at": iso(word.requested_at),
        "opened_at": iso(word.opened_at),
    }


async def staff_snapshot(db: AsyncSession, session_id: int) -> dict[str, Any]:
    """What a facilitator entering the room needs: the backchannel, and every private word and its thread."""
    words = await db.execute(
        select(PrivateWord, User.pseudonym)
        .join(User, User.id == PrivateWord.member_id)
        .where(PrivateWord.session_id == session_id)
    )
    return {
        "backchannel": await _history(db, session_id, "backchannel"),
        "private_words": [private_word_view(word, name) for word, name in words.all()],
        "private_messages": await _history(db, session_id, "private"),
    }


async def member_snapshot(db: AsyncSession, session_id: int, member: Actor) -> dict[str, Any]:
    """What a member entering the room sees of their own private word (never anyone else's)."""
    return (await member_snapshots_of(db, [(session_id, member.user_id, member.pseudonym)]))[0]


# A member entering a running session: (session id, member id, the member's pseudonym).
MemberAsk = tuple[int, int, str]


async def member_snapshots_of(db: AsyncSession, asked: list[MemberAsk]) -> list[dict[str, Any]]:
    """member_snapshot for several members at once, in the order asked, in two statements however many (a
    connect wave's joins ask together: rooms/chat.do_enter_room): their private words, and each one's own
    thread (its last HISTORY messages, oldest first)."""
    pairs = sorted({(session_id, member_id) for session_id, member_id, _ in asked})
    if not pairs:
        return []
    words = {
        (word.session_id, word.member_id): word
        for word in (
            await db.execute(
                select(PrivateWord).where(tuple_(PrivateWord.session_id, PrivateWord.member_id).in_(pairs))
            )
        ).scalars()
    }
    newest_first = func.row_number().over(
        partition_by=(SideMessage.session_id, SideMessage.member_id), order_by=SideMessage.id.desc()
    )
    ranked = (
        select(SideMessage.id, newest_first.label("rank"))
        .where(SideMessage.channel == "private", tuple_(SideMessage.session_id, SideMessage.member_id).in_(pairs))
        .subquery()
    )
    rows = await db.execute(
        select(SideMessage, User.pseudonym)
        .join(User, User.id == SideMessage.author_id)
        .join(ranked, ranked.c.id == SideMessage.id)
        .where(ranked.c.rank <= HISTORY)
        .order_by(SideMessage.id)
    )
    threads: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for message, name in rows.all():
        threads.setdefault((message.session_id, message.member_id or 0), []).append(side_view(message, name))
    return [
        {
            "private_word": private_word_view(words[(session_id, member_id)], name)
            if (session_id, member_id) in words
            else None,
            "private_messages": list(threads.get((session_id, member_id), [])),
        }
        for session_id, member_id, name in asked
    ]


MEMBER_SNAPSHOTS_TOGETHER: Together[MemberAsk, dict[str, Any]] = Together(member_snapshots_of)


async def _history(db: AsyncSession, session_id: int, channel: str) -> list[dict[str, Any]]:
    """A channel's last HISTORY messages of the session, every member's (staff read them all), oldest first."""
    query = (
        select(SideMessage, User.pseudonym)
        .join(User, User.id == SideMessage.author_id)
        .where(SideMessage.session_id == session_id, SideMessage.channel == channel)
    )
    rows = await db.execute(query.order_by(SideMessage.id.desc()).limit(HISTORY))
    return [side_view(message, name) for message, name in reversed(rows.all())]


LEAD_ROLES = frozenset({"safeguarding_lead"})


async def _lead_session(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> GroupSession:
    """The running session of a group in a hub where the person asking is a safeguarding lead (or a
    facilitator of it: they read the same backchannel here as in the room)."""
    from rooms.access import require_group, require_hub_role

    group = await require_group(db, group_id)
    access = await group_access(db, actor, group_id, ctx.clock().date())
    if not access.is_facilitator:
        await require_hub_role(
            db, actor, group.hub_id, LEAD_ROLES, "Only the hub's safeguarding leads and the session's facilitators."
        )
    session = await store.live_session(db, group_id)
    if session is None:
        raise Conflict("This group is not in session.", code="session_not_live")
    return session


async def lead_backchannel(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> dict[str, Any]:
    """The backchannel of a group's running session, for the hub's safeguarding leads beside the room."""
    async with db.begin():
        session = await _lead_session(db, ctx, actor, group_id)
        return {"session_id": session.id, "messages": await _history(db, session.id, "backchannel")}


async def do_lead_backchannel_send(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, client_id: Any, body: Any
) -> dict[str, Any]:
    """A safeguarding lead writes in the backchannel from outside the room; the facilitators hear it live."""
    cid, text = _client_id(client_id), _clean_body(body)
    async with db.begin():
        session = await _lead_session(db, ctx, actor, group_id)
        values = {"session_id": session.id, "channel": "backchannel", "client_id": cid, "body": text}
        message = await _store(db, ctx, values, actor, group_id, "safeguarding_lead")
        view = side_view(message, actor.pseudonym)
    await ctx.publisher.publish(
        RoomEvent(group_id, "backchannel:new", {"group_id": group_id, "message": view}, audience="staff")
    )
    return view
