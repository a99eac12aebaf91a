"""Latency from a high-risk message to the safeguarding console showing its concern, under chat load.

One Alongside process (SQLite, or PostgreSQL with --postgres) on loopback with the default risk detection.
A safeguarding lead's console is joined to the hub; `--load` members chat in the room (each a message every
`--interval` seconds, as in the fan-out bench) while River, now and then, writes a message the lexicon rates
high. Each is timed from the emit until the console receives `concern:new` for it; the lead then resolves it,
so the next one raises a new concern. Prints median and p99.

    .venv/bin/python bench/safeguarding_latency.py [--samples 40] [--load 20] [--interval 0.5] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.fanout import login, seed, start, stop, wait_ready  # noqa: E402
from rooms import store  # noqa: E402
from rooms.clock import utc_now  # noqa: E402
from rooms.models import HubStaff  # noqa: E402
from server.db import create_engine, create_sessionmaker  # noqa: E402
from tests.services import free_port  # noqa: E402

HIGH_RISK = "I want to die"


async def connect(url: str, cookie: str) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        url, namespaces=["/chat"], headers={"Cookie": f"alongside_session={cookie}"}, transports=["websocket"]
    )
    return client


async def make_lead(database_url: str, schema: str) -> None:
    engine = create_engine(database_url, schema)
    async with create_sessionmaker(engine)() as db, db.begin():
        lead = await store.get_user_by_pseudonym(db, "bench-0")
        assert lead is not None
        db.add(HubStaff(hub_id=1, user_id=lead.id, role="safeguarding_lead", added_at=utc_now()))
    await engine.dispose()


async def chatter(client: socketio.AsyncClient, interval: float, stop_at: asyncio.Event) -> int:
    sent = 0
    while not stop_at.is_set():
        await client.call(
            "message:send",
            {"group_id": 1, "client_id": uuid.uuid4().hex, "body": f"just chatting {sent}"},
            namespace="/chat",
        )
        sent += 1
        await asyncio.sleep(interval)
    return sent


async def run(args: argparse.Namespace, database_url: str, schema: str) -> list[float]:
    people = args.load + 2  # bench-0: the lead; bench-1..: chatter
    await seed(database_url, schema, people)
    await make_lead(database_url, schema)
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
    proc = start([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], env)
    url = f"http://127.0.0.1:{port}"
    clients: list[socketio.AsyncClient] = []
    try:
        await wait_ready(url, "/readyz")
        sam = await login(url, "Sam", "demo-facilitator-pass")
        async with aiohttp.ClientSession() as http:
            headers = {"Cookie": f"alongside_session={sam}"}
            async with http.post(url + "/api/groups/1/sessions", json={}, headers=headers) as response:
                assert response.status == 201, await response.text()
        facilitator = await connect(url, sam)
        clients.append(facilitator)
        assert (await facilitator.call("room:join", {"group_id": 1}, namespace="/chat"))["ok"]

        lead_cookie = await login(url, "bench-0")
        console = await connect(url, lead_cookie)
        clients.append(console)
        arrived: dict[int, float] = {}
        changed = asyncio.Event()

        async def on_concern(data: dict[str, Any]) -> None:
            arrived.setdefault(int(data["concern"]["id"]), time.perf_counter())
            changed.set()

        console.on("concern:new", on_concern, namespace="/chat")
        marked: dict[int, float] = {}

        async def on_risk(data: dict[str, Any]) -> None:
            marked.setdefault(int(data["message_id"]), time.perf_counter())

        facilitator.on("message:risk", on_risk, namespace="/chat")
        assert (await console.call("console:join", {"hub_id": 1}, namespace="/chat"))["ok"]

        river = await connect(url, await login(url, "River", "demo-member-pass"))
        clients.append(river)
        assert (await river.call("room:join", {"group_id": 1}, namespace="/chat"))["ok"]
        talkers = []
        for n in range(1, args.load + 1):
            client = await connect(url, await login(url, f"bench-{n}"))
            clients.append(client)
            assert (await client.call("room:join", {"group_id": 1}, namespace="/chat"))["ok"]
            talkers.append(client)
        stop_at = asyncio.Event()
        load = [asyncio.create_task(chatter(c, args.interval, stop_at)) for c in talkers]

        samples: list[float] = []
        markers: list[float] = []
        async with aiohttp.ClientSession() as http:
            lead_headers = {"Cookie": f"alongside_session={lead_cookie}"}
            for _ in range(args.samples):
                seen = set(arrived)
                started = time.perf_counter()
                ack = await river.call(
                    "message:send", {"group_id": 1, "client_id": uuid.uuid4().hex, "body": HIGH_RISK}, namespace="/chat"
                )
                assert ack["ok"], ack
                while not set(arrived) - seen:
                    changed.clear()
                    await asyncio.wait_for(changed.wait(), 30)
                [concern_id] = set(arrived) - seen
                samples.append((arrived[concern_id] - started) * 1000)
                mid = int(ack["message"]["id"])
                if mid in marked:
                    markers.append((marked[mid] - started) * 1000)
                async with http.post(
                    f"{url}/api/concerns/{concern_id}/resolve", json={"outcome": "bench"}, headers=lead_headers
                ) as response:
                    assert response.status == 200, await response.text()
                await asyncio.sleep(0.2)
        stop_at.set()
        sent = sum(await asyncio.gather(*load))
        print(f"load: {args.load} members sent {sent} messages meanwhile")
        if len(markers) >= 2:
            p99 = statistics.quantiles(markers, n=100)[98]
            print(f"facilitators' message:risk marker: median_ms={statistics.median(markers):.1f} p99_ms={p99:.1f}")
        return samples
    finally:
        for client in clients:
            if client.connected:
                await client.disconnect()
        stop(proc)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--load", type=int, default=20, help="members chatting in the room meanwhile")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between one member's messages")
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        if args.postgres:
            schema = f"latency_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.postgres)
            async with admin.begin() as conn:
                await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                samples = await run(args, args.postgres, schema)
            finally:
                async with admin.begin() as conn:
                    await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                await admin.dispose()
        else:
            samples = await run(args, f"sqlite+aiosqlite:///{workdir}/latency.db", "")
    p99 = statistics.quantiles(samples, n=100)[98] if len(samples) >= 2 else samples[0]
    print(f"safeguarding_latency: samples={len(samples)} median_ms={statistics.median(samples):.1f} p99_ms={p99:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
