"""Two real server processes sharing one database and a real redis-server: rooms span both."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from server.db import create_engine
from server.demo import seed_demo
from server.passwords import Passwords
from tests.conftest import Api, Database, client_id, open_session
from tests.services import free_port, redis_server
from tests.test_chat import Inbox, call

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.redis


@pytest.fixture
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


async def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}: {proc.stdout.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                async with http.get(url + "/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not become ready")


@pytest.fixture
async def two_servers(database: Database, redis_url: str) -> Any:
    engine = create_engine(database.url, database.schema)
    await seed_demo(engine, Passwords(1, 8))
    await engine.dispose()
    procs, urls = [], []
    for name in ("a", "b"):
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
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, proc in zip(urls, procs, strict=True):
            await wait_ready(url, proc)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=15)


async def test_members_on_different_processes_see_each_other(two_servers: list[str]) -> None:
    url_a, url_b = two_servers
    river, willow, sam = Api(url_a), Api(url_b), Api(url_a)
    try:
        await river.login("River")
        await willow.login("Willow")
        await sam.login("Sam")
        await open_session(sam)
        river_io, willow_io = await river.socket(), await willow.socket()
        river_inbox, willow_inbox = Inbox(river_io), Inbox(willow_io)
        await call(river_io, "room:join", {"group_id": 1})
        joined = await call(willow_io, "room:join", {"group_id": 1})
        assert {p["display_name"] for p in joined["present"]} == {"River", "Willow"}, "presence spans processes"
        await river_inbox.wait_for("presence:update", lambda d: len(d["present"]) == 2)

        from_a = await call(river_io, "message:send", {"group_id": 1, "client_id": client_id(), "body": "hello from A"})
        seen_on_b = await willow_inbox.wait_for("message:new")
        assert seen_on_b["message"] == from_a["message"]

        from_b = await call(willow_io, "message:send", {"group_id": 1, "client_id": client_id(), "body": "hi from B"})
        seen_on_a = await river_inbox.wait_for("message:new", lambda d: d["message"]["id"] == from_b["message"]["id"])
        assert seen_on_a["message"]["body"] == "hi from B" and from_b["message"]["id"] == from_a["message"]["id"] + 1

        # Ending the session on process A reaches the member on process B.
        status, _ = await sam.call("POST", f"/api/sessions/{joined['session']['id']}/end")
        assert status == 200
        await willow_inbox.wait_for("session:updated", lambda d: d["session"]["status"] == "ended")

        # Leaving the group on process A takes Willow's connection on process B out of the room.
        willow_io.on("room:removed", willow_inbox._recorder("room:removed"), namespace="/chat")
        await open_session(sam)
        status, _ = await willow.call("DELETE", "/api/groups/1/membership")
        assert status == 204
        await willow_inbox.wait_for("room:removed")
        before = len(willow_inbox.of("message:new"))
        await call(river_io, "message:send", {"group_id": 1, "client_id": client_id(), "body": "after Willow left"})
        await river_inbox.wait_for("message:new", lambda d: d["message"]["body"] == "after Willow left")
        await asyncio.sleep(0.3)
        assert len(willow_inbox.of("message:new")) == before, "no longer heard on the other process"

        async with aiohttp.ClientSession() as http, http.get(url_b + "/readyz") as response:
            assert (await response.json())["checks"]["redis"] == "ok"
        await river_io.disconnect()
        await willow_io.disconnect()
    finally:
        for api in (river, willow, sam):
            await api.close()


def test_the_redis_manager_gets_the_configured_pool_size() -> None:
    from server.broker import client_manager
    from server.settings import load_settings

    settings = load_settings(env={})
    manager = client_manager("redis://127.0.0.1:6379/0", settings.redis_pool_size)
    assert manager.redis_options["max_connections"] == settings.redis_pool_size > 100, (
        "above redis-py 8's default of 100, which raises instead of waiting"
    )
