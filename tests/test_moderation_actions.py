"""A facilitator's moderation in the room over real Socket.IO connections: hiding messages, muting, removing and
banning members, lifting, slow mode, lock and pin; every refusal's code; the moderation log over REST. Members
never receive a hidden message's text or the reason it was hidden."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from rooms import chat
from rooms.errors import DomainError
from rooms.hooks import Actor
from rooms.models import ModerationLogEntry, Sanction
from tests.conftest import Api, RunningServer, client_id, open_session, platform_admin
from tests.helpers_chat import call, send
from tests.helpers_moderation import code, enter, heard_everything, log_count, user_id_of

ROOT = Path(__file__).resolve().parent.parent


async def test_a_hidden_message_keeps_its_text_and_reason_from_members(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    sam_io, sam, _ = await enter(live_room["sam"])
    river_io, _, _ = await enter(live_room["river"])
    willow_io, willow, _ = await enter(live_room["willow"])
    secret, why = "SECRET-TEXT-7f3a", "REASON-SENTINEL-91c"
    posted = (await send(river_io, secret, cid=None))["message"]
    mine = (await send(sam_io, "a facilitator's own words"))["message"]
    before = await log_count(server)

    assert code(await call(river_io, "mod:hide", {"group_id": 1, "message_id": posted["id"], "reason": why})) == (
        "facilitators_only"
    )
    assert code(await call(sam_io, "mod:hide", {"group_id": 1, "message_id": posted["id"], "reason": ""})) == (
        "invalid_payload"
    )
    assert code(await call(sam_io, "mod:hide", {"group_id": 1, "message_id": 999999, "reason": why})) == (
        "message_not_found"
    )
    assert code(await call(sam_io, "mod:hide", {"group_id": 1, "message_id": mine["id"], "reason": why})) == (
        "target_is_facilitator"
    )
    await willow.wait_for("message:new", lambda d: d["message"]["id"] == mine["id"])
    mark = len(willow.events)  # Willow heard the message live, before it was hidden; nothing of it after
    hidden = await call(sam_io, "mod:hide", {"group_id": 1, "message_id": posted["id"], "reason": why})
    assert hidden["ok"] and hidden["hidden"] is True, hidden
    again = await call(sam_io, "mod:hide", {"group_id": 1, "message_id": posted["id"], "reason": why})
    assert code(again) == "already_hidden"
    told = await willow.wait_for("message:hidden")
    assert told == {"group_id": 1, "message_id": posted["id"], "hidden": True}
    logged = await sam.wait_for("mod:logged", lambda d: d["entry"]["action"] == "hide")
    assert logged["entry"]["reason"] == why and logged["entry"]["target_message_id"] == posted["id"]
    assert await log_count(server) == before + 1, "one entry for one action (refusals write none)"

    # History and the room:join snapshot: members see an empty body, staff the text and the reason.
    for_willow = await call(willow_io, "history:since", {"group_id": 1, "since_id": 0})
    shown = next(m for m in for_willow["messages"] if m["id"] == posted["id"])
    assert shown["hidden"] is True and shown["body"] == "" and "hidden_reason" not in shown
    rejoined = await call(willow_io, "room:join", {"group_id": 1})
    assert next(m for m in rejoined["messages"] if m["id"] == posted["id"])["body"] == ""
    before_page = await call(willow_io, "history:before", {"group_id": 1, "before_id": mine["id"] + 1})
    assert next(m for m in before_page["messages"] if m["id"] == posted["id"])["body"] == ""
    for_sam = await call(sam_io, "history:since", {"group_id": 1, "since_id": 0})
    staff_view = next(m for m in for_sam["messages"] if m["id"] == posted["id"])
    assert staff_view["body"] == secret and staff_view["hidden"] is True and staff_view["hidden_reason"] == why
    snapshot = await call(sam_io, "room:join", {"group_id": 1})
    assert next(m for m in snapshot["messages"] if m["id"] == posted["id"])["hidden_reason"] == why

    await heard_everything(sam_io, willow)
    heard = json.dumps(willow.events[mark:]) + json.dumps([for_willow, rejoined, before_page])
    assert secret not in heard and why not in heard, "a member never receives the text or the reason"
    assert willow.of("mod:logged") == [], "the log's entries go to staff only"

    assert code(await call(sam_io, "mod:unhide", {"group_id": 1, "message_id": mine["id"]})) == "not_hidden"
    shown_again = await call(sam_io, "mod:unhide", {"group_id": 1, "message_id": posted["id"]})
    assert shown_again["ok"] and shown_again["hidden"] is False
    back = await willow.wait_for("message:hidden", lambda d: d["hidden"] is False)
    assert back["message"]["body"] == secret, "unhidden in the running session: the room gets it back"
    assert await log_count(server) == before + 2


async def test_a_muted_member_reads_but_cannot_post_until_unmuted_or_expired(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    sam_io, sam, joined = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    willow_io, willow, joined = await enter(live_room["willow"])
    river_id, sam_id = user_id_of(joined, "River"), user_id_of(joined, "Sam")
    admin = await api_factory("hub-admin")
    status, me = await admin.call("GET", "/api/me")
    assert status == 200, me
    mute = {"group_id": 1, "user_id": river_id, "minutes": 5, "reason": "Please take a breather"}

    assert code(await call(willow_io, "mod:mute", mute)) == "facilitators_only"
    assert code(await call(sam_io, "mod:mute", {**mute, "minutes": 0})) == "invalid_payload"
    assert code(await call(sam_io, "mod:mute", {**mute, "minutes": 1441})) == "invalid_payload"
    assert code(await call(sam_io, "mod:mute", {**mute, "reason": ""})) == "invalid_payload"
    assert code(await call(sam_io, "mod:mute", {**mute, "user_id": sam_id})) == "target_is_facilitator"
    assert code(await call(sam_io, "mod:mute", {**mute, "user_id": me["user"]["id"]})) == "not_a_member"
    assert code(await call(sam_io, "mod:unmute", {"group_id": 1, "user_id": river_id})) == "not_muted"

    muted = await call(sam_io, "mod:mute", mute)
    assert muted["ok"] and muted["sanction"]["kind"] == "mute", muted
    until = muted["sanction"]["expires_at"]
    told = await river.wait_for("mod:muted")
    assert told["until"] == until and told["reason"] == "Please take a breather"
    refused = await send(river_io, "can I say something?")
    assert code(refused) == "muted" and refused["error"]["until"] == until
    assert (await send(willow_io, "others still post"))["ok"]
    assert (await call(river_io, "history:since", {"group_id": 1, "since_id": 0}))["ok"], "a muted member reads"
    listed = await call(sam_io, "mod:sanctions", {"group_id": 1})
    assert [s["user"]["display_name"] for s in listed["sanctions"]] == ["River"]
    assert code(await call(river_io, "mod:sanctions", {"group_id": 1})) == "facilitators_only"

    unmuted = await call(sam_io, "mod:unmute", {"group_id": 1, "user_id": river_id})
    assert unmuted["ok"] and unmuted["sanctions"][0]["lifted_at"] is not None
    await river.wait_for("mod:unmuted")
    assert (await send(river_io, "thank you"))["ok"]

    # Expiry needs no job: a mute whose time has passed no longer holds.
    assert (await call(sam_io, "mod:mute", {**mute, "minutes": 1}))["ok"]
    assert code(await send(river_io, "still muted")) == "muted"
    async with server.state.sessions() as db, db.begin():
        past = server.state.rooms.clock() - dt.timedelta(seconds=1)
        await db.execute(update(Sanction).where(Sanction.lifted_at.is_(None)).values(expires_at=past))
    assert (await send(river_io, "it ran out"))["ok"]

    await heard_everything(sam_io, willow)
    assert willow.of("mod:muted") == [] and willow.of("mod:unmuted") == [], "only the member and staff are told"
    assert [e["entry"]["action"] for e in sam.of("mod:logged")][:2] == ["mute", "unmute"]


async def test_removal_and_ban_take_a_member_out_and_keep_them_out(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    sam_io, sam, joined = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    willow_io, willow, joined = await enter(live_room["willow"])
    river_id, willow_id = user_id_of(joined, "River"), user_id_of(joined, "Willow")

    assert code(await call(willow_io, "mod:remove", {"group_id": 1, "user_id": river_id, "reason": "x"})) == (
        "facilitators_only"
    )
    removed = await call(sam_io, "mod:remove", {"group_id": 1, "user_id": river_id, "reason": "Off the agreement"})
    assert removed["ok"] and removed["sanction"]["session_id"] == live_room["session"]["id"]
    told = await river.wait_for("mod:removed")
    assert told["kind"] == "removal" and told["reason"] == "Off the agreement"
    await river.wait_for("room:removed")
    await willow.wait_for("presence:update", lambda d: "River" not in {p["display_name"] for p in d["present"]})
    assert code(await send(river_io, "hello?")) == "not_in_room"
    assert code(await call(river_io, "room:join", {"group_id": 1})) == "removed_from_session"

    banned = await call(sam_io, "mod:ban", {"group_id": 1, "user_id": willow_id, "reason": "Harassment", "minutes": 60})
    assert banned["ok"] and banned["sanction"]["expires_at"] is not None
    await willow.wait_for("mod:removed", lambda d: d["kind"] == "ban" and d["until"] is not None)
    refused = await call(willow_io, "room:join", {"group_id": 1})
    assert code(refused) == "banned" and refused["error"]["until"] == banned["sanction"]["expires_at"]
    status, data = await live_room["willow"].call("PUT", "/api/groups/1/membership", {"agreement_version": 1})
    assert (status, data["error"]["code"]) == (403, "banned")

    assert code(await call(sam_io, "mod:lift", {"group_id": 1, "sanction_id": 999999})) == "sanction_not_found"
    lifted = await call(sam_io, "mod:lift", {"group_id": 1, "sanction_id": banned["sanction"]["id"]})
    assert lifted["ok"] and lifted["sanction"]["lifted_at"] is not None
    assert code(await call(sam_io, "mod:lift", {"group_id": 1, "sanction_id": banned["sanction"]["id"]})) == (
        "sanction_not_active"
    )
    assert (await call(willow_io, "room:join", {"group_id": 1}))["ok"], "the ban lifted, Willow is back"

    forever = await call(sam_io, "mod:ban", {"group_id": 1, "user_id": willow_id, "reason": "Again", "minutes": None})
    assert forever["ok"] and forever["sanction"]["expires_at"] is None
    refused = await call(willow_io, "room:join", {"group_id": 1})
    assert code(refused) == "banned" and refused["error"]["until"] is None
    # The send path refuses too (should a connection ever outlive its eviction), and so does an invitation.
    async with server.state.sessions() as db:
        with pytest.raises(DomainError) as on_send:
            await chat.do_send_message(
                db, server.state.rooms, Actor(willow_id, "Willow"), chat.SendRequest(1, client_id(), "still here?")
            )
    assert on_send.value.code == "banned" and on_send.value.detail == {"until": None}
    admin = Api(server.url)
    try:
        await admin.login("hub-admin")
        status, made = await admin.call("POST", "/api/groups/1/invitations", {})
        assert status == 201, made
    finally:
        await admin.close()
    status, data = await live_room["willow"].call(
        "POST", f"/api/invitations/{made['token']}/accept", {"agreement_version": 1}
    )
    assert (status, data["error"]["code"]) == (403, "banned")

    # A removal holds for its session only: the next session, River is back.
    status, _ = await live_room["sam"].call("POST", f"/api/sessions/{live_room['session']['id']}/end")
    assert status == 200
    await open_session(live_room["sam"])
    assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]
    assert (await send(river_io, "back again"))["ok"]
    async with server.state.sessions() as db, db.begin():
        actions = (await db.execute(select(ModerationLogEntry.action).order_by(ModerationLogEntry.id))).scalars()
        assert list(actions) == ["remove", "ban", "lift", "ban"]
    await heard_everything(sam_io, river)
    assert sam.of("mod:removed") and river.of("mod:logged") == []


async def test_slow_mode_lock_and_pin(live_room: dict[str, Any]) -> None:
    sam_io, sam, _ = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])

    assert code(await call(river_io, "mod:slow_mode", {"group_id": 1, "seconds": 30})) == "facilitators_only"
    assert code(await call(sam_io, "mod:slow_mode", {"group_id": 1, "seconds": 3601})) == "invalid_payload"
    slow = await call(sam_io, "mod:slow_mode", {"group_id": 1, "seconds": 30})
    assert slow["session"]["slow_mode_seconds"] == 30
    await river.wait_for("session:updated", lambda d: d["session"]["slow_mode_seconds"] == 30)
    first = await send(river_io, "one")
    assert first["ok"]
    refused = await send(river_io, "two")
    assert code(refused) == "slow_mode" and 0 < refused["error"]["retry_after"] <= 30
    assert (await send(sam_io, "facilitators"))["ok"] and (await send(sam_io, "are not slowed"))["ok"]
    assert (await call(sam_io, "mod:slow_mode", {"group_id": 1, "seconds": 0}))["session"]["slow_mode_seconds"] == 0
    assert (await send(river_io, "two, now"))["ok"]

    assert code(await call(river_io, "mod:lock", {"group_id": 1, "locked": True})) == "facilitators_only"
    locked = await call(sam_io, "mod:lock", {"group_id": 1, "locked": True})
    assert locked["session"]["locked"] is True
    assert code(await send(river_io, "locked?")) == "room_locked"
    assert (await send(sam_io, "only facilitators now"))["ok"]
    assert (await call(sam_io, "mod:lock", {"group_id": 1, "locked": False}))["session"]["locked"] is False
    assert (await send(river_io, "open again"))["ok"]

    assert code(await call(river_io, "mod:pin", {"group_id": 1, "message_id": first["message"]["id"]})) == (
        "facilitators_only"
    )
    pinned = await call(sam_io, "mod:pin", {"group_id": 1, "message_id": first["message"]["id"]})
    assert pinned["session"]["pinned_message_id"] == first["message"]["id"]
    await river.wait_for("session:updated", lambda d: d["session"]["pinned_message_id"] == first["message"]["id"])
    # Hiding the pinned message unpins it; a hidden message is not pinned.
    assert (await call(sam_io, "mod:hide", {"group_id": 1, "message_id": first["message"]["id"], "reason": "r"}))["ok"]
    await river.wait_for("session:updated", lambda d: d["session"]["pinned_message_id"] is None)
    assert code(await call(sam_io, "mod:pin", {"group_id": 1, "message_id": first["message"]["id"]})) == (
        "message_hidden"
    )
    assert (await call(sam_io, "mod:pin", {"group_id": 1, "message_id": None}))["session"]["pinned_message_id"] is None
    await sam.wait_for("mod:logged", lambda d: d["entry"]["action"] == "unpin")
    actions = [e["entry"]["action"] for e in sam.of("mod:logged")]
    assert actions == ["slow_mode", "slow_mode", "lock", "unlock", "pin", "hide", "unpin"]

    status, _ = await live_room["sam"].call("POST", f"/api/sessions/{live_room['session']['id']}/end")
    assert status == 200
    assert code(await call(sam_io, "mod:lock", {"group_id": 1, "locked": True})) == "session_not_live"


async def other_hub_admin(server: RunningServer, api_factory: Any) -> Api:
    root = await platform_admin(server, api_factory)
    status, data = await root.call("POST", "/api/hubs", {"name": "Hillside", "slug": "hillside"})
    assert status == 201, data
    hub_id = data["hub"]["id"]
    pseudonym, password = f"hill-{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    status, data = await root.call("POST", "/api/admin/accounts", {"pseudonym": pseudonym, "password": password})
    assert status == 201, data
    body = {"pseudonym": pseudonym, "role": "hub_admin"}
    status, data = await root.call("POST", f"/api/hubs/{hub_id}/staff", body)
    assert status == 201, data
    api: Api = await api_factory()
    await api.login(pseudonym, password)
    return api


async def test_the_moderation_log_is_read_by_the_hubs_admins_only(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    sam_io, _, _ = await enter(live_room["sam"])
    river_io, _, joined = await enter(live_room["river"])
    river_id = user_id_of(joined, "River")
    posted = (await send(river_io, "words"))["message"]
    assert (await call(sam_io, "mod:hide", {"group_id": 1, "message_id": posted["id"], "reason": "unkind"}))["ok"]
    mute = {"group_id": 1, "user_id": river_id, "minutes": 10, "reason": "cool off"}
    assert (await call(sam_io, "mod:mute", mute))["ok"]
    assert (await call(sam_io, "mod:slow_mode", {"group_id": 1, "seconds": 5}))["ok"]

    admin = await api_factory("hub-admin")
    status, data = await admin.call("GET", "/api/hubs/1/moderation-log")
    assert status == 200, data
    assert [e["action"] for e in data["entries"]] == ["slow_mode", "mute", "hide"], "newest first"
    mute_entry = data["entries"][1]
    assert mute_entry["actor"]["display_name"] == "Sam" and mute_entry["target_user"]["display_name"] == "River"
    assert mute_entry["detail"]["minutes"] == 10 and mute_entry["reason"] == "cool off"
    assert mute_entry["session_id"] == live_room["session"]["id"] and mute_entry["group_id"] == 1
    assert "words" not in json.dumps(data), "the log names a message by id, never by its text"

    status, data = await admin.call("GET", "/api/hubs/1/moderation-log?action=hide")
    assert [e["action"] for e in data["entries"]] == ["hide"]
    status, data = await admin.call("GET", f"/api/hubs/1/moderation-log?user_id={river_id}&limit=1")
    assert [e["action"] for e in data["entries"]] == ["mute"]
    status, data = await admin.call("GET", "/api/hubs/1/moderation-log?group_id=1&from=2000-01-01&to=2000-01-02")
    assert (status, data["entries"]) == (200, [])
    status, data = await admin.call("GET", "/api/hubs/1/moderation-log?action=erase")
    assert (status, data["entries"]) == (200, [])
    status, data = await admin.call("GET", "/api/hubs/1/moderation-log?action=Erase%20all")
    assert (status, data["error"]["code"]) == (400, "invalid_action")
    status, data = await admin.call("GET", "/api/hubs/1/moderation-log?from=yesterday")
    assert (status, data["error"]["code"]) == (400, "invalid_date")
    status, data = await admin.call("GET", "/api/hubs/1/moderation-log?limit=501")
    assert status == 400

    for refused in (live_room["river"], live_room["sam"], await other_hub_admin(server, api_factory)):
        status, data = await refused.call("GET", "/api/hubs/1/moderation-log")
        assert (status, data["error"]["code"]) == (403, "forbidden")
    root = await platform_admin(server, api_factory)
    status, data = await root.call("GET", "/api/hubs/1/moderation-log")
    assert status == 200 and len(data["entries"]) == 3


def test_nothing_in_the_application_updates_or_deletes_the_moderation_log() -> None:
    """Append-only in the code too, not only by the PostgreSQL trigger (which SQLite does not have). The one
    exception is retention (rooms/retention.py), which deletes entries past the hub's period, and only under the
    setting the trigger lets through (migration 0008); it never updates one."""
    pattern = re.compile(r"(update|delete)\(\s*ModerationLogEntry|(UPDATE|DELETE\s+FROM|TRUNCATE)\s+moderation_log")
    found = []
    for folder in ("rooms", "server"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue  # the migration that creates the trigger names what it refuses
            text = path.read_text(encoding="utf-8")
            hits = [m.group(0) for m in pattern.finditer(text)]
            if path == ROOT / "rooms" / "retention.py":
                assert all(hit.startswith("delete(") for hit in hits), hits
                assert "SET LOCAL alongside.retention = 'on'" in text
                continue
            found += [f"{path.relative_to(ROOT)}: {hit}" for hit in hits]
    assert found == []


async def test_a_member_sending_twice_at_once_in_slow_mode_stores_one(live_room: dict[str, Any]) -> None:
    import asyncio

    sam_io, _, _ = await enter(live_room["sam"])
    river_io, _, _ = await enter(live_room["river"])
    assert (await call(sam_io, "mod:slow_mode", {"group_id": 1, "seconds": 60}))["ok"]
    acks = await asyncio.gather(*(send(river_io, f"at once {n}", cid=client_id()) for n in range(3)))
    assert sorted(a["ok"] for a in acks) == [False, False, True], acks


async def test_observers_of_the_moderation_action_hook_see_each_action_after_commit(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    from rooms.hookspecs import ModerationAction

    seen: list[ModerationAction] = []

    async def observe(action: ModerationAction) -> None:
        seen.append(action)

    hooks = server.state.rooms.hooks
    hooks.moderation_action.register(observe, name="test observer")
    sam_io, _, _ = await enter(live_room["sam"])
    assert (await call(sam_io, "mod:lock", {"group_id": 1, "locked": True}))["ok"]
    assert code(await call(sam_io, "mod:lock", {"group_id": 1, "locked": "yes"})) == "invalid_payload"
    await hooks.moderation_action.drain()
    assert [(a.action, a.group_id, a.session_id, a.hub_id) for a in seen] == [
        ("lock", 1, live_room["session"]["id"], 1)
    ], "one notice for the action; none for a refusal"
