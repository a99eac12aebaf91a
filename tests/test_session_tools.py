"""Running a session: hands up and the turn, one voice at a time, stepping out, newcomers, the facilitators'
backchannel and private words, over real Socket.IO connections. No member ever receives backchannel or
someone else's private-word events."""

from __future__ import annotations

from typing import Any

from tests.conftest import RunningServer, client_id
from tests.helpers_chat import Inbox, call, enter_hearing, send
from tests.helpers_staff import make_trained_facilitator

SIDE_EVENTS = ("backchannel:new", "private:new", "private:updated", "newcomer:arrived", "hands:update")


async def enter(api: Any, group_id: int = 1) -> tuple[Any, Inbox, dict[str, Any]]:
    return await enter_hearing(api, SIDE_EVENTS, group_id)


async def test_hands_queue_in_order_and_the_turn_in_one_voice_mode(live_room: dict[str, Any]) -> None:
    sam_io, sam, _ = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    willow_io, willow, _ = await enter(live_room["willow"])

    assert (await call(willow_io, "hand:set", {"group_id": 1, "raised": True}))["ok"]
    raised = await call(river_io, "hand:set", {"group_id": 1, "raised": True})
    assert [h["display_name"] for h in raised["queue"]] == ["Willow", "River"], "oldest first"
    await sam.wait_for("hands:update", lambda d: len(d["queue"]) == 2)

    on = await call(sam_io, "session:one_voice", {"group_id": 1, "on": True})
    assert on["session"]["one_voice"] is True
    await river.wait_for("session:updated", lambda d: d["session"]["one_voice"])
    refused = await send(river_io, "may I?")
    assert refused["ok"] is False and refused["error"]["code"] == "not_your_turn"
    assert (await send(sam_io, "Willow, would you like to start?"))["ok"], "facilitators always may"

    willow_id = raised["queue"][0]["user_id"]
    given = await call(sam_io, "turn:give", {"group_id": 1, "user_id": willow_id})
    assert given["session"]["turn_user_id"] == willow_id
    await willow.wait_for("hands:update", lambda d: [h["display_name"] for h in d["queue"]] == ["River"])
    assert (await send(willow_io, "thank you, I will"))["ok"]
    assert (await send(river_io, "me too"))["error"]["code"] == "not_your_turn"

    refused = await call(river_io, "turn:give", {"group_id": 1, "user_id": willow_id})
    assert refused["error"]["code"] == "facilitators_only"
    refused = await call(river_io, "session:one_voice", {"group_id": 1, "on": False})
    assert refused["error"]["code"] == "facilitators_only"

    assert (await call(sam_io, "session:one_voice", {"group_id": 1, "on": False}))["session"]["turn_user_id"] is None
    assert (await send(river_io, "open floor again"))["ok"]


async def test_stepping_out_shows_in_who_is_here_and_coming_back_needs_no_rejoin(live_room: dict[str, Any]) -> None:
    river_io, _, _ = await enter(live_room["river"])
    willow_io, willow, _ = await enter(live_room["willow"])

    assert (await call(river_io, "break:set", {"group_id": 1, "away": True}))["away"] is True
    update = await willow.wait_for(
        "presence:update", lambda d: any(p["display_name"] == "River" and p["away"] for p in d["present"])
    )
    assert {p["display_name"] for p in update["present"]} == {"River", "Willow"}, "still in the room"

    assert (await call(river_io, "break:set", {"group_id": 1, "away": False}))["ok"]
    await willow.wait_for(
        "presence:update", lambda d: any(p["display_name"] == "River" and not p["away"] for p in d["present"])
    )
    assert (await send(river_io, "I'm back"))["ok"]
    await willow_io.disconnect()


