"""Memory per idle connection, Alongside against bare python-socketio, side by side in one run, several rounds.

    .venv/bin/python bench/memory_per_connection.py [--clients 5000] [--rounds 3]

Why beside load.py's idle scenario: that takes one reading, and a single reading of VmRSS moves by a kilobyte
per connection from run to run; memory work needs the median of several rounds, each on fresh processes, with
bare measured in the same rounds. Each round starts a fresh server, connects `--clients` members who each enter
their room (groups of 20; bare gets the same joins), waits for the server to settle and reads the VmRSS delta
over the connections held. Members are seeded through the domain (bench/load_seed.py); the load comes from
bench/load_client.py processes.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.connect_wave import settle_cpu  # noqa: E402
from bench.load import Workers, connect_pool, idle_pool  # noqa: E402
from bench.load_seed import seed  # noqa: E402
from bench.load_servers import SECRET_KEY, start_alongside, start_bare  # noqa: E402


async def one_round(kind: str, tmp: Path, url: str, specs: list[tuple[str, int]], workers: Workers) -> float:
    """KB of resident memory per connection held, for one fresh server of `kind`."""
    server = start_bare(f"mem-bare-{time.time_ns()}", tmp) if kind == "bare" else start_alongside("mem", tmp, url, "")
    try:
        await server.ready()
        await settle_cpu(server, 30)
        before = server.rss_kb()
        pool = idle_pool(f"mem-{kind}-{time.time_ns()}", kind, server, specs, workers)
        connected = await connect_pool(workers, pool, 100, 300)
        await settle_cpu(server, 30)
        held = int(connected["connected"])
        kb = (server.rss_kb() - before) / held if held else float("nan")
        print(f"  {kind:9} {held} held ({connected['failed']} failed): {kb:.1f} KB per connection", flush=True)
        await workers.each([{"op": "close", "pool": pool.name}] * workers.count)
        return kb
    finally:
        server.stop()


async def run(args: argparse.Namespace) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {"bare": [], "alongside": []}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url = f"sqlite+aiosqlite:///{tmp}/memory.db"
        seeded = await seed(url, "", SECRET_KEY, rooms=0, room_size=20, idle=args.clients)
        workers = Workers(args.workers)
        await workers.start()
        try:
            for r in range(args.rounds):
                print(f"round {r + 1}", flush=True)
                for kind in ("bare", "alongside") if r % 2 == 0 else ("alongside", "bare"):
                    results[kind].append(await one_round(kind, tmp, url, seeded.idle, workers))
        finally:
            await workers.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    results = asyncio.run(run(args))
    bare, along = statistics.median(results["bare"]), statistics.median(results["alongside"])
    print(f"\n{args.clients} idle connections in rooms of 20, SQLite; medians of {args.rounds} rounds")
    print("measure                | bare  | Alongside | ratio")
    print(f"KB per connection      | {bare:5.1f} | {along:9.1f} | {along / bare:.2f}x")
    print(f"rounds (bare)          | {', '.join(f'{v:.1f}' for v in results['bare'])}")
    print(f"rounds (Alongside)     | {', '.join(f'{v:.1f}' for v in results['alongside'])}")


if __name__ == "__main__":
    main()
