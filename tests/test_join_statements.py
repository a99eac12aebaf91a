"""How many SQL statements one member's room:join runs (issue 9: a connect wave's server CPU went mostly into
statement execution on the event loop, so each statement a join saves is saved thousands of times).

Counted: every statement (BEGINs included) the server runs from the moment the join is asked until its ack,
on the join's own tasks (a background loop's heartbeat is not the join's), for a member entering a group with
a live session. Before this bound: 26 statements per join on SQLite (5 of them BEGINs) and 21 on PostgreSQL
(whose driver begins without a statement): the group, the person's staff roles, their membership and the
running session read apart; the sanctions read three times (the entry check, the ack's own mute, the re-check
after the presence row, which also read the running session again); blocks and muted words apart; the
facilitators' two-factor check in a transaction of its own. Then 20 on SQLite, 15 on PostgreSQL; after
the member's own pseudonym was no longer re-read for their private word and attendance became one read: 18, 13.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from tests.conftest import Database, RunningServer
from tests.helpers_chat import call

JOIN_STATEMENTS_MAX = {"sqlite": 18, "postgresql": 13}


@contextmanager
def statements_of_new_tasks(server: RunningServer) -> Iterator[list[str]]:
    """The statements run meanwhile by tasks that did not exist on entry (the handlers of what the test asks
    now, not the server's background loops)."""
    engine = server.state.engine.sync_engine
    before = asyncio.all_tasks()
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        task = asyncio.current_task()
        if task is not None and task not in before:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_a_members_room_join_runs_few_statements(
    database: Database, server: RunningServer, live_room: dict[str, Any]
) -> None:
    sam_io = await live_room["sam"].socket()
    assert (await call(sam_io, "room:join", {"group_id": 1}))["ok"]
    river_io = await live_room["river"].socket()
    with statements_of_new_tasks(server) as statements:
        joined = await call(river_io, "room:join", {"group_id": 1})
    assert joined["ok"], joined
    assert joined["role"] == "member" and joined["session"]["status"] == "live"
    assert {p["display_name"] for p in joined["present"]} == {"Sam", "River"}
    listing = "\n".join(s.split("\n")[0][:120] for s in statements)
    assert len(statements) <= JOIN_STATEMENTS_MAX[database.backend], f"{len(statements)} statements:\n{listing}"
