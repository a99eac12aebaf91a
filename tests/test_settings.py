"""Settings: file, environment, defaults, and one clear line for each bad value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from server.settings import DEV_SECRET_KEY, SettingsError, load_settings


def test_defaults_are_the_embedded_setup() -> None:
    settings = load_settings(env={})
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.redis_url == ""
    assert settings.origins == ("http://localhost:8080", "http://127.0.0.1:8080")
    assert settings.max_message_chars == 4000 and settings.max_body_bytes == 65536


def test_environment_overrides_file(tmp_path: Path) -> None:
    config = tmp_path / "alongside.toml"
    config.write_text('port = 9000\nallowed_origins = ["https://chat.example.org"]\n')
    settings = load_settings(env={"ALONGSIDE_PORT": "9100", "ALONGSIDE_COOKIE_SECURE": "yes"}, config_path=config)
    assert settings.port == 9100 and settings.cookie_secure is True
    assert settings.origins == ("https://chat.example.org",)
    env = {"ALONGSIDE_ALLOWED_ORIGINS": "https://a.example, https://b.example"}
    assert load_settings(env=env).origins == ("https://a.example", "https://b.example")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALONGSIDE_PORT": "eighty"}, "ALONGSIDE_PORT: expected an integer"),
        ({"ALONGSIDE_PORT": "70000"}, "ALONGSIDE_PORT: expected an integer from 1 to 65535"),
        ({"ALONGSIDE_COOKIE_SECURE": "maybe"}, "ALONGSIDE_COOKIE_SECURE: expected true or false"),
        ({"ALONGSIDE_MODE": "staging"}, "mode: expected one of development, production"),
        ({"ALONGSIDE_DATABASE_URL": "mysql://x"}, "database_url: expected"),
        ({"ALONGSIDE_REDIS_URL": "http://x"}, "redis_url: expected"),
        ({"ALONGSIDE_ALLOWED_ORIGINS": "*"}, "allowed_origins: expected http(s)://host[:port] entries (never '*')"),
        ({"ALONGSIDE_MODE": "production"}, "secret_key: the development default is refused"),
        ({"ALONGSIDE_MODE": "production", "ALONGSIDE_SECRET_KEY": "short"}, "secret_key: expected at least 32"),
        ({"ALONGSIDE_DATABASE_SCHEMA": "Robert'); DROP"}, "database_schema: expected"),
    ],
)
def test_bad_values_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(env=env)
    assert message in str(error.value)


def test_production_with_a_real_secret_is_accepted() -> None:
    settings = load_settings(
        env={
            "ALONGSIDE_MODE": "production",
            "ALONGSIDE_SECRET_KEY": "k" * 40,
            "ALONGSIDE_COOKIE_SECURE": "true",
            "ALONGSIDE_ALLOWED_ORIGINS": "https://peers.example.org",
        }
    )
    assert not settings.is_development and settings.secret_key != DEV_SECRET_KEY


def test_unknown_file_keys_and_bad_toml_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("prot = 8080\n")
    with pytest.raises(SettingsError, match="unknown setting 'prot'"):
        load_settings(env={}, config_path=config)
    config.write_text("port = \n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(env={}, config_path=config)
    with pytest.raises(SettingsError, match="no such file"):
        load_settings(env={"ALONGSIDE_CONFIG": str(tmp_path / "missing.toml")})


def test_cli_stops_with_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"ALONGSIDE_PORT": "not-a-port", "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "alongside: bad setting: ALONGSIDE_PORT: expected an integer, got 'not-a-port'"
    ]


def test_production_needs_secure_cookies() -> None:
    env = {"ALONGSIDE_MODE": "production", "ALONGSIDE_SECRET_KEY": "k" * 40, "ALONGSIDE_COOKIE_SECURE": "false"}
    with pytest.raises(SettingsError, match="cookie_secure: must be true in production"):
        load_settings(env=env)


PRODUCTION = {
    "ALONGSIDE_MODE": "production",
    "ALONGSIDE_SECRET_KEY": "k" * 40,
    "ALONGSIDE_COOKIE_SECURE": "true",
    "ALONGSIDE_ALLOWED_ORIGINS": "https://peers.example.org",
}


def test_production_refuses_plain_http_origins() -> None:
    env = {**PRODUCTION, "ALONGSIDE_ALLOWED_ORIGINS": "https://peers.example.org,http://peers.example.org"}
    with pytest.raises(SettingsError, match="allowed_origins: expected https:// origins in production mode"):
        load_settings(env=env)


async def test_production_sends_hsts_and_keeps_metrics_behind_a_token(tmp_path: Path) -> None:
    import aiohttp

    from tests.conftest import start_server
    from tests.services import free_port

    token = "m" * 32
    for metrics_token in ("", token):
        settings = load_settings(env={**PRODUCTION, "ALONGSIDE_METRICS_TOKEN": metrics_token}).replace(
            database_url=f"sqlite+aiosqlite:///{tmp_path}/p.db", port=free_port()
        )
        running, runner = await start_server(settings)
        try:
            async with aiohttp.ClientSession() as http:
                async with http.get(running.url + "/healthz") as response:
                    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
                async with http.get(running.url + "/metrics") as response:
                    assert response.status == 401, "no token, no metrics"
                async with http.get(running.url + "/metrics", headers={"Authorization": "Bearer wrong"}) as response:
                    assert response.status == 401
                async with http.get(running.url + "/metrics", headers={"Authorization": f"Bearer {token}"}) as response:
                    assert response.status == (200 if metrics_token else 401)
        finally:
            await runner.cleanup()


async def test_development_serves_metrics_without_hsts(api_factory: Any) -> None:
    api = await api_factory()
    async with api.http.get(api.base + "/metrics") as response:
        assert response.status == 200 and "Strict-Transport-Security" not in response.headers
