"""Message fan-out benchmark: Alongside against the bare python-socketio baseline, side by side.

Each server runs in its own process on loopback, started once; rounds alternate between them so a noisy
moment on the machine hits every server alike. In each round N receivers and one sender enter one room; the sender
sends M messages one after another, each timed from emit until every receiver has it (fan-out latency),
and the ack time is recorded too. Then S senders send concurrently for throughput. Prints one table.

    .venv/bin/python bench/fanout.py                       # SQLite (embedded default)
    .venv/bin/python bench/fanout.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rooms.clock import utc_now  # noqa: E402
from rooms.models import Membership  # noqa: E402
from server.db import create_engine, create_sessionmaker, migrate  # noqa: E402
from server.demo import seed_demo  # noqa: E402
from server.passwords import Passwords  # noqa: E402
from tests.services import free_port  # noqa: E402

PASSWORD = "bench-password-1"


@dataclass
class Result:
    name: str
    fanout_ms: list[float]
    ack_ms: list[float]
    throughput: float

    def row(self) -> list[str]:
        q = statistics.quantiles(self.fanout_ms, n=100)
        return [
            self.name,
            f"{statistics.median(self.fanout_ms):.2f}",
            f"{q[94]:.2f}",
            f"{statistics.median(self.ack_ms):.2f}",
            f"{self.throughput:.0f}",
        ]


async def wait_ready(url: str, path: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(url + path) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


async def login(url: str, pseudonym: str, password: str = PASSWORD) -> str:
    credentials = {"pseudonym": pseudonym, "password": password}
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http,
        http.post(url + "/api/auth/login", json=credentials) as response,
    ):
        assert response.status == 200, await response.text()
        return response.cookies["alongside_session"].value


async def run_clients(url: str, cookies: list[str], messages: int, senders: int, per_sender: int) -> Result:
    arrivals: dict[str, asyncio.Future[None]] = {}
    counts: dict[str, int] = {}
    n_receivers = len(cookies) - 1

    def on_message(data: dict[str, Any]) -> None:
        cid = data["message"]["client_id"]
        counts[cid] = counts.get(cid, 0) + 1
        future = arrivals.get(cid)
        if future is not None and counts[cid] == n_receivers and not future.done():
            future.set_result(None)

    clients = []
    for cookie in cookies:
        client = socketio.AsyncClient(reconnection=False)
        client.on("message:new", on_message, namespace="/chat")
        await client.connect(
            url,
            namespaces=["/chat"],
            transports=["websocket"],
            headers={"Cookie": f"alongside_session={cookie}"} if cookie else {},
        )
        ack = await client.call("room:join", {"group_id": 1}, namespace="/chat", timeout=30)
        assert ack["ok"], ack
        clients.append(client)
    sender = clients[0]
    # Only the receivers' copies count toward "everyone has it".
    sender.handlers["/chat"].pop("message:new", None)

    fanout, acks = [], []
    for _ in range(messages):
        cid = uuid.uuid4().hex
        arrivals[cid] = asyncio.get_running_loop().create_future()
        start = time.perf_counter()
        ack = await sender.call(
            "message:send", {"group_id": 1, "client_id": cid, "body": "bench " + cid}, namespace="/chat", timeout=30
        )
        acks.append((time.perf_counter() - start) * 1000)
        assert ack["ok"], ack
        await asyncio.wait_for(arrivals[cid], 30)
        fanout.append((time.perf_counter() - start) * 1000)

    async def burst(client: socketio.AsyncClient) -> None:
        for _ in range(per_sender):
            ack = await client.call(
                "message:send",
                {"group_id": 1, "client_id": uuid.uuid4().hex, "body": "x"},
                namespace="/chat",
                timeout=60,
            )
            assert ack["ok"], ack

    start = time.perf_counter()
    await asyncio.gather(*(burst(c) for c in clients[:senders]))
    throughput = senders * per_sender / (time.perf_counter() - start)
    for client in clients:
        await client.disconnect()
    return Result("", fanout, acks, throughput)


async def seed(database_url: str, schema: str, people: int) -> None:
    engine = create_engine(database_url, schema)
    await migrate(engine)
    passwords = Passwords(1, 8)
    await seed_demo(engine, passwords)
    from rooms import community, store

    async with create_sessionmaker(engine)() as db, db.begin():
        for n in range(people):
            user = await community.create_user(
                db, pseudonym=f"bench-{n}", email=None, password_hash=await passwords.hash(PASSWORD), now=utc_now()
            )
            db.add(
                Membership(group_id=1, user_id=user.id, agreement_version=1, joined_at=utc_now(), accepted_at=utc_now())
            )
        sam = await store.get_user_by_pseudonym(db, "Sam")
        assert sam is not None
    await engine.dispose()


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A server process; its stderr passes through so a failed start says why."""
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


