"""Shared helpers for tests that talk Socket.IO: an inbox of pushed events, acked calls, counting rows."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import socketio

from tests.conftest import client_id

NS = "/chat"


class Inbox:
    """Collects server-pushed events of one client, and waits for them."""

    def __init__(self, client: socketio.AsyncClient) -> None:
        self.events: list[tuple[str, Any]] = []
        self._changed = asyncio.Event()
        for name in ("message:new", "presence:update", "session:updated", "typing"):
            client.on(name, self._recorder(name), namespace=NS)

    def _recorder(self, name: str) -> Any:
        async def record(data: Any) -> None:
            self.events.append((name, data))
            self._changed.set()

        return record

    def of(self, name: str) -> list[Any]:
        return [data for event, data in self.events if event == name]

    async def wait_for(self, name: str, predicate: Any = lambda _: True, timeout: float = 5.0) -> Any:
        async def find() -> Any:
            while True:
                for data in self.of(name):
                    if predicate(data):
                        return data
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(find(), timeout)


async def call(client: socketio.AsyncClient, event: str, payload: Any, timeout: float = 10) -> dict[str, Any]:
    result: dict[str, Any] = await client.call(event, payload, namespace=NS, timeout=timeout)
    return result


async def enter_hearing(
    api: Any, events: Sequence[str], group_id: int = 1
) -> tuple[socketio.AsyncClient, Inbox, dict[str, Any]]:
    """A new socket of `api`'s person in the group's room, its Inbox recording `events`; and the join's ack."""
    client = await api.socket()
    inbox = Inbox(client)
    for name in events:
        client.on(name, inbox._recorder(name), namespace="/chat")
    joined = await call(client, "room:join", {"group_id": group_id})
    assert joined["ok"], joined
    return client, inbox, joined


async def send(
    client: socketio.AsyncClient, body: str, group_id: int = 1, cid: str | None = None, timeout: float = 10
) -> dict[str, Any]:
    payload = {"group_id": group_id, "client_id": cid or client_id(), "body": body}
    return await call(client, "message:send", payload, timeout)


def counts_of(server: Any) -> Any:
    async def count() -> tuple[int, int]:
        from sqlalchemy import func, select

        from rooms.models import Membership, Message

        async with server.state.sessions() as db, db.begin():
            messages = (await db.execute(select(func.count()).select_from(Message))).scalar_one()
            members = (await db.execute(select(func.count()).select_from(Membership))).scalar_one()
        return messages, members

    return count


async def wait_until(predicate: Any, timeout: float = 5.0, what: str = "condition") -> None:
    """Poll a condition the server changes on its own (a closed connection, a cleared record)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


class RawSocket:
    """A websocket speaking Engine.IO/Socket.IO frames by hand, to send what no well-behaved client would."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    async def frame(self, timeout: float = 5.0) -> str | None:
        """The next text frame, or None once the server has closed the connection (a websocket close, or
        Engine.IO's close packet "1")."""
        import aiohttp

        while True:
            message = await asyncio.wait_for(self.ws.receive(), timeout)
            if message.type == aiohttp.WSMsgType.TEXT:
                if message.data in ("2",):  # Engine.IO ping: answer and keep reading
                    await self.ws.send_str("3")
                    continue
                return None if message.data == "1" else str(message.data)
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return None
            if message.type == aiohttp.WSMsgType.ERROR:
                raise AssertionError(f"websocket error: {message.data!r}")

    async def ack(self, ack_id: int, namespace: str = "/chat") -> str:
        """The ack frame with this id (pushed events before it are skipped)."""
        prefix = f"43{namespace},{ack_id}["
        while True:
            frame = await self.frame()
            assert frame is not None, "closed before the ack"
            if frame.startswith(prefix):
                return frame

    async def send(self, text: str) -> None:
        await self.ws.send_str(text)

    async def closed(self, timeout: float = 5.0) -> bool:
        """True once the server closes the connection (frames before that are skipped)."""
        while (await self.frame(timeout)) is not None:
            pass
        return True


@contextlib.asynccontextmanager
async def raw_socket(base: str, cookie: str = "") -> AsyncIterator[RawSocket]:
    """An open Engine.IO websocket (its open frame already read)."""
    import aiohttp

    headers = {"Origin": base, **({"Cookie": cookie} if cookie else {})}
    url = f"{base}/socket.io/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as http, http.ws_connect(url, headers=headers) as ws:
        raw = RawSocket(ws)
        opened = await raw.frame()
        assert opened is not None and opened.startswith("0{"), opened
        yield raw
