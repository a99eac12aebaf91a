"""A ban committed while the member's room:join is on its way does not leave them in the room.

The two sides (rooms/moderation_actions.py, `_take_out` and `recheck_entry`): the ban reads the member's
connections after its commit; room:join looks again after its presence row is committed. Whichever commits
first, one of the two sees the other. The interleaving the first look alone cannot catch is made here on
purpose: the ban commits just after the join's own check passed and its presence row was committed, and the
ban's read of connections is taken to have happened before that (so nobody evicts this connection). The
join's second look must refuse it and leave it out of the room.
"""

from __future__ import annotations

from typing import Any

import pytest

from rooms import chat, moderation_actions, store
from rooms.models import Sanction
from tests.conftest import RunningServer
from tests.helpers_chat import call, send
from tests.helpers_moderation import code, enter


async def ban_in_the_window(server: RunningServer, pseudonym: str) -> None:
    """Commit a ban of `pseudonym` in group 1 as a facilitator would, but without telling or evicting anyone."""
    state = server.state
    async with state.sessions() as db, db.begin():
        member = await store.get_user_by_pseudonym(db, pseudonym)
        facilitator = await store.get_user_by_pseudonym(db, "Sam")
        assert member is not None and facilitator is not None
        db.add(
            Sanction(
                group_id=1,
                user_id=member.id,
                kind="ban",
                reason="banned while joining",
                created_by=facilitator.id,
                created_at=state.rooms.clock(),
            )
        )


async def test_a_ban_committed_during_room_join_leaves_the_member_out(
    live_room: dict[str, Any], server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    sam_io, _, _ = await enter(live_room["sam"])
    river_io = await live_room["river"].socket()
    real_enter = chat.do_enter_room

    async def enter_then_banned(*args: Any, **kwargs: Any) -> dict[str, Any]:
        result = await real_enter(*args, **kwargs)  # checked and committed: no ban yet
        await ban_in_the_window(server, "River")
        return result

    monkeypatch.setattr(chat, "do_enter_room", enter_then_banned)
    joined = await call(river_io, "room:join", {"group_id": 1})
    monkeypatch.setattr(chat, "do_enter_room", real_enter)

    assert code(joined) == "banned", "the join's second look sees the ban"
    assert code(await call(river_io, "history:since", {"group_id": 1, "since_id": 0})) == "not_in_room"
    assert code(await send(river_io, "am I still here?")) == "not_in_room", "no longer subscribed to the room"
    snapshot = await call(sam_io, "room:join", {"group_id": 1})
    assert "River" not in [p["display_name"] for p in snapshot["present"]], "and not listed as present"
    assert code(await call(river_io, "room:join", {"group_id": 1})) == "banned", "nor let in again"


async def test_a_banned_member_is_refused_before_subscribing(
    live_room: dict[str, Any], server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused before the connection is subscribed, so not even the moment a refusal takes is heard."""
    await ban_in_the_window(server, "River")
    river_io = await live_room["river"].socket()
    entered: list[Any] = []
    real_enter = chat.do_enter_room

    async def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        entered.append(kwargs.get("sid"))
        return await real_enter(*args, **kwargs)

    monkeypatch.setattr(chat, "do_enter_room", recording)
    assert code(await call(river_io, "room:join", {"group_id": 1})) == "banned"
    assert entered == [], "refused before subscribing (the snapshot step runs only once subscribed)"
    assert code(await call(river_io, "history:since", {"group_id": 1, "since_id": 0})) == "not_in_room"


async def test_a_re_check_that_cannot_be_made_leaves_the_member_out(
    live_room: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fail closed: when the look after the presence row fails (the database unreachable, a statement failing),
    the join is refused as an internal error and the connection leaves the room, as a refusal would."""
    sam_io, _, _ = await enter(live_room["sam"])
    river_io = await live_room["river"].socket()

    async def unreachable(*args: Any, **kwargs: Any) -> list[Any]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(moderation_actions, "recheck_entries_in", unreachable)
    joined = await call(river_io, "room:join", {"group_id": 1})
    monkeypatch.undo()
    assert code(joined) == "internal_error"
    assert code(await call(river_io, "history:since", {"group_id": 1, "since_id": 0})) == "not_in_room"
    snapshot = await call(sam_io, "room:join", {"group_id": 1})
    assert "River" not in [p["display_name"] for p in snapshot["present"]], "not listed as present either"
    assert (await call(river_io, "room:join", {"group_id": 1}))["ok"], "the next join, re-checked, goes in"
