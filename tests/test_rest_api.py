"""The REST API over real HTTP: the happy paths and every endpoint's refusals."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, open_session

OTHER_HUB = {"name": "Hillside Hub", "slug": "hillside", "locality": "Hillside"}


async def test_signup_login_logout_and_me(api_factory: Any) -> None:
    api: Api = await api_factory()
    status, data = await api.call(
        "POST", "/api/auth/signup", {"pseudonym": "Quiet Fox", "password": "correct horse battery"}
    )
    assert status == 201 and data["user"]["pseudonym"] == "Quiet Fox" and data["user"]["email"] is None
    cookie = next(c for c in api.http.cookie_jar if c.key == "alongside_session")
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    status, data = await api.call("GET", "/api/me")
    assert status == 200 and data["user"]["pseudonym"] == "Quiet Fox" and data["user"]["staff"] == []
    assert (await api.call("POST", "/api/auth/logout"))[0] == 204
    assert (await api.call("GET", "/api/me"))[0] == 401
    await api.login("quiet fox", "correct horse battery")  # pseudonyms are case-insensitive at sign-in
    assert (await api.call("GET", "/api/me"))[0] == 200


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"pseudonym": "ab", "password": "long enough pass"}, "invalid_payload"),
        ({"pseudonym": "<script>", "password": "long enough pass"}, "invalid_payload"),
        ({"pseudonym": "Okay Name", "password": "short"}, "invalid_payload"),
        ({"pseudonym": "Okay Name", "password": "long enough pass", "email": "not an email"}, "invalid_payload"),
        ({"pseudonym": "river", "password": "long enough pass"}, "pseudonym_taken"),
        ({"pseudonym": "S\u0430m", "password": "long enough pass"}, "invalid_payload"),  # mixed alphabets
        ({"pseudonym": "\u0405\u0430\u043c", "password": "long enough pass"}, "pseudonym_taken"),  # all Cyrillic
        ({"pseudonym": "\uff33\uff41\uff4d", "password": "long enough pass"}, "pseudonym_taken"),  # full-width
        ({"pseudonym": "S_a m", "password": "long enough pass"}, "pseudonym_taken"),
        ({"pseudonym": "Wi11ow", "password": "long enough pass"}, "pseudonym_taken"),
        ({"password": "long enough pass"}, "invalid_payload"),
    ],
)
async def test_signup_refusals(api_factory: Any, body: dict[str, Any], code: str) -> None:
    api: Api = await api_factory()
    status, data = await api.call("POST", "/api/auth/signup", body)
    expected_status = 409 if code == "pseudonym_taken" else 400
    assert (status, data["error"]["code"]) == (expected_status, code) and data["error"]["message"]
    assert (await api.call("GET", "/api/me"))[0] == 401


async def test_malformed_and_oversized_bodies(api_factory: Any, server: Any) -> None:
    api: Api = await api_factory()
    async with api.http.post(
        api.base + "/api/auth/signup", data=b"{not json", headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 400 and (await response.json())["error"]["code"] == "invalid_payload"
    async with api.http.post(
        api.base + "/api/auth/signup",
        data=b"pseudonym=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ) as response:
        assert response.status == 415 and (await response.json())["error"]["code"] == "unsupported_media_type"
    status, data = await api.call("POST", "/api/auth/signup", [1, 2, 3])
    assert status == 400 and data["error"]["code"] == "invalid_payload"
    big = {"pseudonym": "Big Body", "password": "x" * 70_000}
    status, data = await api.call("POST", "/api/auth/signup", big)
    assert status == 413 and data["error"]["code"] == "payload_too_large"
    assert (await api.call("GET", "/healthz"))[0] == 200


async def test_login_throttling(api_factory: Any, server: Any) -> None:
    api: Api = await api_factory()
    limit = server.state.settings.login_max_failures
    for _ in range(limit):
        status, data = await api.call("POST", "/api/auth/login", {"pseudonym": "River", "password": "wrong password"})
        assert status == 401 and data["error"]["code"] == "invalid_credentials"
    async with api.http.post(
        api.base + "/api/auth/login", json={"pseudonym": "River", "password": "demo-member-pass"}
    ) as response:
        assert response.status == 429
        assert int(response.headers["Retry-After"]) > 0
        assert (await response.json())["error"]["code"] == "too_many_attempts"


async def test_unknown_pseudonym_and_wrong_password_look_the_same(api_factory: Any) -> None:
    api: Api = await api_factory()
    unknown = await api.call("POST", "/api/auth/login", {"pseudonym": "Nobody Here", "password": "whatever123"})
    wrong = await api.call("POST", "/api/auth/login", {"pseudonym": "Willow", "password": "whatever123"})
    assert (
        unknown
        == wrong
        == (401, {"error": {"code": "invalid_credentials", "message": "That pseudonym and password do not match."}})
    )


PROTECTED = [
    ("GET", "/api/me", None),
    ("GET", "/api/hubs", None),
    ("POST", "/api/hubs", OTHER_HUB),
    ("GET", "/api/hubs/1/staff", None),
    ("POST", "/api/hubs/1/staff", {"pseudonym": "Willow", "role": "facilitator"}),
    ("GET", "/api/groups", None),
    ("POST", "/api/hubs/1/groups", {"name": "G", "agreement": "A"}),
    ("GET", "/api/groups/1", None),
    ("PATCH", "/api/groups/1", {"name": "Renamed"}),
    ("PUT", "/api/groups/1/membership", {"agreement_version": 1}),
    ("DELETE", "/api/groups/1/membership", None),
    ("GET", "/api/groups/1/sessions", None),
    ("POST", "/api/groups/1/sessions", {}),
    ("POST", "/api/sessions/1/end", None),
]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
async def test_every_endpoint_needs_sign_in(api_factory: Any, method: str, path: str, body: Any) -> None:
    api: Api = await api_factory()
    status, data = await api.call(method, path, body)
    assert status == 401 and data["error"]["code"] == "not_authenticated"


STAFF_ONLY = [
    ("River", "POST", "/api/hubs", OTHER_HUB, 403),
    ("hub-admin", "POST", "/api/hubs", OTHER_HUB, 403),
    ("River", "GET", "/api/hubs/1/staff", None, 403),
    ("Sam", "POST", "/api/hubs/1/staff", {"pseudonym": "Willow", "role": "facilitator"}, 403),
    ("River", "POST", "/api/hubs/1/groups", {"name": "Mine", "agreement": "Mine"}, 403),
    ("Sam", "POST", "/api/hubs/1/groups", {"name": "Mine", "agreement": "Mine"}, 403),
    ("River", "PATCH", "/api/groups/1", {"name": "Renamed"}, 403),
    ("Sam", "PATCH", "/api/groups/1", {"name": "Renamed"}, 403),
    ("River", "POST", "/api/groups/1/sessions", {}, 403),
    ("hub-admin", "POST", "/api/groups/1/sessions", {}, 403),
    ("Willow", "GET", "/api/groups/2/sessions", None, 404),
    ("Willow", "DELETE", "/api/groups/2/membership", None, 404),
]


@pytest.mark.parametrize(("who", "method", "path", "body", "expected"), STAFF_ONLY)
async def test_wrong_role_is_refused(
    api_factory: Any, who: str, method: str, path: str, body: Any, expected: int
) -> None:
    api: Api = await api_factory(who)
    status, data = await api.call(method, path, body)
    assert status == expected and data["error"]["code"] in ("forbidden", "not_member"), data
    status, group = await api.call("GET", "/api/groups/1")
    assert group["group"]["name"] == "Thursday evening circle" and group["group"]["session"] is None


async def test_members_cannot_end_sessions(api_factory: Any) -> None:
    sam, river = await api_factory("Sam"), await api_factory("River")
    session = await open_session(sam)
    status, data = await river.call("POST", f"/api/sessions/{session['id']}/end")
    assert status == 403 and data["error"]["code"] == "forbidden"
    status, data = await river.call("GET", "/api/groups/1")
    assert data["group"]["session"]["status"] == "live"


@pytest.mark.parametrize("path", ["/api/groups/999", "/api/groups/abc", "/api/groups/0", "/api/groups/999/sessions"])
async def test_unknown_groups_are_not_found(api_factory: Any, path: str) -> None:
    api: Api = await api_factory("River")
    status, data = await api.call("GET", path)
    assert status == 404 and data["error"]["code"] == "not_found"


async def test_admin_creates_group_member_accepts_agreement_and_joins(api_factory: Any) -> None:
    admin, member = await api_factory("hub-admin"), await api_factory()
    status, data = await admin.call(
        "POST",
        "/api/hubs/1/groups",
        {
            "name": "Sunday walk & talk",
            "description": "<b>Gentle</b> conversation <script>alert(1)</script>",
            "agreement": "Be kind.\nWhat is said here stays here.",
        },
    )
    assert (status, data["error"]["code"]) == (400, "markup_removed"), "no stray alert(1) its author has not seen"
    assert '"Gentle conversation alert(1)"' in data["error"]["message"], "the author is shown the cleaned text"
    status, data = await admin.call(
        "POST",
        "/api/hubs/1/groups",
        {
            "name": "Sunday walk & talk",
            "description": "Gentle conversation",
            "agreement": "Be kind.\nWhat is said here stays here.",
        },
    )
    assert status == 201, data
    group = data["group"]
    assert group["description"] == "Gentle conversation"
    assert group["agreement_version"] == 1 and group["my_role"] == "hub_admin"

    await member.call("POST", "/api/auth/signup", {"pseudonym": "New Member", "password": "a long password"})
    status, directory = await member.call("GET", "/api/groups")
    assert any(g["id"] == group["id"] and g["membership"] is None for g in directory["groups"])
    status, data = await member.call("PUT", f"/api/groups/{group['id']}/membership", {"agreement_version": 0})
    assert status == 400
    status, data = await admin.call("PATCH", f"/api/groups/{group['id']}", {"agreement": "Be kind. Be on time."})
    assert data["group"]["agreement_version"] == 2
    status, data = await member.call("PUT", f"/api/groups/{group['id']}/membership", {"agreement_version": 1})
    assert status == 409 and data["error"]["code"] == "agreement_outdated"
    status, data = await member.call("PUT", f"/api/groups/{group['id']}/membership", {"agreement_version": 2})
    assert status == 200 and data["group"]["membership"]["current"] is True and data["group"]["my_role"] == "member"
    assert (await member.call("DELETE", f"/api/groups/{group['id']}/membership"))[0] == 204
    status, data = await member.call("GET", f"/api/groups/{group['id']}")
    assert data["group"]["membership"] is None


async def test_group_fields_are_validated(api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    for body in (
        {"name": "", "agreement": "x"},
        {"name": "x"},
        {"name": "x" * 121, "agreement": "x"},
        {"name": 5, "agreement": "x"},
        {"name": "x", "agreement": "<b></b>"},
    ):
        status, data = await admin.call("POST", "/api/hubs/1/groups", body)
        assert status == 400 and data["error"]["code"] == "invalid_payload", body
    status, data = await admin.call("POST", "/api/hubs/99/groups", {"name": "x", "agreement": "x"})
    assert status == 404


async def test_staff_and_training_records(api_factory: Any) -> None:
    admin, willow = await api_factory("hub-admin"), await api_factory("Willow")
    status, data = await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": "Willow", "role": "facilitator"})
    assert status == 201 and data["staff"]["training"] == {"status": "none", "current": None}
    status, data = await willow.call("POST", "/api/groups/1/sessions", {})
    assert status == 403 and data["error"]["code"] == "training_not_current"
    training = {"pseudonym": "Willow", "course": "Peer facilitation", "completed_on": "2026-10-01"}
    status, data = await admin.call("POST", "/api/hubs/1/training", {**training, "expires_on": "2999-10-01"})
    assert status == 201 and data["training"]["completed_on"] == "2026-10-01"
    status, data = await willow.call("POST", "/api/groups/1/sessions", {})
    assert status == 201 and data["session"]["opened_by"]["display_name"] == "Willow"
    status, data = await admin.call("GET", "/api/hubs/1/staff")
    roles = {(s["pseudonym"], role) for s in data["staff"] for role in s["roles"]}
    assert roles >= {("Willow", "facilitator"), ("Sam", "facilitator")}
    assert (await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": "Willow", "role": "king"}))[0] == 400
    assert (await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": "Nobody", "role": "facilitator"}))[0] == 404


async def test_sessions_open_schedule_and_end(api_factory: Any) -> None:
    import datetime as dt

    sam = await api_factory("Sam")
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)).isoformat()
    status, data = await sam.call("POST", "/api/groups/1/sessions", {"scheduled_for": "2999-01-01T18:00:00Z"})
    assert status == 201 and data["session"]["status"] == "scheduled"
    far_id = data["session"]["id"]
    status, data = await sam.call("POST", "/api/groups/1/sessions", {"scheduled_for": soon})
    assert status == 201
    soon_id = data["session"]["id"]
    status, data = await sam.call("GET", "/api/groups/1")
    assert data["group"]["session"]["id"] == soon_id, "the directory shows the next session"
    for when in ("2000-01-01T18:00:00Z", "2999-01-01T18:00:00", "soon"):
        assert (await sam.call("POST", "/api/groups/1/sessions", {"scheduled_for": when}))[0] == 400
    live = await open_session(sam)
    assert live["id"] == soon_id and live["status"] == "live", "starting now takes over the session due now"
    status, data = await sam.call("POST", "/api/groups/1/sessions", {})
    assert status == 409 and data["error"]["code"] == "session_already_live"
    assert (await sam.call("POST", f"/api/sessions/{live['id']}/end"))[0] == 200
    status, data = await sam.call("POST", f"/api/sessions/{live['id']}/end")
    assert status == 409 and data["error"]["code"] == "no_live_session"
    adhoc = await open_session(sam)
    assert adhoc["id"] not in (far_id, soon_id), "a session far in the future stays scheduled"
    status, data = await sam.call("GET", "/api/groups/1/sessions")
    assert {(s["id"], s["status"]) for s in data["sessions"]} == {
        (far_id, "scheduled"),
        (soon_id, "ended"),
        (adhoc["id"], "live"),
    }


async def test_platform_admin_creates_hubs(api_factory: Any, server: Any) -> None:
    from rooms import community
    from rooms.clock import utc_now

    async with server.state.sessions() as db, db.begin():
        await community.create_user(
            db,
            pseudonym="Root Admin",
            email=None,
            is_platform_admin=True,
            now=utc_now(),
            password_hash=await server.state.passwords.hash("platform-admin-pass"),
        )
    admin = await api_factory()
    await admin.login("Root Admin", "platform-admin-pass")
    status, data = await admin.call("POST", "/api/hubs", OTHER_HUB)
    assert status == 201 and data["hub"]["slug"] == "hillside"
    assert (await admin.call("POST", "/api/hubs", OTHER_HUB))[0] == 409
    assert (await admin.call("POST", "/api/hubs", {**OTHER_HUB, "slug": "Not A Slug"}))[0] == 400
    status, data = await admin.call("GET", "/api/hubs")
    assert [h["slug"] for h in data["hubs"]] == ["hillside", "riverside"]


async def test_cross_site_writes_are_refused(api_factory: Any) -> None:
    sam = await api_factory("Sam")
    status, data = await sam.call("POST", "/api/groups/1/sessions", {}, headers={"Origin": "https://evil.example"})
    assert status == 403 and data["error"]["code"] == "forbidden"
    status, data = await sam.call("GET", "/api/groups/1")
    assert data["group"]["session"] is None
    status, _ = await sam.call("POST", "/api/groups/1/sessions", {}, headers={"Origin": sam.base})
    assert status == 201


async def test_operational_endpoints(api_factory: Any) -> None:
    api: Api = await api_factory()
    assert await api.call("GET", "/healthz") == (200, {"status": "ok"})
    status, data = await api.call("GET", "/readyz")
    assert status == 200 and data["checks"] == {"database": "ok"}
    await api.login("River")
    status, text = await api.call("GET", "/metrics")
    assert status == 200 and "# TYPE alongside_http_requests_total counter" in text
    assert 'alongside_http_requests_total{route="/api/auth/login",status="200"} 1' in text
    assert (await api.call("POST", "/api/hubs", OTHER_HUB))[0] == 403
    status, text = await api.call("GET", "/metrics")
    assert 'alongside_http_requests_total{route="/api/hubs",status="403"} 1' in text, "refusals are counted"
    assert 'alongside_refusals_total{code="forbidden"} 1' in text
    async with api.http.get(api.base + "/") as response:
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_readyz_reports_an_unreachable_redis(database: Any) -> None:
    from tests.conftest import start_server
    from tests.services import free_port

    nothing_listening = free_port()
    settings = database.settings(port=free_port(), redis_url=f"redis://127.0.0.1:{nothing_listening}/0")
    running, runner = await start_server(settings)
    api = Api(running.url)
    try:
        status, data = await api.call("GET", "/readyz")
        assert status == 503 and data["status"] == "not_ready"
        assert data["checks"]["database"] == "ok" and data["checks"]["redis"].startswith("unavailable")
    finally:
        await api.close()
        await runner.cleanup()


async def test_hostile_encodings_and_sizes_are_refused(api_factory: Any) -> None:
    admin, sam = await api_factory("hub-admin"), await api_factory("Sam")
    raw_cases = [
        b'{"pseudonym": "Lone \\ud800 Surrogate", "password": "long enough pass"}',
        b'{"pseudonym": "Okay Name", "password": "pass \\udfff word 123"}',
        b"[" * 20_000 + b"]" * 20_000,
    ]
    for raw in raw_cases:
        async with admin.http.post(
            admin.base + "/api/auth/signup", data=raw, headers={"Content-Type": "application/json"}
        ) as response:
            assert response.status == 400 and (await response.json())["error"]["code"] == "invalid_payload"
    for path in ("/api/groups/4294967296", "/api/groups/2147483648", "/api/groups/99999999999999999999"):
        status, data = await admin.call("GET", path)
        assert status == 404 and data["error"]["code"] == "not_found", path
    assert (await sam.call("POST", "/api/sessions/4294967296/end"))[0] == 404
    for when in ("9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"):
        status, data = await sam.call("POST", "/api/groups/1/sessions", {"scheduled_for": when})
        assert status == 400 and data["error"]["code"] == "invalid_payload", when


async def test_parallel_guesses_cannot_pass_the_limit(api_factory: Any, server: Any) -> None:
    import asyncio

    api: Api = await api_factory()
    limit = server.state.settings.login_max_failures

    async def guess(n: int) -> int:
        status, _ = await api.call("POST", "/api/auth/login", {"pseudonym": "Willow", "password": f"guess-{n}-xyz"})
        return status

    statuses = await asyncio.gather(*(guess(n) for n in range(30)))
    assert statuses.count(401) == limit and statuses.count(429) == 30 - limit, statuses


async def test_success_resets_the_pseudonym_count(api_factory: Any, server: Any) -> None:
    api: Api = await api_factory()
    limit = server.state.settings.login_max_failures
    for _ in range(limit - 1):
        assert (await api.call("POST", "/api/auth/login", {"pseudonym": "River", "password": "wrong pass"}))[0] == 401
    await api.login("River")
    for _ in range(limit - 1):
        assert (await api.call("POST", "/api/auth/login", {"pseudonym": "River", "password": "wrong pass"}))[0] == 401
    await api.login("River")


def test_client_address_trusts_only_the_configured_proxies() -> None:
    from server.auth import client_address

    assert client_address("10.0.0.5", "1.2.3.4", 0) == "10.0.0.5", "no trusted proxy: the header is ignored"
    assert client_address("10.0.0.5", "forged, 203.0.113.7", 1) == "203.0.113.7"
    assert client_address("10.0.0.5", "203.0.113.7, 10.0.0.9", 2) == "203.0.113.7"
    assert client_address("10.0.0.5", "203.0.113.7", 2) == "10.0.0.5", "fewer hops than proxies: use the peer"
    assert client_address(None, None, 0) == "unknown"


async def test_double_clicks_do_not_fail(api_factory: Any) -> None:
    import asyncio

    member, admin = await api_factory(), await api_factory("hub-admin")
    await member.call("POST", "/api/auth/signup", {"pseudonym": "Quick Clicker", "password": "a long password"})
    joins = await asyncio.gather(
        *(member.call("PUT", "/api/groups/2/membership", {"agreement_version": 1}) for _ in range(5))
    )
    assert [status for status, _ in joins] == [200] * 5
    staff = {"pseudonym": "Quick Clicker", "role": "facilitator"}
    adds = await asyncio.gather(*(admin.call("POST", "/api/hubs/1/staff", staff) for _ in range(4)))
    assert [status for status, _ in adds] == [201] * 4


async def test_spelling_variants_share_one_sign_in_limit(api_factory: Any, server: Any) -> None:
    api: Api = await api_factory()
    limit = server.state.settings.login_max_failures
    variants = ["River", "river", "r.i.v.e.r", "R iver", "R\u0456ver", "RIVER_", "ri-ver"]
    statuses = []
    for n in range(limit + 5):
        status, _ = await api.call(
            "POST", "/api/auth/login", {"pseudonym": variants[n % len(variants)], "password": f"guess {n} xyz"}
        )
        statuses.append(status)
    assert statuses[:limit] == [401] * limit and set(statuses[limit:]) == {429}
    status, _ = await api.call("POST", "/api/auth/login", {"pseudonym": "r.i.v.e.r", "password": "demo-member-pass"})
    assert status == 429, "the account stays locked whatever the spelling"


async def test_control_characters_in_a_sign_in_are_refused(api_factory: Any) -> None:
    api: Api = await api_factory()
    status, data = await api.call("POST", "/api/auth/login", {"pseudonym": "Riv\u0000er", "password": "whatever123"})
    assert status == 400 and data["error"]["code"] == "invalid_payload"


async def test_an_address_spraying_many_pseudonyms_is_paused_briefly(api_factory: Any, server: Any) -> None:
    from server.auth import LoginThrottleGuard

    api: Api = await api_factory()
    allowance = server.state.settings.login_max_failures * LoginThrottleGuard.ADDRESS_FACTOR
    for n in range(allowance):
        status, _ = await api.call("POST", "/api/auth/login", {"pseudonym": f"Nobody {n}", "password": "guess 123 xyz"})
        assert status == 401
    async with api.http.post(
        api.base + "/api/auth/login", json={"pseudonym": "Willow", "password": "demo-member-pass"}
    ) as response:
        assert response.status == 429
        assert 0 < int(response.headers["Retry-After"]) <= 60, "an address is paused for a minute, not locked out"
