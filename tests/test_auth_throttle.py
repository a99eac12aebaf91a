"""Sign-up and sign-in throttling over real HTTP: limits per address, per pseudonym, per device."""

from __future__ import annotations

import asyncio
from typing import Any

import yarl

from tests.conftest import Database
from tests.helpers_auth import FakeClock, clients, cookie_value, from_address, refusal, server_with


async def test_sign_up_is_throttled_per_address(database: Database) -> None:
    limited = server_with(database, signup_per_address_per_hour=3, trusted_proxy_hops=1)
    async with limited as server, clients(server.url) as (api,):
        for n in range(3):
            body = {"pseudonym": f"Newcomer {n}", "password": "long enough pass"}
            assert (await api.call("POST", "/api/auth/signup", body, **from_address("203.0.113.9")))[0] == 201
        body = {"pseudonym": "Newcomer x", "password": "long enough pass"}
        async with api.http.post(server.url + "/api/auth/signup", json=body, **from_address("203.0.113.9")) as r:
            data = await r.json()
            assert r.status == 429 and data["error"]["code"] == "too_many_attempts"
            assert 3000 < int(r.headers["Retry-After"]) <= 3600
            assert data["error"]["message"].endswith("Please wait about an hour before trying again.")
        status, _ = await api.call("POST", "/api/auth/signup", body, **from_address("203.0.113.10"))
        assert status == 201, "another address still signs up"
        status, _ = await api.call(
            "POST",
            "/api/auth/signup",
            {"pseudonym": "Newcomer y", "password": "long enough pass"},
            **from_address("2001:db8:1:2::5"),
        )
        assert status == 201


async def test_sign_ups_cannot_starve_sign_in(database: Database) -> None:
    """A burst of sign-ups from many addresses fills the new-password workers; a sign-in has its own."""
    settings: dict[str, Any] = {
        "trusted_proxy_hops": 1,
        "password_time_cost": 2,
        "password_memory_kib": 32768,
        "signup_per_address_per_hour": 1000,
    }
    async with server_with(database, **settings) as server, clients(server.url) as (api,):
        finished: list[str] = []

        async def sign_up(n: int) -> None:
            body = {"pseudonym": f"Burst {n}", "password": "long enough pass"}
            status, _ = await api.call("POST", "/api/auth/signup", body, **from_address(f"203.0.113.{n + 1}"))
            assert status == 201
            finished.append(f"sign-up {n}")

        burst = [asyncio.create_task(sign_up(n)) for n in range(40)]
        passwords = server.state.passwords
        deadline = asyncio.get_running_loop().time() + 60
        while passwords.waiting["new_password"] < 10:  # the burst is queued for hashing
            assert asyncio.get_running_loop().time() < deadline, "the sign-ups never queued up"
            await asyncio.sleep(0.005)
        ahead, done_before = passwords.waiting["new_password"], len(finished)
        status, _ = await api.call(
            "POST",
            "/api/auth/login",
            {"pseudonym": "River", "password": "demo-member-pass"},
            **from_address("198.51.100.7"),
        )
        assert status == 200
        done_meanwhile = len(finished) - done_before
        await asyncio.gather(*burst)
        assert done_meanwhile <= ahead // 2, f"the sign-in waited for {done_meanwhile} of the {ahead} queued sign-ups"


async def test_wrong_guesses_from_anywhere_only_slow_a_pseudonym_down(database: Database) -> None:
    """Past the allowance each attempt waits 1, 2, 4 ... seconds (capped), never a 15-minute lock."""
    async with server_with(database, trusted_proxy_hops=1, login_backoff_max_seconds=5) as server:
        clock = FakeClock(server)
        async with clients(server.url) as (attacker,):
            for n in range(5):
                assert (await refusal(attacker, "Sam", "wrong guess", f"203.0.113.{n}"))[0] == 401
            waits = []
            for n in range(5):
                assert (await refusal(attacker, "Sam", "wrong guess", f"203.0.113.{50 + n}"))[0] == 401
                status, wait, message = await refusal(attacker, "Sam", "wrong guess", "192.0.2.99")
                assert status == 429 and wait is not None and message.startswith("Too many sign-in attempts.")
                waits.append(wait)
                clock.advance(wait)
            assert waits == [1, 2, 4, 5, 5], "the delay doubles up to login_backoff_max_seconds"
            assert (await refusal(attacker, "Sam", "wrong guess", "203.0.113.70"))[0] == 401
            status, wait, message = await refusal(attacker, "Sam", "demo-facilitator-pass", "198.51.100.20")
            assert (status, wait) == (429, 5), "the facilitator is asked to wait seconds, not locked out"
            assert message == "Too many sign-in attempts. Please wait a few seconds before trying again."
            clock.advance(5)
            status, _, _ = await refusal(attacker, "Sam", "demo-facilitator-pass", "198.51.100.20")
            assert status == 200


