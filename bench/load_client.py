"""The load generator: one process holding many Socket.IO connections, driven by JSON lines on stdin.

Why hand-rolled: the official python-socketio client costs about 127 µs of CPU per received message, so at
thousands of deliveries a second it would measure itself. This speaks Engine.IO v4 / Socket.IO v5 over a
websocket directly (aiohttp), parses only what it must, and finds a delivered message's send time with a
string scan of its `client_id` (`<tag>-<seq>-<monotonic ns at send>`; CLOCK_MONOTONIC is one clock for every
process on the machine, and a room's sender and receivers live in the same generator process anyway).

Frames used: `0{...}` open; `2` ping, answered `3`; `40/chat,{}` namespace connect, answered `40/chat,{...}`
(or `44/chat,...` refused); `42/chat,<id>["event",{...}]` an event with an ack id; `43/chat,<id>[...]` its ack;
`42/chat,["message:new",{...}]` a delivery.

Commands (one JSON object per line; each answered with one JSON line):
  {"op": "connect", "pool": P, "clients": [{"url", "cookie", "group", "sender"}], "concurrency": N}
  {"op": "step", "pool": P, "rate": msgs/s from this process, "seconds": S, "grace": G, "tag": T}
  {"op": "close", "pool": P}
  {"op": "quit"}
"""

from __future__ import annotations

import asyncio
import gc
import json
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp

NEW = '42/chat,["message:new"'
ACK = "43/chat,"
SEND_IDS = 1000  # ack ids from here on are message sends; below, control events (the join)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Step:
    """What one pool counts during one step of load."""

    tag: str
    sent: int = 0
    acked: int = 0
    refused: int = 0
    received: int = 0
    expected: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    latency_us: list[int] = field(default_factory=list)
    ack_us: list[int] = field(default_factory=list)
    sent_ns: list[int] = field(default_factory=list)  # each delivery's send time, beside latency_us


class Conn:
    __slots__ = ("group", "next_id", "pool", "reader", "sender", "sent_at", "waiters", "ws")

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, group: int, sender: bool, pool: Pool) -> None:
        self.ws = ws
        self.group = group
        self.sender = sender
        self.pool = pool
        self.waiters: dict[int, asyncio.Future[str]] = {}
        self.sent_at: dict[int, int] = {}
        self.next_id = SEND_IDS
        self.reader: asyncio.Task[None] | None = None


class Pool:
    """The connections to one server under test (one or more processes), and the step being measured."""

    def __init__(self) -> None:
        self.conns: list[Conn] = []
        self.step: Step | None = None
        self.room_sizes: Counter[int] = Counter()
        self.last_delivery = 0.0  # time.monotonic() of the latest message:new, of any step


def _client_id_fields(frame: str) -> tuple[str, int] | None:
    """(tag, send time ns) from a delivery's client_id, by string scan only (no JSON parse)."""
    at = frame.find('"client_id"')
    if at < 0:
        return None
    start = frame.find('"', at + 12)
    end = frame.find('"', start + 1)
    parts = frame[start + 1 : end].split("-")
    if len(parts) != 3:
        return None
    return parts[0], int(parts[2])


