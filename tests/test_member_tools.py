"""Members' own tools over real connections: reporting a message or a member (to the facilitators at once, and
the hub's queue), hiding a message several members reported while nobody is on duty, blocking, muted words and
content notes. The reported member never hears of a report; the reporter is told when it is dealt with."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select

from rooms.models import Hub, Message, ModerationLogEntry, Report
from rooms.reports import AUTO_HIDDEN_REASON
from server.settings import PROJECT_ROOT
from tests.conftest import Api, RunningServer, client_id
from tests.helpers_chat import Inbox, call, enter_hearing, send
from tests.helpers_staff import make_trained_facilitator

TOOL_EVENTS = ("report:new", "report:resolved", "message:hidden")
STRONG = "a quiet lantern by the weir"


async def enter(api: Any, group_id: int = 1) -> tuple[Any, Inbox, dict[str, Any]]:
    return await enter_hearing(api, TOOL_EVENTS, group_id)


async def newcomer(api_factory: Any, group_id: int | None = 1) -> tuple[Api, int]:
    """A new account, a member of the group (agreement accepted) unless group_id is None."""
    api: Api = await api_factory()
    pseudonym = f"Member {secrets.token_hex(3)}"
    status, data = await api.call("POST", "/api/auth/signup", {"pseudonym": pseudonym, "password": STRONG})
    assert status == 201, data
    user_id = int(data["user"]["id"])
    if group_id is not None:
        status, data = await api.call("PUT", f"/api/groups/{group_id}/membership", {"agreement_version": 1})
        assert status == 200, data
    return api, user_id


async def user_id_of(api: Api) -> int:
    status, data = await api.call("GET", "/api/me")
    assert status == 200, data
    return int(data["user"]["id"])


def report(group_id: int = 1, **fields: Any) -> dict[str, Any]:
    return {"group_id": group_id, "category": "harassment", **fields}


async def test_a_report_reaches_the_facilitators_and_never_the_reported_member(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    sam_io, sam, _ = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    willow_io, willow, _ = await enter(live_room["willow"])
    said = await send(willow_io, "you are all pathetic")

    made = await call(river_io, "report:create", report(message_id=said["message"]["id"], note="Unkind to everyone"))
    assert made["ok"] and made["already_reported"] is False, made
    mine = made["report"]
    assert mine["status"] == "open" and mine["message_id"] == said["message"]["id"] and mine["outcome"] is None
    assert mine["reported"]["display_name"] == "Willow"

    told = await sam.wait_for("report:new", lambda d: d["report"]["id"] == mine["id"])
    seen = told["report"]
    assert seen["message"]["body"] == "you are all pathetic" and seen["category"] == "harassment"
    assert seen["note"] == "Unkind to everyone" and seen["reported"]["display_name"] == "Willow"
    assert seen["reporter"]["display_name"] == "River", "staff see who reported"

    again = await call(river_io, "report:create", report(message_id=said["message"]["id"], category="spam"))
    assert again["ok"] and again["already_reported"] is True and again["report"]["id"] == mine["id"]

    status, queue = await live_room["sam"].call("GET", "/api/hubs/1/reports")
    assert status == 200, queue
    assert [r["id"] for r in queue["reports"]] == [mine["id"]] and queue["reports"][0]["auto_hidden"] is False

    status, resolved = await live_room["sam"].call(
        "POST", f"/api/reports/{mine['id']}/resolve", {"outcome": "We spoke with them about the agreement."}
    )
    assert status == 200, resolved
    assert resolved["report"]["status"] == "resolved" and resolved["report"]["resolved_by"]["display_name"] == "Sam"
    done = await river.wait_for("report:resolved", lambda d: d["report_id"] == mine["id"])
    assert done == {"report_id": mine["id"], "outcome": "We spoke with them about the agreement."}

    status, listed = await live_room["river"].call("GET", "/api/me/reports")
    assert status == 200 and listed["reports"][0]["status"] == "resolved", listed
    assert listed["reports"][0]["outcome"] == "We spoke with them about the agreement."
    assert "resolved_by" not in listed["reports"][0] and "reporter" not in listed["reports"][0]
    status, hers = await live_room["willow"].call("GET", "/api/me/reports")
    assert status == 200 and hers["reports"] == []
    status, resolved_queue = await live_room["sam"].call("GET", "/api/hubs/1/reports?status=resolved")
    assert [r["id"] for r in resolved_queue["reports"]] == [mine["id"]]

    # Sentinel: once Willow hears this, anything for her came first; she heard nothing of the report.
    last = await send(sam_io, "let's carry on")
    await willow.wait_for("message:new", lambda d: d["message"]["id"] == last["message"]["id"])
    await river.wait_for("message:new", lambda d: d["message"]["id"] == last["message"]["id"])
    for name in TOOL_EVENTS:
        assert willow.of(name) == [], f"the reported member heard {name}"
    assert river.of("report:new") == [], "members never hear the staff's report events"


async def test_a_facilitator_who_is_reported_never_hears_of_it(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    await make_trained_facilitator(server, "hub-admin")  # a co-facilitator on duty
    async with server.state.sessions() as db, db.begin():
        hub = await db.get(Hub, 1)
        assert hub is not None
        hub.report_threshold = 1  # one report would hide a member's message
    admin = await api_factory("hub-admin")
    sam_io, sam, _ = await enter(live_room["sam"])
    _, co, _ = await enter(admin)
    river_io, _, _ = await enter(live_room["river"])
    said = await send(sam_io, "hurry up and get to the point")
    made = await call(river_io, "report:create", report(message_id=said["message"]["id"], category="other"))
    assert made["ok"], made
    await co.wait_for("report:new", lambda d: d["report"]["id"] == made["report"]["id"])
    async with server.state.sessions() as db, db.begin():
        stored = await db.get(Message, (1, said["message"]["id"]))
        assert stored is not None and stored.hidden_at is None, "members cannot outvote a facilitator"
    status, queue = await live_room["sam"].call("GET", "/api/hubs/1/reports")
    assert status == 200 and queue["reports"] == [], "a report about you is not in your queue"
    report_id = made["report"]["id"]
    status, data = await live_room["sam"].call("POST", f"/api/reports/{report_id}/resolve", {"outcome": "Fine."})
    assert status == 403 and data["error"]["code"] == "forbidden", "nor do you resolve it"
    status, queue = await admin.call("GET", "/api/hubs/1/reports")
    assert [r["id"] for r in queue["reports"]] == [report_id]
    status, data = await admin.call("POST", f"/api/reports/{report_id}/resolve", {"outcome": "Talked."})
    assert status == 200, data

    last = await send(river_io, "sentinel")
    await sam.wait_for("message:new", lambda d: d["message"]["id"] == last["message"]["id"])
    assert sam.of("report:new") == [] and sam.of("report:resolved") == []


async def test_reporting_a_member_and_the_refusals(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    river_io, _, _ = await enter(live_room["river"])
    willow_io, _, _ = await enter(live_room["willow"])
    willow_id = await user_id_of(live_room["willow"])
    river_id = await user_id_of(live_room["river"])

    about = await call(river_io, "report:create", report(user_id=willow_id, category="personal_details"))
    assert about["ok"] and about["report"]["message_id"] is None, about
    assert about["report"]["reported"] == {"id": willow_id, "display_name": "Willow"}
    twice = await call(river_io, "report:create", report(user_id=willow_id, category="personal_details"))
    assert twice["already_reported"] is True and twice["report"]["id"] == about["report"]["id"]

    mine = await send(river_io, "my own words")
    stranger, stranger_id = await newcomer(api_factory, group_id=None)
    refusals = {
        "invalid_category": report(user_id=willow_id, category="rude"),
        "invalid_payload": report(user_id=willow_id, message_id=1),
        "not_found": report(message_id=999_999),
        "cannot_report_self": report(message_id=mine["message"]["id"]),
        "note_too_long": report(user_id=willow_id, category="other", note="x" * 1001),
        "control_characters": report(user_id=willow_id, category="other", note="hi\x1b[2J"),
    }
    for code, payload in refusals.items():
        refused = await call(river_io, "report:create", payload)
        assert refused["ok"] is False and refused["error"]["code"] == code, (code, refused)
    refused = await call(river_io, "report:create", report(user_id=stranger_id))
    assert refused["error"]["code"] == "not_found", "nobody outside the group can be reported (no probing ids)"
    refused = await call(river_io, "report:create", report(user_id=river_id))
    assert refused["error"]["code"] == "cannot_report_self"
    outside = await call(river_io, "report:create", report(group_id=2, user_id=willow_id))
    assert outside["error"]["code"] == "not_in_room"

    # The queue and resolving: the hub's facilitators and admins only.
    assert (await live_room["river"].call("GET", "/api/hubs/1/reports"))[0] == 403
    assert (await stranger.call("GET", "/api/hubs/1/reports"))[0] == 403
    status, data = await live_room["sam"].call("GET", "/api/hubs/1/reports?status=everything")
    assert status == 400 and data["error"]["code"] == "invalid_status"
    report_id = about["report"]["id"]
    status, data = await live_room["river"].call("POST", f"/api/reports/{report_id}/resolve", {"outcome": "Done."})
    assert status == 403, data
    status, data = await live_room["sam"].call("POST", "/api/reports/999999/resolve", {"outcome": "Done."})
    assert status == 404 and data["error"]["code"] == "not_found"
    status, data = await live_room["sam"].call("POST", f"/api/reports/{report_id}/resolve", {"outcome": "<b></b>"})
    assert status == 400, "an outcome empty once markup is removed"
    assert (await live_room["sam"].call("POST", f"/api/reports/{report_id}/resolve", {"outcome": "Done."}))[0] == 200
    status, data = await live_room["sam"].call("POST", f"/api/reports/{report_id}/resolve", {"outcome": "Again."})
    assert status == 409 and data["error"]["code"] == "already_resolved"
    await willow_io.disconnect()


async def test_three_reports_hide_a_message_with_nobody_on_duty(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    """Sam opened the session over the API and never entered the room: no facilitator is connected."""
    willow_io, _, _ = await enter(live_room["willow"])
    doxxing = {"group_id": 1, "client_id": client_id(), "body": "here is where they live: 12 Elm Street"}
    said = await call(willow_io, "message:send", {**doxxing, "confirm_personal_details": True})  # she insists
    message_id = said["message"]["id"]
    second, _ = await newcomer(api_factory)
    third, _ = await newcomer(api_factory)
    reporters = [live_room["river"], second, third]
    sockets = [await enter(api) for api in reporters]

    for index, (client, _, _) in enumerate(sockets):
        made = await call(client, "report:create", report(message_id=message_id, category="personal_details"))
        assert made["ok"], made
        if index == 1:
            async with server.state.sessions() as db, db.begin():
                stored = await db.get(Message, (1, message_id))
                assert stored is not None and stored.hidden_at is None, "two reports do not hide it"
    for _, inbox, _ in sockets:
        await inbox.wait_for("message:hidden", lambda d: d == {"group_id": 1, "message_id": message_id, "hidden": True})
    async with server.state.sessions() as db, db.begin():
        stored = await db.get(Message, (1, message_id))
        assert stored is not None and stored.hidden_at is not None
        assert stored.hidden_by is None and stored.hidden_reason == AUTO_HIDDEN_REASON
        logged = (await db.execute(select(ModerationLogEntry).where(ModerationLogEntry.action == "hide"))).scalars()
        assert [(e.actor_id, e.target_message_id) for e in logged] == [(None, message_id)]

    admin = await api_factory("hub-admin")
    status, queue = await admin.call("GET", "/api/hubs/1/reports")
    assert status == 200, queue
    assert len(queue["reports"]) == 3 and all(r["auto_hidden"] for r in queue["reports"])
    assert queue["reports"][0]["message"]["hidden"] is True

    first_id = queue["reports"][0]["id"]
    status, data = await admin.call(
        "POST", f"/api/reports/{first_id}/resolve", {"outcome": "Removed the address; shown again.", "unhide": True}
    )
    assert status == 200, data
    assert data["report"]["auto_hidden"] is False and data["report"]["message"]["hidden"] is False
    for _, inbox, _ in sockets:
        shown = await inbox.wait_for("message:hidden", lambda d: d["message_id"] == message_id and d["hidden"] is False)
        assert shown["message"]["body"] == "here is where they live: 12 Elm Street", "it comes back whole"
    for api, (_, inbox, _) in zip(reporters, sockets, strict=True):
        await inbox.wait_for("report:resolved", lambda d: d["outcome"] == "Removed the address; shown again.")
        status, mine = await api.call("GET", "/api/me/reports")
        assert [r["status"] for r in mine["reports"]] == ["resolved"], "one decision resolves every report of it"
    status, still_open = await admin.call("GET", "/api/hubs/1/reports")
    assert still_open["reports"] == []


async def test_blocking_marks_history_for_the_blocker_only(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    river = live_room["river"]
    willow_io, _, _ = await enter(live_room["willow"])
    willow_id = await user_id_of(live_room["willow"])
    said = await send(willow_io, "a message from Willow")

    status, data = await river.call("POST", "/api/me/blocks", {"user_id": willow_id})
    assert status == 201 and data["blocked"]["pseudonym"] == "Willow", data
    assert (await river.call("POST", "/api/me/blocks", {"user_id": willow_id}))[0] == 200, "again: no change"
    status, listed = await river.call("GET", "/api/me/blocks")
    assert [b["pseudonym"] for b in listed["blocked"]] == ["Willow"]

    river_io, _, joined = await enter(river)
    assert joined["blocked_user_ids"] == [willow_id]
    marked = {m["id"]: m for m in joined["messages"]}[said["message"]["id"]]
    assert marked["blocked_author"] is True and marked["body"] == "a message from Willow", "the body is still sent"
    page = await call(river_io, "history:since", {"group_id": 1, "since_id": 0})
    assert [m["blocked_author"] for m in page["messages"]] == [True]
    page = await call(river_io, "history:before", {"group_id": 1, "before_id": said["message"]["id"] + 1})
    assert [m["blocked_author"] for m in page["messages"]] == [True]

    # Willow is never told: her lists and her view are unchanged.
    _, _, hers = await enter(live_room["willow"])
    assert hers["blocked_user_ids"] == [] and all(m["blocked_author"] is False for m in hers["messages"])
    assert (await live_room["willow"].call("GET", "/api/me/blocks"))[1]["blocked"] == []

    river_id = await user_id_of(river)
    status, data = await river.call("POST", "/api/me/blocks", {"user_id": river_id})
    assert status == 400 and data["error"]["code"] == "cannot_block_self"
    _, stranger_id = await newcomer(api_factory, group_id=None)
    status, data = await river.call("POST", "/api/me/blocks", {"user_id": stranger_id})
    assert status == 404 and data["error"]["code"] == "not_found", "only people met in a group can be blocked"

    assert (await river.call("DELETE", f"/api/me/blocks/{willow_id}"))[0] == 204
    assert (await river.call("DELETE", f"/api/me/blocks/{willow_id}"))[0] == 204, "unblocking again: no change"
    again = await call(river_io, "room:join", {"group_id": 1})
    assert again["blocked_user_ids"] == [] and all(m["blocked_author"] is False for m in again["messages"])


async def test_muted_words_are_kept_normalised_and_come_with_the_join(live_room: dict[str, Any]) -> None:
    river = live_room["river"]
    words = ["Straße", " SPOILER ", "spoiler", "\uff21\uff22\uff23"]  # the last in full-width letters
    status, data = await river.call("PUT", "/api/me/muted-words", {"words": words})
    assert status == 200, data
    assert data["words"] == ["abc", "spoiler", "strasse"]
    assert (await river.call("GET", "/api/me/muted-words"))[1] == {"words": ["abc", "spoiler", "strasse"]}
    _, _, joined = await enter(river)
    assert joined["muted_words"] == ["abc", "spoiler", "strasse"]

    status, data = await river.call("PUT", "/api/me/muted-words", {"words": [f"w{i}" for i in range(51)]})
    assert status == 400 and data["error"]["code"] == "invalid_payload", "at most 50"
    status, data = await river.call("PUT", "/api/me/muted-words", {"words": ["   "]})
    assert status == 400 and data["error"]["code"] == "invalid_word"
    status, data = await river.call("PUT", "/api/me/muted-words", {"words": ["\ufb03" * 100]})
    assert status == 400 and data["error"]["code"] == "invalid_word", "over 100 once normalised"
    status, data = await river.call("PUT", "/api/me/muted-words", {"words": ["bad\u0007word"]})
    assert status == 400, data
    assert (await river.call("GET", "/api/me/muted-words"))[1]["words"] == ["abc", "spoiler", "strasse"]
    assert (await river.call("PUT", "/api/me/muted-words", {"words": []}))[1] == {"words": []}


async def test_a_content_note_travels_with_the_message(live_room: dict[str, Any]) -> None:
    river_io, _, _ = await enter(live_room["river"])
    willow_io, willow, _ = await enter(live_room["willow"])
    payload = {"group_id": 1, "client_id": client_id(), "body": "what happened last week", "content_note": "loss"}
    sent = await call(river_io, "message:send", payload)
    assert sent["ok"] and sent["message"]["content_note"] == "loss", sent
    heard = await willow.wait_for("message:new", lambda d: d["message"]["id"] == sent["message"]["id"])
    assert heard["message"]["content_note"] == "loss"
    plain = await send(river_io, "no note here")
    assert plain["message"]["content_note"] is None
    joined = await call(willow_io, "room:join", {"group_id": 1})
    notes = {m["id"]: m["content_note"] for m in joined["messages"]}
    assert notes == {sent["message"]["id"]: "loss", plain["message"]["id"]: None}

    refusals: dict[str, list[Any]] = {
        "invalid_content_note": ["x" * 121, 42],
        "control_characters": ["two\nlines", "bell\u0007"],
    }
    for code, notes_sent in refusals.items():
        for note in notes_sent:
            bad = {"group_id": 1, "client_id": client_id(), "body": "hello", "content_note": note}
            refused = await call(river_io, "message:send", bad)
            assert refused["ok"] is False and refused["error"]["code"] == code, (note, refused)


def hostile_samples() -> list[str]:
    lines = (PROJECT_ROOT / "tests" / "data" / "xss" / "payloads.txt").read_text().splitlines()
    usable = [line for line in lines if line and line == line.strip() and not any(ord(c) < 32 for c in line)]
    short = [line for line in usable if len(line) <= 120]
    return short[:: max(1, len(short) // 8)][:8]  # eight, spread over the file (within the flood limit)


async def test_notes_are_stored_as_the_plain_text_sent(live_room: dict[str, Any], server: RunningServer) -> None:
    """Markup in a report note or a content note is kept as written, to be shown as text, never as HTML."""
    sam_io, sam, _ = await enter(live_room["sam"])
    river_io, _, _ = await enter(live_room["river"])
    willow_io, _, _ = await enter(live_room["willow"])
    samples = hostile_samples()
    assert len(samples) == 8
    for hostile in samples:
        sent = await call(
            willow_io, "message:send", {"group_id": 1, "client_id": client_id(), "body": "hi", "content_note": hostile}
        )
        assert sent["ok"] and sent["message"]["content_note"] == hostile, (hostile, sent)
        made = await call(river_io, "report:create", report(message_id=sent["message"]["id"], note=hostile))
        assert made["ok"] and made["report"]["note"] == hostile, (hostile, made)
        told = await sam.wait_for("report:new", lambda d, i=made["report"]["id"]: d["report"]["id"] == i)
        assert told["report"]["note"] == hostile and told["report"]["message"]["content_note"] == hostile
    async with server.state.sessions() as db, db.begin():
        stored_notes = (await db.execute(select(Report.note).order_by(Report.id))).scalars().all()
        stored_content = (
            (
                await db.execute(
                    select(Message.content_note).where(Message.content_note.is_not(None)).order_by(Message.id)
                )
            )
            .scalars()
            .all()
        )
    assert list(stored_notes) == samples and list(stored_content) == samples
    await sam_io.disconnect()
