"""The viewers' own lists (blocks and muted words) read for several people in one statement, as a connect
wave's joins read them together (rooms/member_tools.viewer_lists_of): each person gets their own lists and
nobody else's, in the order asked, on both databases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from rooms.member_tools import ViewerLists, viewer_lists, viewer_lists_of
from rooms.models import Block, MutedWord, User
from tests.conftest import Database, make_seeded_engine


async def test_each_person_gets_their_own_lists_in_the_order_asked(database: Database) -> None:
    engine, sessions = await make_seeded_engine(database)
    try:
        async with sessions() as db, db.begin():
            ids = dict((await db.execute(select(User.pseudonym, User.id))).all())
            river, willow, sam, ash = ids["River"], ids["Willow"], ids["Sam"], ids["Ash"]
            now = dt.datetime.now(dt.UTC)
            db.add_all(
                [
                    Block(user_id=river, blocked_user_id=willow, created_at=now),
                    Block(user_id=river, blocked_user_id=ash, created_at=now),
                    Block(user_id=willow, blocked_user_id=river, created_at=now),
                    MutedWord(user_id=river, word="weir"),
                    MutedWord(user_id=river, word="lantern"),
                    MutedWord(user_id=sam, word="storm"),
                ]
            )
        async with sessions() as db, db.begin():
            asked = [sam, river, ash, willow, river]
            found = await viewer_lists_of(db, asked)
            one = await viewer_lists(db, river)
        river_lists = ViewerLists(sorted([willow, ash]), ["lantern", "weir"])
        assert found == [
            ViewerLists([], ["storm"]),
            river_lists,
            ViewerLists([], []),
            ViewerLists([river], []),
            river_lists,
        ]
        assert one == river_lists
    finally:
        await engine.dispose()
