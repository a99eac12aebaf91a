"""The default message policies, each with its refusal code: personal details to confirm, a group's link
policy, per-member rate limits, and reserved pseudonyms at sign-up."""

from __future__ import annotations

from typing import Any

import pytest

from moderation.names import reserved_reason
from moderation.personal_details import kinds_found
from moderation.rate_limits import MessageRateLimit
from tests.conftest import Api, Database, client_id, open_session, seeded_server
from tests.helpers_chat import call, send
from tests.helpers_policy import code, listening, set_link_policy
from tests.services import free_port


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("call me on 07911 123456 tonight", ["phone number"]),  # as written in the hub's country (GB)
        ("my mobile is 07911123456", ["phone number"]),
        ("text me at +1 415 555 2671", ["phone number"]),  # international
        ("mi número es +34 612 34 56 78", ["phone number"]),
        ("or 0044 7911 123456", ["phone number"]),
        ("mail me at river.m+peer@example.org", ["email address"]),
        ("I'm at 12 Acacia Avenue now", ["street address"]),
        ("flat near SW1A 1AA", ["postcode"]),
        ("Samaritans are on 116 123, or call 999", []),  # crisis short codes are not personal
        ("I was 23 in 2019 and slept 10 hours", []),
        ("I have 3 big road trips planned", []),
    ],
)
def test_what_counts_as_personal_details(text: str, kinds: list[str]) -> None:
    assert kinds_found(text, "GB") == kinds


def test_a_number_is_read_as_the_hubs_country_writes_it() -> None:
    assert kinds_found("llámame al 612 34 56 78", "ES") == ["phone number"]
    assert kinds_found("llámame al 612 34 56 78", "GB") == []


async def test_personal_details_are_sent_only_once_confirmed(live_room: dict[str, Any]) -> None:
    river_io, sam_io = await live_room["river"].socket(), await live_room["sam"].socket()
    for client in (river_io, sam_io):
        await call(client, "room:join", {"group_id": 1})
    cid = client_id()
    payload = {"group_id": 1, "client_id": cid, "body": "ring me on 07911 123456 or river@example.org"}
    refused = await call(river_io, "message:send", payload)
    assert refused["error"]["code"] == "personal_details_confirm"
    assert "a phone number and an email address" in refused["error"]["message"]
    confirmed = await call(river_io, "message:send", {**payload, "confirm_personal_details": True})
    assert confirmed["ok"] and confirmed["message"]["body"] == payload["body"], "the same client_id, now stored"
    bad = await call(river_io, "message:send", {**payload, "client_id": client_id(), "confirm_personal_details": 1})
    assert bad["error"]["code"] == "invalid_payload"
    staff = await send(sam_io, "Samaritans: 116 123. Our office: 020 7946 0958")
    assert staff["ok"], "facilitators share services' numbers on purpose"


async def test_link_policy_allows_blocks_or_holds(live_room: dict[str, Any], server: Any) -> None:
    river_io, willow_io, sam_io = (
        await live_room["river"].socket(),
        await live_room["willow"].socket(),
        await live_room["sam"].socket(),
    )
    staff, other = listening(sam_io), listening(willow_io)
    for client in (river_io, willow_io, sam_io):
        await call(client, "room:join", {"group_id": 1})
    assert (await send(river_io, "this helped me: https://www.mind.org.uk/information"))["ok"]

    await set_link_policy(server, 1, "block")
    refused = await send(river_io, "look at example.com/page")
    assert refused["error"]["code"] == "links_blocked"
    assert (await send(river_io, "no link here, e.g. this. Or that.Then"))["ok"]
    assert (await send(sam_io, "Our leaflet: https://example.org/leaflet"))["ok"], "facilitators' links pass"

    await set_link_policy(server, 1, "hold")
    held = await send(river_io, "www.example.net is where I read it")
    assert held["message"]["held"] is True and "link" in held["message"]["held_reason"]
    assert (await staff.wait_for("message:held"))["message"]["id"] == held["message"]["id"]
    after = await send(river_io, "and a message without one")
    await other.wait_for("message:new", lambda d: d["message"]["id"] == after["message"]["id"])
    assert held["message"]["id"] not in [d["message"]["id"] for d in other.of("message:new")]


async def test_rate_limits_burst_and_sustained(database: Database) -> None:
    settings = database.settings(port=free_port(), messages_per_10s=3, messages_per_minute=5)
    async with seeded_server(settings) as server:
        sam, river = Api(server.url), Api(server.url)
        try:
            await sam.login("Sam")
            await river.login("River")
            await open_session(sam)
            river_io = await river.socket()
            await call(river_io, "room:join", {"group_id": 1})
            acks = [await send(river_io, f"message {n}") for n in range(4)]
            assert [a["ok"] for a in acks] == [True, True, True, False]
            assert acks[3]["error"]["code"] == "rate_limited", "the burst: 3 in 10 seconds"
            too_long = await send(river_io, "x" * (settings.max_message_chars + 1))
            assert too_long["error"]["code"] == "message_too_long", "checked first, and not counted"
            # The sustained limit: move the burst window on by forgetting it, as 10 seconds would.
            limit = next(c for c in server.state.rooms.message_checks.registered if c.name == "rate_limits").impl
            assert isinstance(limit, MessageRateLimit)
            burst, _ = limit.items[0]
            await limit.limiter.clear(burst, "alongside-messages", str(acks[0]["message"]["author"]["id"]))
            more = [await send(river_io, f"later {n}") for n in range(3)]
            assert [m.get("ok", False) for m in more] == [True, True, False]
            assert more[2]["error"]["code"] == "rate_limited", "the sustained rate: 5 a minute"
        finally:
            await sam.close()
            await river.close()


@pytest.mark.parametrize(
    "name",
    ["Admin", "Facilitator Sam", "Moderator", "Staff", "Alongside", "Adm1n", "M\u043ederator", "AdminSam", "the_staff"],
)
def test_names_of_authority_are_reserved(name: str) -> None:
    assert reserved_reason(name) is not None


@pytest.mark.parametrize("name", ["Staffan", "Modesty", "River", "Sam", "Admiral Ben", "Riverside Rosie"])
def test_ordinary_names_are_not_reserved(name: str) -> None:
    assert reserved_reason(name, ["Riverside Peer Support Hub"]) is None


async def test_sign_up_refuses_a_reserved_pseudonym(server: Any) -> None:
    api = Api(server.url)
    try:
        for name in ("Admin", "Facilitator Sam", "Riverside Peer Support Hub", "riverside.peer.support.hub fan"):
            status, data = await api.call(
                "POST", "/api/auth/signup", {"pseudonym": name, "password": "a quiet lantern by the weir"}
            )
            assert (status, code(data)) == (400, "pseudonym_reserved"), name
        status, _ = await api.call(
            "POST", "/api/auth/signup", {"pseudonym": "Quiet Heron", "password": "a quiet lantern by the weir"}
        )
        assert status == 201
    finally:
        await api.close()


def test_a_hubs_name_is_reserved_as_whole_words() -> None:
    assert reserved_reason("Hillside Hub", ["Hillside Hub"]) == "a hub's name"
    assert reserved_reason("hillside-hub-helper", ["Hillside Hub"]) == "a hub's name"
    assert reserved_reason("H\u0456llside Hub", ["Hillside Hub"]) == "a hub's name"  # a Cyrillic i
    assert reserved_reason("Hillsider", ["Hillside Hub"]) is None
