"""A connect wave and a mass departure: N members connect and enter their rooms at once, sit idle, then all
leave at once. Alongside against bare python-socketio, side by side in one run (issue 9: "connect + join",
idle CPU, memory per connection, "a mass disconnect never exhausts the pool or leaves presence rows behind").

    .venv/bin/python bench/connect_wave.py [--clients 2000] [--idle-seconds 32] [--postgres URL]

Per server: connect + join time of the wave, resident memory per connection, CPU over an idle window long
enough to hold one 30-second housekeeping sweep, then the time from closing every connection until the server
holds none (and, for Alongside, until its presence table is empty), what is left behind, and the errors its log
shows ("database is locked", pool time-outs). Members are seeded through the domain (bench/load_seed.py), the
load comes from bench/load_client.py processes, so neither server measures its client.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import Workers, connect_pool, create_schema, drop_schema, idle_pool  # noqa: E402
from bench.load_seed import seed  # noqa: E402
from bench.load_servers import SECRET_KEY, Server, start_alongside, start_bare  # noqa: E402

LOG_NEEDLES = ("database is locked", "TimeoutError", "QueuePool limit", "Traceback", "WARNING", "ERROR")


async def presence_rows(db: tuple[str, str]) -> int:
    from sqlalchemy import func, select

    from rooms.models import Presence
    from server.db import create_engine

    engine = create_engine(db[0], db[1])
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(Presence))).scalar_one())
    finally:
        await engine.dispose()


async def connections_held(server: Server) -> int:
    """Alongside's own gauge; the bare server has none, so its CPU settling stands in."""
    for line in (await server.metrics()).splitlines():
        if line.startswith("alongside_socket_connections "):
            return int(float(line.split()[-1]))
    return -1


async def settle_cpu(server: Server, longest: float = 60.0) -> None:
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        before = server.cpu()
        await asyncio.sleep(0.3)
        if (server.cpu() - before) / 0.3 < 0.05:
            return


async def one_server(
    kind: str, server: Server, workers: Workers, specs: list[tuple[str, int]], args: argparse.Namespace, db: Any
) -> dict[str, Any]:
    await server.ready()
    await asyncio.sleep(1.0)
    rss_before = server.rss_kb()
    pool = idle_pool(f"wave-{kind}", kind, server, specs, workers)
    cpu0, gc0 = server.cpu(), sum((await server.gc_stats())[2])
    connect = await connect_pool(workers, pool, args.concurrency, args.deadline)
    connect_cpu = server.cpu() - cpu0
    connect_gc = sum((await server.gc_stats())[2]) - gc0  # wall time in collections (both servers time them)
    print(
        f"  {kind:9} {connect['connected']} connected + joined in {connect['seconds']:.1f} s "
        f"(server CPU {connect_cpu:.1f} s, {connect_gc:.2f} s of it collecting garbage; each join p50 "
        f"{connect['join_ms_p50']:.0f} ms, p99 {connect['join_ms_p99']:.0f} ms), {connect['failed']} failed "
        f"{connect['errors'] or ''}",
        flush=True,
    )
    await settle_cpu(server, 30)
    cpu1, t1 = server.cpu(), time.perf_counter()
    await asyncio.sleep(args.idle_seconds)
    idle_wall = time.perf_counter() - t1
    idle_cpu = 100 * (server.cpu() - cpu1) / idle_wall
    rss_after = server.rss_kb()
    n = connect["connected"]
    kb = (rss_after - rss_before) / n if n else float("nan")
    rows_before = await presence_rows(db) if kind == "alongside" else 0
    held = await connections_held(server) if kind == "alongside" else n
    t2, cpu2 = time.perf_counter(), server.cpu()
    await workers.each([{"op": "close", "pool": pool.name}] * workers.count)
    gone = float("nan")
    rows_left = 0
    for _ in range(int(args.leave_timeout / 0.1)):
        if kind == "alongside":
            if await connections_held(server) == 0 and await presence_rows(db) == 0:
                gone = time.perf_counter() - t2
                break
        else:
            await settle_cpu(server, args.leave_timeout)
            gone = time.perf_counter() - t2
            break
        await asyncio.sleep(0.1)
    if kind == "alongside":
        rows_left = await presence_rows(db)
    leave_cpu = server.cpu() - cpu2
    log = server.log_text()
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"connect_wave_{kind}.log").write_text(log[-200_000:])
    found = {needle: log.count(needle) for needle in LOG_NEEDLES if needle in log}
    print(
        f"  {kind:9} {kb:.1f} KB/conn, idle CPU {idle_cpu:.1f}%; all left in {gone:.1f} s (server CPU "
        f"{leave_cpu:.1f} s), connections held {held}, presence rows {rows_before} -> {rows_left}; "
        f"log: {found or 'clean'}",
        flush=True,
    )
    return {
        "connected": n,
        "failed": connect["failed"],
        "connect_join_seconds": connect["seconds"],
        "connect_cpu_seconds": connect_cpu,
        "connect_gc_seconds": connect_gc,
        "join_ms_p50": connect["join_ms_p50"],
        "join_ms_p99": connect["join_ms_p99"],
        "kb_per_connection": kb,
        "idle_cpu_pct": idle_cpu,
        "leave_seconds": gone,
        "leave_cpu_seconds": leave_cpu,
        "presence_rows_left": rows_left,
        "connections_held_before_leaving": held,
        "presence_rows_before_leaving": rows_before,
        "log": found,
    }


