"""A facilitator entering the room (or coming back after a reload) sees the room's open concerns at once, in
room:join's staff snapshot: not only those raised while their page happened to be open."""

from __future__ import annotations

from typing import Any

from tests.helpers_chat import call


async def test_the_facilitators_join_carries_the_rooms_open_concerns(live_room: dict[str, Any]) -> None:
    river_io = await live_room["river"].socket()
    assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]
    helped = await call(river_io, "concern:help", {"group_id": 1})
    assert helped["ok"], helped

    sam_io = await live_room["sam"].socket()
    joined = await call(sam_io, "room:join", {"group_id": 1})
    concerns = joined["staff"]["concerns"]
    assert [c["id"] for c in concerns] == [helped["concern"]["id"]]
    assert concerns[0]["tier"] == "imminent" and concerns[0]["state"] == "raised"

    willow_io = await live_room["willow"].socket()
    member = await call(willow_io, "room:join", {"group_id": 1})
    assert "staff" not in member, "members never get the staff snapshot"