async def read(conn: Conn) -> None:
    ws = conn.ws
    pool = conn.pool
    async for msg in ws:
        if msg.type != aiohttp.WSMsgType.TEXT:
            break
        data: str = msg.data
        if data.startswith(NEW):
            pool.last_delivery = time.monotonic()
            step = pool.step
            if step is not None:
                fields = _client_id_fields(data)
                if fields is not None and fields[0] == step.tag:
                    step.received += 1
                    step.latency_us.append((time.monotonic_ns() - fields[1]) // 1000)
                    step.sent_ns.append(fields[1])
        elif data == "2":
            await ws.send_str("3")
        elif data.startswith(ACK):
            ack_id = int(data[8 : data.index("[")])
            if ack_id < SEND_IDS:
                waiter = conn.waiters.pop(ack_id, None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(data)
                continue
            sent = conn.sent_at.pop(ack_id, None)
            step = pool.step
            if step is None or sent is None:
                continue
            if '"ok": true' in data or '"ok":true' in data:
                step.acked += 1
                step.ack_us.append((time.monotonic_ns() - sent) // 1000)
            else:
                step.refused += 1
                at = data.find('"code"')
                code = data[at + 6 :].split('"')[1] if at >= 0 else "unknown"
                step.codes[code] += 1


async def open_conn(http: aiohttp.ClientSession, pool: Pool, spec: dict[str, Any], stage: list[str]) -> Conn:
    """Connect, enter /chat, join the room; `stage` says how far it got (a timeout then says where it hung)."""
    url = spec["url"]
    stage[0] = "websocket upgrade"
    headers = {"Origin": url}
    if spec.get("cookie"):
        headers["Cookie"] = f"alongside_session={spec['cookie']}"
    ws = await http.ws_connect(
        f"{url}/socket.io/?EIO=4&transport=websocket", headers=headers, compress=0, max_msg_size=0, autoping=True
    )
    try:
        stage[0] = "Engine.IO open"
        opened = await ws.receive_str(timeout=30)
        if not opened.startswith("0"):
            raise RuntimeError(f"no open packet: {opened[:40]}")
        await ws.send_str("40/chat,{}")
        stage[0] = "/chat connect"
        while True:
            frame = await ws.receive_str(timeout=60)
            if frame == "2":
                await ws.send_str("3")
            elif frame.startswith("40/chat"):
                break
            elif frame.startswith("44/chat"):
                raise RuntimeError(f"refused: {frame[8:80]}")
        conn = Conn(ws, int(spec["group"]), bool(spec.get("sender")), pool)
        waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        conn.waiters[1] = waiter
        conn.reader = asyncio.create_task(read(conn))
        stage[0] = "room:join ack"
        await ws.send_str(f'42/chat,1["room:join",{{"group_id":{conn.group}}}]')
        ack = await asyncio.wait_for(waiter, 120)
        if '"ok": true' not in ack and '"ok":true' not in ack:
            raise RuntimeError(f"join refused: {ack[8:120]}")
        return conn
    except BaseException:
        await ws.close()
        raise


async def probe_lag(lags: list[float]) -> None:
    """How late this process's event loop wakes a 10 ms sleep: if the generator itself falls behind, its
    latencies are its own, and this says so."""
    while True:
        started = time.monotonic()
        await asyncio.sleep(0.01)
        lags.append(max(0.0, time.monotonic() - started - 0.01))


class Generator:
    def __init__(self) -> None:
        self.pools: dict[str, Pool] = {}
        self.http: aiohttp.ClientSession | None = None

    def pool(self, name: str) -> Pool:
        return self.pools.setdefault(name, Pool())

    async def connect(self, cmd: dict[str, Any]) -> dict[str, Any]:
        if self.http is None:
            self.http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, force_close=True), cookie_jar=aiohttp.DummyCookieJar()
            )
        http = self.http
        pool = self.pool(cmd["pool"])
        slots = asyncio.Semaphore(int(cmd.get("concurrency", 50)))
        errors: Counter[str] = Counter()
        done_at: list[float] = []  # seconds into the wave at which each connection had joined
        took: list[float] = []  # seconds from each connection's first packet to its join's ack
        started = time.perf_counter()

        deadline = started + float(cmd.get("deadline", 600))  # the whole wave: a server that stalls ends it

        async def one(spec: dict[str, Any]) -> None:
            async with slots:
                began = time.perf_counter()
                left = deadline - began
                if left <= 0:
                    errors["not tried: the wave's deadline passed"] += 1
                    return
                stage = ["start"]
                try:
                    async with asyncio.timeout(min(float(cmd.get("timeout", 120)), left)):
                        conn = await open_conn(http, pool, spec, stage)
                except TimeoutError:
                    errors[f"no answer within the timeout, waiting for: {stage[0]}"] += 1
                    return
                except Exception as exc:
                    errors[f"{type(exc).__name__}: {str(exc)[:60]}"] += 1
                    return
                pool.conns.append(conn)
                pool.room_sizes[conn.group] += 1
                done_at.append(time.perf_counter() - started)
                took.append(time.perf_counter() - began)

        await asyncio.gather(*(one(spec) for spec in cmd["clients"]))
        seconds = time.perf_counter() - started
        gc.collect()
        gc.freeze()  # the generator's own long-lived objects: out of its collections, so it pauses less
        failed = sum(errors.values())
        return {
            "connected": len(cmd["clients"]) - failed,
            "failed": failed,
            "errors": dict(errors),
            "seconds": seconds,
            "done_at": done_at,
            "took": took,
        }

    async def step(self, cmd: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(cmd["pool"])
        step = Step(tag=str(cmd["tag"]))
        senders = [c for c in pool.conns if c.sender and not c.ws.closed]
        rate, seconds = float(cmd["rate"]), float(cmd["seconds"])
        total = round(rate * seconds) if senders else 0
        cpu_before = cpu_seconds()
        pool.step = step
        lags: list[float] = []
        lag_probe = asyncio.create_task(probe_lag(lags))
        interval_ns = int(1e9 / rate) if rate > 0 else 0
        start = time.monotonic_ns()
        due = start
        seq = 0
        while seq < total:
            now = time.monotonic_ns()
            while due <= now and seq < total:
                conn = senders[seq % len(senders)]
                ack_id = conn.next_id
                conn.next_id += 1
                t = time.monotonic_ns()
                conn.sent_at[ack_id] = t
                frame = (
                    f'42/chat,{ack_id}["message:send",{{"group_id":{conn.group},'
                    f'"client_id":"{step.tag}-{seq}-{t}","body":"load line {seq} of step {step.tag}"}}]'
                )
                try:
                    await conn.ws.send_str(frame)
                except ConnectionError:
                    step.codes["send_failed"] += 1
                step.sent += 1
                step.expected += pool.room_sizes[conn.group]
                seq += 1
                due += interval_ns
            await asyncio.sleep(max(0.0, (due - time.monotonic_ns()) / 1e9))
        send_seconds = (time.monotonic_ns() - start) / 1e9
        # Wait for stragglers: until everything expected arrived, or the grace period is over.
        deadline = time.monotonic() + float(cmd.get("grace", 2.0))
        # Polled: the readers only bump counters (an Event set per frame would cost more than this).
        while time.monotonic() < deadline and (  # noqa: ASYNC110
            step.received < step.expected or step.acked + step.refused < step.sent
        ):
            await asyncio.sleep(0.05)
        pool.step = None
        lag_probe.cancel()
        lags.sort()
        # Drain: late deliveries (not counted) must not land on the next step's measurement.
        drain_started = time.monotonic()
        while time.monotonic() - pool.last_delivery < 0.5 and time.monotonic() - drain_started < 30:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        for conn in senders:
            conn.sent_at.clear()
        return {
            "sent": step.sent,
            "acked": step.acked,
            "refused": step.refused,
            "codes": dict(step.codes),
            "received": step.received,
            "expected": step.expected,
            "latency_us": step.latency_us,
            "sent_offset_ms": [(t - start) // 1_000_000 for t in step.sent_ns],  # beside latency_us
            "ack_us": step.ack_us,
            "send_seconds": send_seconds,
            "cpu_seconds": cpu_seconds() - cpu_before,
            "drain_seconds": time.monotonic() - drain_started,
            "loop_lag_p99_ms": 1000 * lags[int(0.99 * (len(lags) - 1))] if lags else 0.0,
            "loop_lag_max_ms": 1000 * lags[-1] if lags else 0.0,  # one long stall delays every delivery in it
        }

    async def close(self, cmd: dict[str, Any]) -> dict[str, Any]:
        pool = self.pools.pop(cmd["pool"], Pool())
        await asyncio.gather(*(c.ws.close() for c in pool.conns), return_exceptions=True)
        for conn in pool.conns:
            if conn.reader is not None:
                conn.reader.cancel()
        return {"closed": len(pool.conns)}

    async def alive(self, cmd: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(cmd["pool"])
        return {"open": sum(1 for c in pool.conns if not c.ws.closed)}


async def main() -> None:
    gc.set_threshold(100_000, 50, 50)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 28)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    generator = Generator()
    while line := await reader.readline():
        cmd = json.loads(line)
        op = cmd["op"]
        if op == "quit":
            break
        try:
            reply = await getattr(generator, op)(cmd)
        except Exception as exc:  # the orchestrator reports it; a bench must say why it failed
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    if generator.http is not None:
        for name in list(generator.pools):
            await generator.close({"pool": name})
        await generator.http.close()


if __name__ == "__main__":
    asyncio.run(main())
