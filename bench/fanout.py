"""Message fan-out benchmark: Alongside against the bare python-socketio baseline, side by side.

Each server runs in its own process on loopback. N receivers and one sender enter the same room; the sender
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


async def login(url: str, pseudonym: str) -> str:
    credentials = {"pseudonym": pseudonym, "password": PASSWORD}
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


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A server process; its stderr passes through so a failed start says why."""
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


async def bench_alongside(name: str, database_url: str, schema: str, args: argparse.Namespace) -> Result:
    await seed(database_url, schema, args.receivers + 1)
    port = free_port()
    env = {
        **os.environ,
        "ALONGSIDE_DATABASE_URL": database_url,
        "ALONGSIDE_DATABASE_SCHEMA": schema,
        "ALONGSIDE_MESSAGES_PER_10S": "10000",
        "ALONGSIDE_PASSWORD_TIME_COST": "1",
        "ALONGSIDE_PASSWORD_MEMORY_KIB": "8",
        "ALONGSIDE_LOG_LEVEL": "WARNING",
    }
    proc = start([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], env)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(url, "/readyz")
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            await http.post(url + "/api/auth/login", json={"pseudonym": "Sam", "password": "demo-facilitator-pass"})
            async with http.post(url + "/api/groups/1/sessions", json={}) as response:
                assert response.status == 201, await response.text()
        cookies = [await login(url, f"bench-{n}") for n in range(args.receivers + 1)]
        result = await run_clients(url, cookies, args.messages, args.senders, args.per_sender)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    result.name = name
    return result


async def bench_baseline(args: argparse.Namespace) -> Result:
    port = free_port()
    proc = start([sys.executable, str(ROOT / "bench" / "baseline_server.py"), "--port", str(port)], dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(url, "/socket.io/?EIO=4&transport=polling")
        result = await run_clients(url, [""] * (args.receivers + 1), args.messages, args.senders, args.per_sender)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    result.name = "bare python-socketio"
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receivers", type=int, default=10)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--senders", type=int, default=5)
    parser.add_argument("--per-sender", type=int, default=100)
    parser.add_argument("--postgres", help="also run Alongside on this PostgreSQL URL (a scratch schema is used)")
    args = parser.parse_args()

    results = [await bench_baseline(args)]
    with tempfile.TemporaryDirectory() as tmp:
        results.append(await bench_alongside("Alongside, SQLite", f"sqlite+aiosqlite:///{tmp}/bench.db", "", args))
    if args.postgres:
        from sqlalchemy import text

        schema = f"bench_{secrets.token_hex(4)}"
        admin = create_engine(args.postgres)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            results.append(await bench_alongside("Alongside, PostgreSQL", args.postgres, schema, args))
        finally:
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.dispose()

    base = statistics.median(results[0].fanout_ms)
    header = [
        "server",
        "fan-out median ms",
        "fan-out p95 ms",
        "ack median ms",
        "msgs/s (concurrent)",
        "median vs baseline",
    ]
    rows = [[*r.row(), f"{statistics.median(r.fanout_ms) / base:.2f}x"] for r in results]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    print(
        f"\n{args.receivers} receivers + 1 sender in one room; {args.messages} sequential messages; "
        f"{args.senders} concurrent senders x {args.per_sender} messages; "
        f"loopback, one machine ({os.cpu_count()} cores)\n"
    )
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    asyncio.run(main())