async def run(args: argparse.Namespace) -> list[dict[str, dict[str, Any]]]:
    schema = f"wave_{secrets.token_hex(4)}" if args.postgres else ""
    rounds: list[dict[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = (args.postgres, schema) if args.postgres else (f"sqlite+aiosqlite:///{tmp}/wave.db", "")
        if args.postgres:
            await create_schema(args.postgres, schema)
        workers = Workers(args.workers)
        try:
            t = time.perf_counter()
            seeded = await seed(db[0], db[1], SECRET_KEY, rooms=0, room_size=args.room_size, idle=args.clients)
            print(f"seeded {args.clients} members in {time.perf_counter() - t:.1f} s", flush=True)
            await workers.start()
            for r in range(args.rounds):
                print(f"round {r + 1}", flush=True)
                out: dict[str, dict[str, Any]] = {}
                for kind in ("bare", "alongside") if r % 2 == 0 else ("alongside", "bare"):
                    server = (
                        start_bare(f"bare-{r}", tmp)
                        if kind == "bare"
                        else start_alongside(f"alongside-{r}", tmp, db[0], db[1])
                    )
                    try:
                        out[kind] = await one_server(kind, server, workers, seeded.idle, args, db)
                    finally:
                        server.stop()
                rounds.append(out)
        finally:
            await workers.stop()
            if args.postgres:
                await drop_schema(args.postgres, schema)
    return rounds


def report(rounds: list[dict[str, dict[str, Any]]], args: argparse.Namespace) -> None:
    def med(kind: str, key: str) -> float:
        return float(statistics.median(float(r[kind][key]) for r in rounds))

    print(
        f"\n{args.clients} clients in rooms of {args.room_size}, {args.concurrency} opening at once per generator x "
        f"{args.workers}; {'PostgreSQL' if args.postgres else 'SQLite'}; medians of {len(rounds)} round(s)"
    )
    print("measure                    | bare     | Alongside | ratio")
    for key, label in (
        ("connect_join_seconds", "connect + join s"),
        ("connect_cpu_seconds", "server CPU in wave s"),
        ("connect_gc_seconds", "GC in wave s"),
        ("join_ms_p50", "each join p50 ms"),
        ("join_ms_p99", "each join p99 ms"),
        ("kb_per_connection", "KB per connection"),
        ("idle_cpu_pct", "idle CPU %"),
        ("leave_seconds", "all left after s"),
        ("leave_cpu_seconds", "server CPU leaving s"),
    ):
        bare, along = med("bare", key), med("alongside", key)
        ratio = along / bare if bare else float("nan")
        print(f"{label:26} | {bare:8.2f} | {along:9.2f} | {ratio:.2f}x")
    print(f"presence rows left behind: {[r['alongside']['presence_rows_left'] for r in rounds]}")
    print(f"Alongside log problems: {[r['alongside']['log'] for r in rounds]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--room-size", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=250, help="connections opening at once per generator")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--idle-seconds", type=float, default=32.0, help="long enough to hold one housekeeping sweep")
    parser.add_argument("--leave-timeout", type=float, default=120.0)
    parser.add_argument("--deadline", type=float, default=600.0, help="connections not begun by then count as failed")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--postgres", default="", help="run Alongside on this PostgreSQL URL (a scratch schema)")
    args = parser.parse_args()
    report(asyncio.run(run(args)), args)


if __name__ == "__main__":
    main()