class Server:
    """One server process under test, started once and measured in several interleaved rounds."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.cookies: list[str] = []
        self.rounds: list[Result] = []
        self.facilitator: socketio.AsyncClient | None = None

    def close(self) -> None:
        if self.proc is not None:
            stop(self.proc)


async def start_baseline(args: argparse.Namespace) -> Server:
    server = Server("bare python-socketio")
    port = free_port()
    server.proc = start(
        [sys.executable, str(ROOT / "bench" / "baseline_server.py"), "--port", str(port)], dict(os.environ)
    )
    server.url = f"http://127.0.0.1:{port}"
    await wait_ready(server.url, "/socket.io/?EIO=4&transport=polling")
    server.cookies = [""] * (args.receivers + 1)
    return server


async def start_alongside(name: str, database_url: str, schema: str, args: argparse.Namespace) -> Server:
    await seed(database_url, schema, args.receivers + 1)
    server = Server(name)
    port = free_port()
    env = {
        **os.environ,
        "ALONGSIDE_DATABASE_URL": database_url,
        "ALONGSIDE_DATABASE_SCHEMA": schema,
        "ALONGSIDE_MESSAGES_PER_10S": "10000",
        "ALONGSIDE_MESSAGES_PER_MINUTE": "60000",
        "ALONGSIDE_SOCKET_EVENTS_PER_SECOND": "100000",
        "ALONGSIDE_SOCKET_EVENT_BURST": "100000",
        "ALONGSIDE_PASSWORD_TIME_COST": "1",
        "ALONGSIDE_PASSWORD_MEMORY_KIB": "8",
        "ALONGSIDE_LOG_LEVEL": "WARNING",
    }
    server.proc = start([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], env)
    server.url = f"http://127.0.0.1:{port}"
    await wait_ready(server.url, "/readyz")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await http.post(server.url + "/api/auth/login", json={"pseudonym": "Sam", "password": "demo-facilitator-pass"})
        async with http.post(server.url + "/api/groups/1/sessions", json={}) as response:
            assert response.status == 201, await response.text()
    # A facilitator stays in the room, as in a real session: without one the session pauses (no facilitator,
    # no session) and members' messages are refused.
    sam_cookie = await login(server.url, "Sam", "demo-facilitator-pass")
    server.facilitator = socketio.AsyncClient(reconnection=False)
    await server.facilitator.connect(
        server.url,
        namespaces=["/chat"],
        headers={"Cookie": f"alongside_session={sam_cookie}"},
        transports=["websocket"],
        wait_timeout=10,
    )
    joined = await server.facilitator.call("room:join", {"group_id": 1}, namespace="/chat", timeout=30)
    assert joined["ok"] and joined["role"] == "facilitator", joined
    server.cookies = [await login(server.url, f"bench-{n}") for n in range(args.receivers + 1)]
    return server


def summary(server: Server, baseline: Server) -> list[str]:
    fanout = [ms for r in server.rounds for ms in r.fanout_ms]
    acks = [ms for r in server.rounds for ms in r.ack_ms]
    ratios = [
        statistics.median(mine.fanout_ms) / statistics.median(base.fanout_ms)
        for mine, base in zip(server.rounds, baseline.rounds, strict=True)
    ]
    base_median = statistics.median([ms for r in baseline.rounds for ms in r.fanout_ms])
    return [
        server.name,
        f"{statistics.median(fanout):.2f}",
        f"{statistics.quantiles(fanout, n=100)[94]:.2f}",
        f"{statistics.median(acks):.2f}",
        f"{statistics.median([r.throughput for r in server.rounds]):.0f}",
        f"{statistics.median(fanout) / base_median:.2f}x",
        f"{min(ratios):.2f}-{max(ratios):.2f}x",
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receivers", type=int, default=10)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--senders", type=int, default=5)
    parser.add_argument("--per-sender", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per server")
    parser.add_argument("--postgres", help="also run Alongside on this PostgreSQL URL (a scratch schema is used)")
    args = parser.parse_args()

    servers: list[Server] = []
    schema = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(args.postgres) if args.postgres else None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            servers.append(await start_baseline(args))
            servers.append(await start_alongside("Alongside, SQLite", f"sqlite+aiosqlite:///{tmp}/bench.db", "", args))
            if admin is not None and args.postgres:
                from sqlalchemy import text

                async with admin.begin() as conn:
                    await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
                servers.append(await start_alongside("Alongside, PostgreSQL", args.postgres, schema, args))
            for _ in range(args.rounds):
                for server in servers:  # interleaved, so a noisy moment hits every server alike
                    server.rounds.append(
                        await run_clients(server.url, server.cookies, args.messages, args.senders, args.per_sender)
                    )
        finally:
            for server in servers:
                server.close()
            if admin is not None:
                from sqlalchemy import text

                async with admin.begin() as conn:
                    await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                await admin.dispose()

    header = [
        "server",
        "fan-out median ms",
        "fan-out p95 ms",
        "ack median ms",
        "msgs/s (concurrent)",
        "median vs baseline",
        "per-round ratio range",
    ]
    rows = [summary(server, servers[0]) for server in servers]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    print(
        f"\n{args.receivers} receivers + 1 sender in one room; {args.rounds} interleaved rounds of "
        f"{args.messages} sequential messages and {args.senders} concurrent senders x {args.per_sender}; "
        f"loopback, one machine ({os.cpu_count()} cores)\n"
    )
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    asyncio.run(main())
