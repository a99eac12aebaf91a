"""The processes the load bench measures: bare python-socketio, Alongside, redis-server; and what /proc says of them.

Each runs in its own process on loopback. Alongside runs as `python -m server.cli serve` with its rate limits
and per-person connection cap raised (one load client sends far faster than a person may), a known secret key
(so the sessions `bench/load_seed.py` minted are valid), and the cheapest password hashing.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import aiohttp

from tests.services import RedisProcess, free_port

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "load-bench-secret-key-not-for-production"
TICKS = os.sysconf("SC_CLK_TCK")
# python-socketio's Redis manager logs these when a publish fails (its retry, then the publish dropped), and
# Alongside's publisher when a publish times out; counted when /metrics has no counter of its own for them.
PUBLISH_FAILURE_LINES = ("Cannot publish to redis", "clients catch up by watermark")
GC_LONGEST_METRIC = re.compile(r'^alongside_gc_pause_seconds_longest\{generation="(\d)"\} (\S+)$')
GC_METRIC = re.compile(r'^alongside_gc_(collections|pause_seconds)_total\{generation="(\d)"\} ([0-9.e+-]+)$')
PUBLISH_ERROR_METRIC = re.compile(r"^(alongside_\w*publish\w*(?:error|fail|timeout)\w*)(?:\{[^}]*\})? ([0-9.e+-]+)$")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (/proc/<pid>/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Server:
    """One server process; its stderr goes to a log file (read for errors, shown if it fails to start)."""

    def __init__(self, name: str, kind: str, cmd: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.kind = kind  # "bare" or "alongside"
        self.port = int(cmd[cmd.index("--port") + 1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{name.replace(' ', '_').replace(',', '')}-{self.port}.log"
        self._log: IO[bytes] = self.log_path.open("wb")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self._log)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def rss_kb(self) -> int:
        return rss_kb(self.pid)

    def log_text(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    async def ready(self) -> None:
        path = "/readyz" if self.kind == "alongside" else "/gc"
        async with aiohttp.ClientSession() as http:
            for _ in range(600):
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited at start:\n{self.log_text()[-3000:]}")
                try:
                    async with http.get(self.url + path) as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start:\n{self.log_text()[-3000:]}")

    async def metrics(self) -> str:
        async with aiohttp.ClientSession() as http, http.get(self.url + "/metrics") as response:
            return await response.text()

    async def gc_stats(self) -> tuple[float, list[int], list[float]]:
        """The longest collection pause so far (ms), and collections and seconds spent per generation."""
        if self.kind == "bare":
            async with aiohttp.ClientSession() as http, http.get(self.url + "/gc") as response:
                body = await response.json()
            return float(body["max_pause_seconds"]) * 1000, list(body["collections"]), list(body["seconds"])
        longest, counts, seconds = float("nan"), [0, 0, 0], [0.0, 0.0, 0.0]
        for line in (await self.metrics()).splitlines():
            if line.startswith("alongside_gc_pause_seconds_max"):
                longest = float(line.split()[-1]) * 1000
            elif m := GC_METRIC.match(line):
                if m.group(1) == "collections":
                    counts[int(m.group(2))] += int(float(m.group(3)))
                else:
                    seconds[int(m.group(2))] += float(m.group(3))
        return longest, counts, seconds

    async def gc_longest_cpu_ms(self) -> float:
        """The longest collection so far in the collecting thread's CPU time (ms), as both servers measure it."""
        if self.kind == "bare":
            async with aiohttp.ClientSession() as http, http.get(self.url + "/gc") as response:
                return float((await response.json())["max_pause_cpu_seconds"]) * 1000
        for line in (await self.metrics()).splitlines():
            if line.startswith("alongside_gc_pause_cpu_seconds_max "):
                return float(line.split()[-1]) * 1000
        return float("nan")

    async def gc_governor_actions(self) -> dict[str, float]:
        """Alongside's GC governor so far: freezes, young collections it asked for, sweeps."""
        names = ("alongside_gc_freezes_total", "alongside_gc_young_collections_total", "alongside_gc_sweeps_total")
        found: dict[str, float] = {}
        for line in (await self.metrics()).splitlines():
            name, _, value = line.partition(" ")
            if name in names:
                found[name.removeprefix("alongside_gc_").removesuffix("_total")] = float(value)
        return found

    async def gc_longest_by_generation(self) -> dict[str, float]:
        """Alongside's longest pause (ms) of each generation's collections so far (bare keeps only the longest)."""
        found: dict[str, float] = {}
        for line in (await self.metrics()).splitlines():
            if m := GC_LONGEST_METRIC.match(line):
                found[m.group(1)] = float(m.group(2)) * 1000
        return found

    async def publish_errors(self) -> tuple[int, str]:
        """Alongside's publish errors so far, and where the count came from."""
        found = [
            float(m.group(2)) for line in (await self.metrics()).splitlines() if (m := PUBLISH_ERROR_METRIC.match(line))
        ]
        if found:
            return int(sum(found)), "metrics"
        text = self.log_text()
        return sum(text.count(needle) for needle in PUBLISH_FAILURE_LINES), "log"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def start_bare(name: str, log_dir: Path, redis_url: str = "") -> Server:
    cmd = [sys.executable, str(ROOT / "bench" / "baseline_server.py"), "--port", str(free_port())]
    if redis_url:
        cmd += ["--redis", redis_url]
    return Server(name, "bare", cmd, dict(os.environ), log_dir)


def alongside_env(database_url: str, schema: str, redis_url: str = "") -> dict[str, str]:
    return {
        **os.environ,
        "ALONGSIDE_DATABASE_URL": database_url,
        "ALONGSIDE_DATABASE_SCHEMA": schema,
        "ALONGSIDE_REDIS_URL": redis_url,
        "ALONGSIDE_SECRET_KEY": SECRET_KEY,
        "ALONGSIDE_MESSAGES_PER_10S": "10000",
        "ALONGSIDE_MESSAGES_PER_MINUTE": "100000",
        "ALONGSIDE_SOCKET_EVENTS_PER_SECOND": "100000",
        "ALONGSIDE_SOCKET_EVENT_BURST": "100000",
        "ALONGSIDE_SOCKET_CONNECTIONS_PER_PERSON": "1000",
        "ALONGSIDE_SOCKET_HANDSHAKES_PER_MINUTE": "100000",
        "ALONGSIDE_TYPING_EVENTS_PER_10S": "10000",
        "ALONGSIDE_PASSWORD_TIME_COST": "1",
        "ALONGSIDE_PASSWORD_MEMORY_KIB": "8",
        "ALONGSIDE_LOG_LEVEL": "WARNING",
    }


def start_alongside(name: str, log_dir: Path, database_url: str, schema: str, redis_url: str = "") -> Server:
    cmd = [sys.executable, "-m", "server.cli", "serve", "--port", str(free_port())]
    return Server(name, "alongside", cmd, alongside_env(database_url, schema, redis_url), log_dir)


class Redis(RedisProcess):
    """A private redis-server for the two-process scenario (tests/services.RedisProcess), started at once."""

    def __init__(self) -> None:
        super().__init__()
        self.start()


async def quiesce(servers: list[Server], below: float = 0.15, longest: float = 15.0) -> None:
    """Wait until the servers are idle again (CPU under `below` of a core over 0.3 s), so a backlog left by one
    step does not land on the next measurement."""
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        before = sum(s.cpu() for s in servers)
        await asyncio.sleep(0.3)
        if (sum(s.cpu() for s in servers) - before) / 0.3 < below * len(servers):
            return
