"""Attendance as room:join reads it, for several people entering running sessions at once
(rooms/presence_writes.attendances_of, as a connect wave's joins ask together): one statement however many,
and for each the same as asking alone: first session ever in the group, already recorded in this session (with
its flag as recorded), or attended earlier sessions only; on both databases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from rooms.models import Attendance, GroupSession, User
from rooms.presence_writes import AttendanceAsk, attendance_of, attendances_of
from tests.conftest import Database, make_seeded_engine
from tests.helpers_presence import counting


async def test_each_person_gets_what_asking_alone_gives(database: Database) -> None:
    engine, sessions = await make_seeded_engine(database)
    try:
        now = dt.datetime.now(dt.UTC)
        async with sessions() as db, db.begin():
            ids = dict((await db.execute(select(User.pseudonym, User.id))).all())
            river, willow, ash, sam = ids["River"], ids["Willow"], ids["Ash"], ids["Sam"]
            earlier = GroupSession(group_id=1, status="ended", opened_at=now, ended_at=now)
            running = GroupSession(group_id=1, status="live", opened_at=now)
            other_room = GroupSession(group_id=2, status="live", opened_at=now)
            db.add_all([earlier, running, other_room])
            await db.flush()

            def came(session: GroupSession, user_id: int, first: bool) -> Attendance:
                return Attendance(
                    session_id=session.id, user_id=user_id, role="member", first_joined_at=now, first_session=first
                )

            db.add_all(
                [
                    came(earlier, river, True),  # River: an earlier session only
                    came(running, willow, True),  # Willow: recorded in this one, her first
                    came(earlier, sam, True),
                    came(running, sam, False),  # Sam: recorded in this one, not his first
                    came(other_room, ash, True),  # Ash: another group's session only
                ]
            )
            running_id, other_id = running.id, other_room.id
        asked: list[AttendanceAsk] = [
            (running_id, 1, river),
            (running_id, 1, willow),
            (running_id, 1, sam),
            (running_id, 1, ash),
            (other_id, 2, ash),
            (other_id, 2, river),
            (running_id, 1, river),
        ]
        async with sessions() as db, db.begin():
            with counting(engine, this_task_only=True) as counted:
                together = await attendances_of(db, asked)
            alone = []
            for session_id, _, user_id in asked:
                session = await db.get(GroupSession, session_id)
                assert session is not None
                alone.append(await attendance_of(db, session, user_id))
        assert counted.total - counted.of("BEGIN", "") == 1, counted.seen
        assert together == alone
        assert together == [
            (False, True),  # River: attended before, to record
            (True, False),  # Willow: recorded, her first
            (False, False),  # Sam: recorded, not his first
            (True, True),  # Ash in group 1: first time, to record
            (True, False),  # Ash in group 2: recorded, first
            (True, True),  # River in group 2: first time there
            (False, True),
        ]
        async with sessions() as db, db.begin():
            assert await attendances_of(db, []) == []
    finally:
        await engine.dispose()
