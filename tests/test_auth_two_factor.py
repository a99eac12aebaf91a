"""Two-factor sign-in (TOTP) for staff: enrol, sign in with a code, replay refused, throttled, turn off, and a
hub that requires it."""

from __future__ import annotations

from typing import Any

import pyotp

from tests.conftest import DEMO_PASSWORD, Api, Database
from tests.helpers_auth import FakeClock, clients, server_with
from tests.helpers_chat import call


def code(secret: str, clock: FakeClock, steps_later: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now.timestamp() + 30 * steps_later)


async def enrol(api: Api, pseudonym: str, clock: FakeClock) -> str:
    """Turn two-factor sign-in on for a signed-in person; returns the secret."""
    status, data = await api.call("POST", "/api/auth/two-factor/enrol", {"password": DEMO_PASSWORD[pseudonym]})
    assert status == 200, data
    secret: str = data["secret"]
    status, data = await api.call("POST", "/api/auth/two-factor/confirm", {"code": code(secret, clock)})
    assert status == 200 and data["enabled"] is True, data
    return secret


async def password_step(api: Api, pseudonym: str) -> dict[str, Any]:
    status, data = await api.call(
        "POST", "/api/auth/login", {"pseudonym": pseudonym, "password": DEMO_PASSWORD[pseudonym]}
    )
    assert status == 200, data
    result: dict[str, Any] = data
    return result


async def test_enrol_then_sign_in_needs_a_code_used_once(database: Database) -> None:
    async with server_with(database) as server, clients(server.url, 3) as (sam, laptop, thief):
        clock = FakeClock(server)
        await sam.login("Sam")
        status, data = await sam.call("POST", "/api/auth/two-factor/enrol", {"password": "not the password"})
        assert status == 403 and data["error"]["code"] == "invalid_credentials"
        status, data = await sam.call("POST", "/api/auth/two-factor/enrol", {"password": "demo-facilitator-pass"})
        assert status == 200 and data["otpauth_uri"].startswith("otpauth://totp/Alongside:Sam?secret=")
        secret = data["secret"]
        status, data = await sam.call("GET", "/api/auth/two-factor")
        assert data == {"enabled": False, "eligible": True, "enrolment_required": False}, "not on until confirmed"
        wrong = "000000" if code(secret, clock) != "000000" else "111111"
        status, data = await sam.call("POST", "/api/auth/two-factor/confirm", {"code": wrong})
        assert status == 400 and data["error"]["code"] == "invalid_code"
        assert (await sam.call("POST", "/api/auth/two-factor/confirm", {"code": code(secret, clock)}))[0] == 200
        status, data = await sam.call("GET", "/api/me")
        assert data["user"]["two_factor"] == {"enabled": True, "enrolment_required": False}

        clock.advance(30)
        first = await password_step(laptop, "Sam")
        assert first["status"] == "two_factor_required" and "user" not in first
        assert (await laptop.call("GET", "/api/me"))[0] == 401, "no session before the code"
        body = {"challenge": first["challenge"], "code": wrong}
        status, data = await laptop.call("POST", "/api/auth/login/two-factor", body)
        assert status == 401 and data["error"]["code"] == "invalid_code"
        now_code = code(secret, clock)
        body = {"challenge": first["challenge"], "code": now_code}
        status, data = await laptop.call("POST", "/api/auth/login/two-factor", body)
        assert status == 200 and data["status"] == "signed_in" and data["user"]["pseudonym"] == "Sam"
        assert (await laptop.call("GET", "/api/me"))[0] == 200

        again = await password_step(thief, "Sam")
        body = {"challenge": again["challenge"], "code": now_code}
        status, data = await thief.call("POST", "/api/auth/login/two-factor", body)
        assert status == 401 and data["error"]["code"] == "invalid_code", "a code works once"
        clock.advance(30)
        body = {"challenge": again["challenge"], "code": code(secret, clock)}
        assert (await thief.call("POST", "/api/auth/login/two-factor", body))[0] == 200, "the next code works"


async def test_codes_are_throttled_and_challenges_expire(database: Database) -> None:
    async with server_with(database) as server, clients(server.url, 2) as (sam, other):
        clock = FakeClock(server)
        await sam.login("Sam")
        secret = await enrol(sam, "Sam", clock)
        clock.advance(30)
        challenge = (await password_step(other, "Sam"))["challenge"]
        right = code(secret, clock)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        for _ in range(5):
            status, _ = await other.call("POST", "/api/auth/login/two-factor", {"challenge": challenge, "code": wrong})
            assert status == 401
        async with other.http.post(
            other.base + "/api/auth/login/two-factor", json={"challenge": challenge, "code": right}
        ) as response:
            assert response.status == 429 and int(response.headers["Retry-After"]) > 0
            assert "Please wait about 15 minutes" in (await response.json())["error"]["message"]
        clock.advance(6 * 60)
        status, data = await other.call("POST", "/api/auth/login/two-factor", {"challenge": challenge, "code": right})
        assert status == 401 and data["error"]["code"] == "challenge_expired"
        forged = challenge.replace(challenge.split(".")[0], "1", 1)
        status, data = await other.call("POST", "/api/auth/login/two-factor", {"challenge": forged, "code": right})
        assert status == 401 and data["error"]["code"] == "challenge_expired"


