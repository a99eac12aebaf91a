"""The page of history a join shows is read once for the joins of a room that share a read transaction
(rooms/chat._room_page), yet every viewer still gets exactly their own page: a member sees their own held
message and never someone else's, staff see every held one, and blocked authors are marked for the viewer who
blocked them only. Over real sockets, on both databases."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import update

from rooms.models import Message
from tests.conftest import RunningServer
from tests.helpers_chat import call, send
from tests.helpers_policy import set_link_policy

LINK = "www.example.net has the leaflet"


async def test_joins_together_each_see_their_own_page(live_room: dict[str, Any], server: RunningServer) -> None:
    sam_io, river_io, willow_io = await in_the_room(live_room)
    held = await held_message(server, river_io)
    hello = await send(willow_io, "hello all")
    welcome = await send(sam_io, "welcome in")
    status, _ = await live_room["willow"].call("POST", "/api/me/blocks", {"user_id": sam_user_id(welcome)})
    assert status in (200, 201)

    # Everyone enters again at once (a reload each, and a second tab of River's): their reads share transactions.
    clients = [sam_io, river_io, willow_io, await live_room["river"].socket()]
    joined = await asyncio.gather(*(call(client, "room:join", {"group_id": 1}) for client in clients))
    sam, river, willow, river_again = (ids_of(j) for j in joined)
    held_id, hello_id, welcome_id = held["message"]["id"], hello["message"]["id"], welcome["message"]["id"]
    assert held_id in sam and held_id in river and held_id in river_again
    assert held_id not in willow, "a member never gets someone else's held message"
    assert {hello_id, welcome_id} <= set(sam) & set(river) & set(willow) & set(river_again)
    # Marked for the viewer who blocked its author only, though the page was shared.
    marks = {j["role"] + str(i): {m["id"]: m["blocked_author"] for m in j["messages"]} for i, j in enumerate(joined)}
    assert marks["member2"][welcome_id] is True  # Willow blocked Sam
    assert marks["member1"][welcome_id] is False and marks["member3"][welcome_id] is False
    # The same as each viewer's own history read.
    for client, seen in zip(clients, (sam, river, willow, river_again), strict=True):
        own = await call(client, "history:since", {"group_id": 1, "since_id": 0})
        assert [m["id"] for m in own["messages"]] == seen


async def test_someone_elses_held_message_just_beyond_the_page_tells_nothing(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    """The row beyond a page decides `has_more`: a held message there must not make a member's page say there is
    more (and so hint that it exists), though the page read for the room holds that row."""
    server.state.rooms.history_page = 3
    sam_io, river_io, willow_io = await in_the_room(live_room)
    await held_message(server, river_io)
    for n in range(3):
        assert (await send(sam_io, f"welcome {n}"))["ok"]
    joined = await asyncio.gather(*(call(c, "room:join", {"group_id": 1}) for c in (sam_io, river_io, willow_io)))
    sam, river, willow = joined
    assert [m["body"] for m in willow["messages"]] == ["welcome 0", "welcome 1", "welcome 2"]
    assert willow["has_more"] is False, "nothing older that Willow may read"
    assert river["has_more"] is True and sam["has_more"] is True  # River's own held message, for both


async def test_a_hold_with_an_empty_reason_is_still_held(live_room: dict[str, Any], server: RunningServer) -> None:
    """Held is what the store says (a reason stored, even an empty one a plugin gave): never in another member's
    page, though the page is shared."""
    sam_io, river_io, willow_io = await in_the_room(live_room)
    quiet = await send(river_io, "held with no reason given")
    async with server.state.sessions() as db, db.begin():
        await db.execute(update(Message).where(Message.id == quiet["message"]["id"]).values(held_reason=""))
    joined = await asyncio.gather(*(call(c, "room:join", {"group_id": 1}) for c in (sam_io, river_io, willow_io)))
    sam, river, willow = (ids_of(j) for j in joined)
    assert quiet["message"]["id"] in sam and quiet["message"]["id"] in river
    assert quiet["message"]["id"] not in willow
    shown = next(m for m in joined[1]["messages"] if m["id"] == quiet["message"]["id"])
    assert shown["held"] is True


async def in_the_room(live_room: dict[str, Any]) -> tuple[Any, Any, Any]:
    """Sam's, River's and Willow's sockets, each in group 1's room."""
    clients = (await live_room["sam"].socket(), await live_room["river"].socket(), await live_room["willow"].socket())
    for client in clients:
        assert (await call(client, "room:join", {"group_id": 1}))["ok"]
    return clients


async def held_message(server: RunningServer, author: Any) -> dict[str, Any]:
    """A message of `author`'s held for review by the room's link policy."""
    await set_link_policy(server, 1, "hold")
    held = await send(author, LINK)
    assert held["ok"] and held["message"]["held"] is True, held
    await set_link_policy(server, 1, "allow")
    return held


def ids_of(joined: dict[str, Any]) -> list[int]:
    assert joined["ok"], joined
    return [m["id"] for m in joined["messages"]]


def sam_user_id(sent: dict[str, Any]) -> int:
    return int(sent["message"]["author"]["id"])
