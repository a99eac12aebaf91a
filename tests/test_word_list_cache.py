"""The send path keeps each hub's word list cached (server/policy_wiring.WordLists) and knows it is current from
a version read with the sender's rights (rooms/send_facts.py). Nothing tells the cache of a change: it learns
only from that version, exactly as a process that did not make the change does. So these tests, on one
process, show what every process sees: the next message after any change follows the new list."""

from __future__ import annotations

from typing import Any

from tests.helpers_chat import call, send
from tests.helpers_policy import add_word


async def test_each_change_to_the_word_list_applies_to_the_next_message(
    live_room: dict[str, Any], api_factory: Any
) -> None:
    admin = await api_factory("hub-admin")
    river_io = await live_room["river"].socket()
    await call(river_io, "room:join", {"group_id": 1})
    assert "held" not in (await send(river_io, "cats and dogs"))["message"]

    status, data = await add_word(admin, "cats", "hold")
    assert status == 201
    assert (await send(river_io, "cats again"))["message"]["held"] is True
    assert (await send(river_io, "cats once more"))["message"]["held"] is True, "the cached copy"

    # Remove the newest entry and add another: on SQLite the new entry takes the freed id, so the version
    # must not rest on ids alone.
    assert (await admin.call("DELETE", f"/api/hubs/1/word-list/{data['entry']['id']}"))[0] == 204
    status, dogs = await add_word(admin, "dogs", "hold")
    assert status == 201
    assert "held" not in (await send(river_io, "cats are fine now"))["message"]
    assert (await send(river_io, "dogs are not"))["message"]["held"] is True

    assert (await admin.call("DELETE", f"/api/hubs/1/word-list/{dogs['entry']['id']}"))[0] == 204
    assert "held" not in (await send(river_io, "dogs are fine again"))["message"], "an empty list"
