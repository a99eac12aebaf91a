"""What a client may do to the Socket.IO transport: no ghost listeners, no lifecycle events by name, limits
per person and per address, and malformed frames refused quietly (docs/security.md)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio

from rooms.events import room_name
from server.app import NAMESPACE
from server.broker import CHAT_NAMESPACE
from server.realtime import ChatNamespace
from server.transport import BoundedJson, MalformedFrame
from tests.conftest import Api, RunningServer, base_settings, open_session, seeded_server
from tests.helpers_chat import NS, Inbox, call, raw_socket, send, wait_until
from tests.helpers_sockets import chat_socket
from tests.services import free_port


def namespace_of(server: RunningServer) -> ChatNamespace:
    return server.app[NAMESPACE]


def subscribers(server: RunningServer, room: str) -> set[str]:
    rooms = server.state.sio.manager.rooms.get(CHAT_NAMESPACE, {})
    return set(rooms.get(room, {}))


def refusals(server: RunningServer, code: str) -> float:
    return server.state.metrics.value("alongside_refusals_total", code=code)


@contextlib.asynccontextmanager
async def tuned_server(tmp_path: Path, **overrides: Any) -> AsyncIterator[RunningServer]:
    """A seeded server on SQLite with some limits changed (the transport does not depend on the database)."""
    settings = base_settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/t.db", port=free_port(), **overrides)
    async with seeded_server(settings) as running:
        yield running


async def signed_in(base: str, pseudonym: str) -> Api:
    """A signed-in client (closed again if the sign-in fails); the caller closes it."""
    api = Api(base)
    try:
        await api.login(pseudonym)
    except BaseException:
        await api.close()
        raise
    return api


# ---- the ghost listener (high) ------------------------------------------------------------------------------


@pytest.mark.parametrize("lifecycle", ["disconnect", "connect", "connect_error", "disconnecting"])
async def test_a_client_event_named_like_a_lifecycle_event_is_refused_and_changes_nothing(
    live_room: dict[str, Any], server: RunningServer, lifecycle: str
) -> None:
    river_io = await live_room["river"].socket()
    willow_io = await live_room["willow"].socket()
    assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]
    assert (await call(willow_io, "room:join", {"group_id": 1}))["ok"]
    sid = river_io.get_sid(NS)
    ack = await call(river_io, lifecycle, None)
    assert ack["ok"] is False and ack["error"]["code"] == "reserved_event"
    assert sid in namespace_of(server).local_sids(), "the server still knows the connection"
    present = await call(willow_io, "room:join", {"group_id": 1})
    assert "River" in {p["display_name"] for p in present["present"]}, "River is still shown as here"
    assert refusals(server, "reserved_event") >= 1


async def test_the_ghost_listener_reproduction_leaves_no_listener(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    """The reviewer's steps: join, send "disconnect" as an event, leave the group, sign out; another member
    posts. The connection must hear nothing after leaving, and be closed once signed out."""
    river: Api = live_room["river"]
    ghost = await river.socket()
    inbox = Inbox(ghost)
    ghost.on("room:removed", inbox._recorder("room:removed"), namespace=NS)
    assert (await call(ghost, "room:join", {"group_id": 1}))["ok"]
    await ghost.emit("disconnect", namespace=NS)
    assert (await river.call("DELETE", "/api/groups/1/membership"))[0] == 204
    await inbox.wait_for("room:removed")
    assert ghost.get_sid(NS) not in subscribers(server, "group:1")
    assert (await river.call("POST", "/api/auth/logout"))[0] == 204
    await wait_until(lambda: not ghost.connected, what="the signed-out connection to close")
    willow_io = await live_room["willow"].socket()
    assert (await call(willow_io, "room:join", {"group_id": 1}))["ok"]
    assert (await send(willow_io, "after the ghost left"))["ok"]
    assert inbox.of("message:new") == []


async def test_sweeps_close_a_subscription_the_namespace_has_no_record_of(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    """Even if a bookkeeping slip dropped a connection's record, the sweeps find its actual subscription."""
    from server.app import housekeeping

    river_io = await live_room["river"].socket()
    assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]
    namespace = namespace_of(server)
    namespace._connections.pop(river_io.get_sid(NS))  # the slip, made on purpose
    await housekeeping(server.state, namespace)
    await wait_until(lambda: not river_io.connected, what="the unaccounted connection to close")
    assert refusals(server, "unaccounted_connection") >= 1


