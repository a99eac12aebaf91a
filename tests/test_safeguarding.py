"""Safeguarding concerns over loopback: raised by members, facilitators and risk detection; written before
they are announced; delivered to the facilitators and the hub's safeguarding leads' console; worked by the
leads (acknowledge, start, note, resolve); the ladder; break-glass with its audit."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select, text

from rooms.models import Message
from rooms.safeguarding_models import Concern, ConcernMessage, OutboxRow
from server.app import NAMESPACE
from tests.conftest import Database, RunningServer
from tests.helpers_auth import FakeClock
from tests.helpers_chat import call, send
from tests.helpers_presence import counting
from tests.helpers_safeguarding import FakeDetector, concern_count, enter, make_lead, open_console, wait_for_rows


async def test_help_now_reaches_the_leads_console_and_the_facilitators_and_the_lead_acknowledges(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    lead = await api_factory()
    await make_lead(server, lead)
    _console_io, console, joined = await open_console(lead)
    assert joined["concerns"] == []
    sam_io, sam = await enter(live_room["sam"])
    river_io, river = await enter(live_room["river"])
    willow_io, willow = await enter(live_room["willow"])

    ack = await call(river_io, "concern:help", {"group_id": 1})
    assert ack["ok"] and ack["concern"]["tier"] == "imminent", ack
    assert ack["crisis_lines"], "the member is shown the hub's crisis lines at once"
    concern_id = ack["concern"]["id"]

    new = await console.wait_for("concern:new", lambda d: d["concern"]["id"] == concern_id)
    assert new["concern"]["subject"]["pseudonym"] == "River" and new["concern"]["state"] == "raised"
    assert new["concern"]["seconds_left"] is not None
    await sam.wait_for("concern:new", lambda d: d["concern"]["id"] == concern_id)

    again = await call(river_io, "concern:help", {"group_id": 1})
    assert again["concern"]["id"] == concern_id, "pressing again adds to the open concern"
    assert await concern_count(server) == 1

    status, data = await lead.call("GET", "/api/hubs/1/concerns")
    assert status == 200 and [c["id"] for c in data["concerns"]] == [concern_id]
    status, detail = await lead.call("GET", f"/api/concerns/{concern_id}")
    assert status == 200, detail
    assert [e["kind"] for e in detail["timeline"]] == ["raised", "pressed_again"]
    assert detail["crisis_lines"] and detail["concern"]["raised_by"]["pseudonym"] == "River"

    status, data = await lead.call("POST", f"/api/concerns/{concern_id}/acknowledge", {})
    assert status == 200 and data["concern"]["state"] == "acknowledged", data
    await console.wait_for("concern:updated", lambda d: d["concern"]["state"] == "acknowledged")
    status, data = await lead.call("POST", f"/api/concerns/{concern_id}/acknowledge", {})
    assert status == 409 and data["error"]["code"] == "concern_acknowledged"
    assert (await lead.call("POST", f"/api/concerns/{concern_id}/start", {}))[1]["concern"]["state"] == "in_progress"
    assert (await lead.call("POST", f"/api/concerns/{concern_id}/notes", {"note": "Called River; safe."}))[0] == 200
    status, data = await lead.call("POST", f"/api/concerns/{concern_id}/resolve", {"outcome": "Safe plan agreed."})
    assert (
        status == 200 and data["concern"]["state"] == "resolved" and data["concern"]["outcome"] == "Safe plan agreed."
    )
    status, data = await lead.call("GET", "/api/hubs/1/concerns")
    assert data["concerns"] == [], "resolved concerns leave the open list"

    # Members never hear concerns, nor see the leads' routes.
    done = await send(sam_io, "sentinel")
    await willow.wait_for("message:new", lambda d: d["message"]["id"] == done["message"]["id"])
    assert willow.of("concern:new") == [] and river.of("concern:new") == []
    assert (await live_room["willow"].call("GET", "/api/hubs/1/concerns"))[0] == 403
    assert (await live_room["willow"].call("GET", f"/api/concerns/{concern_id}"))[0] == 404
    refused = await call(willow_io, "console:join", {"hub_id": 1})
    assert not refused["ok"] and refused["error"]["code"] == "forbidden"
    rows = await outbox_states(server)
    assert rows == {("socket", "facilitators"): "delivered", ("socket", "leads"): "delivered"}


async def outbox_states(server: RunningServer) -> dict[tuple[str, str], str]:
    async with server.state.sessions() as db, db.begin():
        rows = (await db.execute(select(OutboxRow))).scalars()
        return {(r.channel, r.target): r.state for r in rows}


async def test_a_concern_is_written_with_its_deliveries_before_anything_is_announced(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    lead = await api_factory()
    await make_lead(server, lead)
    _, console, _ = await open_console(lead)
    river_io, _ = await enter(live_room["river"])
    await send(river_io, "I don't know who else to tell")
    seen: list[tuple[int, int, int]] = []
    sio = server.state.sio
    original = sio.emit

    async def checking_emit(event: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:
        if event == "concern:new":
            # A separate connection sees only what is committed.
            async with server.state.readers() as db, db.begin():
                concern_id = data["concern"]["id"]
                concerns = len((await db.execute(select(Concern).where(Concern.id == concern_id))).all())
                rows = len((await db.execute(select(OutboxRow).where(OutboxRow.concern_id == concern_id))).all())
                kept = len(
                    (await db.execute(select(ConcernMessage).where(ConcernMessage.concern_id == concern_id))).all()
                )
            seen.append((concerns, rows, kept))
        return await original(event, data, *args, **kwargs)

    sio.emit = checking_emit
    try:
        ack = await call(river_io, "concern:help", {"group_id": 1})
        await console.wait_for("concern:new", lambda d: d["concern"]["id"] == ack["concern"]["id"])
    finally:
        sio.emit = original
    assert seen and all(s[0] == 1 and s[1] >= 2 and s[2] >= 1 for s in seen), seen


async def test_a_high_risk_message_is_delivered_and_the_author_offered_support_and_a_concern_raised(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    server.state.rooms.hooks.risk_detectors.register(FakeDetector(), name="fake")
    lead = await api_factory()
    await make_lead(server, lead)
    _, console, _ = await open_console(lead)
    sam_io, sam = await enter(live_room["sam"])
    river_io, river = await enter(live_room["river"])
    _willow_io, willow = await enter(live_room["willow"])

    sent = await send(river_io, "I feel hopeless")
    mid = sent["message"]["id"]
    offer = await river.wait_for("support:offer")
    assert offer["group_id"] == 1 and offer["crisis_lines"] and offer["talk_to_facilitator"] is True
    risk = await sam.wait_for("message:risk", lambda d: d["message_id"] == mid)
    assert risk["tier"] == "concern" and "hopelessness" in [m["construct"] for m in risk["matches"]]

    sent = await send(river_io, "I have a PLAN for tonight")
    assert sent["ok"], "a distressed message is never refused"
    mid = sent["message"]["id"]
    await willow.wait_for("message:new", lambda d: d["message"]["id"] == mid)  # never hidden or held
    risk = await sam.wait_for("message:risk", lambda d: d["message_id"] == mid)
    assert risk["tier"] == "imminent" and "A plan with a time." in risk["explanation"]
    new = await console.wait_for("concern:new", lambda d: d["concern"]["source"] == "detector")
    assert new["concern"]["tier"] == "imminent" and new["concern"]["subject"]["pseudonym"] == "River"
    _status, detail = await lead.call("GET", f"/api/concerns/{new['concern']['id']}")
    triggering = [m for m in detail["messages"] if m["triggering"]]
    assert [m["id"] for m in triggering] == [mid] and triggering[0]["kept"]
    assert [m["body"] for m in detail["messages"]][-2:] == ["I feel hopeless", "I have a PLAN for tonight"]

    done = await send(sam_io, "sentinel")
    await willow.wait_for("message:new", lambda d: d["message"]["id"] == done["message"]["id"])
    assert willow.of("support:offer") == [] and willow.of("message:risk") == [], "others never hear either"
    assert river.of("message:risk") == []
    async with server.state.sessions() as db, db.begin():
        stored = await db.get(Message, (1, mid))
        assert stored is not None and stored.hidden_at is None and stored.held_reason is None


async def test_the_kept_messages_outlive_the_room(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    server.state.rooms.hooks.risk_detectors.register(FakeDetector(), name="fake")
    river_io, _ = await enter(live_room["river"])
    sent = await send(river_io, "A PLAN, tonight")
    rows = await wait_for_rows(server, lambda rows: len(rows) > 0, what="a concern's deliveries")
    concern_id = rows[0].concern_id
    async with server.state.sessions() as db, db.begin():
        await db.execute(text("DELETE FROM messages WHERE group_id = 1"))  # the room's retention ran
    lead = await api_factory()
    await make_lead(server, lead)
    status, detail = await lead.call("GET", f"/api/concerns/{concern_id}")
    assert status == 200 and [m["id"] for m in detail["messages"] if m["triggering"]] == [sent["message"]["id"]]
    assert detail["messages"][-1]["body"] == "A PLAN, tonight"


async def test_the_ladder_climbs_when_nobody_acknowledges(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    clock = FakeClock(server)
    lead = await api_factory()
    await make_lead(server, lead)
    _, console, _ = await open_console(lead)
    river_io, _ = await enter(live_room["river"])
    ack = await call(river_io, "concern:help", {"group_id": 1})
    concern_id = ack["concern"]["id"]
    await console.wait_for("concern:new", lambda d: d["concern"]["id"] == concern_id)

    clock.advance(31)  # past the imminent tier's 30 seconds
    first = await console.wait_for("concern:escalated", lambda d: d["level"] == 1)
    assert first["concern"]["escalation_level"] == 1
    clock.advance(31)
    second = await console.wait_for("concern:escalated", lambda d: d["level"] == 2)
    assert second["concern"]["escalation_level"] == 2
    clock.advance(600)
    status, detail = await lead.call("GET", f"/api/concerns/{concern_id}")
    assert [e["kind"] for e in detail["timeline"]].count("escalated") == 2, "the top rung is climbed once"
    assert detail["concern"]["seconds_left"] < 0, "leads see the clock past its deadline"
    keys = [r.idempotency_key for r in await wait_for_rows(server, lambda rows: True)]
    assert len(keys) == len(set(keys)) and any("-l2-" in k for k in keys)

    status, data = await lead.call("POST", f"/api/concerns/{concern_id}/acknowledge", {})
    assert status == 200 and data["concern"]["seconds_left"] is None


async def test_the_ladder_stops_once_acknowledged(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    clock = FakeClock(server)
    river_io, _ = await enter(live_room["river"])
    _sam_io, sam = await enter(live_room["sam"])
    ack = await call(river_io, "concern:help", {"group_id": 1})
    concern_id = ack["concern"]["id"]
    await sam.wait_for("concern:new")
    status, _data = await live_room["sam"].call(
        "POST", f"/api/concerns/{concern_id}/acknowledge", {"note": "With River"}
    )
    assert status == 200, "the session's facilitator (the first rung) may acknowledge"
    clock.advance(120)
    # A sentinel: the dispatcher checks deadlines before it delivers, so once Willow's concern arrives, the
    # acknowledged one has been looked at with the clock moved on.
    willow_io, _ = await enter(live_room["willow"])
    sentinel = await call(willow_io, "concern:help", {"group_id": 1})
    await sam.wait_for("concern:new", lambda d: d["concern"]["id"] == sentinel["concern"]["id"])
    async with server.state.sessions() as db, db.begin():
        concern = await db.get(Concern, concern_id)
        assert concern is not None and concern.escalation_level == 0


async def test_worried_and_facilitator_concerns(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    lead = await api_factory()
    await make_lead(server, lead)
    _, console, _ = await open_console(lead)
    sam_io, _ = await enter(live_room["sam"])
    river_io, _ = await enter(live_room["river"])
    willow_io, _willow = await enter(live_room["willow"])
    status, me = await live_room["river"].call("GET", "/api/me")
    river_id = me["user"]["id"]
    sent = await send(river_io, "nobody would notice if I was gone")

    worried = await call(
        willow_io, "concern:worried", {"group_id": 1, "user_id": river_id, "message_id": sent["message"]["id"]}
    )
    assert worried["ok"], worried
    new = await console.wait_for("concern:new", lambda d: d["concern"]["source"] == "worried")
    assert new["concern"]["tier"] == "high" and new["concern"]["subject"]["user_id"] == river_id
    self_worry = await call(river_io, "concern:worried", {"group_id": 1, "user_id": river_id})
    assert not self_worry["ok"] and self_worry["error"]["code"] == "invalid_payload"

    refused = await call(willow_io, "concern:raise", {"group_id": 1, "user_id": river_id})
    assert not refused["ok"] and refused["error"]["code"] == "forbidden", "only facilitators raise"
    raised = await call(
        sam_io, "concern:raise", {"group_id": 1, "user_id": river_id, "tier": "concern", "note": "Quiet"}
    )
    assert raised["ok"] and raised["concern"]["tier"] == "concern"
    bad = await call(sam_io, "concern:raise", {"group_id": 1, "user_id": river_id, "tier": "urgent"})
    assert not bad["ok"] and bad["error"]["code"] == "invalid_payload"

    status, data = await lead.call("GET", "/api/hubs/1/concerns")
    assert status == 200 and [c["tier"] for c in data["concerns"]] == ["high", "concern"], "most urgent first"
    _status, detail = await lead.call("GET", f"/api/concerns/{data['concerns'][1]['id']}")
    assert [c["id"] for c in detail["other_open_concerns"]] == [data["concerns"][0]["id"]]
    assert detail["concern"]["raised_by"]["pseudonym"] == "Sam"


async def test_break_glass_reveals_contact_only_with_a_reason_and_the_audit_is_read_only(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any, database: Database
) -> None:
    lead = await api_factory()
    await make_lead(server, lead)
    river_io, _ = await enter(live_room["river"])
    concern_id = (await call(river_io, "concern:help", {"group_id": 1}))["concern"]["id"]

    status, _data = await lead.call("POST", f"/api/concerns/{concern_id}/reveal-contact", {"reason": ""})
    assert status == 400
    # Anyone but a lead gets the same 404 whether the concern exists or not: ids cannot be probed.
    absent = await live_room["sam"].call(
        "POST", f"/api/concerns/{concern_id + 1000}/reveal-contact", {"reason": "just curious about this"}
    )
    assert absent[0] == 404
    for outsider in ("sam", "willow"):
        refused = await live_room[outsider].call(
            "POST", f"/api/concerns/{concern_id}/reveal-contact", {"reason": "just curious about this"}
        )
        assert refused == absent
    reason = "Imminent risk; the member stopped answering in the room."
    status, contact = await lead.call("POST", f"/api/concerns/{concern_id}/reveal-contact", {"reason": reason})
    assert status == 200 and contact["pseudonym"] == "River", contact

    admin = await api_factory("hub-admin")
    status, log = await admin.call("GET", "/api/hubs/1/break-glass-log")
    assert status == 200 and [(e["concern_id"], e["reason"], e["actor"]["pseudonym"]) for e in log["entries"]] == [
        (concern_id, reason, "Heron Lead")
    ]
    assert (await lead.call("GET", "/api/hubs/1/break-glass-log"))[0] == 403, "hub admins read it"
    status, detail = await lead.call("GET", f"/api/concerns/{concern_id}")
    assert "contact_revealed" in [e["kind"] for e in detail["timeline"]]
    if database.backend == "postgresql":
        for statement in (
            "UPDATE break_glass_log SET reason = 'x'",
            "DELETE FROM break_glass_log",
            "UPDATE concern_events SET note = 'x'",
            "DELETE FROM concern_events",
        ):
            with pytest.raises(Exception, match="append-only"):
                async with server.state.sessions() as db, db.begin():
                    await db.execute(text(statement))


async def test_a_lead_whose_role_is_removed_stops_hearing_the_console(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    former, current = await api_factory(), await api_factory()
    await make_lead(server, former, "Heron Lead")
    await make_lead(server, current, "Egret Lead")
    _, former_console, _ = await open_console(former)
    _, current_console, _ = await open_console(current)
    admin = await api_factory("hub-admin")
    status, me = await former.call("GET", "/api/me")
    status, _ = await admin.call("DELETE", f"/api/hubs/1/staff/{me['user']['id']}/safeguarding_lead")
    assert status in (200, 204)
    with counting(server.state.engine, this_task_only=True) as counted:
        await server.app[NAMESPACE].sweep_console_rights()
    assert counted.of("SELECT", "hub_staff") == 1, "one query for every open console, not one each"

    river_io, _ = await enter(live_room["river"])
    ack = await call(river_io, "concern:help", {"group_id": 1})
    await current_console.wait_for("concern:new", lambda d: d["concern"]["id"] == ack["concern"]["id"])
    assert former_console.of("concern:new") == [], "the former lead's console no longer hears concerns"
    assert (await former.call("GET", "/api/hubs/1/concerns"))[0] == 403


async def test_facilitators_acknowledge_and_note_but_only_leads_start_and_resolve(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    river_io, _ = await enter(live_room["river"])
    concern_id = (await call(river_io, "concern:help", {"group_id": 1}))["concern"]["id"]
    sam = live_room["sam"]
    assert (await sam.call("POST", f"/api/concerns/{concern_id}/notes", {"note": "Talking with River now."}))[0] == 200
    assert (await sam.call("POST", f"/api/concerns/{concern_id}/start", {}))[0] == 404
    assert (await sam.call("POST", f"/api/concerns/{concern_id}/resolve", {"outcome": "fine"}))[0] == 404
    assert (await sam.call("GET", f"/api/concerns/{concern_id}"))[0] == 404, "the record is the leads'"
    assert (await live_room["willow"].call("POST", f"/api/concerns/{concern_id}/acknowledge", {}))[0] == 404
    status, data = await sam.call("POST", f"/api/concerns/{concern_id}/acknowledge", {})
    assert status == 200 and data["concern"]["state"] == "acknowledged"


async def test_presses_at_once_raise_one_alert(live_room: dict[str, Any], server: RunningServer) -> None:
    """A double tap, or the button pressed on a phone and a laptop at once: one alert, the rest added to it."""
    phone, _ = await enter(live_room["river"])
    laptop, _ = await enter(live_room["river"])
    acks = await asyncio.gather(*(call(io, "concern:help", {"group_id": 1}) for io in (phone, laptop) * 4))
    assert all(ack["ok"] for ack in acks), acks
    assert len({ack["concern"]["id"] for ack in acks}) == 1
    assert await concern_count(server) == 1
