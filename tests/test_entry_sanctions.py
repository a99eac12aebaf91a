"""room:join's sanctions before subscribing, read for a whole connect wave in one statement
(rooms/moderation_actions.entry_sanctions_in): each member gets their own answer, in the order asked: a ban
refuses, a removal refuses only from the session running now, a mute lets them in with their own mute, a lifted
or lapsed sanction counts for nothing; on both databases."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from sqlalchemy import select, update

from rooms.access import GroupAccess
from rooms.chat import EntryCheck, entry_check
from rooms.context import RoomsContext
from rooms.errors import DomainError, Forbidden
from rooms.models import GroupSession, Sanction, User
from rooms.moderation_actions import entry_sanctions_in, recheck_entries_in
from rooms.own_mute import mute_view
from tests.conftest import Database, RunningServer, make_seeded_engine
from tests.helpers_chat import call
from tests.helpers_presence import HeardPublisher


async def test_each_member_gets_their_own_answer_in_the_order_asked(database: Database) -> None:
    engine, sessions = await make_seeded_engine(database)
    heard = HeardPublisher()
    now = dt.datetime.now(dt.UTC)
    ctx = RoomsContext(publisher=heard, server_id="s", clock=lambda: now)
    try:
        async with sessions() as db, db.begin():
            ids = dict((await db.execute(select(User.pseudonym, User.id))).all())
            river, willow, ash, sam = ids["River"], ids["Willow"], ids["Ash"], ids["Sam"]
            await db.execute(update(GroupSession).where(GroupSession.group_id.in_([1, 2])).values(status="ended"))
            ended = GroupSession(group_id=1, status="ended", opened_at=now - dt.timedelta(hours=2))
            running = GroupSession(group_id=1, status="live", opened_at=now)
            running_beside = GroupSession(group_id=2, status="live", opened_at=now)  # another group's
            db.add_all([ended, running, running_beside])
            await db.flush()

            def sanction(user: int, kind: str, **more: object) -> Sanction:
                return Sanction(group_id=1, user_id=user, kind=kind, reason=f"{kind} reason", created_at=now, **more)

            db.add_all(
                [
                    sanction(willow, "ban", expires_at=now + dt.timedelta(days=1)),
                    sanction(river, "mute", expires_at=now + dt.timedelta(minutes=10)),
                    sanction(river, "removal", session_id=ended.id),  # an earlier session: no refusal now
                    sanction(ash, "removal", session_id=running.id),
                    sanction(sam, "ban", expires_at=now - dt.timedelta(minutes=1)),  # lapsed
                    sanction(sam, "mute", lifted_at=now - dt.timedelta(minutes=1)),  # lifted
                ]
            )
        async with sessions() as db, db.begin():
            asked = [(1, river), (1, willow), (2, willow), (1, ash), (1, sam), (1, river), (2, ash), (2, river)]
            answers = await entry_sanctions_in(db, ctx, asked)
            rechecks = await recheck_entries_in(
                db, ctx, [(g, u, "member") for g, u in asked] + [(1, willow, "facilitator")]
            )
        river_mute = mute_view([(now + dt.timedelta(minutes=10), "mute reason")])
        assert river_mute is not None and answers[0] == answers[5] == river_mute, answers
        assert isinstance(answers[1], DomainError) and answers[1].code == "banned"
        assert answers[2] is None  # the ban is in group 1 only
        assert isinstance(answers[3], DomainError) and answers[3].code == "removed_from_session"
        assert answers[4] is None
        # A removal and a mute hold in their own group only, though the other group has a session running too.
        assert answers[6] is None and answers[7] is None
        # The re-check after the presence row answers the same, refusals only; facilitators are never refused.
        assert [getattr(r, "code", None) for r in rechecks] == [
            None,
            "banned",
            None,
            "removed_from_session",
            None,
            None,
            None,
            None,
            None,
        ]
        assert heard.events == []  # reading sanctions tells nobody anything
    finally:
        await engine.dispose()


def test_the_entry_check_puts_access_and_sanctions_together() -> None:
    """chat.entry_check: a member's refusal or failed read is raised; their mute comes with the check; a
    facilitator's sanctions (a leftover row, say, from before they were made facilitator) are not looked at."""
    access = cast(GroupAccess, object())
    banned = Forbidden("banned", code="banned")
    mute = {"until": None, "reason": "a pause"}
    assert entry_check(access, "facilitator", None, banned) == EntryCheck(access, "facilitator", None, None)
    assert entry_check(access, "facilitator", None, mute) == EntryCheck(access, "facilitator", None, None)
    assert entry_check(access, "member", None, mute) == EntryCheck(access, "member", None, mute)
    assert entry_check(access, "member", None, None) == EntryCheck(access, "member", None, None)
    with pytest.raises(Forbidden) as refused:
        entry_check(access, "member", None, banned)
    assert refused.value.code == "banned"
    with pytest.raises(OSError):  # the sanctions could not be read: the join fails, never lets the member in
        entry_check(access, "member", None, OSError("database away"))


async def test_a_non_member_with_a_ban_is_told_to_join_first(live_room: dict[str, Any], server: RunningServer) -> None:
    """room:join reads access and sanctions side by side; the access refusal is the one given (a ban in a group
    one is not a member of says nothing more), and a banned member is refused as banned."""
    now = dt.datetime.now(dt.UTC)
    async with server.state.sessions() as db, db.begin():
        ids = dict((await db.execute(select(User.pseudonym, User.id))).all())
        db.add_all(
            [
                Sanction(group_id=2, user_id=ids["Willow"], kind="ban", reason="r", created_at=now),
                Sanction(group_id=1, user_id=ids["River"], kind="ban", reason="r", created_at=now),
            ]
        )
    willow_io = await live_room["willow"].socket()
    river_io = await live_room["river"].socket()
    try:
        refused = await call(willow_io, "room:join", {"group_id": 2})
        assert refused["ok"] is False and refused["error"]["code"] == "not_member", refused
        banned = await call(river_io, "room:join", {"group_id": 1})
        assert banned["ok"] is False and banned["error"]["code"] == "banned", banned
        assert (await call(willow_io, "room:join", {"group_id": 1}))["ok"]  # her ban is in group 2 only
    finally:
        await willow_io.disconnect()
        await river_io.disconnect()
