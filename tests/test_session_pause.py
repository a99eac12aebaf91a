"""No facilitator, no session: a session pauses when its last facilitator's connections are gone, members
cannot post while it is paused, it resumes when a facilitator returns and ends when none does in time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rooms import facilitation
from rooms.models import GroupSession
from tests.conftest import RunningServer
from tests.helpers_auth import FakeClock
from tests.helpers_chat import Inbox, call, send
from tests.helpers_staff import make_trained_facilitator


async def enter(api: Any, group_id: int = 1) -> tuple[Any, Inbox, dict[str, Any]]:
    client = await api.socket()
    inbox = Inbox(client)
    joined = await call(client, "room:join", {"group_id": group_id})
    assert joined["ok"], joined
    return client, inbox, joined


def status_is(status: str) -> Any:
    return lambda data: data["session"]["status"] == status


async def test_the_facilitator_dropping_their_connection_pauses_the_session_and_returning_resumes_it(
    live_room: dict[str, Any],
) -> None:
    sam_io, _, _ = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    assert (await send(river_io, "while Sam is here"))["ok"]

    await sam_io.disconnect()  # the tab closed, or the network dropped
    paused = await river.wait_for("session:updated", status_is("paused"))
    assert paused["session"]["paused_at"] is not None
    ends_at = dt.datetime.fromisoformat(paused["session"]["ends_if_unfacilitated_at"].replace("Z", "+00:00"))
    started = dt.datetime.fromisoformat(paused["session"]["paused_at"].replace("Z", "+00:00"))
    assert ends_at - started == dt.timedelta(minutes=5), "the hub's default grace period"

    refused = await send(river_io, "nobody is facilitating")
    assert refused["ok"] is False and refused["error"]["code"] == "session_paused"

    sam_back, _, rejoined = await enter(live_room["sam"])
    assert rejoined["session"]["status"] == "live"
    await river.wait_for("session:updated", status_is("live"))
    assert (await send(river_io, "Sam is back"))["ok"]
    await sam_back.disconnect()


async def test_leaving_the_room_pauses_but_a_co_facilitator_keeps_it_live(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    await make_trained_facilitator(server, "Willow")
    sam_io, _, _ = await enter(live_room["sam"])
    willow_io, _, _ = await enter(live_room["willow"])
    river_io, river, _ = await enter(live_room["river"])

    assert (await call(sam_io, "room:leave", {"group_id": 1}))["ok"]
    # Sentinel: Willow (still facilitating) posts after Sam left; once River hears it, a pause would have come first.
    posted = await send(willow_io, "I'm still here with you")
    await river.wait_for("message:new", lambda d: d["message"]["id"] == posted["message"]["id"])
    assert river.of("session:updated") == [], "a co-facilitator keeps the session live"

    assert (await call(willow_io, "room:leave", {"group_id": 1}))["ok"]
    await river.wait_for("session:updated", status_is("paused"))
    assert (await send(river_io, "hello?"))["error"]["code"] == "session_paused"


async def test_a_paused_session_ends_when_no_facilitator_returns_within_the_grace_period(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    from server.app import heartbeat

    clock = FakeClock(server)
    sam_io, _, _ = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    await sam_io.disconnect()
    await river.wait_for("session:updated", status_is("paused"))

    clock.advance(4 * 60)
    await heartbeat(server.state)
    assert await session_status(server, live_room["session"]["id"]) == "paused", "still within the grace period"

    clock.advance(61)
    await heartbeat(server.state)
    ended = await river.wait_for("session:updated", status_is("ended"))
    assert ended["session"]["end_reason"] == "no_facilitator"
    assert (await send(river_io, "anyone?"))["error"]["code"] == "session_not_live"


async def test_the_sweep_pauses_a_session_whose_facilitator_vanished_without_a_word(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    """A process that dies sends no disconnect: its presence rows stop being refreshed and age out."""
    from server.app import heartbeat

    clock = FakeClock(server)
    river_io, river, _ = await enter(live_room["river"])
    await plant_presence(server, "Sam", server_id="a-process-that-died", last_seen=clock.now)

    await heartbeat(server.state)
    assert await session_status(server, live_room["session"]["id"]) == "live", "Sam's process is still beating"

    clock.advance(server.state.settings.presence_timeout_seconds + 1)
    await heartbeat(server.state)
    await river.wait_for("session:updated", status_is("paused"))
    await river_io.disconnect()


async def test_a_session_opened_without_its_facilitator_entering_pauses_only_after_the_presence_timeout(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    """Pressing Start and then opening the room takes a moment; the sweep leaves that moment alone."""
    from server.app import heartbeat

    clock = FakeClock(server)
    river_io, river, _ = await enter(live_room["river"])
    clock.advance(5)
    await heartbeat(server.state)
    assert await session_status(server, live_room["session"]["id"]) == "live"
    clock.advance(server.state.settings.presence_timeout_seconds)
    await heartbeat(server.state)
    await river.wait_for("session:updated", status_is("paused"))
    await river_io.disconnect()


@pytest.mark.parametrize(
    ("status", "present", "minutes", "expected"),
    [
        ("live", True, 0, None),
        ("live", False, 0, "pause"),
        ("paused", True, 1, "resume"),
        ("paused", False, 4, None),
        ("paused", False, 5, "end"),
        ("ended", False, 60, None),
        ("scheduled", False, 60, None),
    ],
)
def test_decide(status: str, present: bool, minutes: int, expected: str | None) -> None:
    now = dt.datetime(2026, 11, 23, 19, 0, tzinfo=dt.UTC)
    session = GroupSession(
        group_id=1, status=status, opened_at=now - dt.timedelta(hours=1), paused_at=now - dt.timedelta(minutes=minutes)
    )
    assert facilitation.decide(session, present, now, dt.timedelta(minutes=5)) == expected


async def session_status(server: RunningServer, session_id: int) -> str:
    async with server.state.sessions() as db, db.begin():
        session = await db.get(GroupSession, session_id)
        assert session is not None
        return session.status


async def plant_presence(server: RunningServer, pseudonym: str, *, server_id: str, last_seen: dt.datetime) -> None:
    """A presence row as another process would have written it."""
    from rooms import store

    async with server.state.sessions() as db, db.begin():
        user = await store.get_user_by_pseudonym(db, pseudonym)
        assert user is not None
        await store.add_presence(
            db,
            sid=f"elsewhere-{pseudonym}",
            group_id=1,
            user_id=user.id,
            role="facilitator",
            web_session="x" * 64,
            server_id=server_id,
            now=last_seen,
        )
