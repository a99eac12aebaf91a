"""Finding the real services tests need: PostgreSQL, redis-server, chromium.

Locally a missing service skips its tests with the reason; under CI=true it fails them instead.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
POSTGRES_URL = os.environ.get("ALONGSIDE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
CHROMIUM = os.environ.get("ALONGSIDE_TEST_CHROMIUM", "/usr/bin/chromium")


def unavailable(reason: str) -> None:
    """Skip locally; fail under CI, where every service must be there."""
    if IN_CI:
        pytest.fail(f"required under CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def postgres_reachable() -> str | None:
    """None when PostgreSQL answers at POSTGRES_URL, else why not."""
    import asyncpg

    dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
    try:
        conn = await asyncpg.connect(dsn, timeout=3)
        await conn.close()
    except Exception as exc:
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}: {exc}"
    return None


class RedisProcess:
    """A private redis-server on a free loopback port, no persistence, that can be stopped and started again
    on the same port (Redis down, then back). Used by the tests and by the load bench."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._dir = tempfile.TemporaryDirectory()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed (apt-get install redis-server)")
            raise AssertionError("unreachable")
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(
            [*args, "--dir", self._dir.name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()


@contextmanager
def redis_server() -> Iterator[str]:
    """A private redis-server on a free loopback port, stopped afterwards; yields its URL."""
    redis = RedisProcess()
    try:
        redis.start()
        yield redis.url
    finally:
        redis.close()


def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        unavailable(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


class ServerProcess:
    """A server in a subprocess whose output goes to a file: an undrained pipe fills up after some 64 KB of
    log and then blocks the server mid-write, so it stops answering and cannot exit."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self._log = tempfile.NamedTemporaryFile(prefix="alongside-server-", suffix=".log", delete=False)  # noqa: SIM115
        self.proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def output(self, tail: int = 4000) -> str:
        return Path(self._log.name).read_text(errors="replace")[-tail:]

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM, and fail with the server's own last words if it does not exit in time."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"the server did not exit within {timeout} s of SIGTERM:\n{self.output()}") from None
        finally:
            self._log.close()
        Path(self._log.name).unlink(missing_ok=True)


async def wait_ready(url: str, server: ServerProcess) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            if server.proc.poll() is not None:
                raise RuntimeError(f"server exited with {server.proc.returncode}: {server.output(2000)}")
            try:
                async with http.get(url + "/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not become ready: {server.output(2000)}")
