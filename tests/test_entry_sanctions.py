"""room:join's sanctions before subscribing, read for a whole connect wave in one statement
(rooms/moderation_actions.entry_sanctions_in): each member gets their own answer, in the order asked: a ban
refuses, a removal refuses only from the session running now, a mute lets them in with their own mute, a lifted
or lapsed sanction counts for nothing; on both databases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from rooms.context import RoomsContext
from rooms.errors import DomainError
from rooms.models import GroupSession, Sanction, User
from rooms.moderation_actions import entry_sanctions_in, recheck_entries_in
from rooms.own_mute import mute_view
from tests.conftest import Database, make_seeded_engine
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
            db.add_all([ended, running])
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
            asked = [(1, river), (1, willow), (2, willow), (1, ash), (1, sam), (1, river)]
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
        # The re-check after the presence row answers the same, refusals only; facilitators are never refused.
        assert [getattr(r, "code", None) for r in rechecks] == [
            None,
            "banned",
            None,
            "removed_from_session",
            None,
            None,
            None,
        ]
        assert heard.events == []  # reading sanctions tells nobody anything
    finally:
        await engine.dispose()
