"""Held messages over real Socket.IO connections: a facilitator releases one to the room or declines it for good
(rooms/held_messages.py). Members never get a held or declined message; its author is told either way; each
answer is logged once, and a second answer is refused with a clear code."""

from __future__ import annotations

import json
from typing import Any

from rooms.hookspecs import ModerationAction, Priority
from tests.conftest import RunningServer
from tests.helpers_chat import Inbox, call, send
from tests.helpers_moderation import code, enter, heard_everything, log_count
from tests.helpers_policy import add_word, set_link_policy

LINK = "www.example.net is where I read it"


async def held_message(server: RunningServer, author: Any, staff: Inbox, body: str = LINK) -> dict[str, Any]:
    await set_link_policy(server, 1, "hold")
    sent = await send(author, body)
    assert sent["ok"] and sent["message"]["held"] is True, sent
    await staff.wait_for("message:held", lambda d: d["message"]["id"] == sent["message"]["id"])
    # The policy's own log entry is written just after the message's commit: wait for it, so counts are stable.
    await staff.wait_for(
        "mod:logged",
        lambda d: d["entry"]["action"] == "hold" and d["entry"]["target_message_id"] == sent["message"]["id"],
    )
    message: dict[str, Any] = sent["message"]
    return message


async def test_a_released_message_reaches_the_room_once(live_room: dict[str, Any], server: RunningServer) -> None:
    sam_io, sam, _ = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    willow_io, willow, _ = await enter(live_room["willow"])
    held = await held_message(server, river_io, sam)
    before = await log_count(server)

    # Staff still see it, as held, after a reload; a member does not.
    snapshot = await call(sam_io, "room:join", {"group_id": 1})
    shown = next(m for m in snapshot["messages"] if m["id"] == held["id"])
    assert shown["held"] is True and shown["body"] == LINK and shown["held_reason"]
    mine = await call(river_io, "history:since", {"group_id": 1, "since_id": 0})
    assert next(m for m in mine["messages"] if m["id"] == held["id"])["held"] is True, "its author sees it held"
    others = await call(willow_io, "history:since", {"group_id": 1, "since_id": 0})
    assert held["id"] not in [m["id"] for m in others["messages"]]

    refused = await call(willow_io, "mod:release", {"group_id": 1, "message_id": held["id"]})
    assert code(refused) == "facilitators_only"
    assert code(await call(river_io, "mod:decline", {"group_id": 1, "message_id": held["id"]})) == "facilitators_only"
    assert code(await call(sam_io, "mod:release", {"group_id": 1, "message_id": 999999})) == "message_not_found"
    assert code(await call(sam_io, "mod:release", {"group_id": 1, "message_id": "x"})) == "invalid_payload"

    released = await call(sam_io, "mod:release", {"group_id": 1, "message_id": held["id"]})
    assert released["ok"] and "held" not in released["message"], released
    arrived = await willow.wait_for("message:new", lambda d: d["message"]["id"] == held["id"])
    assert arrived["message"]["body"] == LINK and "held" not in arrived["message"]
    told = await river.wait_for("message:released")
    assert told["message_id"] == held["id"] and told["group_id"] == 1
    logged = await sam.wait_for("mod:logged", lambda d: d["entry"]["action"] == "release")
    assert logged["entry"]["target_message_id"] == held["id"] and logged["entry"]["actor"]["display_name"] == "Sam"
    assert LINK not in json.dumps(logged["entry"]), "the log never holds a message's text"

    again = await call(sam_io, "mod:release", {"group_id": 1, "message_id": held["id"]})
    assert code(again) == "not_held"
    assert code(await call(sam_io, "mod:decline", {"group_id": 1, "message_id": held["id"]})) == "not_held"
    assert await log_count(server) == before + 1, "one entry for one release; refusals write none"
    await heard_everything(sam_io, willow)
    assert [d["message"]["id"] for d in willow.of("message:new")].count(held["id"]) == 1
    assert willow.of("message:released") == [] and willow.of("mod:logged") == []

    later = await call(willow_io, "history:since", {"group_id": 1, "since_id": 0})
    assert held["id"] in [m["id"] for m in later["messages"]], "released, it is part of the room's history"


