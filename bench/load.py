"""The load bench (issue 9): Alongside against the bare python-socketio baseline, side by side, in one run.

    .venv/bin/python bench/load.py                 # SQLite; a few minutes; writes bench/results/latest.json
    .venv/bin/python bench/load.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/load.py --quick         # a smoke run under a minute (bench/results/quick.json)

Scenarios (each reports bare and Alongside with the ratio; see bench/README.md):
  1. fan-out ramp: `--rooms` rooms of `--room-size` members plus one facilitator each, `--senders` senders per
     room; the total send rate steps up (`--steps`); capacity is the last rate before p50 passed 50 ms or
     deliveries fell below 95%; then one more step at 80% of each server's capacity, for its p99.
  2. `--idle` idle connections (fresh server processes): KB per connection, connect + join time, idle CPU over
     `--idle-seconds`, the longest GC pause.
  3. two processes of each through a private redis-server, a room's members and senders split across both;
     the same ramp; capacity against one process; Alongside's Redis publish errors at every step.
  4. time from a high-risk message to the safeguarding console (bench/safeguarding_latency.py's run).

Load comes from `--workers` generator processes (bench/load_client.py), never from the servers' processes.
People are seeded fast through the domain (bench/load_seed.py says how, and why that is fair).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_seed import Seeded, seed  # noqa: E402
from bench.load_servers import (  # noqa: E402
    SECRET_KEY,
    TICKS,
    Redis,
    Server,
    cpu_seconds,
    quiesce,
    start_alongside,
    start_bare,
)

P50_LIMIT_MS = 50.0
DELIVERY_FLOOR = 0.95


class Workers:
    """The load generator processes; every command goes to each, with its own share."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.procs: list[asyncio.subprocess.Process] = []

    async def start(self) -> None:
        for _ in range(self.count):
            self.procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    str(ROOT / "bench" / "load_client.py"),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    limit=1 << 28,
                    cwd=ROOT,
                )
            )

    async def _ask(self, proc: asyncio.subprocess.Process, cmd: dict[str, Any]) -> dict[str, Any]:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write((json.dumps(cmd) + "\n").encode())
        await proc.stdin.drain()
        line = await proc.stdout.readline()
        if not line:
            raise RuntimeError("a load generator process exited")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"load generator: {reply['error']}")
        return reply

    async def each(self, cmds: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return list(await asyncio.gather(*(self._ask(p, c) for p, c in zip(self.procs, cmds, strict=True))))

    def cpu(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.procs)

    async def stop(self) -> None:
        for proc in self.procs:
            if proc.returncode is None and proc.stdin is not None:
                proc.stdin.write(b'{"op": "quit"}\n')
                await proc.stdin.drain()
        for proc in self.procs:
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
                await proc.wait()


def pct(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


class Pool:
    """One server under test (one or more processes) as the generators see it: a name and its clients."""

    def __init__(self, name: str, kind: str, servers: list[Server]) -> None:
        self.name = name
        self.kind = kind
        self.servers = servers
        self.specs: list[list[dict[str, Any]]] = []  # per worker
        self.senders: list[int] = []  # per worker
        self.steps: list[dict[str, Any]] = []
        self.failed = False


def room_clients(pool: Pool, seeded: Seeded, args: argparse.Namespace, workers: int) -> None:
    """Each room wholly in one generator process (its sender and receivers share a clock and a count). Members
    and senders alternate between the pool's server processes, the facilitator goes to the first."""
    pool.specs = [[] for _ in range(workers)]
    pool.senders = [0] * workers
    n_servers = len(pool.servers)
    for r, group in enumerate(seeded.groups):
        w = r % workers
        cookies = seeded.members[r] if pool.kind == "alongside" else [""] * len(seeded.members[r])
        for k, cookie in enumerate(cookies):
            url = pool.servers[k % n_servers].url
            pool.specs[w].append({"url": url, "cookie": cookie, "group": group, "sender": k < args.senders})
        pool.senders[w] += min(args.senders, len(cookies))
        facilitator = seeded.facilitators[r] if pool.kind == "alongside" else ""
        pool.specs[w].append({"url": pool.servers[0].url, "cookie": facilitator, "group": group, "sender": False})


async def open_sessions(server: Server, seeded: Seeded) -> None:
    """Each load group's facilitator opens a session (a member's message needs a live one); one already
    running (from an earlier scenario) is fine: the facilitator's return resumes it."""
    async with aiohttp.ClientSession() as http:
        for group, cookie in zip(seeded.groups, seeded.facilitators, strict=True):
            headers = {"Cookie": f"alongside_session={cookie}"}
            async with http.post(f"{server.url}/api/groups/{group}/sessions", json={}, headers=headers) as response:
                if response.status != 201 and response.status != 409:
                    raise RuntimeError(f"opening a session: {response.status} {await response.text()}")


async def check_login(server: Server, seeded: Seeded) -> None:
    """One real sign-in over HTTP per run: the minted sessions stand in for this path (bench/load_seed.py)."""
    from bench.load_seed import PASSWORD

    body = {"pseudonym": seeded.login_pseudonym, "password": PASSWORD}
    async with aiohttp.ClientSession() as http, http.post(server.url + "/api/auth/login", json=body) as response:
        if response.status != 200:
            raise RuntimeError(f"sign-in failed: {response.status} {await response.text()}")


def idle_pool(name: str, kind: str, server: Server, specs: list[tuple[str, int]], workers: Workers) -> Pool:
    """A pool of members who connect and enter their room and then only listen, shared out among the generators.
    Bare gets the same joins without a cookie (it has no sign-in)."""
    pool = Pool(name, kind, [server])
    pool.specs = [[] for _ in range(workers.count)]
    for n, (cookie, group) in enumerate(specs):
        spec = {"url": server.url, "cookie": cookie if kind == "alongside" else "", "group": group, "sender": False}
        pool.specs[n % workers.count].append(spec)
    return pool


async def connect_pool(workers: Workers, pool: Pool, concurrency: int, deadline: float) -> dict[str, Any]:
    """Open the pool's connections and join each to its room, `concurrency` at a time per generator; attempts
    not begun within `deadline` seconds are counted as failed (a stalled server must not stall the run)."""
    started = time.perf_counter()
    generator_before, server_before = workers.cpu(), sum(s.cpu() for s in pool.servers)
    replies = await workers.each(
        [
            {"op": "connect", "pool": pool.name, "clients": specs, "concurrency": concurrency, "deadline": deadline}
            for specs in pool.specs
        ]
    )
    seconds = time.perf_counter() - started
    generator_cpu, server_cpu = workers.cpu() - generator_before, sum(s.cpu() for s in pool.servers) - server_before
    errors: dict[str, int] = {}
    for reply in replies:
        for key, n in reply["errors"].items():
            errors[key] = errors.get(key, 0) + n
    done_at = sorted(t for r in replies for t in r["done_at"])
    took = sorted(t for r in replies for t in r.get("took", []))
    return {
        "seconds_to_50pct": done_at[len(done_at) // 2] if done_at else float("nan"),
        # A few connections that never get an answer hold a wave open until the timeout; this shows the bulk.
        "seconds_to_99pct": done_at[int(0.99 * (len(done_at) - 1))] if done_at else float("nan"),
        # Each connection's own wait, from its first packet to its join's ack (with `concurrency` in flight).
        "join_ms_p50": 1000 * took[len(took) // 2] if took else float("nan"),
        "join_ms_p99": 1000 * took[int(0.99 * (len(took) - 1))] if took else float("nan"),
        "connected": sum(r["connected"] for r in replies),
        "failed": sum(r["failed"] for r in replies),
        "errors": errors,
        "seconds": seconds,
        "server_cpu_pct": 100 * server_cpu / seconds,
        "generator_cpu_pct": 100 * generator_cpu / seconds,
    }


async def publish_errors(pool: Pool) -> int:
    if pool.kind != "alongside":
        return 0
    return sum([(await s.publish_errors())[0] for s in pool.servers])


async def run_step(workers: Workers, pool: Pool, rate: float, args: argparse.Namespace, tag: str) -> dict[str, Any]:
    total_senders = sum(pool.senders)
    cmds = [
        {
            "op": "step",
            "pool": pool.name,
            "rate": rate * n / total_senders if total_senders else 0,
            "seconds": args.step_seconds,
            "grace": args.grace,
            "tag": tag,
        }
        for n in pool.senders
    ]
    errors_before = await publish_errors(pool)
    cpu_before = sum(s.cpu() for s in pool.servers)
    generator_before = workers.cpu()
    started = time.perf_counter()
    replies = await workers.each(cmds)
    wall = time.perf_counter() - started
    server_cpu = sum(s.cpu() for s in pool.servers) - cpu_before
    generator_cpu = workers.cpu() - generator_before
    latency = sorted(x / 1000 for r in replies for x in r["latency_us"])
    by_second: dict[int, list[float]] = {}
    for r in replies:
        for x, offset_ms in zip(r["latency_us"], r["sent_offset_ms"], strict=True):
            by_second.setdefault(offset_ms // 1000, []).append(x / 1000)
    acks = sorted(x / 1000 for r in replies for x in r["ack_us"])
    sent = sum(r["sent"] for r in replies)
    expected = sum(r["expected"] for r in replies)
    received = sum(r["received"] for r in replies)
    codes: dict[str, int] = {}
    for reply in replies:
        for key, n in reply["codes"].items():
            codes[key] = codes.get(key, 0) + n
    step = {
        "rate": rate,
        "sent": sent,
        "acked": sum(r["acked"] for r in replies),
        "refused": sum(r["refused"] for r in replies),
        "refusal_codes": codes,
        "expected_deliveries": expected,
        "deliveries": received,
        "delivered_pct": 100.0 * received / expected if expected else 0.0,
        "p50_ms": pct(latency, 50),
        "p99_ms": pct(latency, 99),
        # By the second of the step each message was sent in: where in the step a tail comes from.
        "p99_ms_by_second": [round(pct(sorted(v), 99), 1) for _, v in sorted(by_second.items())],
        "ack_p50_ms": pct(acks, 50),
        "achieved_rate": sent / max(r["send_seconds"] for r in replies) if sent else 0.0,
        "server_cpu_pct": 100 * server_cpu / wall,
        "server_cpu_us_per_msg": 1e6 * server_cpu / sent if sent else float("nan"),
        "generator_cpu_pct": 100 * generator_cpu / wall,
        "generator_loop_lag_p99_ms": max(r["loop_lag_p99_ms"] for r in replies),
        "generator_loop_lag_max_ms": max(r.get("loop_lag_max_ms", 0.0) for r in replies),
        "late_drain_seconds": max(r["drain_seconds"] for r in replies),
        "redis_publish_errors": await publish_errors(pool) - errors_before,
    }
    step["ok"] = bool(latency) and step["p50_ms"] <= P50_LIMIT_MS and step["delivered_pct"] >= 100 * DELIVERY_FLOOR
    await quiesce(pool.servers)
    return step


def capacity(pool: Pool) -> float:
    """The last rate before the first step that failed; the top rate tried if none failed."""
    best = 0.0
    for step in pool.steps:
        if not step["ok"]:
            break
        best = step["rate"]
    return best


def capacity_text(result: dict[str, Any]) -> str:
    """A capacity as the table shows it: ">= N" when the server passed every step of the ramp."""
    return (">= " if result.get("capacity_is_lower_bound") else "") + f"{result['capacity_msgs_per_s']:.0f}"


def ratio_bound(alongside: dict[str, Any], bare: dict[str, Any]) -> str:
    """What a capacity ratio is when either side only has a lower bound: exact, at most, at least or unknown."""
    a, b = bool(alongside.get("capacity_is_lower_bound")), bool(bare.get("capacity_is_lower_bound"))
    return {(False, False): "exact", (False, True): "at most", (True, False): "at least"}.get((a, b), "unknown")


def bounded(value: str, bound: str) -> str:
    return {"exact": value, "at most": "<= " + value, "at least": ">= " + value}.get(bound, "~" + value)


def show_step(pool: Pool, step: dict[str, Any]) -> None:
    print(
        f"  {pool.name:28} {step['rate']:6.0f} msg/s  p50 {step['p50_ms']:7.1f} ms  p99 {step['p99_ms']:7.1f} ms  "
        f"delivered {step['delivered_pct']:5.1f}%  refused {step['refused']}  "
        f"server CPU {step['server_cpu_pct']:4.0f}%  "
        f"generator CPU {step['generator_cpu_pct']:4.0f}%, lag p99 {step['generator_loop_lag_p99_ms']:.0f} "
        f"/ max {step['generator_loop_lag_max_ms']:.0f} ms  "
        f"{'ok' if step['ok'] else 'OVER'}",
        flush=True,
    )


async def ramp(workers: Workers, pools: list[Pool], args: argparse.Namespace, label: str) -> dict[str, Any]:
    """Step the rate up, bare and Alongside interleaved at each rate (a noisy moment hits both alike); a pool
    stops at its first failed step. Then each runs once at 80% of its capacity."""
    for n, rate in enumerate(args.steps):
        running = [p for p in pools if not p.failed]
        if not running:
            break
        for pool in running:
            step = await run_step(workers, pool, rate, args, f"{label}{n}")
            pool.steps.append(step)
            show_step(pool, step)
            pool.failed = not step["ok"]
    out: dict[str, Any] = {}
    for n, pool in enumerate(pools):
        cap = capacity(pool)
        at80 = await run_step(workers, pool, 0.8 * (cap or args.steps[0]), args, f"{label}e{n}")
        print(f"  {pool.name:28} at 80% of capacity:", end="")
        show_step(pool, at80)
        # A server that passed every step has a capacity of at least the ramp's top, not that rate exactly.
        out[pool.kind] = {
            "capacity_msgs_per_s": cap,
            "capacity_is_lower_bound": not pool.failed,
            "steps": pool.steps,
            "at_80pct": at80,
        }
    return out


async def scenario_fanout(
    workers: Workers, seeded: Seeded, args: argparse.Namespace, db: tuple[str, str], logs: Path, redis_url: str = ""
) -> dict[str, Any]:
    two = bool(redis_url)
    count = 2 if two else 1
    bare = [start_bare(f"bare{i}", logs, redis_url) for i in range(count)]
    along = [start_alongside(f"alongside{i}", logs, db[0], db[1], redis_url) for i in range(count)]
    pools = [
        Pool("bare" + ("-redis" if two else ""), "bare", bare),
        Pool("alongside" + ("-redis" if two else ""), "alongside", along),
    ]
    try:
        await asyncio.gather(*(s.ready() for s in bare + along))
        if not two:
            await check_login(along[0], seeded)
        await open_sessions(along[0], seeded)
        connects = {}
        for pool in pools:
            room_clients(pool, seeded, args, workers.count)
            connects[pool.kind] = await connect_pool(workers, pool, args.concurrency, args.connect_deadline)
            c = connects[pool.kind]
            print(
                f"  {pool.name}: {c['connected']} connected in {c['seconds']:.1f} s, "
                f"{c['failed']} failed {c['errors'] or ''}"
            )
        result = await ramp(workers, pools, args, "r" if two else "s")
        for pool in pools:
            result[pool.kind]["connect"] = connects[pool.kind]
            await workers.each([{"op": "close", "pool": pool.name}] * workers.count)
        if two:
            total = 0
            for s in along:
                n, source = await s.publish_errors()
                total += n
            result["alongside"]["redis_publish_errors"] = total
            result["alongside"]["redis_publish_errors_source"] = source
        result["alongside"]["log_errors"] = sum(s.log_text().count("ERROR") for s in along)
        return result
    finally:
        for s in bare + along:
            s.stop()


async def scenario_idle(
    workers: Workers, seeded: Seeded, args: argparse.Namespace, db: tuple[str, str], logs: Path
) -> dict[str, Any]:
    bare = start_bare("bare-idle", logs)
    along = start_alongside("alongside-idle", logs, db[0], db[1])
    servers = {"bare": bare, "alongside": along}
    try:
        await asyncio.gather(bare.ready(), along.ready())
        await asyncio.sleep(1.0)
        before = {kind: s.rss_kb() for kind, s in servers.items()}
        gc_before = {kind: await s.gc_stats() for kind, s in servers.items()}
        out: dict[str, Any] = {}
        pools = {}
        for kind, server in servers.items():
            pool = idle_pool(f"idle-{kind}", kind, server, seeded.idle, workers)
            pools[kind] = pool
            connect = await connect_pool(workers, pool, args.concurrency, args.connect_deadline)
            print(
                f"  {pool.name}: {connect['connected']} connected + joined in {connect['seconds']:.1f} s, "
                f"{connect['failed']} failed {connect['errors'] or ''} (99% in {connect['seconds_to_99pct']:.1f} s; "
                f"server CPU {connect['server_cpu_pct']:.0f}%, "
                f"generator CPU {connect['generator_cpu_pct']:.0f}%)",
                flush=True,
            )
            out[kind] = {"connect": connect}
        await asyncio.sleep(2.0)
        cpu_before = {kind: s.cpu() for kind, s in servers.items()}
        governor_before = await along.gc_governor_actions()  # the idle window's own actions, printed below
        started = time.perf_counter()
        await asyncio.sleep(args.idle_seconds)
        wall = time.perf_counter() - started
        for kind, server in servers.items():
            n = out[kind]["connect"]["connected"]
            after = server.rss_kb()
            out[kind].update(
                {
                    "connections": n,
                    "connect_join_seconds": out[kind]["connect"]["seconds"],
                    "rss_before_kb": before[kind],
                    "rss_after_kb": after,
                    "kb_per_connection": (after - before[kind]) / n if n else float("nan"),
                    "idle_cpu_pct": 100 * (server.cpu() - cpu_before[kind]) / wall,
                    "idle_seconds": wall,
                    **gc_window(gc_before[kind], await server.gc_stats()),
                }
            )
            # The CPU-time view is over the server's life (since start-up's collection for Alongside, whose
            # gauge starts then); the window above is wall-clock, as the measure is.
            out[kind]["gc_max_pause_cpu_ms"] = await server.gc_longest_cpu_ms()
            if kind == "alongside":
                out[kind]["gc_longest_ms_by_generation"] = await server.gc_longest_by_generation()
                out[kind]["gc_governor"] = {
                    name: value - governor_before.get(name, 0.0)
                    for name, value in (await server.gc_governor_actions()).items()
                }
            print(
                f"  {kind:10} {n} idle: {out[kind]['kb_per_connection']:.1f} KB/conn, "
                f"idle CPU {out[kind]['idle_cpu_pct']:.1f}%, "
                f"longest GC pause {out[kind]['gc_max_pause_ms']:.1f} ms "
                f"({out[kind]['gc_max_pause_cpu_ms']:.1f} ms of the collector's CPU) "
                f"{out[kind].get('gc_longest_ms_by_generation', '')} {out[kind].get('gc_governor', '')}",
                flush=True,
            )
        for pool in pools.values():
            await workers.each([{"op": "close", "pool": pool.name}] * workers.count)
        out["alongside"]["log_errors"] = along.log_text().count("ERROR")
        return out
    finally:
        bare.stop()
        along.stop()


def gc_window(
    before: tuple[float, list[int], list[float]], after: tuple[float, list[int], list[float]]
) -> dict[str, Any]:
    """The longest GC pause from the connect wave to the end of the idle time. Both servers only keep the longest
    pause of their lifetime, and Alongside's includes its deliberate start-up collection (before gc.freeze), so:
    if the lifetime longest grew in the window it is exact; else the window's longest is at most the start-up's,
    and the mean pause of the window's costliest generation stands in for it (marked inexact)."""
    counts = [a - b for a, b in zip(after[1], before[1], strict=True)]
    seconds = [a - b for a, b in zip(after[2], before[2], strict=True)]
    means = [1000 * s / c for s, c in zip(seconds, counts, strict=True) if c]
    exact = after[0] > before[0]
    return {
        "gc_max_pause_ms": after[0] if exact else max(means, default=0.0),
        "gc_max_pause_exact": exact,
        "gc_max_pause_before_connect_ms": before[0],
        "gc_collections_in_window": counts,
        "gc_seconds_in_window": seconds,
    }


async def scenario_safeguarding(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """bench/safeguarding_latency.py's own run, in this process (its ~22 clients are light), on a database of
    its own (it seeds its own people)."""
    from bench.safeguarding_latency import run

    options = argparse.Namespace(samples=args.safeguarding_samples, load=args.safeguarding_load, interval=0.5)
    if args.postgres:
        schema = f"loadsg_{secrets.token_hex(4)}"
        await create_schema(args.postgres, schema)
        try:
            samples = await run(options, args.postgres, schema)
        finally:
            await drop_schema(args.postgres, schema)
    else:
        samples = await run(options, f"sqlite+aiosqlite:///{tmp}/safeguarding.db", "")
    return {
        "samples": len(samples),
        "median_ms": statistics.median(samples),
        "p99_ms": pct(sorted(samples), 99),
        "chatting_members": args.safeguarding_load,
    }


async def create_schema(url: str, schema: str) -> None:
    from sqlalchemy import text

    from server.db import create_engine

    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    await engine.dispose()


async def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import text

    from server.db import create_engine

    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await engine.dispose()


def ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def machine() -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_mb": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20,
        "load_average_at_start": list(os.getloadavg()),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "server", "rooms", "moderation"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def table(rows: list[tuple[str, str, str, str, str]]) -> str:
    header = ("measure", "bare", "Alongside", "ratio", "target")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def refused(step: dict[str, Any]) -> str:
    codes = ", ".join(f"{code} {n}" for code, n in sorted(step["refusal_codes"].items()))
    return f"{step['refused']} ({codes})" if codes else str(step["refused"])


def connected(connect: dict[str, Any]) -> str:
    """A wave's time (and when 99% had joined), and how many failed when any did."""
    failed = f", {connect['failed']} failed" if connect["failed"] else ""
    return f"{connect['seconds']:.1f} (99%: {connect['seconds_to_99pct']:.1f}{failed})"


def summarise(result: dict[str, Any]) -> tuple[dict[str, Any], str]:
    s1, s2 = result["scenarios"]["fanout"], result["scenarios"]["idle"]
    s3, s4 = result["scenarios"].get("redis"), result["scenarios"].get("safeguarding")
    cap_b, cap_a = s1["bare"]["capacity_msgs_per_s"], s1["alongside"]["capacity_msgs_per_s"]
    top: dict[str, Any] = {
        "capacity_ratio": ratio(cap_a, cap_b),
        "capacity_ratio_bound": ratio_bound(s1["alongside"], s1["bare"]),
        "p99_ms_at_80pct": s1["alongside"]["at_80pct"]["p99_ms"],
        "gc_pause_ms_5000": s2["alongside"]["gc_max_pause_ms"],
        "kb_per_conn_ratio": ratio(s2["alongside"]["kb_per_connection"], s2["bare"]["kb_per_connection"]),
        # Per connection made, so a wave cut short by --connect-deadline still compares (then an estimate).
        "connect_join_ratio": ratio(
            s2["alongside"]["connect_join_seconds"] / max(1, s2["alongside"]["connections"]),
            s2["bare"]["connect_join_seconds"] / max(1, s2["bare"]["connections"]),
        ),
        # A bare server idle for the whole window may read 0 ticks: count it as one tick, /proc's resolution.
        "idle_cpu_ratio": ratio(
            s2["alongside"]["idle_cpu_pct"], max(s2["bare"]["idle_cpu_pct"], 100 / TICKS / s2["bare"]["idle_seconds"])
        ),
        "redis_publish_errors": s3["alongside"]["redis_publish_errors"] if s3 else 0,
    }
    f = "{:.2f}x".format
    # CPU per message at the highest rate both servers passed (background work weighs less there), else the first.
    both = [(a, b) for a, b in zip(s1["bare"]["steps"], s1["alongside"]["steps"], strict=False) if a["ok"] and b["ok"]]
    at_step = both[-1] if both else (s1["bare"]["steps"][0], s1["alongside"]["steps"][0])
    cpu_at = at_step[0]["rate"]
    cpu_bare, cpu_along = at_step[0]["server_cpu_us_per_msg"], at_step[1]["server_cpu_us_per_msg"]
    top["cpu_per_message_ratio"] = ratio(cpu_along, cpu_bare)
    rows = [
        (
            "fan-out connections, connect + join (s)",
            connected(s1["bare"]["connect"]),
            connected(s1["alongside"]["connect"]),
            "",
            "",
        ),
        (
            "capacity, one process (msgs/s)",
            capacity_text(s1["bare"]),
            capacity_text(s1["alongside"]),
            bounded(f(top["capacity_ratio"]), top["capacity_ratio_bound"]),
            ">= 0.85x",
        ),
        (
            "p50 / p99 ms at first step",
            f"{s1['bare']['steps'][0]['p50_ms']:.1f} / {s1['bare']['steps'][0]['p99_ms']:.1f}",
            f"{s1['alongside']['steps'][0]['p50_ms']:.1f} / {s1['alongside']['steps'][0]['p99_ms']:.1f}",
            f(ratio(s1["alongside"]["steps"][0]["p50_ms"], s1["bare"]["steps"][0]["p50_ms"])),
            "",
        ),
        (
            "p99 ms at 80% of own capacity",
            f"{s1['bare']['at_80pct']['p99_ms']:.1f}",
            f"{top['p99_ms_at_80pct']:.1f}",
            "",
            "< 50 ms",
        ),
        (
            f"server CPU us per message at {cpu_at:.0f} msgs/s",
            f"{cpu_bare:.0f}",
            f"{cpu_along:.0f}",
            f(ratio(cpu_along, cpu_bare)),
            "",
        ),
        (
            "refused sends, first step",
            refused(s1["bare"]["steps"][0]),
            refused(s1["alongside"]["steps"][0]),
            "",
            "0",
        ),
        (
            f"connect + join of {result['sizes']['idle']} (s)",
            connected(s2["bare"]["connect"]),
            connected(s2["alongside"]["connect"]),
            f(top["connect_join_ratio"]),
            "<= 2x",
        ),
        (
            "KB per idle connection",
            f"{s2['bare']['kb_per_connection']:.1f}",
            f"{s2['alongside']['kb_per_connection']:.1f}",
            f(top["kb_per_conn_ratio"]),
            "<= 1.3x",
        ),
        (
            "idle CPU % (of one core)",
            f"{s2['bare']['idle_cpu_pct']:.1f}",
            f"{s2['alongside']['idle_cpu_pct']:.1f}",
            f(top["idle_cpu_ratio"]),
            "<= 2x",
        ),
        (
            "longest GC pause ms (idle scenario)",
            f"{s2['bare']['gc_max_pause_ms']:.1f}",
            f"{top['gc_pause_ms_5000']:.1f}",
            f(ratio(top["gc_pause_ms_5000"], s2["bare"]["gc_max_pause_ms"])),
            "< 20 ms",
        ),
    ]
    if s3:
        cap_b2, cap_a2 = s3["bare"]["capacity_msgs_per_s"], s3["alongside"]["capacity_msgs_per_s"]
        top["two_process_capacity_ratio"] = ratio(cap_a2, cap_b2)
        top["two_process_scaling"] = ratio(cap_a2, cap_a)
        two_bound = ratio_bound(s3["alongside"], s3["bare"])
        top["two_process_capacity_ratio_bound"] = two_bound
        rows.append(
            (
                "capacity, two processes + Redis",
                capacity_text(s3["bare"]),
                capacity_text(s3["alongside"]),
                bounded(f(ratio(cap_a2, cap_b2)), two_bound),
                "",
            )
        )
        rows.append(
            (
                "two processes / one process",
                bounded(f(ratio(cap_b2, cap_b)), ratio_bound(s3["bare"], s1["bare"])),
                bounded(f(top["two_process_scaling"]), ratio_bound(s3["alongside"], s1["alongside"])),
                "",
                ">= 1.6x",
            )
        )
        rows.append(("Redis publish errors", "", str(top["redis_publish_errors"]), "", "0"))
    if s4:
        top["safeguarding_median_ms"] = s4["median_ms"]
        top["safeguarding_p99_ms"] = s4["p99_ms"]
        rows.append(
            (
                "high-risk message to console, median / p99 ms",
                "n/a",
                f"{s4['median_ms']:.0f} / {s4['p99_ms']:.0f}",
                "",
                "",
            )
        )
    return top, table(rows)


def write_json(path: Path, result: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, default=float) + "\n")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="", help="run Alongside on this PostgreSQL URL (a scratch schema)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run under a minute")
    parser.add_argument("--rooms", type=int)
    parser.add_argument("--room-size", type=int)
    parser.add_argument("--senders", type=int, help="senders per room")
    parser.add_argument("--steps", help="total send rates to step through, msgs/s, comma-separated")
    parser.add_argument("--step-seconds", type=float)
    parser.add_argument("--grace", type=float, help="seconds to wait for stragglers after each step")
    parser.add_argument("--idle", type=int, help="idle connections in scenario 2")
    parser.add_argument("--idle-seconds", type=float)
    parser.add_argument("--concurrency", type=int, help="connections opening at once per generator process")
    parser.add_argument("--workers", type=int, help="load generator processes")
    parser.add_argument(
        "--connect-deadline", type=float, help="seconds a connect wave may take before the rest are given up"
    )
    parser.add_argument("--safeguarding-samples", type=int)
    parser.add_argument("--safeguarding-load", type=int)
    parser.add_argument(
        "--skip",
        default="",
        help="scenarios to leave out: fanout, idle, redis, safeguarding (comma-separated; then no summary)",
    )
    parser.add_argument("--out", help="where the JSON goes")
    parser.add_argument("--logs", default="", help="keep the servers' logs (stderr) in this directory")
    args = parser.parse_args()
    defaults: dict[str, Any] = {
        "rooms": 50,
        "room_size": 20,
        "senders": 4,
        "steps": "20,50,100,200,300,400,500,600,700,800,900,1000,1200,1400,1600,1800",
        "step_seconds": 6.0,
        "grace": 2.0,
        "idle": 5000,
        "idle_seconds": 20.0,
        "concurrency": 50,
        "workers": 2,
        "connect_deadline": 150.0,
        "safeguarding_samples": 20,
        "safeguarding_load": 20,
        "out": str(ROOT / "bench" / "results" / "latest.json"),
    }
    if args.quick:
        defaults.update(
            rooms=2,
            steps="20",
            step_seconds=2.0,
            grace=1.0,
            idle=100,
            idle_seconds=2.0,
            safeguarding_samples=3,
            safeguarding_load=3,
            out=str(ROOT / "bench" / "results" / "quick.json"),
        )
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.steps = [float(x) for x in str(args.steps).split(",") if x.strip()]
    args.skip = {x.strip() for x in args.skip.split(",") if x.strip()}
    return args


async def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    result: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "git_commit": git_commit(),
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": "postgresql" if args.postgres else "sqlite",
        "machine": machine(),
        "sizes": {
            k: getattr(args, k)
            for k in (
                "rooms",
                "room_size",
                "senders",
                "steps",
                "step_seconds",
                "grace",
                "idle",
                "idle_seconds",
                "workers",
            )
        },
        "scenarios": {},
    }
    schema = f"load_{secrets.token_hex(4)}" if args.postgres else ""
    workers = Workers(args.workers)
    redis: Redis | None = None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        logs = Path(args.logs) if args.logs else tmp
        logs.mkdir(parents=True, exist_ok=True)
        db = (args.postgres, schema) if args.postgres else (f"sqlite+aiosqlite:///{tmp}/load.db", "")
        try:
            if args.postgres:
                await create_schema(args.postgres, schema)
            t = time.perf_counter()
            seeded = await seed(db[0], db[1], SECRET_KEY, rooms=args.rooms, room_size=args.room_size, idle=args.idle)
            print(
                f"seeded {args.rooms * (args.room_size + 1) + args.idle} people in {time.perf_counter() - t:.1f} s",
                flush=True,
            )
            await workers.start()
            if "fanout" not in args.skip:
                print("1. fan-out ramp, one process each", flush=True)
                t = time.perf_counter()
                result["scenarios"]["fanout"] = await scenario_fanout(workers, seeded, args, db, logs)
                result["scenarios"]["fanout"]["seconds"] = time.perf_counter() - t
            if "idle" not in args.skip:
                print(f"2. {args.idle} idle connections", flush=True)
                t = time.perf_counter()
                result["scenarios"]["idle"] = await scenario_idle(workers, seeded, args, db, logs)
                result["scenarios"]["idle"]["seconds"] = time.perf_counter() - t
            if "redis" not in args.skip:
                print("3. two processes each, through Redis", flush=True)
                redis = Redis()
                t = time.perf_counter()
                result["scenarios"]["redis"] = await scenario_fanout(workers, seeded, args, db, logs, redis.url)
                result["scenarios"]["redis"]["seconds"] = time.perf_counter() - t
            if "safeguarding" not in args.skip:
                print("4. high-risk message to the safeguarding console", flush=True)
                t = time.perf_counter()
                result["scenarios"]["safeguarding"] = await scenario_safeguarding(args, tmp)
                result["scenarios"]["safeguarding"]["seconds"] = time.perf_counter() - t
        finally:
            await workers.stop()
            if redis is not None:
                redis.close()
            if args.postgres:
                await drop_schema(args.postgres, schema)
    result["duration_seconds"] = time.perf_counter() - started
    result["machine"]["load_average_at_end"] = list(os.getloadavg())
    if {"fanout", "idle"} & args.skip:
        print(json.dumps(result["scenarios"], indent=1, default=float))
        return
    top, text = summarise(result)
    result = {**top, **result}
    out = Path(args.out)
    write_json(out, result)
    print()
    load = result["machine"]["load_average_at_start"][0], result["machine"]["load_average_at_end"][0]
    print(
        f"{result['database']}, {result['machine']['cpus']} cores, load average {load[0]:.1f} at the start and "
        f"{load[1]:.1f} at the end (above ~0.5, other work shares the cores), {result['duration_seconds']:.0f} s; {out}"
    )
    print(text)


async def run() -> None:
    """main(), cancelled on SIGTERM or SIGINT so its cleanup stops every process it started."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    await main()


if __name__ == "__main__":
    asyncio.run(run())