async def test_backchannel_and_private_words_reach_only_the_people_they_are_for(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    await make_trained_facilitator(server, "Willow")  # a co-facilitator, to see staff events arrive
    sam_io, sam, _ = await enter(live_room["sam"])
    _, willow, _ = await enter(live_room["willow"])
    river_io, river, joined = await enter(live_room["river"])
    assert joined["mine"]["private_word"] is None

    said = await call(sam_io, "backchannel:send", {"group_id": 1, "client_id": client_id(), "body": "R seems low"})
    assert said["ok"], said
    await willow.wait_for("backchannel:new", lambda d: d["message"]["body"] == "R seems low")
    refused = await call(river_io, "backchannel:send", {"group_id": 1, "client_id": client_id(), "body": "hi"})
    assert refused["error"]["code"] == "facilitators_only"

    asked = await call(river_io, "private:request", {"group_id": 1})
    assert asked["private_word"]["requested_at"] is not None and asked["private_word"]["opened_at"] is None
    await sam.wait_for("private:updated", lambda d: d["private_word"]["member"]["display_name"] == "River")
    early = await call(river_io, "private:send", {"group_id": 1, "client_id": client_id(), "body": "hello?"})
    assert early["error"]["code"] == "private_word_not_open"

    river_id = asked["private_word"]["member"]["id"]
    opened = await call(sam_io, "private:open", {"group_id": 1, "member_id": river_id})
    assert opened["private_word"]["opened_at"] is not None
    await river.wait_for("private:updated", lambda d: d["private_word"]["opened_at"] is not None)
    to_river = {"group_id": 1, "member_id": river_id, "client_id": client_id(), "body": "How are you doing?"}
    assert (await call(sam_io, "private:send", to_river))["ok"]
    await river.wait_for("private:new", lambda d: d["message"]["body"] == "How are you doing?")
    reply = await call(river_io, "private:send", {"group_id": 1, "client_id": client_id(), "body": "not great"})
    assert reply["ok"] and reply["message"]["member_id"] == river_id
    await willow.wait_for("private:new", lambda d: d["message"]["body"] == "not great")

    # Sentinel: a room message after all of the above; once River hears it, anything for River came first,
    # and River must have heard nothing of the backchannel.
    done = await send(sam_io, "back to the group")
    await river.wait_for("message:new", lambda d: d["message"]["id"] == done["message"]["id"])
    assert river.of("backchannel:new") == [], "a member never hears the backchannel"
    assert [m["message"]["body"] for m in river.of("private:new")] == ["How are you doing?", "not great"]

    # Rejoining, the facilitator's snapshot holds the backchannel and the private thread; River's, only hers.
    again = await call(sam_io, "room:join", {"group_id": 1})
    assert [m["body"] for m in again["staff"]["backchannel"]] == ["R seems low"]
    assert [m["body"] for m in again["staff"]["private_messages"]] == ["How are you doing?", "not great"]
    mine = await call(river_io, "room:join", {"group_id": 1})
    assert "staff" not in mine and [m["body"] for m in mine["mine"]["private_messages"]] == [
        "How are you doing?",
        "not great",
    ]


async def test_another_members_private_word_never_reaches_a_member(live_room: dict[str, Any]) -> None:
    sam_io, _, _ = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    willow_io, willow, _ = await enter(live_room["willow"])

    willow_id = (await call(willow_io, "private:request", {"group_id": 1}))["private_word"]["member"]["id"]
    await call(sam_io, "private:open", {"group_id": 1, "member_id": willow_id})
    secret = {"group_id": 1, "member_id": willow_id, "client_id": client_id(), "body": "just for Willow"}
    assert (await call(sam_io, "private:send", secret))["ok"]
    await willow.wait_for("private:new", lambda d: d["message"]["body"] == "just for Willow")
    # River cannot open or write into Willow's thread either.
    river_try = {"group_id": 1, "member_id": willow_id, "client_id": client_id(), "body": "let me in"}
    assert (await call(river_io, "private:open", {"group_id": 1, "member_id": willow_id}))["ok"] is False
    assert (await call(river_io, "private:send", river_try))["error"]["code"] == "private_word_not_open"

    done = await send(sam_io, "sentinel")
    await river.wait_for("message:new", lambda d: d["message"]["id"] == done["message"]["id"])
    for name in ("private:new", "private:updated", "backchannel:new", "newcomer:arrived"):
        assert river.of(name) == [], f"River heard {name}"


async def test_a_members_first_session_is_marked_for_facilitators_only(
    live_room: dict[str, Any], api_factory: Any
) -> None:
    sam_io, sam, _ = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    arrived = await sam.wait_for("newcomer:arrived", lambda d: d["display_name"] == "River")
    again = await call(sam_io, "room:join", {"group_id": 1})
    assert arrived["user_id"] in again["staff"]["newcomers"]

    willow_io, _, _ = await enter(live_room["willow"])
    await sam.wait_for("newcomer:arrived", lambda d: d["display_name"] == "Willow")
    done = await send(sam_io, "welcome, both of you")
    await river.wait_for("message:new", lambda d: d["message"]["id"] == done["message"]["id"])
    assert river.of("newcomer:arrived") == [], "members are not told who is new"

    # A second session: nobody is new any more.
    status, _ = await live_room["sam"].call("POST", f"/api/sessions/{live_room['session']['id']}/end")
    assert status == 200
    status, data = await live_room["sam"].call("POST", "/api/groups/1/sessions", {})
    assert status == 201, data
    rejoined = await call(sam_io, "room:join", {"group_id": 1})
    await call(river_io, "room:join", {"group_id": 1})
    await call(willow_io, "room:join", {"group_id": 1})
    later = await call(sam_io, "room:join", {"group_id": 1})
    assert rejoined["staff"]["newcomers"] == [] and later["staff"]["newcomers"] == []


async def test_the_hubs_safeguarding_lead_talks_in_the_backchannel_from_outside_the_room(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    admin = await api_factory("hub-admin")
    lead = await api_factory()
    signup = {"pseudonym": "Heron Lead", "password": "a quiet lantern by the weir"}
    assert (await lead.call("POST", "/api/auth/signup", signup))[0] == 201
    assert (await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": "Heron Lead", "role": "safeguarding_lead"}))[
        0
    ] in (200, 201)
    sam_io, sam, _ = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    note = {"group_id": 1, "client_id": client_id(), "body": "River mentioned a plan; can we talk?"}
    assert (await call(sam_io, "backchannel:send", note))["ok"]

    status, data = await lead.call("GET", "/api/groups/1/backchannel")
    assert status == 200 and [m["body"] for m in data["messages"]] == [note["body"]]
    reply = {"client_id": client_id(), "body": "Yes, I'm here. Stay with River; I'll call after."}
    status, data = await lead.call("POST", "/api/groups/1/backchannel", reply)
    assert status == 201 and data["message"]["author"]["role"] == "safeguarding_lead"
    await sam.wait_for("backchannel:new", lambda d: d["message"]["body"] == reply["body"])

    for outsider in (live_room["river"], live_room["willow"]):
        assert (await outsider.call("GET", "/api/groups/1/backchannel"))[0] == 403
        assert (await outsider.call("POST", "/api/groups/1/backchannel", reply))[0] == 403
    done = await send(sam_io, "sentinel")
    await river.wait_for("message:new", lambda d: d["message"]["id"] == done["message"]["id"])
    assert river.of("backchannel:new") == [], "a member never hears the backchannel"
    await river_io.disconnect()


async def test_the_backchannel_of_a_group_not_in_session_is_a_conflict(api_factory: Any) -> None:
    sam = await api_factory("Sam")
    status, data = await sam.call("GET", "/api/groups/2/backchannel")
    assert status == 409 and data["error"]["code"] == "session_not_live"
