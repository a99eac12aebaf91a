"""Use cases of the live room: enter, leave, send, history and presence."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import (
    facilitation,
    member_tools,
    moderation_actions,
    policy_log,
    safeguarding,
    session_tools,
    side_talk,
    store,
    validate,
)
from rooms import room_rights as room_rights_of
from rooms.access import (
    EntryAsk,
    GroupAccess,
    entry_access,
    entry_accesses,
    group_access,
    require_role,
    require_room_role,
)
from rooms.context import RoomsContext
from rooms.errors import DomainError, NotFound
from rooms.events import RoomEvent
from rooms.hooks import Actor, CheckOutcome, MessageDraft
from rooms.hookspecs import StoredMessage
from rooms.models import GroupSession, Message, ModerationLogEntry
from rooms.presence import publish_presence, tell_room
from rooms.presence_writes import Arrival, AttendanceAsk, attendance_of, attendances_of
from rooms.read_batch import ReadBatch, Together, once_for_many, once_per_transaction
from rooms.send_batch import FactsChanged, LogVerdicts, PendingWrite, Recheck, RunAlone
from rooms.send_facts import SendAsk, SendFacts, send_facts, send_facts_of
from rooms.sessions import session_payload
from rooms.views import message_view

MAX_PAGE = 200
CLIENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
RESUME_PAGE = 200


@dataclass(frozen=True)
class SendRequest:
    group_id: int
    client_id: str
    body: str
    content_note: str | None = None  # the author's own warning, shown before the message
    # The member was told "this looks like a phone number / an address..." and chose to send it anyway.
    confirm_personal_details: bool = False


def parse_send(payload: Any) -> SendRequest:
    if not isinstance(payload, dict):
        raise DomainError("Send an object with group_id, client_id and body.")
    group_id = validate.row_id(payload.get("group_id"), "group_id")
    client_id = payload.get("client_id")
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
        raise DomainError("client_id must be 1 to 64 letters, digits, dashes, underscores, dots or colons.")
    body = payload.get("body")
    if not isinstance(body, str):
        raise DomainError("body must be text.")
    confirm = payload.get("confirm_personal_details", False)
    if not isinstance(confirm, bool):
        raise DomainError("confirm_personal_details must be true or false.")
    note = member_tools.parse_content_note(payload.get("content_note"))
    return SendRequest(group_id, client_id, body, note, confirm_personal_details=confirm)


async def _page(
    db: AsyncSession,
    group_id: int,
    *,
    after_id: int | None = None,
    before_id: int | None = None,
    session_id: int | None = None,
    member_since: dt.datetime | None = None,
    limit: int,
    for_staff: bool = False,
    held_visible_to: int | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Up to `limit` messages oldest first, and whether more lie beyond in the direction asked (hidden ones as
    `for_staff` or a member may see them: rooms/views.message_view)."""
    newest_first = after_id is None
    rows = await store.messages_with_names(
        db,
        group_id,
        after_id=after_id,
        before_id=before_id,
        session_id=session_id,
        member_since=member_since,
        limit=limit + 1,
        newest_first=newest_first,
        held_visible_to=held_visible_to,
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    if newest_first:
        rows.reverse()
    return [message_view(m, name, for_staff) for m, name in rows], has_more


def _held_visible_to(is_staff: bool, actor: Actor) -> int | None:
    """A message held for review is seen by staff and its author only."""
    return None if is_staff else actor.user_id


def member_since(access: GroupAccess) -> dt.datetime | None:
    """Facilitators read every session of their groups; a member only the sessions still running when they
    joined: what is said in a session stays with that session's people."""
    if access.is_facilitator or access.membership is None:
        return None
    return access.membership.joined_at


async def require_entry(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> str:
    """The role this person has in the room; refuses anyone who may not be there."""
    async with db.begin():
        return require_room_role(await group_access(db, actor, group_id, ctx.clock().date()))


async def room_rights(db: AsyncSession, pairs: set[tuple[int, int]], today: dt.date) -> dict[tuple[int, int], bool]:
    """Whether each (user, group) may be in the group's room now (a read; one query per group)."""
    async with db.begin():
        return await room_rights_of.rights(db, pairs, today, staff_only=False)


async def staff_room_rights(
    db: AsyncSession, pairs: set[tuple[int, int]], today: dt.date
) -> dict[tuple[int, int], bool]:
    """Whether each (user, group) may hear the staff room beside the group's room now: only as a facilitator
    who may facilitate it today (someone who stays in the room as a member must not)."""
    async with db.begin():
        return await room_rights_of.rights(db, pairs, today, staff_only=True)


@dataclass(frozen=True)
class EntryCheck:
    """room:join's check before subscribing: as what this person may enter (a ban or removal refuses), the
    running session, and the member's own mute in force (rooms/own_mute.py). Handed to the snapshot that
    follows at once, so none is read twice per join."""

    access: GroupAccess
    role: str
    live: GroupSession | None
    mute: dict[str, Any] | None = None


async def check_entry_in(db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int) -> EntryCheck:
    """Refuses anyone who may not enter the room now (not a member, banned, removed from the session), inside
    the caller's transaction: two statements (access with the running session, then the sanctions in force)."""
    access, role, live = await access_in(db, ctx, actor, group_id)
    if role == "facilitator":  # never sanctioned
        return entry_check(access, role, live, None)
    sanctions = (await moderation_actions.entry_sanctions_in(db, ctx, [(group_id, actor.user_id)]))[0]
    return entry_check(access, role, live, sanctions)


async def access_in(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int
) -> tuple[GroupAccess, str, GroupSession | None]:
    """check_entry_in without the sanctions: as what this person may enter (or the refusal), and the running
    session. A connect wave's joins read their sanctions beside it, all in one statement
    (moderation_actions.entry_sanctions_in), and put the two together with `entry_check`."""
    access, live = await entry_access(db, actor, group_id, ctx.clock().date())
    return access, require_room_role(access), live


def access_together(ctx: RoomsContext) -> Together[EntryAsk, tuple[GroupAccess, GroupSession | None]]:
    """access_in's read for a connect wave: the joins that share a read transaction ask it together, keyed by
    (group, user, platform admin), and one statement answers them all (rooms/access.entry_accesses). The
    caller decides the role from the answer (`require_room_role`), as access_in does."""

    async def many(db: AsyncSession, asked: list[EntryAsk]) -> list[tuple[GroupAccess, GroupSession | None] | NotFound]:
        return await entry_accesses(db, asked, ctx.clock().date())

    return Together(many)


def entry_check(
    access: GroupAccess, role: str, live: GroupSession | None, sanctions: dict[str, Any] | BaseException | None
) -> EntryCheck:
    """The entry check from access_in's answer and the member's sanctions (a refusal raised, as check_entry_in
    would; a facilitator is never sanctioned, so theirs are not looked at)."""
    if role == "facilitator":
        return EntryCheck(access, role, live, None)
    if isinstance(sanctions, BaseException):
        raise sanctions
    return EntryCheck(access, role, live, sanctions)


@dataclass(frozen=True)
class EntrySnapshot:
    """What room:join reads for one entering connection: the ack's body (without who is present), and what
    its presence row then records (the attendance to write, whether this is a newcomer's first session)."""

    result: dict[str, Any]
    role: str
    live: GroupSession | None
    attendance: tuple[int, bool] | None
    newcomer: bool


async def snapshot_in(
    db: AsyncSession,
    ctx: RoomsContext,
    actor: Actor,
    group_id: int,
    since_id: int | None,
    checked: EntryCheck | None = None,
    *,
    with_viewer: bool = True,
) -> EntrySnapshot:
    """The room's snapshot for one entering connection, read inside the caller's (read) transaction, which
    must have begun after the connection subscribed to the room. `with_viewer=False`: without what is read for
    the viewer alone (ViewerReads), which the caller reads beside it (in a connect wave, one statement per kind
    for every join of the batch: `snapshot_together`) and adds with `with_viewer_reads`."""
    if checked is None:
        checked = await check_entry_in(db, ctx, actor, group_id)
    access, role, live = checked.access, checked.role, checked.live
    since = member_since(access)
    staff = access.is_facilitator
    held = _held_visible_to(staff, actor)
    if since_id is not None:
        messages, has_more = await _page(
            db,
            group_id,
            after_id=since_id,
            member_since=since,
            limit=RESUME_PAGE,
            for_staff=staff,
            held_visible_to=held,
        )
    else:
        history_session = live.id if live else (await _room_sessions(db, ctx, group_id)).history_session_id
        if history_session is None:
            messages, has_more = [], False
        elif live is not None or since is None:
            messages, has_more = await _room_page(db, ctx, actor, group_id, history_session, staff)
        else:
            messages, has_more = await _page(
                db,
                group_id,
                session_id=history_session,
                before_id=2**62,
                member_since=since,
                limit=ctx.history_page,
                for_staff=staff,
                held_visible_to=held,
            )
    headline = live or (await _room_sessions(db, ctx, group_id)).headline
    beside: dict[str, Any] = {}
    if live is not None:
        beside["hands"] = await once_per_transaction(
            db, ("hands", live.id), lambda: session_tools.hands_queue(db, live.id)
        )
        if role == "facilitator":
            beside["staff"] = {
                **await side_talk.staff_snapshot(db, live.id),
                "newcomers": await store.newcomers_in(db, live.id),
                "concerns": await safeguarding.open_in_group(db, group_id, actor.user_id, ctx.clock()),
            }
    session = None
    if headline is not None:  # the same view of the same session reads its opener once per transaction
        seen_as = ("session", headline.id, headline.status, headline.paused_at)
        session = await once_per_transaction(db, seen_as, lambda: session_payload(db, headline))
    result = {
        "group": {"id": access.group.id, "name": access.group.name},
        "session": session,
        "messages": messages,
        "has_more": has_more,
        "last_id": access.group.last_message_id,
        "role": role,
        "muted": None if staff else checked.mute,
        **beside,
    }
    snapshot = EntrySnapshot(result, role, live, attendance=None, newcomer=False)
    if with_viewer:
        return with_viewer_reads(snapshot, await viewer_reads_in(db, actor, role, live))
    return snapshot


@dataclass(frozen=True)
class ViewerReads:
    """What a join reads for its viewer alone: their own blocks and muted words, their attendance of the running
    session, and a member's own private word. A connect wave's joins read each kind together."""

    lists: member_tools.ViewerLists
    attendance: tuple[bool, bool] | None  # (their first session in the group, still to record); None: none runs
    mine: dict[str, Any] | None  # a member's own private word and thread while a session runs


async def viewer_reads_in(db: AsyncSession, actor: Actor, role: str, live: GroupSession | None) -> ViewerReads:
    """ViewerReads for one join, in the caller's transaction."""
    lists = await member_tools.viewer_lists(db, actor.user_id)
    attendance = None if live is None else await attendance_of(db, live, actor.user_id)
    mine = await side_talk.member_snapshot(db, live.id, actor) if live is not None and role == "member" else None
    return ViewerReads(lists, attendance, mine)


async def snapshot_together(
    reads: ReadBatch, ctx: RoomsContext, actor: Actor, group_id: int, since_id: int | None, checked: EntryCheck
) -> EntrySnapshot:
    """snapshot_in for one join of a connect wave, with its ViewerReads: all asked at once (one gather, so they
    wait for the same shared read transaction), and each kind of ViewerReads read together with the other joins
    in it, one statement (two for the private words) for all of them."""
    live, role = checked.live, checked.role
    reading: list[Awaitable[Any]] = [
        reads.run(
            lambda tx: snapshot_in(tx, ctx, actor, group_id, since_id, checked, with_viewer=False),
            hint=(ROOM_SESSIONS, group_id),
        ),
        reads.run_together(member_tools.VIEWER_LISTS_TOGETHER, actor.user_id),
    ]
    if live is not None:
        reading.append(reads.run_together(ATTENDANCE_TOGETHER, (live.id, live.group_id, actor.user_id)))
        if role == "member":
            reading.append(
                reads.run_together(side_talk.MEMBER_SNAPSHOTS_TOGETHER, (live.id, actor.user_id, actor.pseudonym))
            )
    snapshot, lists, *more = await asyncio.gather(*reading)
    viewer = ViewerReads(lists, more[0] if more else None, more[1] if len(more) > 1 else None)
    return with_viewer_reads(snapshot, viewer)


ATTENDANCE_TOGETHER: Together[AttendanceAsk, tuple[bool, bool]] = Together(attendances_of)


def with_viewer_reads(snapshot: EntrySnapshot, viewer: ViewerReads) -> EntrySnapshot:
    """The snapshot with what was read for its viewer: their lists (and history from people they blocked marked),
    a member's own private word, and the attendance its presence row then records."""
    result = snapshot.result
    add_viewer_lists(result, viewer.lists)
    if viewer.mine is not None:
        result["mine"] = viewer.mine
    if snapshot.live is None or viewer.attendance is None:
        return snapshot
    first, unrecorded = viewer.attendance
    attendance = (snapshot.live.id, first) if unrecorded else None
    return replace(snapshot, attendance=attendance, newcomer=first and snapshot.role == "member")


async def _room_page(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, session_id: int, staff: bool
) -> tuple[list[dict[str, Any]], bool]:
    """The last page of a session every viewer of the same standing may read in full: the running one (a
    member entering while it runs was a member while it ran, so `member_since` keeps all of it), or any for
    staff. What differs between such viewers is held messages (a member sees only their own), so the page and
    the row beyond it are read once per transaction for the joins that share it, and each viewer gets their own
    copy of the views (they are marked per viewer after). A member is read their page alone when someone else's
    held message is among those rows (it would be in their page, or change whether there is more)."""
    limit = ctx.history_page

    async def read() -> tuple[list[tuple[Message, str]], list[dict[str, Any]]]:
        rows = await store.messages_with_names(
            db, group_id, session_id=session_id, before_id=2**62, limit=limit + 1, newest_first=True
        )
        return rows, [message_view(m, name, staff) for m, name in reversed(rows[:limit])]

    rows, views = await once_per_transaction(db, ("room page", group_id, session_id, staff), read)
    if not staff and any(m.held_reason is not None and m.author_id != actor.user_id for m, _ in rows):
        return await _page(
            db,
            group_id,
            session_id=session_id,
            before_id=2**62,
            limit=limit,
            held_visible_to=_held_visible_to(staff, actor),
        )
    return [dict(view) for view in views], len(rows) > limit


def add_viewer_lists(result: dict[str, Any], lists: member_tools.ViewerLists) -> None:
    """The viewer's own blocks and muted words in their snapshot, and history from people they blocked marked."""
    member_tools.mark(result["messages"], lists.blocked_user_ids)
    result["blocked_user_ids"] = lists.blocked_user_ids
    result["muted_words"] = lists.muted_words


async def _room_sessions(db: AsyncSession, ctx: RoomsContext, group_id: int) -> store.RoomSessions:
    """The session whose history a room shows while none runs, and its headline; the same for every join of the
    room that shares the transaction, and read together for the rooms of every join in it (snapshot_together
    hints each join's room), so a connect wave asks one statement per transaction, not three per room."""

    async def read_many(group_ids: set[int]) -> dict[int, store.RoomSessions]:
        return await store.room_sessions_of(db, group_ids, ctx.clock())

    return await once_for_many(db, ROOM_SESSIONS, group_id, read_many, NO_ROOM_SESSIONS)


ROOM_SESSIONS = "room sessions"
NO_ROOM_SESSIONS = store.RoomSessions(None, None)


async def do_enter_room(
    db: AsyncSession,
    ctx: RoomsContext,
    actor: Actor,
    *,
    sid: str,
    web_session: str,
    group_id: int,
    since_id: int | None,
    checked: EntryCheck | None = None,
    reads: ReadBatch | None = None,
) -> dict[str, Any]:
    """The room's snapshot for one entering connection, and its presence. `checked`: the entry check made just
    before subscribing (a change since then is caught as any later one is: evictions and the sweeps, and for
    bans and removals the re-check after the presence row's commit). `reads`: the process's shared read
    transactions (rooms/read_batch.py), so a connect wave's snapshots share their BEGINs and commits."""
    # The snapshot is a read (no write lock on SQLite, so a connect wave's joins read side by side); the
    # presence row is written after it, batched with other joins of the same moment (rooms/presence_writes.py).
    if reads is not None and checked is not None:
        snapshot = await snapshot_together(reads, ctx, actor, group_id, since_id, checked)
    elif reads is not None:
        snapshot = await reads.run(lambda tx: snapshot_in(tx, ctx, actor, group_id, since_id))
    else:
        async with db.begin():
            await db.connection(execution_options={READ_ONLY_OPTION: True})
            snapshot = await snapshot_in(db, ctx, actor, group_id, since_id, checked)
    result, role, live = snapshot.result, snapshot.role, snapshot.live
    arrival = Arrival(sid, group_id, actor.user_id, role, web_session, ctx.server_id, ctx.clock(), snapshot.attendance)
    await ctx.presence_writes.arrive(db, arrival)
    told = {group_id: await ctx.presence_writes.shared_read(group_id, lambda: tell_room(db, ctx, group_id, reads))}
    if snapshot.newcomer:  # the facilitators (only) see that this is someone's first session, to welcome them
        arrived = {"group_id": group_id, "user_id": actor.user_id, "display_name": actor.pseudonym}
        await ctx.publisher.publish(RoomEvent(group_id, "newcomer:arrived", arrived, audience="staff"))
    result["present"] = told[group_id]["present"]
    # A facilitator is here: a session paused (even one the snapshot read as live: the pause of a facilitator's
    # other connection leaving may have come between the snapshot and this presence row) resumes.
    if role == "facilitator" and live is not None:
        resumed = await facilitation.settle_session(db, ctx, group_id)
        if resumed is not None:
            result["session"] = resumed
    return result


async def do_leave_room(
    db: AsyncSession, ctx: RoomsContext, sid: str, group_id: int | None = None, *, tell: bool = True
) -> list[int]:
    """Forget a connection's presence in one room, or in all (on disconnect); tell the rooms it left, unless
    the caller gathers many leaves into one update per room (`tell=False`; it then tells them itself)."""
    removed = await ctx.presence_writes.depart(db, sid, group_id)  # batched with other leaves of the moment
    left = sorted({gid for gid, _ in removed})
    if tell:
        await publish_presence(db, ctx, left)
    for gid in sorted({gid for gid, role in removed if role == "facilitator"}):
        await facilitation.settle_session(db, ctx, gid)  # pauses the session if that was its last facilitator
    return left


# server/db.READ_ONLY: a transaction begun with this option begins without SQLite's write lock.
READ_ONLY_OPTION = "alongside_read_only"


def _role(facts: SendFacts | None) -> str:
    if facts is None:
        raise NotFound("There is no such group.")
    return require_role(facts.is_facilitator, facts.membership_version, facts.group_version)


def _restricted(facts: SendFacts, role: str) -> bool:
    """A sanction of the sender may be in force, or the room is locked or slow: read which, and until when."""
    return role != "facilitator" and bool(facts.sanctions_in_force or facts.locked or facts.slow_mode_seconds)


def _refuse_by_session(facts: SendFacts, role: str, actor: Actor) -> int:
    """The running session's own refusals; returns its id."""
    if facts.live_session_id is None:
        raise DomainError(
            "This group is not in session. Messages open when a facilitator starts the session.",
            code="session_not_live",
        )
    session_tools.refuse_out_of_turn(facts.one_voice, facts.turn_user_id, role, actor.user_id)
    if facts.session_paused and role != "facilitator":
        raise DomainError(
            "The session is paused until a facilitator is back in the room; you can post again then.",
            code="session_paused",
        )
    return facts.live_session_id


async def _send_rights(db: AsyncSession, ctx: RoomsContext, actor: Actor, request: SendRequest) -> SendFacts:
    """The facts the message is sent under, or the refusal: who may post here, now (in this order: no such
    group, not a member, no session, a sanction or the room's controls, out of turn, paused)."""
    return await _rights_under(
        db, ctx, actor, request, await send_facts(db, request.group_id, actor.user_id, ctx.clock())
    )


async def _rights_under(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, request: SendRequest, facts: SendFacts | None
) -> SendFacts:
    """_send_rights on facts already read (the send batch reads every sender's at once)."""
    role = _role(facts)
    assert facts is not None
    if facts.live_session_id is None:
        _refuse_by_session(facts, role, actor)
    assert facts.live_session_id is not None
    if _restricted(facts, role):
        await moderation_actions.refuse_if_restricted(db, ctx, actor, request.group_id, facts.live_session_id, role)
    _refuse_by_session(facts, role, actor)
    return facts


SEND_FACTS_TOGETHER: Together[SendAsk, SendFacts | None] = Together(send_facts_of)


async def _facts_to_check(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, request: SendRequest, reads: ReadBatch | None
) -> tuple[SendFacts, bool]:
    """The facts to run the checks against, and whether they were remembered: those of the sender's last
    message when they still let them post (no read needed), otherwise read now, refusing if the sender may not
    post. With `reads`, the senders who have none remembered at the same moment (a session's first messages,
    everyone in a room after its facts changed) share one read transaction and one statement, and what was read
    is remembered at once, so the sender's next message does not read again while this one is being written."""
    cached = ctx.send_facts.get(actor.user_id, request.group_id)
    if cached is not None:
        try:
            role = _role(cached)
            if not _restricted(cached, role):
                _refuse_by_session(cached, role, actor)
                return cached, True
        except DomainError:
            pass  # they may have changed since: read them
    facts = await _read_facts(db, ctx, actor, request, reads)
    if facts is None or not _restricted(facts, _role(facts)):
        checked = await _rights_under(db, ctx, actor, request, facts)  # reads nothing more when unrestricted
        if reads is not None:
            ctx.send_facts.put(actor.user_id, request.group_id, checked)
        return checked, False
    # A sanction or the room's controls: their check takes the group's row lock (slow mode), which a reading
    # transaction must not (on SQLite, a reader that starts writing fails with "database is locked" when another
    # process wrote since it began).
    async with db.begin():
        return await _send_rights(db, ctx, actor, request), False


async def _read_facts(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, request: SendRequest, reads: ReadBatch | None
) -> SendFacts | None:
    """The sender's facts read now: beside the other senders of the moment through `reads`, else alone."""
    if reads is not None:
        return await reads.run_together(SEND_FACTS_TOGETHER, (request.group_id, actor.user_id, ctx.clock()))
    async with db.begin():
        await db.connection(execution_options={READ_ONLY_OPTION: True})  # SQLite: no write lock for reading
        return await send_facts(db, request.group_id, actor.user_id, ctx.clock())


def _checked_under(facts: SendFacts) -> tuple[object, ...]:
    """What the checks depend on: the sender's role, the session and the room (its policies, its word list)."""
    return (_role(facts), facts.live_session_id, facts.room)


def _recheck(ctx: RoomsContext, actor: Actor, request: SendRequest, checked: SendFacts) -> Recheck:
    """The write transaction's check of a message checked under `checked` (rooms/send_batch.py)."""

    async def recheck(db: AsyncSession, fresh: SendFacts | None) -> tuple[SendFacts, bool]:
        current = await _rights_under(db, ctx, actor, request, fresh)
        if _checked_under(current) != _checked_under(checked):
            raise FactsChanged
        ctx.send_facts.put(actor.user_id, request.group_id, current)
        return current, _restricted(current, _role(current))

    return recheck


def _verdicts(
    ctx: RoomsContext, actor: Actor, request: SendRequest, hub_id: int, session_id: int, outcome: CheckOutcome
) -> LogVerdicts | None:
    """A held or flagged message's policy-log entries, written with it (rooms/policy_log.py)."""
    if not (outcome.holds or outcome.flags):
        return None

    async def log(db: AsyncSession, message_id: int) -> list[ModerationLogEntry]:
        return await policy_log.write_verdicts(
            db,
            hub_id=hub_id,
            group_id=request.group_id,
            session_id=session_id,
            message_id=message_id,
            author_id=actor.user_id,
            now=ctx.clock(),
            hold_reasons=[hold.reason for hold in outcome.holds],
            flag_reasons=[flag.reason for flag in outcome.flags],
        )

    return log


CHECK_ATTEMPTS = 3


async def do_send_message(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, request: SendRequest, reads: ReadBatch | None = None
) -> dict[str, Any]:
    """Store a message and, after commit, broadcast it. A repeated client_id returns the stored message.

    No write lock is held while the message checks run (rooms/hookspecs.py, message_check): they run against
    the facts of the sender's last message (rooms/send_facts.SendFactsCache) or, without those, facts read
    first; then the write transaction reads the facts again, refuses the sender if they may no longer post,
    and stores the message only if what the checks depended on is unchanged (otherwise the checks run again,
    against fresh facts: rare, and a rate limit then counts that message twice). A check that refuses a message
    checked against remembered facts is asked again with fresh ones before the refusal stands. A held message
    goes to its author and staff only. `reads`: the process's shared reads (rooms/read_batch.py), through which
    senders with no facts remembered read theirs together.
    """
    validate.refuse_control_characters(request.body, "Your message")
    body = validate.clean_line_breaks(request.body)
    if not body.strip():
        raise DomainError("Type a message before sending.", code="message_empty")
    try:
        for attempt in range(1, CHECK_ATTEMPTS + 1):
            checked, remembered = await _facts_to_check(db, ctx, actor, request, reads)
            role, session_id, facts = _role(checked), checked.live_session_id, checked.room
            assert session_id is not None
            draft = MessageDraft(
                request.group_id, session_id, actor, role, body, ctx.clock(), facts, request.confirm_personal_details
            )
            try:
                outcome = await ctx.hooks.message_check.run(draft)
            except DomainError:
                if not remembered:
                    raise
                ctx.send_facts.forget(actor.user_id, request.group_id)  # refused under old facts: check again
                continue
            values = {
                "group_id": request.group_id,
                "session_id": session_id,
                "author_id": actor.user_id,
                "author_role": role,
                "client_id": request.client_id,
                "body": body,
                "created_at": ctx.clock(),
                "content_note": request.content_note,
                "held_reason": outcome.held_reason,
            }
            pending = PendingWrite(
                values,
                recheck=_recheck(ctx, actor, request, checked),
                clock=ctx.clock,
                log_verdicts=_verdicts(ctx, actor, request, facts.hub_id, session_id, outcome),
            )
            try:
                try:
                    written = await ctx.send_batch.write(db, pending)
                except RunAlone:
                    written = await ctx.send_batch.write_alone(db, pending)
                break
            except FactsChanged:
                ctx.send_facts.forget(actor.user_id, request.group_id)
                if attempt == CHECK_ATTEMPTS:
                    raise DomainError(
                        "The room changed as you sent this; nothing was posted. Please send it again.",
                        code="try_again",
                    ) from None
    except (DomainError, IntegrityError):
        ctx.send_facts.forget(actor.user_id, request.group_id)  # a refused sender's next message reads afresh
        # A retry: the unique (group, author, client_id) constraint refused a second copy, or a refusal arose
        # (session ended, flood limit, ...) after the first copy was stored. Either way, answer with the
        # stored message. This lookup costs a query only on these paths, never on the hot one.
        async with db.begin():
            stored = await store.find_message_by_client_id(db, request.group_id, actor.user_id, request.client_id)
        if stored is None:
            raise
        return message_view(stored, actor.pseudonym)
    if written.repeat:  # a retry, stored by an earlier send (or by a copy in the same batch): not told again
        ctx.send_facts.forget(actor.user_id, request.group_id)
        return message_view(written.message, actor.pseudonym)
    message, logged, current = written.message, written.logged, written.facts
    assert current is not None
    view = message_view(message, actor.pseudonym)
    if outcome.holds:
        await ctx.publisher.publish(
            RoomEvent(
                request.group_id, "message:held", {"group_id": request.group_id, "message": view}, audience="staff"
            )
        )
    else:
        await ctx.publisher.publish(RoomEvent(request.group_id, "message:new", {"message": view}))
    if logged:  # a policy's hold or flags, logged with the message: told to staff and the hook after commit
        await policy_log.announce(ctx, request.group_id, logged, actor.pseudonym, current.group_name)
    if outcome.flags:
        flagged = {"group_id": request.group_id, "message_id": message.id, "reasons": [f.reason for f in outcome.flags]}
        await ctx.publisher.publish(RoomEvent(request.group_id, "message:flagged", flagged, audience="staff"))
    ctx.hooks.message_stored.notify(
        StoredMessage(
            group_id=message.group_id,
            message_id=message.id,
            session_id=message.session_id,
            hub_id=facts.hub_id,
            author_id=actor.user_id,
            author_role=role,
            body=body,
            created_at=message.created_at,
            held=bool(outcome.holds),
            flags=tuple(f.reason for f in outcome.flags),
        )
    )
    return view


async def history_since(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, since_id: int, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    async with db.begin():
        access = await group_access(db, actor, group_id, ctx.clock().date())
        require_room_role(access)
        messages, more = await _page(
            db,
            group_id,
            after_id=since_id,
            member_since=member_since(access),
            limit=min(limit, MAX_PAGE),
            for_staff=access.is_facilitator,
            held_visible_to=_held_visible_to(access.is_facilitator, actor),
        )
        await member_tools.mark_blocked(db, actor.user_id, messages)
        return messages, more


async def history_before(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, group_id: int, before_id: int, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """The page before `before_id`, within the same session as that message (a session stays its own)."""
    async with db.begin():
        access = await group_access(db, actor, group_id, ctx.clock().date())
        require_room_role(access)
        since = member_since(access)
        anchor = await store.messages_with_names(db, group_id, after_id=before_id - 1, member_since=since, limit=1)
        session_id = anchor[0][0].session_id if anchor else await store.history_session_id(db, group_id)
        messages, more = await _page(
            db,
            group_id,
            before_id=before_id,
            session_id=session_id,
            member_since=since,
            limit=min(limit, MAX_PAGE),
            for_staff=access.is_facilitator,
            held_visible_to=_held_visible_to(access.is_facilitator, actor),
        )
        await member_tools.mark_blocked(db, actor.user_id, messages)
        return messages, more


async def do_heartbeat(db: AsyncSession, ctx: RoomsContext) -> None:
    """Mark this process's connections as still here; rows of a crashed process age out."""
    async with db.begin():
        await store.refresh_presence(db, ctx.server_id, ctx.clock())


async def do_forget_all_presence(db: AsyncSession) -> None:
    """On start of a single-process server: every earlier connection is gone (it may have crashed)."""
    async with db.begin():
        await store.clear_all_presence(db)


async def do_server_shutdown(db: AsyncSession, ctx: RoomsContext) -> None:
    async with db.begin():
        left = await store.clear_server_presence(db, ctx.server_id)
    await publish_presence(db, ctx, left)
