"""room:join's access check for many joins at once (rooms/access.entry_accesses, as a connect wave's joins ask
it together): one statement, and for every (group, person) the same answer as asking alone, on both
databases: members, non-members, facilitators, hub admins, the facilitators' space, a running session, and
groups or people that do not exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from rooms.access import EntryAsk, GroupAccess, entry_access, entry_accesses
from rooms.errors import NotFound
from rooms.hooks import Actor
from rooms.models import Group, GroupSession, User
from tests.conftest import Database, make_seeded_engine
from tests.helpers_presence import counting


def facts(answer: tuple[GroupAccess, GroupSession | None] | NotFound) -> Any:
    """What an answer says, comparable across sessions."""
    if isinstance(answer, NotFound):
        return ("not found", answer.code)
    access, live = answer
    membership = access.membership
    return (
        access.group.id,
        None if membership is None else (membership.group_id, membership.user_id, membership.agreement_version),
        access.is_facilitator,
        access.holds_facilitator_role,
        access.is_hub_admin,
        None if live is None else live.id,
    )


async def test_many_joins_asked_together_get_what_each_would_get_alone(database: Database) -> None:
    engine, sessions = await make_seeded_engine(database)
    today = dt.datetime.now(dt.UTC).date()
    try:
        async with sessions() as db, db.begin():
            users = dict((await db.execute(select(User.pseudonym, User.id))).all())
            groups = list((await db.execute(select(Group.id).order_by(Group.id))).scalars())
            live_groups = set((await db.execute(select(GroupSession.group_id))).scalars())
        assert live_groups, "the demo has a running session"
        people = [*users.values(), 9_999]
        asked: list[EntryAsk] = [
            (group_id, user_id, admin) for group_id in [*groups, 9_999] for user_id in people for admin in (False, True)
        ]
        asked += asked[:3]  # asked twice in one batch: answered twice
        async with sessions() as db, db.begin():
            with counting(engine, this_task_only=True) as counted:
                together = await entry_accesses(db, asked, today)
        # One SELECT, and one more for each (group, person) it finds no row for: the group or the person does not
        # exist, asked alone to say which.
        missing = {(group_id, user_id) for group_id, user_id, _ in asked if 9_999 in (group_id, user_id)}
        assert counted.of("SELECT", "groups") == 1 + len(missing), counted.seen
        assert counted.total - counted.of("BEGIN", "") == 1 + len(missing), counted.seen
        async with sessions() as db, db.begin():
            alone = []
            for group_id, user_id, admin in asked:
                actor = Actor(user_id=user_id, pseudonym="x", is_platform_admin=admin)
                try:
                    alone.append(facts(await entry_access(db, actor, group_id, today)))
                except NotFound as refusal:
                    alone.append(facts(refusal))
        assert [facts(answer) for answer in together] == alone
        by_ask = dict(zip(asked, (facts(answer) for answer in together), strict=False))
        river, sam, admin_id = users["River"], users["Sam"], users["hub-admin"]
        first = groups[0]
        assert by_ask[(first, river, False)][1] is not None  # River is a member of the first group
        assert by_ask[(first, sam, False)][2] is True  # Sam, trained, may facilitate it
        assert by_ask[(first, admin_id, False)][4] is True  # the hub's admin
        assert by_ask[(first, river, True)][4] is True  # a platform admin is every hub's admin
        assert by_ask[(9_999, river, False)] == ("not found", "not_found")
        assert any(answer[5] is not None for answer in by_ask.values() if answer[0] != "not found")
    finally:
        await engine.dispose()


async def test_nothing_asked_reads_nothing(database: Database) -> None:
    engine, sessions = await make_seeded_engine(database)
    try:
        async with sessions() as db, db.begin():
            assert await entry_accesses(db, [], dt.datetime.now(dt.UTC).date()) == []
    finally:
        await engine.dispose()
