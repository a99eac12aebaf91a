"""After a session, over HTTP and Socket.IO on SQLite and PostgreSQL: a facilitator's debrief, supervision by
senior peers and hub admins (and nobody else), and attendance as counts only."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
from typing import Any

from tests.conftest import Api, RunningServer, open_session, platform_admin
from tests.helpers_chat import call
from tests.helpers_staff import make_trained_facilitator

DEBRIEF = {
    "how_it_went": "Quiet start, then River shared a lot.",
    "follow_up": "Check in with the newcomer next week.",
    "wellbeing": "Tired but fine.",
}


async def attended_session(sam: Api, *people: Api, end: bool = True) -> dict[str, Any]:
    """Sam opens a session of group 1; Sam and `people` really enter the room (attendance is written on
    entering); then Sam ends it."""
    session = await open_session(sam)
    sockets = [await person.socket() for person in (sam, *people)]
    try:
        for socket in sockets:
            joined = await call(socket, "room:join", {"group_id": 1})
            assert joined["ok"], joined
        if end:
            status, data = await sam.call("POST", f"/api/sessions/{session['id']}/end", {})
            assert status == 200, data
    finally:
        for socket in sockets:
            await socket.disconnect()
    return session


async def give_role(admin: Api, pseudonym: str, role: str, hub_id: int = 1) -> None:
    status, data = await admin.call("POST", f"/api/hubs/{hub_id}/staff", {"pseudonym": pseudonym, "role": role})
    assert status == 201, data


async def other_hub_admin(server: RunningServer, api_factory: Any) -> Api:
    """A signed-in admin of a second hub (made by a platform admin, as a new hub's admin is)."""
    root = await platform_admin(server, api_factory)
    status, data = await root.call("POST", "/api/hubs", {"name": "Hillside", "slug": "hillside"})
    assert status == 201, data
    hub_id = data["hub"]["id"]
    pseudonym, password = f"hill-{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    status, data = await root.call("POST", "/api/admin/accounts", {"pseudonym": pseudonym, "password": password})
    assert status == 201, data
    await give_role(root, pseudonym, "hub_admin", hub_id)
    api: Api = await api_factory()
    await api.login(pseudonym, password)
    return api


async def test_a_facilitator_writes_a_debrief_once_the_session_has_ended(api_factory: Any) -> None:
    sam, river = await api_factory("Sam"), await api_factory("River")
    running = await attended_session(sam, river, end=False)
    path = f"/api/sessions/{running['id']}/debrief"
    status, data = await sam.call("POST", path, DEBRIEF)
    assert (status, data["error"]["code"]) == (409, "session_not_ended")
    status, data = await sam.call("GET", "/api/me/debriefs/pending")
    assert (status, data) == (200, {"pending": []})  # still running: nothing to write yet

    status, data = await sam.call("POST", f"/api/sessions/{running['id']}/end", {})
    assert status == 200, data
    status, data = await sam.call("GET", "/api/me/debriefs/pending")
    assert status == 200
    assert [p["session"]["id"] for p in data["pending"]] == [running["id"]]
    assert data["pending"][0]["session"]["group_name"] == "Thursday evening circle"
    status, data = await sam.call("GET", path)
    assert status == 404

    status, data = await sam.call("POST", path, DEBRIEF)
    assert status == 201, data
    debrief = data["debrief"]
    assert {k: debrief[k] for k in DEBRIEF} == DEBRIEF
    assert debrief["author"]["pseudonym"] == "Sam" and debrief["discussed_at"] is None
    assert debrief["session"]["id"] == running["id"] and debrief["session"]["ended_at"] is not None
    assert (await sam.call("GET", "/api/me/debriefs/pending"))[1] == {"pending": []}

    status, data = await sam.call("POST", path, {"how_it_went": "Better than I first thought."})
    assert status == 200, data
    assert data["debrief"]["id"] == debrief["id"]
    assert (data["debrief"]["how_it_went"], data["debrief"]["follow_up"]) == ("Better than I first thought.", "")
    status, data = await sam.call("GET", path)
    assert status == 200 and data["debrief"]["how_it_went"] == "Better than I first thought."


async def test_a_double_submit_writes_one_debrief(api_factory: Any) -> None:
    sam = await api_factory("Sam")
    session = await attended_session(sam)
    path = f"/api/sessions/{session['id']}/debrief"
    answers = await asyncio.gather(*(sam.call("POST", path, DEBRIEF) for _ in range(2)))
    assert sorted(status for status, _ in answers) == [200, 201], answers
    assert answers[0][1]["debrief"]["id"] == answers[1][1]["debrief"]["id"]


async def test_debrief_text_is_cleaned_and_required(api_factory: Any) -> None:
    sam = await api_factory("Sam")
    session = await attended_session(sam)
    path = f"/api/sessions/{session['id']}/debrief"
    status, data = await sam.call("POST", path, {"how_it_went": ""})
    assert (status, data["error"]["code"]) == (400, "invalid_payload")
    status, data = await sam.call("POST", path, {"how_it_went": "x" * 4001})
    assert (status, data["error"]["code"]) == (400, "invalid_payload")
    status, data = await sam.call("POST", path, {"how_it_went": "It went <b>well</b><script>x()</script>"})
    assert (status, data["error"]["code"]) == (400, "markup_removed"), "refused, shown as it would read"
    assert '"It went wellx()"' in data["error"]["message"]
    status, data = await sam.call("POST", path, {"how_it_went": "It went well"})
    assert status == 201 and data["debrief"]["how_it_went"] == "It went well", data


async def test_only_facilitators_with_current_training_write_debriefs(server: RunningServer, api_factory: Any) -> None:
    sam, river, admin = await api_factory("Sam"), await api_factory("River"), await api_factory("hub-admin")
    session = await attended_session(sam, river)
    path = f"/api/sessions/{session['id']}/debrief"
    for person in (river, admin):  # a member; a hub admin who does not facilitate
        status, data = await person.call("POST", path, DEBRIEF)
        assert (status, data["error"]["code"]) == (403, "forbidden")
        assert (await person.call("GET", path))[0] == 404
    await make_trained_facilitator(server, "Willow", expires_on=dt.date.today() - dt.timedelta(days=1))
    willow = await api_factory("Willow")
    status, data = await willow.call("POST", path, DEBRIEF)
    assert (status, data["error"]["code"]) == (403, "training_not_current")
    assert (await sam.call("POST", "/api/sessions/999999/debrief", DEBRIEF))[0] == 404


async def test_senior_peers_and_hub_admins_read_debriefs_and_mark_them_discussed(
    server: RunningServer, api_factory: Any
) -> None:
    sam, river, admin = await api_factory("Sam"), await api_factory("River"), await api_factory("hub-admin")
    session = await attended_session(sam, river)
    status, data = await sam.call("POST", f"/api/sessions/{session['id']}/debrief", DEBRIEF)
    assert status == 201
    debrief_id = data["debrief"]["id"]
    await give_role(admin, "Willow", "senior_peer")
    willow = await api_factory("Willow")

    for reader in (admin, willow):
        status, data = await reader.call("GET", "/api/hubs/1/debriefs")
        assert status == 200, data
        [seen] = data["debriefs"]
        assert seen["id"] == debrief_id and seen["author"]["pseudonym"] == "Sam"
        assert {k: seen[k] for k in DEBRIEF} == DEBRIEF
        assert seen["session"]["group_id"] == 1 and seen["session"]["group_name"] == "Thursday evening circle"
        assert seen["session"]["opened_at"] and seen["session"]["ended_at"] and seen["session"]["end_reason"] is None

    status, data = await willow.call("POST", f"/api/debriefs/{debrief_id}/discussed", {})
    assert status == 200, data
    marked = data["debrief"]
    assert marked["discussed_by"]["pseudonym"] == "Willow" and marked["discussed_at"]
    status, data = await admin.call("POST", f"/api/debriefs/{debrief_id}/discussed", {})  # again: no change
    assert status == 200 and data["debrief"]["discussed_at"] == marked["discussed_at"]
    assert data["debrief"]["discussed_by"]["pseudonym"] == "Willow"

    assert (await admin.call("GET", "/api/hubs/1/debriefs?status=open"))[1] == {"debriefs": []}
    status, data = await admin.call("GET", "/api/hubs/1/debriefs?status=discussed")
    assert [d["id"] for d in data["debriefs"]] == [debrief_id]
    status, data = await admin.call("GET", "/api/hubs/1/debriefs?status=nonsense")
    assert (status, data["error"]["code"]) == (400, "invalid_status")

    status, data = await sam.call("POST", f"/api/sessions/{session['id']}/debrief", DEBRIEF)
    assert (status, data["error"]["code"]) == (409, "debrief_discussed")
    assert (await admin.call("POST", "/api/debriefs/999999/discussed", {}))[0] == 404


async def test_open_debriefs_come_first(api_factory: Any) -> None:
    sam, admin = await api_factory("Sam"), await api_factory("hub-admin")
    ids = []
    for _ in range(3):
        session = await attended_session(sam)
        status, data = await sam.call("POST", f"/api/sessions/{session['id']}/debrief", DEBRIEF)
        assert status == 201
        ids.append(data["debrief"]["id"])
    assert (await admin.call("POST", f"/api/debriefs/{ids[2]}/discussed", {}))[0] == 200
    status, data = await admin.call("GET", "/api/hubs/1/debriefs?status=all")
    assert [d["id"] for d in data["debriefs"]] == [ids[1], ids[0], ids[2]]
    assert [d["discussed_at"] is None for d in data["debriefs"]] == [True, True, False]


async def test_nobody_else_reads_or_marks_debriefs(server: RunningServer, api_factory: Any) -> None:
    sam, river = await api_factory("Sam"), await api_factory("River")
    session = await attended_session(sam, river)
    status, data = await sam.call("POST", f"/api/sessions/{session['id']}/debrief", DEBRIEF)
    debrief_id = data["debrief"]["id"]
    elsewhere = await other_hub_admin(server, api_factory)
    admin = await api_factory("hub-admin")
    await give_role(admin, "Willow", "safeguarding_lead")
    willow = await api_factory("Willow")
    # A facilitator who is not a senior peer (the author too), a member, a safeguarding lead, another hub's admin.
    for outsider in (sam, river, willow, elsewhere):
        status, data = await outsider.call("GET", "/api/hubs/1/debriefs?status=all")
        assert (status, data["error"]["code"]) == (403, "forbidden")
        status, data = await outsider.call("POST", f"/api/debriefs/{debrief_id}/discussed", {})
        assert (status, data["error"]["code"]) == (403, "forbidden")
    status, data = await admin.call("GET", "/api/hubs/1/debriefs")
    assert [d["discussed_at"] for d in data["debriefs"]] == [None]  # none of those marked it
    assert (await river.call("GET", f"/api/sessions/{session['id']}/debrief"))[0] == 404


async def test_pending_debriefs_are_the_facilitators_own_recent_sessions(
    server: RunningServer, api_factory: Any
) -> None:
    sam, river = await api_factory("Sam"), await api_factory("River")
    await attended_session(sam, river)
    assert (await river.call("GET", "/api/me/debriefs/pending"))[1] == {"pending": []}
    # Another facilitator who came to a session opened by Sam is asked too.
    await make_trained_facilitator(server, "Willow")
    willow = await api_factory("Willow")
    shared = await attended_session(sam, willow)
    status, data = await willow.call("GET", "/api/me/debriefs/pending")
    assert [p["session"]["id"] for p in data["pending"]] == [shared["id"]]
    status, data = await sam.call("GET", "/api/me/debriefs/pending")
    assert status == 200 and len(data["pending"]) == 2 and data["pending"][0]["session"]["id"] == shared["id"]


async def test_attendance_counts_who_came_never_who(api_factory: Any) -> None:
    sam, river, willow = await api_factory("Sam"), await api_factory("River"), await api_factory("Willow")
    admin = await api_factory("hub-admin")
    first = await attended_session(sam, river, willow)
    second = await attended_session(sam, river)
    status, data = await admin.call("GET", "/api/hubs/1/attendance")
    assert status == 200, data
    text = json.dumps(data)
    for pseudonym in ("River", "Willow", "Sam", "hub-admin"):
        assert pseudonym not in text
    by_id = {s["session_id"]: s for s in data["sessions"]}
    assert [s["session_id"] for s in data["sessions"]] == [second["id"], first["id"]]  # newest first
    # (the facilitators' space, whose standing session the demo hub hosts, is not one of the hub's groups)
    counts = {k: by_id[first["id"]][k] for k in ("members", "facilitators", "newcomers")}
    assert counts == {"members": 2, "facilitators": 1, "newcomers": 2}
    counts = {k: by_id[second["id"]][k] for k in ("members", "facilitators", "newcomers")}
    assert counts == {"members": 1, "facilitators": 1, "newcomers": 0}
    assert by_id[first["id"]]["group_name"] == "Thursday evening circle" and by_id[first["id"]]["ended_at"]
    assert data["time_zone"] == "Europe/London" and data["to"] >= data["from"]
    assert sum(w["sessions"] for w in data["weekly"]) == 2
    assert sum(w["members"] for w in data["weekly"]) == 3 and sum(w["newcomers"] for w in data["weekly"]) == 2

    today = dt.date.today()
    status, data = await admin.call("GET", f"/api/hubs/1/attendance?from={today + dt.timedelta(days=2)}")
    assert (status, data["sessions"], data["weekly"]) == (200, [], [])


async def test_attendance_window_and_who_may_see_it(server: RunningServer, api_factory: Any) -> None:
    sam, river, admin = await api_factory("Sam"), await api_factory("River"), await api_factory("hub-admin")
    await give_role(admin, "Willow", "senior_peer")
    willow = await api_factory("Willow")
    elsewhere = await other_hub_admin(server, api_factory)
    for outsider in (sam, river, willow, elsewhere):
        status, data = await outsider.call("GET", "/api/hubs/1/attendance")
        assert (status, data["error"]["code"]) == (403, "forbidden")
    refused = {
        "from=2026-01-01&to=2027-01-02": "window_too_long",
        "from=2026-02-01&to=2026-01-31": "invalid_date",
        "from=2026-13-01": "invalid_date",
        "to=yesterday": "invalid_date",
        "from=9999-12-31": "invalid_date",
    }
    for query, code in refused.items():
        status, data = await admin.call("GET", f"/api/hubs/1/attendance?{query}")
        assert (status, data["error"]["code"]) == (400, code), query
    status, data = await admin.call("GET", "/api/hubs/1/attendance?from=2026-01-01&to=2026-12-31")
    assert (status, data["from"], data["to"]) == (200, "2026-01-01", "2026-12-31")
    assert (await admin.call("GET", "/api/hubs/999999/attendance"))[0] == 404
