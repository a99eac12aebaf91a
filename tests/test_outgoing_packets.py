"""server/transport.EncodedOnce: an idle connection does not keep the last packet it was sent (its room:join ack,
a room snapshot) twice over; broadcasts still encode once for the whole room."""

from __future__ import annotations

import gc
from typing import Any

import engineio
import pytest

from server.transport import EncodedOnce
from tests.conftest import RunningServer
from tests.helpers_chat import call


def test_an_outgoing_packet_reads_as_the_original_and_lets_its_text_go_once_taken() -> None:
    original = engineio.packet.Packet(engineio.packet.MESSAGE, data='2/chat,["message",{"text":"hello"}]')
    outgoing = EncodedOnce(original)
    assert outgoing.packet_type == engineio.packet.MESSAGE
    assert outgoing.encode() == '42/chat,["message",{"text":"hello"}]'
    with pytest.raises(RuntimeError):
        outgoing.encode()


def test_a_broadcast_packet_is_encoded_once_for_every_receiver() -> None:
    shared = engineio.packet.Packet(engineio.packet.MESSAGE, data='2/chat,["message",{"text":"to all"}]')
    receivers = [EncodedOnce(shared) for _ in range(3)]
    texts = [receiver.encode() for receiver in receivers]
    assert texts[0] == '42/chat,["message",{"text":"to all"}]'
    assert all(text is texts[0] for text in texts)  # one string: the shared packet's own cache


def ack_texts_held(marker: str) -> list[str]:
    """Packets sent and still alive in this process whose text holds `marker`. Sent ones only: a packet the test's
    own clients received is decoded, never encoded, so its encode_cache is empty."""
    held: list[str] = []
    for thing in gc.get_objects():
        if isinstance(thing, engineio.packet.Packet):
            if isinstance(thing.encode_cache, str) and marker in thing.encode_cache:
                held.append(thing.encode_cache)
        elif isinstance(thing, EncodedOnce) and thing._encoded is not None and marker in thing._encoded:
            held.append(thing._encoded)
    return held


async def test_a_connection_that_has_had_its_join_ack_keeps_no_copy_of_it(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    clients = [await live_room[name].socket() for name in ("river", "willow")]
    for client in clients:
        ack = await call(client, "room:join", {"group_id": 1})
        assert ack["ok"], ack
    # Each join ack carries the room's agreement text; once delivered, no outgoing packet keeps it.
    assert ack_texts_held('"max_message_chars"') == []
