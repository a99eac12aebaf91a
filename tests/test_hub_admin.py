"""Running a hub over REST: its settings, crisis lines (public too), staff roles and training records, the
platform admin's accounts, and that one hub's admin has no say in another hub."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import Api, RunningServer, open_session, platform_admin
from tests.helpers_auth import FakeClock
from tests.helpers_chat import NS, Inbox, call

PEER_HUB_KEYS = {"id", "slug", "name", "locality", "time_zone"}
SETTINGS_KEYS = PEER_HUB_KEYS | {"about", "country", "pause_grace_minutes", "require_two_factor"}
SAMARITANS = {"name": "Samaritans", "phone": "116 123", "sms": "", "web": "", "hours": "24 hours, every day"}


def today(server: RunningServer) -> dt.date:
    return server.state.rooms.clock().date()


def days(server: RunningServer, n: int) -> str:
    return (today(server) + dt.timedelta(days=n)).isoformat()


async def record_training(admin: Api, server: RunningServer, who: str, *, completed: int, expires: int) -> Any:
    """Record a course for `who`, completed and expiring this many days from today."""
    body = {"pseudonym": who, "course": "Peer facilitation", "completed_on": days(server, completed)}
    status, data = await admin.call("POST", "/api/hubs/1/training", {**body, "expires_on": days(server, expires)})
    assert status == 201, data
    return data["training"]


async def staff_entry(admin: Api, pseudonym: str) -> Any:
    status, data = await admin.call("GET", "/api/hubs/1/staff")
    assert status == 200, data
    return next(s for s in data["staff"] if s["pseudonym"] == pseudonym)


def code(data: Any) -> str:
    return str(data["error"]["code"])


# Hub settings


async def test_admins_read_and_change_every_setting(api_factory: Any) -> None:
    admin, river = await api_factory("hub-admin"), await api_factory("River")
    status, data = await admin.call("GET", "/api/hubs/1")
    assert status == 200 and set(data["hub"]) == SETTINGS_KEYS
    assert data["hub"]["time_zone"] == "Europe/London" and data["hub"]["country"] == "GB"
    assert data["hub"]["about"].startswith("Riverside is a peer support hub")
    assert (await admin.call("GET", "/api/hubs/1/settings"))[1] == data, "the older address answers the same"
    change = {
        "name": "Riverside Hub",
        "locality": "Riverside and Hillside",
        "about": "Peer support.\nNot a crisis service.",
        "time_zone": "Europe/Dublin",
        "country": "IE",
        "pause_grace_minutes": 10,
    }
    status, data = await admin.call("PATCH", "/api/hubs/1", {**change, "about": "<b>Peer</b> support."})
    assert (status, data["error"]["code"]) == (400, "markup_removed"), "markup is refused, shown cleaned"
    status, data = await admin.call("PATCH", "/api/hubs/1", change)
    assert status == 200, data
    assert data["hub"] == {**data["hub"], **change}
    assert (await admin.call("PATCH", "/api/hubs/1", {"pause_grace_minutes": 60}))[1]["hub"]["name"] == "Riverside Hub"
    status, data = await river.call("GET", "/api/groups/1")
    assert data["group"]["hub"] == {
        "id": 1,
        "slug": "riverside",
        "name": "Riverside Hub",
        "locality": "Riverside and Hillside",
        "time_zone": "Europe/Dublin",
    }, "peers see the hub small"
    status, data = await river.call("GET", "/api/hubs")
    assert status == 200 and all(set(hub) == PEER_HUB_KEYS for hub in data["hubs"])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "invalid_time_zone"),
        ({"time_zone": "../../etc/passwd"}, "invalid_time_zone"),
        ({"time_zone": "europe/london"}, "invalid_time_zone"),
        ({"country": "gb"}, "invalid_payload"),
        ({"country": "GBR"}, "invalid_payload"),
        ({"pause_grace_minutes": 0}, "invalid_payload"),
        ({"pause_grace_minutes": 61}, "invalid_payload"),
        ({"about": "x" * 2001}, "invalid_payload"),
        ({"name": "<b></b>"}, "invalid_payload"),
        ({"about": "bell \x07"}, "invalid_payload"),
        ({}, "invalid_payload"),
        ({"slug": "new-slug"}, "invalid_payload"),
    ],
)
async def test_bad_settings_are_refused_and_change_nothing(api_factory: Any, body: Any, expected: str) -> None:
    admin = await api_factory("hub-admin")
    before = (await admin.call("GET", "/api/hubs/1"))[1]
    status, data = await admin.call("PATCH", "/api/hubs/1", body)
    assert (status, code(data)) == (400, expected), data
    assert (await admin.call("GET", "/api/hubs/1"))[1] == before


@pytest.mark.parametrize("who", ["River", "Sam"])
async def test_only_admins_see_or_change_settings(api_factory: Any, who: str) -> None:
    api = await api_factory(who)
    for method, body in (("GET", None), ("PATCH", {"time_zone": "Mars/Base"}), ("PATCH", {"name": "Mine"})):
        status, data = await api.call(method, "/api/hubs/1", body)
        assert (status, code(data)) == (403, "forbidden"), "refused before the body is looked at"
    assert (await api.call("GET", "/api/hubs/1/settings"))[0] == 403
    assert (await api.call("GET", "/api/hubs/99"))[0] == 404


# Crisis lines


async def test_everyone_signed_in_sees_the_demo_hubs_crisis_lines(api_factory: Any) -> None:
    river = await api_factory("River")
    status, data = await river.call("GET", "/api/hubs/1/crisis-lines")
    assert status == 200 and data["hub_id"] == 1
    by_name = {line["name"]: line for line in data["lines"]}
    assert by_name["Samaritans"]["phone"] == "116 123" and "24 hours" in by_name["Samaritans"]["hours"]
    assert by_name["Shout"]["sms"] == "Text SHOUT to 85258"
    nhs = next(line for name, line in by_name.items() if name.startswith("NHS 111"))
    assert nhs["phone"] == "111" and "option 2" in nhs["hours"]
    assert (await river.call("GET", "/api/hubs/99/crisis-lines"))[0] == 404
    assert (await (await api_factory()).call("GET", "/api/hubs/1/crisis-lines"))[0] == 401


async def test_an_admin_replaces_the_ordered_list(api_factory: Any) -> None:
    admin, river = await api_factory("hub-admin"), await api_factory("River")
    lines = [
        {"name": "Local crisis team", "phone": "+44 20 7946 0000", "hours": "Weekdays 9-5"},
        {"name": "Web only", "web": "https://example.org/help?from=alongside#now"},
        {"name": "Text line", "sms": "Text HELLO to 12345"},
        SAMARITANS,
    ]
    status, data = await admin.call("PUT", "/api/hubs/1/crisis-lines", {"lines": lines})
    assert status == 200, data
    expected = [{"phone": "", "sms": "", "web": "", "hours": "", **line} for line in lines]
    assert data == {"hub_id": 1, "lines": expected}
    assert (await river.call("GET", "/api/hubs/1/crisis-lines"))[1]["lines"] == expected
    assert (await admin.call("PUT", "/api/hubs/1/crisis-lines", {"lines": [SAMARITANS] * 12}))[0] == 200
    status, data = await admin.call("PUT", "/api/hubs/1/crisis-lines", {"lines": []})
    assert status == 200 and data["lines"] == []


@pytest.mark.parametrize(
    "web",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "http://example.org",
        "data:text/html,<script>alert(1)</script>",
        "https://",
        "https:///path",
        "https://user:secret@example.org",
        "https://example.org\\@evil.example",
        "https://exa mple.org",
        "https://localhost",
        "ftp://example.org",
        "//example.org",
    ],
)
async def test_a_web_address_must_be_https_with_a_host(api_factory: Any, web: str) -> None:
    admin = await api_factory("hub-admin")
    status, data = await admin.call("PUT", "/api/hubs/1/crisis-lines", {"lines": [{"name": "X", "web": web}]})
    assert (status, code(data)) == (400, "invalid_url"), data
    assert "samaritans" in str((await admin.call("GET", "/api/hubs/1/crisis-lines"))[1]).lower(), "unchanged"


@pytest.mark.parametrize(
    "lines",
    [
        [{"name": "No way to reach them"}],
        [{"name": "Letters", "phone": "call me"}],
        [{"name": "Just dashes", "phone": "- -"}],
        [{"name": "", "phone": "111"}],
        [{"name": "x" * 121, "phone": "111"}],
        [{"name": "Bell\x07", "phone": "111"}],
        [{"name": "Two\nlines", "phone": "111"}],
        [{"name": "Long text", "sms": "x" * 121}],
        [{"name": "Extra", "phone": "111", "email": "a@b.c"}],
        [SAMARITANS] * 13,
    ],
)
async def test_bad_crisis_lines_are_refused(api_factory: Any, lines: Any) -> None:
    admin = await api_factory("hub-admin")
    status, data = await admin.call("PUT", "/api/hubs/1/crisis-lines", {"lines": lines})
    assert (status, code(data)) == (400, "invalid_payload"), data


@pytest.mark.parametrize("who", ["River", "Sam"])
async def test_only_admins_change_crisis_lines(api_factory: Any, who: str) -> None:
    api = await api_factory(who)
    status, data = await api.call("PUT", "/api/hubs/1/crisis-lines", {"lines": [SAMARITANS]})
    assert (status, code(data)) == (403, "forbidden")
    status, data = await api.call("PUT", "/api/hubs/1/crisis-lines", {"lines": [{"name": "X", "web": "javascript:x"}]})
    assert (status, code(data)) == (403, "forbidden"), "who is asking is checked before the lines"


async def test_country_defaults_name_their_sources(api_factory: Any) -> None:
    river = await api_factory("River")
    status, data = await river.call("GET", "/api/crisis-line-defaults/GB")
    assert status == 200 and data["country"] == "GB" and dt.date.fromisoformat(data["checked_on"])
    assert {line["name"] for line in data["lines"]} >= {"Samaritans", "Shout"}
    assert all(line["source"].startswith("https://") for line in data["lines"])
    status, data = await river.call("GET", "/api/crisis-line-defaults/IE")
    assert status == 200 and any(line["phone"] == "1800 247 247" for line in data["lines"])
    for country in ("FR", "gb", "XX"):
        status, data = await river.call("GET", f"/api/crisis-line-defaults/{country}")
        assert (status, code(data)) == (404, "not_found")


async def test_the_public_list_shows_hubs_and_help_but_nothing_private(api_factory: Any) -> None:
    visitor = await api_factory()
    status, data = await visitor.call("GET", "/api/public/hubs")
    assert status == 200 and len(data["hubs"]) == 1
    hub = data["hubs"][0]
    assert set(hub) == {"id", "slug", "name", "locality", "about", "time_zone", "crisis_lines"}
    assert (
        hub["slug"] == "riverside" and hub["about"] and any(line["phone"] == "116 123" for line in hub["crisis_lines"])
    )
    text = str(data)
    for private in ("require_two_factor", "pause_grace", "staff", "hub-admin", "'Sam'", "'River'", "'Willow'"):
        assert private not in text, private


# Platform admin: hubs and accounts


async def test_a_new_hub_starts_with_its_countrys_crisis_lines(server: RunningServer, api_factory: Any) -> None:
    root = await platform_admin(server, api_factory)
    body = {"name": "Liffey Hub", "slug": "liffey", "country": "IE", "time_zone": "Europe/Dublin", "about": "Hi"}
    status, data = await root.call("POST", "/api/hubs", body)
    assert status == 201 and set(data["hub"]) == SETTINGS_KEYS and data["hub"]["country"] == "IE"
    lines = (await root.call("GET", f"/api/hubs/{data['hub']['id']}/crisis-lines"))[1]["lines"]
    assert {line["name"] for line in lines} >= {"Samaritans Ireland", "Pieta"}
    status, data = await root.call("POST", "/api/hubs", {"name": "Seine", "slug": "seine", "country": "FR"})
    assert status == 201 and data["hub"]["time_zone"] == "Europe/London", "the default zone"
    assert (await root.call("GET", f"/api/hubs/{data['hub']['id']}/crisis-lines"))[1]["lines"] == []
    status, data = await root.call("POST", "/api/hubs", {"name": "Nowhere", "slug": "nowhere", "time_zone": "Nowhere"})
    assert (status, code(data)) == (400, "invalid_time_zone")


async def test_a_platform_admin_makes_a_hub_admin_account(server: RunningServer, api_factory: Any) -> None:
    root = await platform_admin(server, api_factory)
    status, data = await root.call("POST", "/api/hubs", {"name": "Hillside Hub", "slug": "hillside"})
    hub_id = data["hub"]["id"]
    account = {"pseudonym": "Hill Admin", "password": "a quiet lantern by the weir"}
    status, data = await root.call("POST", "/api/admin/accounts", account)
    assert status == 201 and data["account"]["pseudonym"] == "Hill Admin"
    status, data = await root.call("POST", "/api/admin/accounts", account)
    assert (status, code(data)) == (409, "pseudonym_taken")
    status, data = await root.call("POST", "/api/admin/accounts", {"pseudonym": "Weak One", "password": "password123"})
    assert (status, code(data)) == (400, "weak_password")
    status, _ = await root.call("POST", f"/api/hubs/{hub_id}/staff", {"pseudonym": "Hill Admin", "role": "hub_admin"})
    assert status == 201
    hill = await api_factory()
    await hill.login("Hill Admin", account["password"])
    assert (await hill.call("GET", f"/api/hubs/{hub_id}"))[0] == 200
    assert (await hill.call("GET", "/api/hubs/1"))[0] == 403


@pytest.mark.parametrize("who", ["hub-admin", "River"])
async def test_only_platform_admins_make_accounts(api_factory: Any, who: str) -> None:
    api = await api_factory(who)
    body = {"pseudonym": "Someone New", "password": "password123"}
    status, data = await api.call("POST", "/api/admin/accounts", body)
    assert (status, code(data)) == (403, "forbidden"), "refused before the (weak) password is judged"


# Staff and training


async def test_staff_list_shows_roles_and_training_standing(server: RunningServer, api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    status, data = await admin.call("GET", "/api/hubs/1/staff")
    assert status == 200
    people = {s["pseudonym"]: s for s in data["staff"]}
    assert people["hub-admin"]["roles"] == ["hub_admin"] and people["hub-admin"]["training"] is None
    sam = people["Sam"]
    assert sam["roles"] == ["facilitator"] and sam["training"]["status"] == "current"
    assert sam["training"]["current"]["course"] == "Peer facilitator training"
    for role in ("hub_admin", "senior_peer", "facilitator", "safeguarding_lead", "facilitator"):
        status, data = await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": "Willow", "role": role})
        assert status == 201, data
    assert data["staff"]["roles"] == ["facilitator", "senior_peer", "safeguarding_lead", "hub_admin"], "in order, once"
    assert data["staff"]["training"] == {"status": "none", "current": None}


@pytest.mark.parametrize(
    ("expires", "status"), [(30, "expiring_soon"), (31, "current"), (0, "expiring_soon"), (-1, "expired")]
)
async def test_training_status_by_days_left(server: RunningServer, api_factory: Any, expires: int, status: str) -> None:
    admin = await api_factory("hub-admin")
    await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": "Willow", "role": "facilitator"})
    record = await record_training(admin, server, "Willow", completed=-400, expires=expires)
    assert (record["status"], record["days_left"]) == (status, expires)
    training = (await staff_entry(admin, "Willow"))["training"]
    assert training["status"] == status
    assert training["current"] == (None if status == "expired" else record)
    willow = await api_factory("Willow")
    status_code, data = await willow.call("GET", "/api/me/training")
    assert status_code == 200 and data["training"] == [record] and record["hub_name"] == "Riverside Peer Support Hub"


async def test_the_latest_record_to_expire_is_the_one_that_counts(server: RunningServer, api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": "Willow", "role": "facilitator"})
    await record_training(admin, server, "Willow", completed=-800, expires=-10)
    later = await record_training(admin, server, "Willow", completed=-5, expires=700)
    await record_training(admin, server, "Willow", completed=-100, expires=20)
    training = (await staff_entry(admin, "Willow"))["training"]
    assert training == {"status": "current", "current": later}
    status, data = await admin.call("GET", "/api/hubs/1/training")
    assert status == 200 and [r["status"] for r in data["training"] if r["pseudonym"] == "Willow"] == [
        "current",
        "expiring_soon",
        "expired",
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"completed_on": "+1", "expires_on": "+400"}, "completed_on must not be in the future."),
        ({"completed_on": "-1", "expires_on": "-1"}, "expires_on must be after completed_on."),
        ({"completed_on": "-1", "expires_on": "-2"}, "expires_on must be after completed_on."),
        ({"completed_on": "-1", "expires_on": "+1", "course": ""}, "course must be at least 1"),
        ({"completed_on": "-1", "expires_on": "+1", "course": "x" * 121}, "course must be at most 120"),
        ({"completed_on": "yesterday", "expires_on": "+1"}, "completed_on must be a date"),
    ],
)
async def test_bad_training_records_are_refused(
    server: RunningServer, api_factory: Any, body: dict[str, str], expected: str
) -> None:
    admin = await api_factory("hub-admin")
    dated = {k: days(server, int(v)) if v[:1] in "+-" else v for k, v in body.items() if k != "course"}
    full = {"pseudonym": "Willow", "course": body.get("course", "Peer facilitation"), **dated}
    status, data = await admin.call("POST", "/api/hubs/1/training", full)
    assert (status, code(data)) == (400, "invalid_payload") and data["error"]["message"].startswith(expected), data


async def test_training_for_nobody_is_not_found(server: RunningServer, api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    body = {"pseudonym": "Nobody Here", "course": "C", "completed_on": days(server, -1), "expires_on": days(server, 9)}
    status, data = await admin.call("POST", "/api/hubs/1/training", body)
    assert (status, code(data)) == (404, "not_found")


async def test_senior_peers_read_but_do_not_change(server: RunningServer, api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": "Willow", "role": "senior_peer"})
    sam_record = (await admin.call("GET", "/api/hubs/1/training"))[1]["training"][0]
    willow = await api_factory("Willow")
    assert (await willow.call("GET", "/api/hubs/1/staff"))[0] == 200
    status, data = await willow.call("GET", "/api/hubs/1/training")
    assert status == 200 and data["training"] == [sam_record]
    body = {"pseudonym": "River", "course": "C", "completed_on": days(server, -1), "expires_on": days(server, 9)}
    refused = [
        ("POST", "/api/hubs/1/staff", {"pseudonym": "River", "role": "facilitator"}),
        ("POST", "/api/hubs/1/training", body),
        ("DELETE", f"/api/hubs/1/training/{sam_record['id']}", None),
        ("DELETE", f"/api/hubs/1/staff/{sam_record['user_id']}/facilitator", None),
        ("GET", "/api/hubs/1", None),
    ]
    for method, path, payload in refused:
        status, data = await willow.call(method, path, payload)
        assert (status, code(data)) == (403, "forbidden"), (method, path)


@pytest.mark.parametrize("who", ["River", "Sam"])
async def test_peers_and_facilitators_see_no_staff_or_training(api_factory: Any, who: str) -> None:
    api = await api_factory(who)
    for path in ("/api/hubs/1/staff", "/api/hubs/1/training"):
        status, data = await api.call("GET", path)
        assert (status, code(data)) == (403, "forbidden")
    status, data = await api.call("GET", "/api/me/training")
    assert status == 200 and all(r["pseudonym"] == who for r in data["training"])


async def test_removing_roles(server: RunningServer, api_factory: Any) -> None:
    admin, sam = await api_factory("hub-admin"), await api_factory("Sam")
    sam_id = (await staff_entry(admin, "Sam"))["user_id"]
    admin_id = (await staff_entry(admin, "hub-admin"))["user_id"]
    for path in (f"/api/hubs/1/staff/{sam_id}/king", f"/api/hubs/1/staff/{sam_id}/hub_admin"):
        status, data = await admin.call("DELETE", path)
        assert (status, code(data)) == (404, "not_found"), path
    assert (await admin.call("DELETE", f"/api/hubs/1/staff/{sam_id}/facilitator"))[0] == 204
    assert (await admin.call("DELETE", f"/api/hubs/1/staff/{sam_id}/facilitator"))[0] == 404
    status, data = await sam.call("POST", "/api/groups/1/sessions", {})
    assert (status, code(data)) == (403, "forbidden"), "no longer a facilitator"
    assert all(s["pseudonym"] != "Sam" for s in (await admin.call("GET", "/api/hubs/1/staff"))[1]["staff"])

    status, data = await admin.call("DELETE", f"/api/hubs/1/staff/{admin_id}/hub_admin")
    assert (status, code(data)) == (409, "last_admin"), "a hub keeps an admin"
    await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": "Willow", "role": "hub_admin"})
    assert (await admin.call("DELETE", f"/api/hubs/1/staff/{admin_id}/hub_admin"))[0] == 204
    assert (await admin.call("GET", "/api/hubs/1"))[0] == 403, "stepped down"
    willow = await api_factory("Willow")
    willow_id = (await staff_entry(willow, "Willow"))["user_id"]
    status, data = await willow.call("DELETE", f"/api/hubs/1/staff/{willow_id}/hub_admin")
    assert (status, code(data)) == (409, "last_admin")
    root = await platform_admin(server, api_factory)
    assert (await root.call("DELETE", f"/api/hubs/1/staff/{willow_id}/hub_admin"))[0] == 204, "a platform admin may"


async def open_room(api: Api, group_id: int = 1) -> tuple[Any, Inbox, dict[str, Any]]:
    io = await api.socket()
    inbox = Inbox(io)
    io.on("room:removed", inbox._recorder("room:removed"), namespace=NS)
    joined = await call(io, "room:join", {"group_id": group_id})
    return io, inbox, joined


async def test_losing_the_role_or_the_training_takes_a_facilitator_out_of_the_room(
    server: RunningServer, api_factory: Any
) -> None:
    admin, sam = await api_factory("hub-admin"), await api_factory("Sam")
    await open_session(sam)
    _, inbox, joined = await open_room(sam)
    assert joined["ok"] and joined["role"] == "facilitator"
    record = (await staff_entry(admin, "Sam"))["training"]["current"]
    sam_id = record["user_id"]
    assert (await admin.call("DELETE", f"/api/hubs/1/training/{record['id']}"))[0] == 204
    assert (await inbox.wait_for("room:removed")) == {"group_id": 1}
    status, data = await sam.call("POST", "/api/groups/2/sessions", {})
    assert (status, code(data)) == (403, "training_not_current")
    assert (await admin.call("DELETE", f"/api/hubs/1/training/{record['id']}"))[0] == 404

    await record_training(admin, server, "Sam", completed=-1, expires=300)
    _, inbox, joined = await open_room(sam)
    assert joined["ok"] and joined["role"] == "facilitator"
    assert (await admin.call("DELETE", f"/api/hubs/1/staff/{sam_id}/facilitator"))[0] == 204
    assert (await inbox.wait_for("room:removed")) == {"group_id": 1}
    refused = await call(await sam.socket(), "room:join", {"group_id": 1})
    assert refused["ok"] is False and refused["error"]["code"] == "not_member"


async def test_a_member_who_stops_facilitating_stays_as_a_member(server: RunningServer, api_factory: Any) -> None:
    admin, river = await api_factory("hub-admin"), await api_factory("River")
    _, data = await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": "Willow", "role": "facilitator"})
    willow_id = data["staff"]["user_id"]
    await record_training(admin, server, "Willow", completed=-1, expires=300)
    willow = await api_factory("Willow")
    _, willow_inbox, joined = await open_room(willow)
    assert joined["ok"] and joined["role"] == "facilitator"
    _, river_inbox, _ = await open_room(river)
    assert (await admin.call("DELETE", f"/api/hubs/1/staff/{willow_id}/facilitator"))[0] == 204

    def willow_is(role: str) -> Any:
        return lambda d: any(p["display_name"] == "Willow" and p["role"] == role for p in d["present"])

    await river_inbox.wait_for("presence:update", willow_is("member"))
    assert willow_inbox.of("room:removed") == [], "a member still"


async def test_expired_training_stops_facilitation(server: RunningServer, api_factory: Any) -> None:
    """Training that expired yesterday: no sessions opened, and the room entered as a member or not at all."""
    admin = await api_factory("hub-admin")
    newcomer = await api_factory()
    signup = {"pseudonym": "New Helper", "password": "a quiet lantern by the weir"}
    assert (await newcomer.call("POST", "/api/auth/signup", signup))[0] == 201
    for who in ("Willow", "New Helper"):
        await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": who, "role": "facilitator"})
        record = await record_training(admin, server, who, completed=-366, expires=-1)
        assert record["status"] == "expired" and record["days_left"] == -1
    willow = await api_factory("Willow")
    for api in (willow, newcomer):
        status, data = await api.call("POST", "/api/groups/1/sessions", {})
        assert (status, code(data)) == (403, "training_not_current")
    _, _, joined = await open_room(willow)
    assert joined["ok"] and joined["role"] == "member", "a member still, not a facilitator"
    _, _, refused = await open_room(newcomer)
    assert refused["ok"] is False and refused["error"]["code"] == "not_member"
    await record_training(admin, server, "New Helper", completed=-1, expires=0)
    status, _ = await newcomer.call("POST", "/api/groups/1/sessions", {})
    assert status == 201, "training whose last day is today still counts"


async def test_training_stops_counting_the_day_after_its_last_day(server: RunningServer, api_factory: Any) -> None:
    """With the server's clock moved on a day, training whose last day was yesterday no longer counts."""
    clock = FakeClock(server)
    admin = await api_factory("hub-admin")
    await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": "Willow", "role": "facilitator"})
    await record_training(admin, server, "Willow", completed=-10, expires=0)
    willow = await api_factory("Willow")
    _, _, joined = await open_room(willow)
    assert joined["role"] == "facilitator"
    clock.advance(24 * 3600)
    willow = await api_factory("Willow")  # signed in afresh: a day idle ends a sign-in
    status, data = await willow.call("POST", "/api/groups/1/sessions", {})
    assert (status, code(data)) == (403, "training_not_current")
    _, _, joined = await open_room(willow)
    assert joined["ok"] and joined["role"] == "member"
    status, data = await willow.call("GET", "/api/me/training")
    assert [(r["status"], r["days_left"]) for r in data["training"]] == [("expired", -1)]