async def test_a_declined_message_never_reaches_members(live_room: dict[str, Any], server: RunningServer) -> None:
    sam_io, sam, _ = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    willow_io, willow, _ = await enter(live_room["willow"])
    held = await held_message(server, river_io, sam)
    why = "DECLINE-REASON-5c1"

    assert code(await call(sam_io, "mod:hide", {"group_id": 1, "message_id": held["id"], "reason": "x"})) == (
        "message_held"
    ), "a held message is answered with release or decline, so its author is told"
    declined = await call(sam_io, "mod:decline", {"group_id": 1, "message_id": held["id"], "reason": why})
    assert declined == {"ok": True, "message_id": held["id"], "declined": True, "reason": why}
    told = await river.wait_for("message:declined")
    assert told == {"group_id": 1, "message_id": held["id"], "reason": why}
    logged = await sam.wait_for("mod:logged", lambda d: d["entry"]["action"] == "decline")
    assert logged["entry"]["reason"] == why and logged["entry"]["target_message_id"] == held["id"]

    for event, payload in (
        ("mod:release", {"group_id": 1, "message_id": held["id"]}),
        ("mod:decline", {"group_id": 1, "message_id": held["id"]}),
        ("mod:unhide", {"group_id": 1, "message_id": held["id"]}),
    ):
        assert code(await call(sam_io, event, payload)) == "message_declined", event
    assert code(await call(sam_io, "mod:hide", {"group_id": 1, "message_id": held["id"], "reason": "x"})) == (
        "already_hidden"
    )

    # After a reload: its author reads their own words and the reason; staff see it declined; members nothing.
    again = await call(river_io, "room:join", {"group_id": 1})
    own = next(m for m in again["messages"] if m["id"] == held["id"])
    assert own["declined"] is True and own["declined_reason"] == why and own["body"] == LINK
    staff_view = next(
        m for m in (await call(sam_io, "room:join", {"group_id": 1}))["messages"] if m["id"] == held["id"]
    )
    assert staff_view["declined"] is True and staff_view["hidden"] is True
    rejoined = await call(willow_io, "room:join", {"group_id": 1})
    await heard_everything(sam_io, willow)
    heard = json.dumps(willow.events) + json.dumps(rejoined)
    assert LINK not in heard and why not in heard, "a member never receives a declined message or its reason"


async def test_a_decline_without_a_reason_still_tells_the_author(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    sam_io, sam, _ = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    held = await held_message(server, river_io, sam)
    declined = await call(sam_io, "mod:decline", {"group_id": 1, "message_id": held["id"]})
    assert declined["ok"] and declined["reason"], declined
    assert (await river.wait_for("message:declined"))["reason"] == declined["reason"]


async def test_policies_holds_and_flags_are_logged_by_no_one_without_the_text(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    admin = await api_factory("hub-admin")
    assert (await add_word(admin, "pineapple", "flag", "FLAG-RULE-REASON"))[0] == 201
    _, sam, _ = await enter(live_room["sam"])
    river_io, _, _ = await enter(live_room["river"])
    held = await held_message(server, river_io, sam)
    hold = await sam.wait_for("mod:logged", lambda d: d["entry"]["action"] == "hold")
    entry = hold["entry"]
    assert entry["actor"] is None and entry["target_message_id"] == held["id"]
    assert entry["reason"] == held["held_reason"] and entry["target_user"]["display_name"] == "River"

    flagged_body = "FLAGGED-TEXT-3e9 pineapple on pizza"
    flagged = (await send(river_io, flagged_body))["message"]
    flag = await sam.wait_for("mod:logged", lambda d: d["entry"]["action"] == "flag")
    assert flag["entry"]["actor"] is None and flag["entry"]["target_message_id"] == flagged["id"]
    assert "FLAG-RULE-REASON" in flag["entry"]["reason"] or "pineapple" in flag["entry"]["reason"]

    status, data = await admin.call("GET", "/api/hubs/1/moderation-log?action=hold")
    assert status == 200 and [e["target_message_id"] for e in data["entries"]] == [held["id"]]
    status, data = await admin.call("GET", "/api/hubs/1/moderation-log")
    assert status == 200 and {"hold", "flag"} <= {e["action"] for e in data["entries"]}
    assert LINK not in json.dumps(data) and "FLAGGED-TEXT-3e9" not in json.dumps(data), "never the message's text"


async def test_the_moderation_action_hook_hears_holds_releases_and_declines(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    seen: list[ModerationAction] = []

    async def observe(action: ModerationAction) -> None:
        seen.append(action)

    hooks = server.state.rooms.hooks
    hooks.moderation_action.register(observe, priority=Priority.PLUGIN, name="test.observe")
    sam_io, sam, _ = await enter(live_room["sam"])
    river_io, _, _ = await enter(live_room["river"])
    first = await held_message(server, river_io, sam)
    second = await held_message(server, river_io, sam, body="www.example.org too")
    assert (await call(sam_io, "mod:release", {"group_id": 1, "message_id": first["id"]}))["ok"]
    assert (await call(sam_io, "mod:decline", {"group_id": 1, "message_id": second["id"]}))["ok"]
    await hooks.moderation_action.drain()
    by_action = {(a.action, a.target_message_id): a for a in seen}
    assert by_action[("hold", first["id"])].actor_id is None, "a policy's hold: by no one"
    assert by_action[("release", first["id"])].actor_id is not None
    assert by_action[("decline", second["id"])].reason
    assert LINK not in repr(seen), "observers get ids and reasons, never the text"
