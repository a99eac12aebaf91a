"""New passwords must be hard to guess (zxcvbn, ASVS 5.0 V6.2): sign-up, password change and the live check."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, Database
from tests.helpers_auth import clients, from_address, server_with

WEAK = [
    ("Quiet Heron", "          "),
    ("Quiet Heron", "aaaaaaaaaa"),
    ("Quiet Heron", "1234567890"),
    ("Quiet Heron", "password12"),
    ("Lantern Keeper", "Lantern Keeper"),
    ("Lantern Keeper", "lanternkeeper1"),
]


@pytest.mark.parametrize(("pseudonym", "password"), WEAK)
async def test_sign_up_refuses_guessable_passwords(api_factory: Any, pseudonym: str, password: str) -> None:
    api: Api = await api_factory()
    status, data = await api.call("POST", "/api/auth/signup", {"pseudonym": pseudonym, "password": password})
    assert status == 400 and data["error"]["code"] == "weak_password", data
    assert data["error"]["message"].startswith("Please choose a password that is harder to guess.")
    assert (await api.call("GET", "/api/me"))[0] == 401
    status, _ = await api.call("POST", "/api/auth/login", {"pseudonym": pseudonym, "password": password})
    assert status == 401, "no account was made"


async def test_sign_up_refuses_a_password_made_of_the_email(api_factory: Any) -> None:
    api: Api = await api_factory()
    body = {"pseudonym": "Moss Gatherer", "password": "tidewater.owl@example.org", "email": "tidewater.owl@example.org"}
    status, data = await api.call("POST", "/api/auth/signup", body)
    assert status == 400 and data["error"]["code"] == "weak_password"


async def test_the_live_check_scores_and_explains(api_factory: Any) -> None:
    api: Api = await api_factory()
    status, data = await api.call("POST", "/api/auth/password-check", {"password": "password12"})
    assert status == 200 and data["acceptable"] is False and data["score"] < 3
    assert data["warning"] == "This is a very common password." and data["suggestions"]
    body = {"password": "Quiet Heron 2", "pseudonym": "Quiet Heron"}
    status, data = await api.call("POST", "/api/auth/password-check", body)
    assert status == 200 and data["acceptable"] is False, "the pseudonym counts as a guessable word"
    status, data = await api.call("POST", "/api/auth/password-check", {"password": "correct horse battery"})
    assert status == 200 and data["acceptable"] is True and data["score"] >= 3
    for bad in ({"password": 5}, {"password": "x" * 257}, {"password": "fine words", "pseudonym": ["x"]}):
        status, data = await api.call("POST", "/api/auth/password-check", bad)
        assert status == 400 and data["error"]["code"] == "invalid_payload"


async def test_the_live_check_is_rate_limited_per_address(database: Database) -> None:
    limited = server_with(database, password_check_per_minute=3, trusted_proxy_hops=1)
    async with limited as server, clients(server.url) as (api,):
        for _ in range(3):
            status, _ = await api.call(
                "POST", "/api/auth/password-check", {"password": "some words"}, **from_address("203.0.113.4")
            )
            assert status == 200
        async with api.http.post(
            server.url + "/api/auth/password-check", json={"password": "some words"}, **from_address("203.0.113.4")
        ) as response:
            data = await response.json()
            assert response.status == 429 and data["error"]["code"] == "too_many_attempts"
            assert 0 < int(response.headers["Retry-After"]) <= 60
        status, _ = await api.call(
            "POST", "/api/auth/password-check", {"password": "some words"}, **from_address("203.0.113.5")
        )
        assert status == 200


async def test_changing_a_password_uses_the_same_check_and_signs_out_other_browsers(api_factory: Any) -> None:
    here, elsewhere = await api_factory("River"), await api_factory("River")
    change = {"current_password": "demo-member-pass", "new_password": "aaaaaaaaaa"}
    status, data = await here.call("POST", "/api/auth/password", change)
    assert status == 400 and data["error"]["code"] == "weak_password"
    change = {"current_password": "not my password", "new_password": "lichen on the north wall"}
    status, data = await here.call("POST", "/api/auth/password", change)
    assert status == 403 and data["error"]["code"] == "invalid_credentials"
    change = {"current_password": "demo-member-pass", "new_password": "lichen on the north wall"}
    assert (await here.call("POST", "/api/auth/password", change))[0] == 204
    assert (await here.call("GET", "/api/me"))[0] == 200, "this browser stays signed in"
    assert (await elsewhere.call("GET", "/api/me"))[0] == 401, "other browsers are signed out"
    fresh: Api = await api_factory()
    status, _ = await fresh.call("POST", "/api/auth/login", {"pseudonym": "River", "password": "demo-member-pass"})
    assert status == 401
    await fresh.login("River", "lichen on the north wall")


async def test_changing_a_password_needs_sign_in(api_factory: Any) -> None:
    api: Api = await api_factory()
    change = {"current_password": "demo-member-pass", "new_password": "lichen on the north wall"}
    status, data = await api.call("POST", "/api/auth/password", change)
    assert status == 401 and data["error"]["code"] == "not_authenticated"