async def test_turning_it_off_needs_a_code(database: Database) -> None:
    async with server_with(database) as server, clients(server.url, 2) as (sam, later):
        clock = FakeClock(server)
        await sam.login("Sam")
        secret = await enrol(sam, "Sam", clock)
        status, data = await sam.call("POST", "/api/auth/two-factor/disable", {"code": code(secret, clock)})
        assert status == 400 and data["error"]["code"] == "invalid_code", "the code used to confirm is spent"
        clock.advance(30)
        status, data = await sam.call("POST", "/api/auth/two-factor/disable", {"code": code(secret, clock)})
        assert status == 200 and data["enabled"] is False
        assert (await password_step(later, "Sam"))["status"] == "signed_in"


async def test_members_cannot_enrol(api_factory: Any) -> None:
    river: Api = await api_factory("River")
    status, data = await river.call("POST", "/api/auth/two-factor/enrol", {"password": "demo-member-pass"})
    assert status == 403 and data["error"]["code"] == "forbidden"
    status, data = await river.call("GET", "/api/auth/two-factor")
    assert data == {"enabled": False, "eligible": False, "enrolment_required": False}


async def test_a_hub_can_require_it_of_its_staff(database: Database) -> None:
    async with server_with(database) as server, clients(server.url, 3) as (admin, sam, river):
        clock = FakeClock(server)
        await admin.login("hub-admin")
        await river.login("River")
        status, data = await admin.call("GET", "/api/hubs/1/settings")
        assert status == 200 and data["hub"]["require_two_factor"] is False and data["hub"]["slug"] == "riverside"
        assert (await river.call("GET", "/api/hubs/1/settings"))[0] == 403
        status, data = await admin.call("PATCH", "/api/hubs/1", {"require_two_factor": True})
        assert status == 409 and data["error"]["code"] == "two_factor_not_enabled"
        await enrol(admin, "hub-admin", clock)
        status, data = await river.call("PATCH", "/api/hubs/1", {"require_two_factor": True})
        assert status == 403 and data["error"]["code"] == "forbidden"
        status, data = await admin.call("PATCH", "/api/hubs/1", {"require_two_factor": True})
        assert status == 200 and data["hub"]["require_two_factor"] is True
        assert (await admin.call("GET", "/api/hubs/1/settings"))[1]["hub"]["require_two_factor"] is True
        for bad in ({}, {"require_two_factor": "yes"}, {"require_two_factor": True, "colour": "x"}):
            assert (await admin.call("PATCH", "/api/hubs/1", bad))[0] == 400
        assert (await admin.call("PATCH", "/api/hubs/99", {"require_two_factor": True}))[0] == 404

        signed_in = await password_step(sam, "Sam")
        assert signed_in["status"] == "two_factor_enrolment_required"
        assert signed_in["user"]["two_factor"] == {"enabled": False, "enrolment_required": True}
        status, data = await sam.call("POST", "/api/groups/1/sessions", {})
        assert status == 403 and data["error"]["code"] == "two_factor_enrolment_required"
        assert (await sam.call("GET", "/api/groups"))[0] == 200, "everything else still works"
        sam_io = await sam.socket()
        refused = await call(sam_io, "room:join", {"group_id": 1})
        assert refused["ok"] is False and refused["error"]["code"] == "two_factor_enrolment_required"
        await sam_io.disconnect()
        assert (await river.call("GET", "/api/groups"))[0] == 200, "members are not asked"
        status, data = await admin.call("GET", "/api/hubs/1/staff")
        assert status == 200, "the enrolled admin keeps their powers"

        await enrol(sam, "Sam", clock)
        status, data = await sam.call("POST", "/api/groups/1/sessions", {})
        assert status == 201, data


STAFF_WORDS = ("hub admin", "facilitator", "senior peer", "platform admin", "staff")


def test_every_staff_route_is_behind_the_two_factor_rule() -> None:
    """A route documented for staff (its summary names a staff role) is gated for staff who must enrol,
    unless it is listed as one members use too: a new staff route cannot be forgotten."""
    from server.openapi import declared_operations
    from server.two_factor_gate import NOT_STAFF_ONLY, STAFF_ROUTES

    ungated = [
        f"{op.method} {op.path}"
        for op in declared_operations()
        if any(word in op.summary.lower() for word in STAFF_WORDS)
        and (op.method, op.path) not in STAFF_ROUTES | NOT_STAFF_ONLY
    ]
    assert ungated == [], "staff routes the hub's two-factor rule does not cover"
    declared = {(op.method, op.path) for op in declared_operations()}
    assert declared >= STAFF_ROUTES, f"gated routes that do not exist: {sorted(STAFF_ROUTES - declared)}"
