"""Does memory keep rising as connections come and go? Alongside against bare python-socketio, side by side.

A security review saw RSS climb over repeated open/close cycles (385, 529, 607, 654, 685 MB). This opens
N websocket connections to each server, enters a room on each, closes them all, waits until the server
holds none, and reads the server process's resident memory; several cycles in a row. A leak grows every
cycle; allocator high-water marks grow in the first cycles and then stay flat. Prints one table.

    .venv/bin/python bench/connection_churn.py [--connections 300] [--cycles 6]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.services import ServerProcess, free_port, wait_ready  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def receive(ws: aiohttp.ClientWebSocketResponse) -> str:
    """The next frame that is not an Engine.IO ping (answered, as a client must)."""
    while True:
        frame = await ws.receive_str()
        if frame != "2":
            return frame
        await ws.send_str("3")


async def open_connection(
    http: aiohttp.ClientSession, url: str, cookie: str, slots: asyncio.Semaphore
) -> aiohttp.ClientWebSocketResponse:
    async with slots:
        ws = await http.ws_connect(
            f"{url}/socket.io/?EIO=4&transport=websocket", headers={"Origin": url, "Cookie": cookie}
        )
        await receive(ws)  # Engine.IO open
        await ws.send_str("40/chat,")
        opened = await receive(ws)
        assert opened.startswith("40/chat,"), opened
        await ws.send_str('42/chat,1["room:join",{"group_id":1}]')
        while not (await receive(ws)).startswith("43/chat,1"):
            pass
        return ws


async def cycle(url: str, cookie: str, connections: int) -> None:
    slots = asyncio.Semaphore(50)  # connections opening at once, as a busy evening might bring
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        sockets = await asyncio.gather(*(open_connection(http, url, cookie, slots) for _ in range(connections)))
        await asyncio.gather(*(ws.close() for ws in sockets))


async def settle(url: str, pid: int) -> float:
    """Memory once the server has let go of every connection (steady for half a second)."""
    previous = -1.0
    for _ in range(40):
        await asyncio.sleep(0.25)
        now = rss_mb(pid)
        if abs(now - previous) < 0.2:
            return now
        previous = now
    return previous


async def sign_in(url: str) -> str:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(f"{url}/api/auth/login", json={"pseudonym": "River", "password": "demo-member-pass"}) as r:
            assert r.status == 200, await r.text()
        return "; ".join(f"{c.key}={c.value}" for c in http.cookie_jar)


async def measure(name: str, command: list[str], env: dict[str, str], connections: int, cycles: int) -> list[float]:
    port = free_port()
    server = ServerProcess([*command, "--port", str(port)], env, ROOT)
    proc = server.proc
    url = f"http://127.0.0.1:{port}"
    try:
        if name == "bare python-socketio":
            await asyncio.sleep(1.5)
            cookie = ""
        else:
            await wait_ready(url, server)
            cookie = await sign_in(url)
        readings = [await settle(url, proc.pid)]
        for _ in range(cycles):
            await cycle(url, cookie, connections)
            readings.append(await settle(url, proc.pid))
        return readings
    finally:
        server.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--cycles", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        database = f"sqlite+aiosqlite:///{workdir}/churn.db"
        env = {
            **os.environ,
            "ALONGSIDE_DATABASE_URL": database,
            "ALONGSIDE_PASSWORD_TIME_COST": "1",
            "ALONGSIDE_PASSWORD_MEMORY_KIB": "8",
            "ALONGSIDE_SOCKET_CONNECTIONS_PER_PERSON": str(args.connections * 2),
            "ALONGSIDE_SOCKET_HANDSHAKES_PER_MINUTE": str(args.connections * (args.cycles + 1)),
            "ALONGSIDE_SOCKET_EVENTS_PER_SECOND": "1000",
        }
        demo = subprocess.run([sys.executable, "-m", "server.cli", "demo"], cwd=ROOT, env=env, capture_output=True)  # noqa: ASYNC221
        assert demo.returncode == 0, demo.stderr
        rows = {
            "bare python-socketio": await measure(
                "bare python-socketio",
                [sys.executable, "bench/baseline_server.py"],
                env,
                args.connections,
                args.cycles,
            ),
            "Alongside, SQLite": await measure(
                "Alongside, SQLite",
                [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1"],
                env,
                args.connections,
                args.cycles,
            ),
        }
    header = ["server", "start MB", *[f"after {n}" for n in range(1, args.cycles + 1)], "growth last 3 cycles"]
    print(f"{args.connections} connections per cycle, each entering one room; resident memory once all closed")
    print(" | ".join(header))
    for name, readings in rows.items():
        growth = readings[-1] - readings[-4]
        print(" | ".join([name, *[f"{r:.1f}" for r in readings], f"{growth:+.1f} MB"]))


if __name__ == "__main__":
    asyncio.run(main())
