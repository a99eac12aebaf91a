"""The `alongside` command as a person runs it: migrate, demo, create-admin, serve."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.services import ServerProcess, free_port, wait_ready

ROOT = Path(__file__).resolve().parent.parent


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "ALONGSIDE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cli.db",
        "ALONGSIDE_PASSWORD_TIME_COST": "1",
        "ALONGSIDE_PASSWORD_MEMORY_KIB": "8",
        **extra,
    }


def alongside(tmp_path: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        cwd=ROOT,
        env=cli_env(tmp_path, **env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrate_then_demo_is_idempotent_and_prints_logins(tmp_path: Path) -> None:
    migrated = alongside(tmp_path, "migrate")
    assert migrated.returncode == 0 and "revision head" in migrated.stdout
    first = alongside(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    logins = re.findall(r"^\s+(\S+)\s+password: (\S+)", first.stdout, re.MULTILINE)
    assert ("Sam", "demo-facilitator-pass") in logins and len(logins) == 5
    again = alongside(tmp_path, "demo")
    assert again.returncode == 0 and again.stdout == first.stdout


def test_demo_refuses_production(tmp_path: Path) -> None:
    result = alongside(
        tmp_path,
        "demo",
        ALONGSIDE_MODE="production",
        ALONGSIDE_SECRET_KEY="s" * 40,
        ALONGSIDE_COOKIE_SECURE="true",
        ALONGSIDE_ALLOWED_ORIGINS="https://peers.example.org",
    )
    assert result.returncode == 2 and "only for development" in result.stderr


async def test_create_admin_can_sign_in_and_create_a_hub(tmp_path: Path) -> None:
    created = alongside(
        tmp_path, "create-admin", "--pseudonym", "Root Admin", "--password-stdin", stdin="a very long admin password\n"
    )
    assert created.returncode == 0, created.stderr
    duplicate = alongside(
        tmp_path, "create-admin", "--pseudonym", "root admin", "--password-stdin", stdin="another long password\n"
    )
    assert duplicate.returncode == 1 and "taken" in duplicate.stderr
    short = alongside(tmp_path, "create-admin", "--pseudonym", "Other", "--password-stdin", stdin="short\n")
    assert short.returncode == 2
    weak = alongside(tmp_path, "create-admin", "--pseudonym", "Other", "--password-stdin", stdin="password12\n")
    assert weak.returncode == 2 and "harder to guess" in weak.stderr

    async with served(tmp_path) as url, aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        login = {"pseudonym": "Root Admin", "password": "a very long admin password"}
        async with http.post(url + "/api/auth/login", json=login) as response:
            assert response.status == 200 and (await response.json())["user"]["is_platform_admin"] is True
        hub = {"name": "Northside Hub", "slug": "northside", "locality": "Northside"}
        async with http.post(url + "/api/hubs", json=hub) as response:
            assert response.status == 201


async def test_the_run_command_serves_the_demo_and_the_browser_app(tmp_path: Path) -> None:
    assert alongside(tmp_path, "demo").returncode == 0
    async with served(tmp_path) as url, aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(url + "/") as response:
            assert response.status in (200, 503)
            page = await response.text()
            assert "Alongside" in page
        login = {"pseudonym": "River", "password": "demo-member-pass"}
        async with http.post(url + "/api/auth/login", json=login) as response:
            assert response.status == 200
        async with http.get(url + "/api/groups") as response:
            names = [g["name"] for g in (await response.json())["groups"]]
            assert "Thursday evening circle" in names


class served:
    """`alongside serve` in a subprocess for the duration of an async with block."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.port = free_port()

    async def __aenter__(self) -> str:
        self.server = ServerProcess(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port)], cli_env(self.tmp_path), ROOT
        )
        self.proc = self.server.proc
        url = f"http://127.0.0.1:{self.port}"
        await wait_ready(url, self.server)
        return url

    async def __aexit__(self, *exc: Any) -> None:
        self.server.stop()


@pytest.mark.parametrize("port", ["0", "99999", "http"])
def test_bad_port_flag_is_one_clear_line(tmp_path: Path, port: str) -> None:
    result = alongside(tmp_path, "serve", "--port", port)
    assert result.returncode == 2
    bounds = " from 1 to 65535" if port.isdigit() else ""
    expected = f"alongside: bad setting: --port: expected an integer{bounds}, got {port!r}"
    assert result.stderr.strip().splitlines() == [expected]


async def test_serve_exits_promptly_on_sigterm_with_connections_open(tmp_path: Path) -> None:
    """A deploy or restart must not hang on open websockets and long-polls (it took over 7 s before)."""
    import asyncio
    import signal
    import time

    from tests.conftest import Api

    assert alongside(tmp_path, "demo").returncode == 0
    server = served(tmp_path)
    url = await server.__aenter__()
    api = Api(url)
    try:
        await api.login("River")
        for _ in range(8):
            await api.socket()
        polls = [asyncio.ensure_future(long_poll(url)) for _ in range(5)]
        await asyncio.sleep(0.2)  # let the polls reach the server and wait there
        started = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(server.proc.wait, 15)
        assert time.monotonic() - started < 5, "stopped within 5 s"
        assert code == 0
        for poll in polls:
            poll.cancel()
    finally:
        await api.close()
        server.server.stop()


async def long_poll(url: str) -> None:
    """Open an Engine.IO long-polling session and wait on its next poll."""
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/socket.io/?EIO=4&transport=polling") as response:
            sid = (await response.text()).split('"sid":"')[1].split('"')[0]
        async with http.get(f"{url}/socket.io/?EIO=4&transport=polling&sid={sid}") as response:
            await response.read()


async def test_serve_logs_each_request_by_route_and_says_when_it_stopped(tmp_path: Path) -> None:
    """An access line per request names the route's pattern, never the path: invitation tokens travel in it."""
    import asyncio
    import signal

    server = served(tmp_path)
    url = await server.__aenter__()
    try:
        target = url + "/api/invitations/secret-invitation-token-123?x=query-secret"
        async with aiohttp.ClientSession() as http, http.get(target) as response:
            status = response.status
        server.proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(server.proc.wait, 15) == 0
        output = server.server.output(100_000)
    finally:
        server.server.stop()
    assert f"GET /api/invitations/{{token}} {status} " in output
    assert "secret-invitation-token-123" not in output and "query-secret" not in output
    assert output.rstrip().splitlines()[-1].endswith("stopped"), output[-500:]
