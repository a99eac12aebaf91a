"""A room member's connection that lives through faults the way the browser's does (frontend/src/views/room.ts),
and a sender's numbered stream of acknowledged messages, for tests/test_fault_stream.py.

The member reconnects by itself (to the first of its addresses that answers), resumes with `room:join`
`since_id`, fills a gap in the ids and follows `room:watermark` with `history:since`, de-duplicating by id
(docs/protocol.md, "Reconnecting"). The stream retries a send that failed (no ack, a drop, a refusal during a
fault) with the same client_id, as the browser does, so a message is stored at most once.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import socketio

from tests.conftest import Api

NS = "/chat"
CATCH_UP_PAGE = 200


class Dropped(Exception):
    """The connection was not there, or went away before the server answered."""


class RoomMember:
    """One person's connection to one room, held as the browser holds it: every message it has, by id."""

    def __init__(self, api: Api, urls: list[str], name: str, group_id: int = 1) -> None:
        self.api = api
        self.urls = urls  # where to (re)connect, in order of preference
        self.name = name
        self.group_id = group_id
        self.held: dict[int, dict[str, Any]] = {}
        self.pushes: Counter[int] = Counter()  # message:new per id, on any of its connections
        self.complete = 0  # every id up to here is held
        self.reconnects = 0
        self.url = ""
        self.client: socketio.AsyncClient | None = None
        self.joined = asyncio.Event()
        self._dropped = asyncio.Event()
        self._changed = asyncio.Event()
        self._ever_joined = False
        self._early: list[dict[str, Any]] = []
        self._checked_mark = 0
        self._catch_up_from: int | None = None
        self._catching_up = False
        self._closing = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reconnecting: asyncio.Task[None] | None = None

    # ---- connecting -----------------------------------------------------------------------------------
    async def start(self) -> None:
        await self._connect_somewhere(deadline_seconds=30)

    async def _connect_somewhere(self, deadline_seconds: float) -> None:
        """Try each address in turn until one takes the connection and the join (bounded)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + deadline_seconds
        problems: list[str] = []
        while not self._closing:
            for url in self.urls:
                try:
                    await asyncio.wait_for(self._connect(url), 15)
                    return
                except Exception as exc:  # refused (process down), or it dropped while joining
                    problems.append(f"{url}: {type(exc).__name__} {exc}")
            if loop.time() > deadline:
                raise AssertionError(f"{self.name} could not reconnect: {problems[-4:]}")
            await asyncio.sleep(0.25)

    async def _connect(self, url: str) -> None:
        client = socketio.AsyncClient(reconnection=False)
        self._listen(client)
        self.client, self.url = client, url
        self._dropped.clear()
        try:
            await client.connect(
                url,
                namespaces=[NS],
                headers={"Cookie": self.api.cookie_header()},
                transports=["websocket"],
                wait_timeout=10,
            )
            await self._join()
        except BaseException:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.disconnect(), 2)
            raise

    def _listen(self, client: socketio.AsyncClient) -> None:
        def current() -> bool:
            return client is self.client

        async def on_message(data: dict[str, Any]) -> None:
            message = data["message"]
            if current() and message["group_id"] == self.group_id:
                self.pushes[message["id"]] += 1
                self._changed.set()
                if self.joined.is_set():
                    self._receive(message)
                else:
                    self._early.append(message)

        async def on_watermark(data: dict[str, Any]) -> None:
            if not current() or data["group_id"] != self.group_id or not self.joined.is_set():
                return
            last_id = int(data["last_id"])
            if last_id > max(self.complete, self._checked_mark):
                self._spawn(self._checked(last_id))

        async def on_disconnect(*_reason: Any) -> None:
            if not current():
                return
            was_joined = self.joined.is_set()  # else a connect under way, which tries again by itself
            self.joined.clear()
            self._dropped.set()
            if was_joined and not self._closing and self._reconnecting is None:
                self._reconnecting = asyncio.create_task(self._reconnect())

        client.on("message:new", on_message, namespace=NS)
        client.on("room:watermark", on_watermark, namespace=NS)
        client.on("disconnect", on_disconnect, namespace=NS)

    async def _reconnect(self) -> None:
        try:
            await self._connect_somewhere(deadline_seconds=45)
            self.reconnects += 1
        finally:
            self._reconnecting = None
            self._changed.set()

    async def _join(self) -> None:
        resuming = self._ever_joined
        payload = {"group_id": self.group_id, **({"since_id": self.complete} if resuming else {})}
        ack = await self.ask("room:join", payload, timeout=10, joined=False)
        if not ack.get("ok"):
            raise Dropped(f"room:join refused: {ack}")
        self._add(ack["messages"])
        if not resuming:
            self.complete = max(self.complete, ack.get("last_id") or 0)
        self._ever_joined = True
        self.joined.set()
        if ack["has_more"]:
            self._spawn(self._catch_up(self.complete))
        elif resuming and ack["messages"]:
            self.complete = max(self.complete, max(m["id"] for m in ack["messages"]))
        self._advance()
        early, self._early = self._early, []
        for message in early:
            self._receive(message)

    # ---- asking -----------------------------------------------------------------------------------------
    async def ask(self, event: str, payload: dict[str, Any], timeout: float = 10, joined: bool = True) -> Any:
        """The server's answer, or Dropped when the connection is not there or goes before it answers."""
        client = self.client
        if client is None or not client.connected or (joined and not self.joined.is_set()):
            raise Dropped(f"{self.name} is not connected")
        answer = asyncio.ensure_future(client.call(event, payload, namespace=NS, timeout=timeout))
        dropped = asyncio.ensure_future(self._dropped.wait())
        try:
            done, _ = await asyncio.wait({answer, dropped}, timeout=timeout + 1, return_when=asyncio.FIRST_COMPLETED)
        finally:
            dropped.cancel()
        if answer not in done:
            answer.cancel()
            raise Dropped(f"{self.name}: no answer to {event}")
        try:
            return answer.result()
        except socketio.exceptions.SocketIOError as exc:
            raise Dropped(f"{self.name}: {event}: {type(exc).__name__}") from exc

    async def send(self, body: str, cid: str, timeout: float = 5) -> dict[str, Any]:
        """message:send; an accepted message is held at once (as the browser shows its own)."""
        ack: dict[str, Any] = await self.ask(
            "message:send", {"group_id": self.group_id, "client_id": cid, "body": body}, timeout
        )
        if ack.get("ok"):
            self._receive(ack["message"])
        return ack

    # ---- holding messages -------------------------------------------------------------------------------
    def _spawn(self, work: Awaitable[object]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _add(self, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            self.held.setdefault(message["id"], message)
        self._advance()

    def _advance(self) -> None:
        while self.complete + 1 in self.held:
            self.complete += 1
        self._changed.set()

    def _receive(self, message: dict[str, Any]) -> None:
        if message["id"] in self.held:
            return
        since = self.complete
        if message["id"] > since + 1:
            self._spawn(self._catch_up(since))
        self._add([message])

    async def _checked(self, last_id: int) -> None:
        """A watermark above what is held: fetch the rest. (The browser counts it checked even if the fetch
        failed; here only once it succeeded, so a failed fetch is asked again at the next watermark.)"""
        if await self._catch_up(self.complete):
            self._checked_mark = max(self._checked_mark, last_id)

    async def _catch_up(self, since: int) -> bool:
        """history:since from `since`, page by page; concurrent requests fold into the one running. True
        once this call has fetched everything (a folded request answers False: the running one fetches it)."""
        self._catch_up_from = since if self._catch_up_from is None else min(self._catch_up_from, since)
        if self._catching_up:
            return False
        self._catching_up = True
        try:
            while self._catch_up_from is not None:
                cursor, self._catch_up_from = self._catch_up_from, None
                while True:
                    page = {"group_id": self.group_id, "since_id": cursor, "limit": CATCH_UP_PAGE}
                    ack = await self.ask("history:since", page)
                    if not ack.get("ok"):
                        return False
                    self._add(ack["messages"])
                    top = max([m["id"] for m in ack["messages"]] + [cursor])
                    if not ack["has_more"] or top <= cursor:
                        self.complete = max(self.complete, top)  # the server sent everything after `since`
                        self._advance()
                        break
                    cursor = top
            return True
        except Dropped:
            return False  # the reconnect's room:join with since_id fills the hole
        finally:
            self._catching_up = False

    async def wait_complete(self, upto: int, timeout: float) -> None:
        """Until every message up to `upto` is held (bounded)."""

        async def enough() -> None:
            while self.complete < upto:
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(enough(), timeout)
        except TimeoutError:
            missing = [i for i in range(1, upto + 1) if i not in self.held]
            raise AssertionError(
                f"{self.name} (on {self.url}, joined={self.joined.is_set()}) lacks {len(missing)} of {upto} "
                f"messages after {timeout} s: {missing[:20]}"
            ) from None

    async def wait_pushed(self, message_id: int, timeout: float) -> None:
        """Until this message has come as message:new (live delivery, not a catch-up), bounded."""

        async def pushed() -> None:
            while not self.pushes[message_id]:
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(pushed(), timeout)
        except TimeoutError:
            raise AssertionError(f"{self.name}: message {message_id} was not pushed within {timeout} s") from None

    async def wait_joined(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self.joined.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"{self.name} did not get back into the room within {timeout} s") from None

    async def close(self) -> None:
        self._closing = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        for task in list(self._tasks):
            task.cancel()
        if self.client is not None and self.client.connected:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.client.disconnect(), 5)


@dataclass
class NumberedStream:
    """One sender's steady stream: bodies "n=<n> from <label>", each awaiting its ack before the next; a send
    that fails is retried with the same client_id."""

    member: RoomMember
    label: str
    pace_seconds: float = 0.1
    acked: dict[int, int] = field(default_factory=dict)  # n -> message id
    unacked: list[int] = field(default_factory=list)  # numbers given up on (never acknowledged)
    retries: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # why sends failed (refusal codes, drops)
    token: str = field(default_factory=lambda: secrets.token_hex(4))
    _go: asyncio.Event = field(default_factory=asyncio.Event)
    _idle: asyncio.Event = field(default_factory=asyncio.Event)

    def body(self, n: int) -> str:
        return f"n={n} from {self.label}"

    @property
    def last_id(self) -> int:
        return max(self.acked.values(), default=0)

    async def pause(self, timeout: float = 60) -> None:
        """Stop after the message under way (acknowledged or given up): a quiet spell."""
        self._go.clear()
        await asyncio.wait_for(self._idle.wait(), timeout)

    def resume(self) -> None:
        self._go.set()

    async def run(self, stop: asyncio.Event, give_up_seconds: float = 30) -> None:
        loop = asyncio.get_running_loop()
        self._go.set()
        try:
            n = 0
            while not stop.is_set():
                if not self._go.is_set():
                    self._idle.set()
                    await self._go.wait()
                    self._idle.clear()
                    continue
                n += 1
                cid = f"{self.label}-{self.token}-{n}"
                started = loop.time()
                while True:
                    try:
                        ack = await self.member.send(self.body(n), cid)
                        if ack.get("ok"):
                            self.acked[n] = ack["message"]["id"]
                            break
                        self.failures[ack["error"]["code"]] += 1
                    except Dropped as exc:
                        self.failures["dropped" if "not connected" in str(exc) else "no answer"] += 1
                    if loop.time() - started > give_up_seconds:
                        self.unacked.append(n)
                        break
                    self.retries += 1
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.member.joined.wait(), 1)
                    await asyncio.sleep(0.05)
                await asyncio.sleep(self.pace_seconds)
        finally:
            self._idle.set()  # finished: a pause has nothing to wait for


async def until_acked(send: Callable[[], Awaitable[dict[str, Any]]], timeout: float) -> dict[str, Any]:
    """Send (the same client_id each time) until it is acknowledged, bounded."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Any = None
    while loop.time() < deadline:
        try:
            last = await send()
            if last.get("ok"):
                return dict(last["message"])
        except Dropped as exc:
            last = exc
        await asyncio.sleep(0.2)
    raise AssertionError(f"not acknowledged within {timeout} s: {last}")
