"""Answering a held message across two real processes over one Redis: the facilitator on process A releases or
declines a message its author sent on process B; the room on A gets a release, the author on B is told both."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from tests.conftest import Api, Database, open_session
from tests.helpers_chat import Inbox, call, send
from tests.helpers_policy import add_word
from tests.helpers_processes import server_processes
from tests.services import redis_server

pytestmark = pytest.mark.redis
EVENTS = ("message:held", "message:released", "message:declined", "mod:logged")


@pytest.fixture
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture
async def two_servers(database: Database, redis_url: str) -> AsyncIterator[list[str]]:
    async with server_processes(database, redis_url) as processes:
        yield [url for url, _ in processes]


async def in_room(api: Api, name: str) -> tuple[Any, Inbox]:
    await api.login(name)
    client = await api.socket()
    inbox = Inbox(client)
    for event in EVENTS:
        client.on(event, inbox._recorder(event), namespace="/chat")
    assert (await call(client, "room:join", {"group_id": 1}))["ok"]
    return client, inbox


async def test_a_release_and_a_decline_on_a_reach_the_author_on_b(two_servers: list[str]) -> None:
    url_a, url_b = two_servers
    admin, sam, willow, river = Api(url_a), Api(url_a), Api(url_a), Api(url_b)
    try:
        await admin.login("hub-admin")
        assert (await add_word(admin, "zebrafish", "hold", "Pets are off topic"))[0] == 201
        await sam.login("Sam")
        await open_session(sam)
        sam_io, staff = await in_room(sam, "Sam")
        _, room = await in_room(willow, "Willow")
        river_io, author = await in_room(river, "River")

        first = (await send(river_io, "my zebrafish said hello"))["message"]
        assert first["held"] is True
        await staff.wait_for("message:held", lambda d: d["message"]["id"] == first["id"])
        assert (await call(sam_io, "mod:release", {"group_id": 1, "message_id": first["id"]}))["ok"]
        await room.wait_for("message:new", lambda d: d["message"]["id"] == first["id"])
        assert (await author.wait_for("message:released"))["message_id"] == first["id"]

        second = (await send(river_io, "zebrafish again, sorry"))["message"]
        await staff.wait_for("message:held", lambda d: d["message"]["id"] == second["id"])
        declined = await call(sam_io, "mod:decline", {"group_id": 1, "message_id": second["id"], "reason": "Off topic"})
        assert declined["ok"], declined
        told = await author.wait_for("message:declined")
        assert told == {"group_id": 1, "message_id": second["id"], "reason": "Off topic"}

        sentinel = (await send(sam_io, "sentinel after the decline"))["message"]
        await room.wait_for("message:new", lambda d: d["message"]["id"] == sentinel["id"])
        assert "zebrafish again" not in json.dumps(room.events), "the declined message never reached the room"
        assert room.of("message:declined") == [] and room.of("message:released") == []
    finally:
        for api in (admin, sam, willow, river):
            await api.close()