# One hub's admin has no say in another hub


async def hub_b(server: RunningServer, api_factory: Any) -> dict[str, Any]:
    """A second hub, made by a platform admin, with a facilitator and a training record of its own."""
    root = await platform_admin(server, api_factory)
    status, data = await root.call("POST", "/api/hubs", {"name": "Hillside Hub", "slug": "hillside"})
    assert status == 201
    hub_id = data["hub"]["id"]
    status, data = await root.call("POST", f"/api/hubs/{hub_id}/staff", {"pseudonym": "River", "role": "facilitator"})
    assert status == 201
    body = {"pseudonym": "River", "course": "C", "completed_on": days(server, -1), "expires_on": days(server, 99)}
    status, record = await root.call("POST", f"/api/hubs/{hub_id}/training", body)
    assert status == 201
    return {"hub": hub_id, "user": data["staff"]["user_id"], "record": record["training"]["id"]}


CROSS_HUB = [
    ("GET", "/api/hubs/{hub}", None),
    ("GET", "/api/hubs/{hub}/settings", None),
    ("PATCH", "/api/hubs/{hub}", {"name": "Taken over"}),
    ("PUT", "/api/hubs/{hub}/crisis-lines", {"lines": [SAMARITANS]}),
    ("GET", "/api/hubs/{hub}/staff", None),
    ("POST", "/api/hubs/{hub}/staff", {"pseudonym": "Willow", "role": "hub_admin"}),
    ("DELETE", "/api/hubs/{hub}/staff/{user}/facilitator", None),
    (
        "POST",
        "/api/hubs/{hub}/training",
        {"pseudonym": "Willow", "course": "C", "completed_on": "2026-01-01", "expires_on": "2999-01-01"},
    ),
    ("GET", "/api/hubs/{hub}/training", None),
    ("DELETE", "/api/hubs/{hub}/training/{record}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), CROSS_HUB)
async def test_a_hub_admin_has_no_say_in_another_hub(
    server: RunningServer, api_factory: Any, method: str, path: str, body: Any
) -> None:
    other = await hub_b(server, api_factory)
    admin = await api_factory("hub-admin")
    status, data = await admin.call(method, path.format(**other), body)
    assert (status, code(data)) == (403, "forbidden"), data
    root = await platform_admin(server, api_factory)
    staff = (await root.call("GET", f"/api/hubs/{other['hub']}/staff"))[1]["staff"]
    assert [(s["pseudonym"], s["roles"]) for s in staff] == [("River", ["facilitator"])], "nothing changed"
    settings = (await root.call("GET", f"/api/hubs/{other['hub']}"))[1]["hub"]
    assert settings["name"] == "Hillside Hub"
    assert len((await root.call("GET", f"/api/hubs/{other['hub']}/training"))[1]["training"]) == 1
    lines = (await root.call("GET", f"/api/hubs/{other['hub']}/crisis-lines"))[1]["lines"]
    assert SAMARITANS not in lines
    assert (await admin.call("DELETE", f"/api/hubs/1/training/{other['record']}"))[0] == 404, "not this hub's"


# Country defaults files


GOOD_FILE = """checked_on = 2026-11-23
[[lines]]
name = "Samaritans"
phone = "116 123"
source = "https://www.samaritans.org/"
"""


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("GB.toml", "checked_on = 2026-11-23\nlines = [", "GB.toml"),
        ("GB.toml", GOOD_FILE.replace('source = "https://www.samaritans.org/"\n', ""), "source"),
        ("GB.toml", GOOD_FILE.replace('phone = "116 123"', 'web = "javascript:alert(1)"'), "https://"),
        ("GB.toml", GOOD_FILE.replace("https://www.samaritans.org/", "http://samaritans.org"), "source"),
        ("GB.toml", GOOD_FILE.replace('phone = "116 123"\n', ""), "phone number, a way to text"),
        ("GB.toml", GOOD_FILE.replace("checked_on = 2026-11-23\n", ""), "checked_on"),
        ("GB.toml", GOOD_FILE + "colour = 1\n", "colour"),
        ("gb.toml", GOOD_FILE, "ISO 3166-1"),
    ],
)
def test_a_bad_defaults_file_stops_the_start_naming_it(tmp_path: Any, name: str, text: str, problem: str) -> None:
    from server.crisis_defaults import CrisisDefaultsError, load_crisis_defaults

    (tmp_path / "IE.toml").write_text(GOOD_FILE)
    (tmp_path / name).write_text(text)
    with pytest.raises(CrisisDefaultsError) as refused:
        load_crisis_defaults(tmp_path)
    assert name in str(refused.value) and problem in str(refused.value)


def test_the_shipped_defaults_load() -> None:
    from server.crisis_defaults import load_crisis_defaults

    defaults = load_crisis_defaults()
    assert set(defaults) >= {"GB", "IE"}
    gb = {line.name: line for line in defaults["GB"].lines}
    assert gb["Samaritans"].phone == "116 123" and "85258" in gb["Shout"].sms
    assert any(name.startswith("NHS 111") and line.phone == "111" for name, line in gb.items())
    ie = {line.name: line for line in defaults["IE"].lines}
    assert ie["Pieta"].phone == "1800 247 247" and ie["Samaritans Ireland"].phone == "116 123"