async def test_the_default_namespace_is_refused_and_closed(server: RunningServer) -> None:
    async with raw_socket(server.url) as raw:
        await raw.send("40")
        assert (await raw.frame() or "").startswith("44")
        assert await raw.closed()


async def test_a_refused_connection_is_closed_at_once(server: RunningServer) -> None:
    async with raw_socket(server.url) as raw:  # no cookie
        await raw.send("40/chat,")
        assert (await raw.frame()) == '44/chat,{"message":"not_authenticated"}'
        assert await raw.closed(timeout=3)


async def test_a_connection_that_never_signs_in_is_closed(tmp_path: Path) -> None:
    async with tuned_server(tmp_path, socket_unauthenticated_seconds=1) as server, raw_socket(server.url) as raw:
        started = time.monotonic()
        assert await raw.closed(timeout=5)
        assert time.monotonic() - started < 4
        assert refusals(server, "unauthenticated_timeout") == 1
        await wait_until(lambda: not server.state.sio.eio.sockets, what="the session to be forgotten")


# ---- limits per person and per address (medium) -------------------------------------------------------------


async def test_connections_per_person_are_capped(tmp_path: Path) -> None:
    async with tuned_server(tmp_path, socket_connections_per_person=3) as server:
        river = await signed_in(server.url, "River")
        try:
            sockets = [await river.socket() for _ in range(3)]
            with pytest.raises(socketio.exceptions.ConnectionError):
                await river.socket()
            assert refusals(server, "too_many_connections") == 1
            willow = await signed_in(server.url, "Willow")
            assert (await willow.socket()).connected, "other people are not affected"
            await willow.close()
            await sockets[0].disconnect()
            await wait_until(lambda: len(namespace_of(server).local_sids()) == 2, what="the close to be counted")
            assert (await river.socket()).connected, "closing one makes room for another"
        finally:
            await river.close()


async def test_new_connections_per_address_are_rate_limited(tmp_path: Path) -> None:
    async with tuned_server(tmp_path, socket_handshakes_per_minute=5) as server, aiohttp.ClientSession() as http:
        url = f"{server.url}/socket.io/?EIO=4&transport=polling"
        statuses = []
        for _ in range(7):
            async with http.get(url) as response:
                statuses.append(response.status)
                retry_after = response.headers.get("Retry-After")
        assert statuses == [200] * 5 + [429] * 2
        assert retry_after is not None and 1 <= int(retry_after) <= 60
        assert refusals(server, "too_many_handshakes") == 2


async def test_a_long_polling_body_over_the_limit_gets_413_at_once(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/socket.io/?EIO=4&transport=polling") as response:
            sid = (await response.text())[1:].split('"sid":"')[1].split('"')[0]
        started = time.monotonic()
        body = "4" + "x" * (server.state.settings.max_body_bytes + 10)
        url = f"{server.url}/socket.io/?EIO=4&transport=polling&sid={sid}"
        async with http.post(url, data=body, headers={"Content-Type": "text/plain"}) as response:
            assert response.status == 413
        assert time.monotonic() - started < 3


async def test_every_event_counts_against_the_connection_budget(tmp_path: Path) -> None:
    async with tuned_server(tmp_path, socket_events_per_second=1, socket_event_burst=5) as server:
        river = await signed_in(server.url, "River")
        try:
            river_io = await river.socket()
            codes = [(await call(river_io, "no:such:event", {}))["error"]["code"] for _ in range(5)]
            assert codes == ["unknown_event"] * 5
            assert (await call(river_io, "disconnect", None))["error"]["code"] == "rate_limited"
            assert (await call(river_io, "room:join", {"group_id": 1}))["error"]["code"] == "rate_limited"
        finally:
            await river.close()


async def test_typing_is_limited_per_person_across_connections(tmp_path: Path) -> None:
    async with tuned_server(tmp_path, typing_events_per_10s=4) as server:
        sam, river = await signed_in(server.url, "Sam"), await signed_in(server.url, "River")
        try:
            await open_session(sam)
            sam_io = await sam.socket()
            inbox = Inbox(sam_io)
            assert (await call(sam_io, "room:join", {"group_id": 1}))["ok"]
            river_sockets = [await river.socket() for _ in range(3)]
            for river_io in river_sockets:
                assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]
            outcomes = []
            for river_io in river_sockets:
                for _ in range(3):
                    ack = await call(river_io, "typing", {"group_id": 1, "typing": True})
                    outcomes.append(ack["ok"] or ack["error"]["code"])
            assert outcomes.count(True) == 4 and outcomes.count("rate_limited") == 5
            assert (await send(river_sockets[0], "sentinel"))["ok"]
            await inbox.wait_for("message:new")
            assert len(inbox.of("typing")) == 4, "only the allowed notices were relayed"
        finally:
            await sam.close()
            await river.close()