async def test_one_address_is_locked_out_of_one_pseudonym_hard(database: Database) -> None:
    async with server_with(database, trusted_proxy_hops=1) as server:
        clock = FakeClock(server)
        async with clients(server.url) as (attacker,):
            for _ in range(5):
                assert (await refusal(attacker, "Willow", "wrong guess", "203.0.113.7"))[0] == 401
            clock.advance(600)  # long past the pseudonym's soft delay
            status, wait, message = await refusal(attacker, "Willow", "demo-member-pass", "203.0.113.7")
            assert (
                status == 429 and wait == 900 and message.endswith("Please wait about 15 minutes before trying again.")
            )
            status, _, _ = await refusal(attacker, "Willow", "demo-member-pass", "203.0.113.8")
            assert status == 200, "the lock is on that address for that pseudonym only"


async def test_a_browser_that_signed_in_before_gets_past_the_pseudonym_lock(database: Database) -> None:
    async with server_with(database, trusted_proxy_hops=1, login_backoff_max_seconds=600) as server:
        clock = FakeClock(server)
        async with clients(server.url, 3) as (facilitator, attacker, newcomer):
            assert (await refusal(facilitator, "Sam", "demo-facilitator-pass", "198.51.100.5"))[0] == 200
            assert cookie_value(facilitator, "alongside_device"), "a device cookie comes with a successful sign-in"
            for n in range(12):  # from many addresses, each waiting out the delay: it grows to 64 s
                status, wait, _ = await refusal(attacker, "Sam", "wrong guess", f"203.0.113.{n}")
                assert status == 401
                if n < 11:
                    clock.advance(2 ** max(0, n - 5))
            status, wait, _ = await refusal(newcomer, "Sam", "demo-facilitator-pass", "198.51.100.5")
            assert status == 429 and wait is not None and wait > 30, "without the device cookie: wait"
            status, _, _ = await refusal(facilitator, "Sam", "demo-facilitator-pass", "198.51.100.5")
            assert status == 200, "the facilitator's browser signs in at once"

            tampered = cookie_value(facilitator, "alongside_device")
            assert tampered is not None
            newcomer.http.cookie_jar.update_cookies(
                {"alongside_device": tampered[:-2] + "xx"}, yarl.URL(server.url + "/api/auth/")
            )
            assert (await refusal(newcomer, "Sam", "demo-facilitator-pass", "198.51.100.6"))[0] == 429

            for _ in range(5):  # the device has its own limit
                assert (await refusal(facilitator, "Sam", "wrong guess", "198.51.100.5"))[0] == 401
            status, wait, _ = await refusal(facilitator, "Sam", "demo-facilitator-pass", "198.51.100.5")
            assert status == 429 and wait == 900


async def test_a_device_cookie_only_counts_for_its_own_pseudonym(database: Database) -> None:
    async with server_with(database, trusted_proxy_hops=1) as server, clients(server.url, 2) as (river, attacker):
        assert (await refusal(river, "River", "demo-member-pass", "198.51.100.9"))[0] == 200
        for n in range(6):
            assert (await refusal(attacker, "Sam", "wrong guess", f"203.0.113.{n}"))[0] == 401
        status, _, _ = await refusal(river, "Sam", "demo-facilitator-pass", "198.51.100.9")
        assert status == 429, "River's device cookie does not let this browser past Sam's delay"


def test_waits_are_said_in_words() -> None:
    from server.sign_in_throttle import wait_in_words

    said = {seconds: wait_in_words(seconds) for seconds in (1, 30, 60, 120, 900, 3600, 7200)}
    assert said == {
        1: "Please wait a few seconds before trying again.",
        30: "Please wait less than a minute before trying again.",
        60: "Please wait about a minute before trying again.",
        120: "Please wait about 2 minutes before trying again.",
        900: "Please wait about 15 minutes before trying again.",
        3600: "Please wait about an hour before trying again.",
        7200: "Please wait about 2 hours before trying again.",
    }
