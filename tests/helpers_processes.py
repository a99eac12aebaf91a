"""Several real Alongside processes on one database and one redis-server, for the tests that need them."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from server.db import create_engine
from server.demo import seed_demo
from server.passwords import Passwords
from tests.conftest import Database
from tests.services import ServerProcess, free_port, wait_ready

ROOT = Path(__file__).resolve().parent.parent
SERVE = [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1"]


@asynccontextmanager
async def server_processes(
    database: Database, redis_url: str, *, names: tuple[str, ...] = ("a", "b"), settings: dict[str, str] | None = None
) -> AsyncIterator[list[tuple[str, ServerProcess]]]:
    """The demo seeded, then one `alongside serve` per name (server ids process-<name>), each with these
    extra ALONGSIDE_* settings; (url, process) pairs once all answer /readyz; stopped (SIGTERM) afterwards."""
    engine = create_engine(database.url, database.schema)
    await seed_demo(engine, Passwords(1, 8))
    await engine.dispose()
    servers: list[ServerProcess] = []
    urls: list[str] = []
    for name in names:
        port = free_port()
        env = {
            **os.environ,
            "ALONGSIDE_DATABASE_URL": database.url,
            "ALONGSIDE_DATABASE_SCHEMA": database.schema,
            "ALONGSIDE_REDIS_URL": redis_url,
            "ALONGSIDE_PASSWORD_TIME_COST": "1",
            "ALONGSIDE_PASSWORD_MEMORY_KIB": "8",
            "ALONGSIDE_SERVER_ID": f"process-{name}",
            "ALONGSIDE_CONFIG": str(ROOT / "config" / "alongside.toml"),
            **{f"ALONGSIDE_{key.upper()}": value for key, value in (settings or {}).items()},
        }
        servers.append(ServerProcess([*SERVE, "--port", str(port)], env, ROOT))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, server in zip(urls, servers, strict=True):
            await wait_ready(url, server)
        yield list(zip(urls, servers, strict=True))
    finally:
        for server in servers:
            server.proc.terminate()
        for server in servers:
            server.stop()
