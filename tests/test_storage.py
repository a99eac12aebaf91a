"""Domain use cases straight against the database, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import inspect, select

from rooms import chat, community, recurrence, schedules, sessions, staff, store, timetable
from rooms.context import RoomsContext
from rooms.directory import NO_FILTER, DirectoryFilter
from rooms.errors import DomainError
from rooms.events import RoomEvent
from rooms.hooks import Actor
from rooms.models import Base, Message, Schedule
from server.db import create_engine, create_sessionmaker, migrate
from server.demo import seed_demo
from server.passwords import Passwords
from tests.conftest import Database


class RecordingPublisher:
    """Records events; for each new message, checks from another connection that it is already committed."""

    def __init__(self) -> None:
        self.events: list[RoomEvent] = []
        self.evicted: list[tuple[str, int]] = []
        self.rechecked: list[int] = []
        self.signed_out: list[str] = []
        self.sessions: Any = None
        self.uncommitted: list[int] = []

    async def publish(self, event: RoomEvent) -> None:
        self.events.append(event)
        if event.name == "message:new" and self.sessions is not None:
            message = event.payload["message"]
            async with self.sessions() as db, db.begin():
                row = await db.get(Message, (message["group_id"], message["id"]))
            if row is None:
                self.uncommitted.append(message["id"])

    async def evict(self, sid: str, group_id: int) -> None:
        self.evicted.append((sid, group_id))

    async def recheck_room(self, group_id: int) -> None:
        self.rechecked.append(group_id)

    async def sign_out(self, web_sessions: list[str]) -> None:
        self.signed_out.extend(web_sessions)


@pytest.fixture
async def world(database: Database) -> Any:
    engine = create_engine(database.url, database.schema)
    await seed_demo(engine, Passwords(1, 8))
    publisher = RecordingPublisher()
    ctx = RoomsContext(publisher=publisher, server_id="test-server")
    makers = create_sessionmaker(engine)
    publisher.sessions = makers
    async with makers() as db, db.begin():
        people = {name: await store.get_user_by_pseudonym(db, name) for name in ("Sam", "River", "Willow")}
    actors = {name: Actor(user.id, user.pseudonym) for name, user in people.items() if user}
    yield {"sessions": makers, "ctx": ctx, "publisher": publisher, "actors": actors, "engine": engine}
    await engine.dispose()


async def test_migrations_create_exactly_the_models_tables(database: Database) -> None:
    engine = create_engine(database.url, database.schema)
    await migrate(engine)  # a second run is a no-op
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert tables - {"alembic_version"} == set(Base.metadata.tables)

    def differences(sync_conn: Any) -> list[Any]:
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        return list(compare_metadata(MigrationContext.configure(sync_conn), Base.metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(differences) == []
    await engine.dispose()


async def test_message_ids_increase_per_room_under_concurrency(world: Any) -> None:
    ctx, actors = world["ctx"], world["actors"]
    async with world["sessions"]() as db:
        await sessions.do_open_session(db, ctx, actors["Sam"], 1, {})

    async def send(author: str, n: int) -> dict[str, Any]:
        async with world["sessions"]() as db:
            return await chat.do_send_message(db, ctx, actors[author], chat.SendRequest(1, f"{author}-{n}", f"m{n}"))

    results = await asyncio.gather(*(send(name, n) for n in range(8) for name in ("River", "Willow", "Sam")))
    assert sorted(r["id"] for r in results) == list(range(1, 25))
    published = [e.payload["message"]["id"] for e in world["publisher"].events if e.name == "message:new"]
    assert sorted(published) == list(range(1, 25)), "each stored message was published once"
    assert world["publisher"].uncommitted == [], "every event was published after its commit"


async def test_refused_message_is_not_stored_or_published(world: Any) -> None:
    ctx, actors = world["ctx"], world["actors"]

    async def refuse(draft: Any) -> None:
        raise DomainError("no", code="test_refusal")

    ctx.message_checks.register(refuse)
    async with world["sessions"]() as db:
        await sessions.do_open_session(db, ctx, actors["Sam"], 1, {})
    world["publisher"].events.clear()
    with pytest.raises(DomainError) as refused:
        async with world["sessions"]() as db:
            await chat.do_send_message(db, ctx, actors["River"], chat.SendRequest(1, "c1", "hello"))
    assert refused.value.code == "test_refusal"
    async with world["sessions"]() as db, db.begin():
        assert (await db.execute(select(Message))).first() is None
        assert (await store.get_group(db, 1)).last_message_id == 0  # type: ignore[union-attr]
    assert world["publisher"].events == []


async def test_text_is_stored_exactly_and_control_characters_refused(world: Any) -> None:
    ctx, actors = world["ctx"], world["actors"]
    async with world["sessions"]() as db:
        await sessions.do_open_session(db, ctx, actors["Sam"], 1, {})
    with pytest.raises(DomainError) as refused:
        async with world["sessions"]() as db:
            await chat.do_send_message(db, ctx, actors["River"], chat.SendRequest(1, "c0", "line two\x00\x07"))
    assert refused.value.code == "control_characters"
    body = "<img src=x onerror=alert(1)> ünïcödé 🌱\r\nline two"
    async with world["sessions"]() as db:
        stored = await chat.do_send_message(db, ctx, actors["River"], chat.SendRequest(1, "c1", body))
    assert stored["body"] == "<img src=x onerror=alert(1)> ünïcödé 🌱\nline two"
    async with world["sessions"]() as db:
        page, more = await chat.history_since(db, ctx, actors["Willow"], 1, 0, 10)
    assert page[0]["body"] == stored["body"] and not more


async def test_two_facilitators_starting_at_once_open_one_session(world: Any) -> None:
    ctx, actors = world["ctx"], world["actors"]
    async with world["sessions"]() as db:
        admin = await store_admin(db)
        await staff.do_add_staff(db, ctx, admin, 1, {"pseudonym": "Willow", "role": "facilitator"})
        training = {"pseudonym": "Willow", "course": "Peer facilitation", "completed_on": "2026-01-01"}
        await staff.do_add_training(db, ctx, admin, 1, {**training, "expires_on": "2999-01-01"})

    async def start(name: str) -> str:
        try:
            async with world["sessions"]() as db:
                await sessions.do_open_session(db, ctx, actors[name], 1, {})
            return "opened"
        except DomainError as exc:
            return exc.code

    outcomes = sorted(await asyncio.gather(start("Sam"), start("Willow")))
    assert outcomes == ["opened", "session_already_live"]


async def schedule_row(world: Any, schedule_id: int) -> Schedule:
    async with world["sessions"]() as db, db.begin():
        row: Schedule | None = await db.get(Schedule, schedule_id)
    assert row is not None
    return row


async def store_admin(db: Any) -> Actor:
    async with db.begin():
        user = await store.get_user_by_pseudonym(db, "hub-admin")
    assert user is not None
    return Actor(user.id, user.pseudonym)


async def test_presence_ages_out_for_a_crashed_process(world: Any) -> None:
    import datetime as dt

    ctx, actors = world["ctx"], world["actors"]
    async with world["sessions"]() as db:
        await chat.do_enter_room(db, ctx, actors["River"], sid="sid-1", web_session="w", group_id=1, since_id=None)
    async with world["sessions"]() as db, db.begin():
        now = ctx.clock()
        assert [row[1] for row in await store.present_in(db, 1, now)] == ["River"]
        later = now + store.PRESENCE_STALE_AFTER + dt.timedelta(seconds=1)
        assert await store.present_in(db, 1, later) == [], "no heartbeat: the connection is gone"


async def test_concurrent_migrations_take_turns(tmp_path: Any) -> None:
    """Several processes starting at once on an empty database (PostgreSQL: advisory lock)."""
    import uuid

    from sqlalchemy import text

    from tests.conftest import _postgres_problem
    from tests.services import POSTGRES_URL, postgres_reachable, unavailable

    problem = _postgres_problem[0] if _postgres_problem else await postgres_reachable()
    if problem:
        unavailable(problem)
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engines = [create_engine(POSTGRES_URL, schema) for _ in range(3)]
    try:
        await asyncio.wait_for(asyncio.gather(*(migrate(engine) for engine in engines)), 60)
    finally:
        for engine in engines:
            await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


async def test_readers_are_not_blocked_by_a_writer(database: Database) -> None:
    """Directory loads and history reads go on while a message is being written (SQLite WAL, PostgreSQL)."""
    from sqlalchemy import update

    from rooms.models import Group

    engine = create_engine(database.url, database.schema)
    await seed_demo(engine, Passwords(1, 8))
    writers, readers = create_sessionmaker(engine), create_sessionmaker(engine, read_only=True)
    try:
        async with writers() as writer, writer.begin():
            await writer.execute(update(Group).where(Group.id == 1).values(name="Being renamed"))

            async def read() -> str | None:
                async with readers() as db, db.begin():
                    group = await store.get_group(db, 1)
                    return group.name if group else None

            assert await asyncio.wait_for(read(), 3) == "Thursday evening circle", "reads the last committed state"
    finally:
        await engine.dispose()


async def test_directory_takes_a_fixed_number_of_queries_and_matches_each_group(world: Any) -> None:
    from sqlalchemy import event

    ctx, actors = world["ctx"], world["actors"]
    async with world["sessions"]() as db:
        admin = await store_admin(db)
    async with world["sessions"]() as db:
        await sessions.do_open_session(db, ctx, actors["Sam"], 1, {})
    async with world["sessions"]() as db:
        await sessions.do_open_session(db, ctx, actors["Sam"], 2, {"scheduled_for": "2999-01-01T10:00:00Z"})

    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    async def directory(wanted: DirectoryFilter = NO_FILTER) -> list[dict[str, Any]]:
        statements.clear()
        event.listen(world["engine"].sync_engine, "before_cursor_execute", count)
        try:
            async with world["sessions"]() as db:
                return await community.list_group_views(db, ctx, actors["River"], wanted)
        finally:
            event.remove(world["engine"].sync_engine, "before_cursor_execute", count)

    small = await directory()
    few = len(statements)
    for n in range(12):
        async with world["sessions"]() as db:
            made = await community.do_create_group(db, ctx, admin, 1, {"name": f"Group {n}", "agreement": "Be kind."})
        # Each meets weekly (its first meeting cancelled) and once: its next session is worked out too.
        weekly = {"kind": "weekly", "weekday": n % 7, "local_time": "18:30", "starts_on": "2030-01-01"}
        async with world["sessions"]() as db:
            schedule = await schedules.do_create_schedule(db, ctx, admin, made["id"], weekly)
        async with world["sessions"]() as db:
            await schedules.do_create_schedule(
                db, ctx, admin, made["id"], {"kind": "once", "local_time": "09:00", "starts_on": "2029-06-01"}
            )
        first = recurrence.first_date(timetable.rule_of(await schedule_row(world, schedule["id"])))
        async with world["sessions"]() as db:
            await schedules.do_change_occurrence(
                db, ctx, admin, made["id"], schedule["id"], str(first), action="cancel"
            )
    large = await directory()
    assert len(large) == len(small) + 12 and len(statements) == few, "no query per group"
    assert all(g["next_session"] is not None for g in large)
    assert {g["next_session"]["starts_at"] for g in large if g["name"].startswith("Group")} == {"2029-06-01T08:00:00Z"}
    filtered = await directory(DirectoryFilter(weekday=2, from_time=dt.time(18), to_time=dt.time(19)))
    assert len(statements) == few, "filters add no query"
    assert sorted(g["name"] for g in filtered) == ["Group 2", "Group 9"]
    for view in large:
        async with world["sessions"]() as db:
            assert view == await community.get_group_view(db, ctx, actors["River"], view["id"])
    by_id = {g["id"]: g for g in large}
    assert (by_id[1]["session"]["status"], by_id[2]["session"]["status"]) == ("live", "scheduled")
