"""A member's own private word, read for several members entering at once (rooms/side_talk.member_snapshots_of,
as a connect wave's joins ask together): two statements however many, each member their own word and thread
and nobody else's, the last HISTORY messages of each thread oldest first, the same as asking one by one; on
both databases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from rooms import side_talk
from rooms.hooks import Actor
from rooms.models import GroupSession, PrivateWord, SideMessage, User
from tests.conftest import Database, make_seeded_engine
from tests.helpers_presence import counting


async def test_each_member_gets_their_own_word_and_thread(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(side_talk, "HISTORY", 3)
    engine, sessions = await make_seeded_engine(database)
    try:
        now = dt.datetime.now(dt.UTC)
        async with sessions() as db, db.begin():
            ids = dict((await db.execute(select(User.pseudonym, User.id))).all())
            session_id = (await db.execute(select(GroupSession.id))).scalars().first()
            assert session_id is not None
            river, willow, ash, sam = ids["River"], ids["Willow"], ids["Ash"], ids["Sam"]
            db.add_all(
                [
                    PrivateWord(session_id=session_id, member_id=river, requested_at=now, opened_at=now, opened_by=sam),
                    PrivateWord(session_id=session_id, member_id=willow, requested_at=now),
                ]
            )

            def said(member: int, author: int, body: str) -> SideMessage:
                role = "facilitator" if author == sam else "member"
                return SideMessage(
                    session_id=session_id,
                    channel="private",
                    member_id=member,
                    author_id=author,
                    author_role=role,
                    client_id=body,
                    body=body,
                    created_at=now,
                )

            db.add_all([said(river, river if n % 2 else sam, f"river-{n}") for n in range(5)])
            db.add(said(willow, willow, "willow-0"))
            db.add(
                SideMessage(
                    session_id=session_id,
                    channel="backchannel",
                    author_id=sam,
                    author_role="facilitator",
                    client_id="staff-only",
                    body="staff only",
                    created_at=now,
                )
            )
        asked = [(session_id, willow, "Willow"), (session_id, ash, "Ash"), (session_id, river, "River")]
        asked.append(asked[0])
        async with sessions() as db, db.begin():
            with counting(engine, this_task_only=True) as counted:
                together = await side_talk.member_snapshots_of(db, asked)
            alone = [
                await side_talk.member_snapshot(db, session, Actor(user_id=member, pseudonym=name))
                for session, member, name in asked
            ]
        assert counted.total - counted.of("BEGIN", "") == 2, counted.seen
        assert together == alone
        willow_snapshot, ash_snapshot, river_snapshot, willow_again = together
        assert [m["body"] for m in river_snapshot["private_messages"]] == ["river-2", "river-3", "river-4"]
        assert river_snapshot["private_word"]["opened_at"] is not None
        assert [m["body"] for m in willow_snapshot["private_messages"]] == ["willow-0"]
        assert willow_snapshot["private_word"]["member"] == {"id": willow, "display_name": "Willow"}
        assert ash_snapshot == {"private_word": None, "private_messages": []}
        assert willow_again == willow_snapshot
        assert await _none_asked(sessions) == []
    finally:
        await engine.dispose()


async def _none_asked(sessions: Any) -> list[dict[str, Any]]:
    async with sessions() as db, db.begin():
        return await side_talk.member_snapshots_of(db, [])