# ---- malformed frames (low) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "frame",
    [
        "",
        "9",
        "49",
        "4x",
        "bA",
        '451-/chat,["typing",{"_placeholder":true,"num":0}]',
        '42/chat,["room:join"',
        "42/chat,{}",
        "42/chat,[]",
        "42/chat,[7]",
    ],
)
async def test_malformed_frames_close_only_that_connection_quietly(
    live_room: dict[str, Any], server: RunningServer, frame: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    willow_io = await live_room["willow"].socket()
    async with raw_socket(server.url, live_room["river"].cookie_header()) as raw:
        await raw.send("40/chat,")
        assert (await raw.frame() or "").startswith("40/chat,")
        await raw.send(frame)
        if frame.startswith("42/chat,") and frame != '42/chat,["room:join"':
            # Well-formed packets with a bad event shape get a refusal; the connection stays.
            await raw.send('42/chat,5["room:join",{"group_id":1}]')
            assert '"ok":true' in await raw.ack(5)
        else:
            assert await raw.closed()
    assert (await call(willow_io, "room:join", {"group_id": 1}))["ok"], "everyone else is served"
    gc.collect()
    await asyncio.sleep(0)
    noisy = [r for r in caplog.records if r.levelno >= logging.ERROR or "never retrieved" in r.getMessage()]
    assert noisy == [], [r.getMessage() for r in noisy]
    assert all(r.exc_info is None for r in caplog.records if r.name.startswith("alongside"))
    status_500 = server.state.metrics.value("alongside_http_requests_total", route="/socket.io/", status="500")
    assert status_500 == 0


@pytest.mark.parametrize(
    ("packet", "code"),
    [("[7]", "unknown_event"), ("[]", "unknown_event"), ("{}", "unknown_event"), ('["disconnect"]', "reserved_event")],
)
async def test_events_without_a_usable_name_get_a_refusal_ack(
    live_room: dict[str, Any], server: RunningServer, packet: str, code: str
) -> None:
    async with raw_socket(server.url, live_room["river"].cookie_header()) as raw:
        await raw.send("40/chat,")
        assert (await raw.frame() or "").startswith("40/chat,")
        await raw.send(f"42/chat,3{packet}")
        assert f'"code":"{code}"' in await raw.ack(3)


async def test_deeply_nested_json_gets_a_refusal_ack_then_a_close(
    live_room: dict[str, Any], server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    async with raw_socket(server.url, live_room["river"].cookie_header()) as raw:
        await raw.send("40/chat,")
        assert (await raw.frame() or "").startswith("40/chat,")
        await raw.send('42/chat,9["room:join",' + "[" * 5000 + "]" * 5000 + "]")
        ack = await raw.frame()
        assert ack is not None and ack.startswith("43/chat,9[") and "invalid_payload" in ack
        assert await raw.closed()
    assert refusals(server, "payload_too_deep") == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_no_collection_runs_at_the_decoders_depth(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deep nesting takes the JSON decoder to the recursion limit; a collection started there would run its
    callbacks (the pause monitor's) with no room left, each failing unseen. None runs while a packet is decoded."""
    failed: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", failed.append)
    heard: list[str] = []

    def callback(phase: str, _info: dict[str, Any]) -> None:
        heard.append(phase.upper())  # a call of its own, as any callback makes

    gc.callbacks.append(callback)
    threshold = gc.get_threshold()
    gc.set_threshold(1)  # a collection at almost every allocation, so one would start inside the decoder
    try:
        with pytest.raises(MalformedFrame):
            BoundedJson.loads("[" * 5000 + "]" * 5000)
        assert BoundedJson.loads('{"a": [1, 2]}') == {"a": [1, 2]}
    finally:
        gc.set_threshold(*threshold)
        gc.callbacks.remove(callback)
    assert failed == []
    assert gc.isenabled()


async def test_a_connect_without_a_valid_cookie_logs_no_error(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        await chat_socket(server.url, headers={"Cookie": "alongside_session=forged"})
    await wait_until(lambda: not server.state.sio.eio.sockets, what="the refused session to close")
    gc.collect()
    await asyncio.sleep(0)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or "never retrieved" in r.getMessage()]


# ---- nothing kept after connections close ----------------------------------------------------------------


async def test_repeated_open_close_cycles_leave_nothing_behind(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    sio = server.state.sio
    namespace = namespace_of(server)

    def sizes() -> dict[str, int]:
        rooms = sio.manager.rooms.get(CHAT_NAMESPACE, {})
        return {
            "engine.io sockets": len(sio.eio.sockets),
            "environ": len(sio.environ),
            "namespace connections": len(rooms.get(None, {})),
            "rooms": len(rooms),
            "records": len(namespace._connections),
            "per person": server.state.connections.people_here(),
            "pending timers": len(sio._pending),
        }

    baseline = sizes()
    for _ in range(3):
        apis = [live_room["river"], live_room["willow"], live_room["sam"]]
        sockets = [await api.socket() for api in apis for _ in range(3)]
        for client in sockets:
            assert (await call(client, "room:join", {"group_id": 1}))["ok"]
        async with raw_socket(server.url) as raw:  # and one that never signs in
            await raw.send("40/chat,")
            await raw.frame()
        for client in sockets:
            await client.disconnect()
        for api in apis:
            api.sockets.clear()
        await wait_until(lambda: sizes() == baseline, what=f"sizes back to {baseline} (now {sizes()})")


async def test_many_leaving_at_once_send_one_presence_update_not_one_each(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    """Each presence update reads the room and goes to everyone in it: one per leaver is N x N work."""
    willow_io = await live_room["willow"].socket()
    inbox = Inbox(willow_io)
    assert (await call(willow_io, "room:join", {"group_id": 1}))["ok"]
    rivers = [await live_room["river"].socket() for _ in range(6)]
    for river_io in rivers:
        assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]
    await inbox.wait_for("presence:update", lambda d: "River" in {p["display_name"] for p in d["present"]})
    before = len(inbox.of("presence:update"))
    await asyncio.gather(*(river_io.disconnect() for river_io in rivers))
    await inbox.wait_for("presence:update", lambda d: "River" not in {p["display_name"] for p in d["present"]})
    assert len(inbox.of("presence:update")) - before <= 2, "gathered into one update (two if split by timing)"


async def test_binary_frames_close_the_connection(live_room: dict[str, Any], server: RunningServer) -> None:
    """Alongside has no binary events; an announced attachment count would otherwise be kept frame by frame."""
    async with raw_socket(server.url, live_room["river"].cookie_header()) as raw:
        await raw.send("40/chat,")
        assert (await raw.frame() or "").startswith("40/chat,")
        await raw.ws.send_bytes(b"\x04" + b"x" * 1000)
        assert await raw.closed()
    assert refusals(server, "malformed_frame") >= 1


async def test_a_client_that_stops_reading_is_closed_not_buffered(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    """Packets queued for one client are capped: past the cap the connection is cut and its queue freed."""
    river_io = await live_room["river"].socket()
    assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]
    sio = server.state.sio
    eio_sid = sio.manager.eio_sid_from_sid(river_io.get_sid(NS), NS)
    eio = sio.eio
    socket = eio.sockets[eio_sid]
    for _ in range(eio.max_queued + 50):  # queued faster than the writer can run: as a reader that stopped
        await eio.send(eio_sid, '2/chat,["filler",{}]')
    assert socket.queue.qsize() <= eio.max_queued
    assert refusals(server, "slow_consumer") == 1
    await wait_until(lambda: socket.closed, what="the slow consumer's session to be closed")
    await wait_until(lambda: not river_io.connected, what="the client to see the close")


async def test_leaving_chat_but_keeping_the_session_restarts_the_unauthenticated_timer(tmp_path: Path) -> None:
    async with tuned_server(tmp_path, socket_unauthenticated_seconds=1) as server:
        river = await signed_in(server.url, "River")
        try:
            async with raw_socket(server.url, river.cookie_header()) as raw:
                await raw.send("40/chat,")
                assert (await raw.frame() or "").startswith("40/chat,")
                await raw.send("41/chat,")
                assert await raw.closed(timeout=5)
        finally:
            await river.close()


async def test_a_join_racing_its_own_namespace_disconnect_logs_no_error(
    live_room: dict[str, Any], server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(5):
        async with raw_socket(server.url, live_room["river"].cookie_header()) as raw:
            await raw.send("40/chat,")
            assert (await raw.frame() or "").startswith("40/chat,")
            await raw.send('42/chat,1["room:join",{"group_id":1}]')
            await raw.send("41/chat,")
    await wait_until(lambda: not server.state.sio.eio.sockets, what="the sessions to close")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_send_to_a_client_that_stopped_answering_pings_closes_it(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    """The fast send path keeps python-engineio's check: past the ping timeout a send closes the session."""
    river_io, willow_io = await live_room["river"].socket(), await live_room["willow"].socket()
    for member in (river_io, willow_io):
        assert (await call(member, "room:join", {"group_id": 1}))["ok"]
    sio = server.state.sio
    socket = sio.eio.sockets[sio.manager.eio_sid_from_sid(river_io.get_sid(NS), NS)]
    socket.last_ping = time.time() - sio.eio.ping_timeout - 5  # as if River's client stopped answering pings
    willow_inbox = Inbox(willow_io)
    assert (await send(willow_io, "anyone there?"))["ok"]  # a broadcast to the room, River included
    await willow_inbox.wait_for("message:new", lambda m: m["message"]["body"] == "anyone there?")
    await wait_until(lambda: socket.closed, what="the silent client's session to be closed")
    eio_sids = {eio_sid for _, eio_sid in sio.manager.get_participants(NS, room_name(1))}
    assert socket.sid not in eio_sids  # out of the room: the next broadcast does not queue for it


async def test_packets_are_sent_as_text_without_walking_the_payload_for_bytes(
    live_room: dict[str, Any], server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """python-socketio walks every outgoing payload looking for bytes; Alongside sends none (and refuses binary
    packets), so its packets skip the walk and encode as the stock packet would."""
    from socketio import packet as socketio_packet

    from server.transport import TextPacket

    assert server.state.sio.packet_class is TextPacket
    data = ["message:new", {"message": {"id": 7, "body": "hello", "tags": ["a", {"b": None}]}}]
    stock = socketio_packet.Packet(socketio_packet.EVENT, namespace=CHAT_NAMESPACE, data=data).encode()

    def walked(cls: type, payload: Any) -> bool:
        raise AssertionError("the payload was walked for bytes")

    # The server's class only: the test's own clients use the stock packet.
    monkeypatch.setattr(TextPacket, "data_is_binary", classmethod(walked))
    assert TextPacket(socketio_packet.EVENT, namespace=CHAT_NAMESPACE, data=data).encode() == stock
    # A join's snapshot and a broadcast, end to end, with the walk failing loudly if it ran.
    river_io, willow_io = await live_room["river"].socket(), await live_room["willow"].socket()
    for member in (river_io, willow_io):
        assert (await call(member, "room:join", {"group_id": 1}))["ok"]
    willow_inbox = Inbox(willow_io)
    assert (await send(river_io, "text only"))["ok"]
    got = await willow_inbox.wait_for("message:new", lambda m: m["message"]["body"] == "text only")
    assert got["message"]["body"] == "text only"
