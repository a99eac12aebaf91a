"""docker-compose.yml and deploy/nginx.conf stay true to the code: every ALONGSIDE_* variable they set is a
real setting and the whole set starts in production mode; every Alongside process is behind nginx, sticky."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from server.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = dict(
    line.split("=", 1)
    for line in (ROOT / "deploy" / "compose.env.example").read_text().splitlines()
    if line and not line.startswith("#")
)


def _interpolate(value: str) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, from the example .env."""

    def one(match: re.Match[str]) -> str:
        name, op, rest = match.group(1), match.group(2) or "", match.group(3) or ""
        if name in EXAMPLE:
            return EXAMPLE[name]
        assert op != ":?", f"{name} is required but not in deploy/compose.env.example"
        return rest if op == ":-" else ""

    return re.sub(r"\$\{([A-Z_]+)(:[-?])?([^}]*)\}", one, value)


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def _alongside_services() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in _compose()["services"].items() if name.startswith("alongside-")}


def test_every_process_has_real_settings_and_starts_in_production_mode() -> None:
    services = _alongside_services()
    assert len(services) >= 2, "two or more processes"
    ids = set()
    dockerfile_env = dict(re.findall(r"(ALONGSIDE_[A-Z_]+)=(\S+)", (ROOT / "Dockerfile").read_text()))
    for name, service in services.items():
        env = {**dockerfile_env, **{k: _interpolate(str(v)) for k, v in service["environment"].items()}}
        env["ALONGSIDE_CONFIG"] = str(ROOT / "config" / "alongside.toml")
        env["ALONGSIDE_FRONTEND_DIR"] = str(ROOT / "frontend" / "dist")
        settings = load_settings(env=env)  # raises SettingsError on an unknown value or a missing secret
        fields = set(settings.__dataclass_fields__)
        named = {k[len("ALONGSIDE_") :].lower() for k in env if k.startswith("ALONGSIDE_")} - {"config"}
        unknown = sorted(named - fields)
        assert not unknown, f"{name} sets variables that are not settings: {unknown}"
        assert settings.mode == "production" and settings.redis_url.startswith("redis://:")
        assert settings.database_url.startswith("postgresql+asyncpg://") and not settings.apply_migrations_on_start
        ids.add(settings.server_id)
    assert len(ids) == len(services), "each process has its own server id"
    assert _compose()["services"]["migrate"]["command"] == ["alongside", "migrate"]


def test_nginx_sends_every_process_traffic_sticky_with_websockets() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    upstream = re.search(r"upstream alongside \{(.*?)\}", conf, re.DOTALL)
    assert upstream is not None
    assert "ip_hash;" in upstream.group(1), "long-polling needs each connection on one process"
    servers = set(re.findall(r"server (alongside-\d+):8080;", upstream.group(1)))
    assert servers == set(_alongside_services())
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and "proxy_http_version 1.1;" in conf
    assert "listen 443 ssl;" in conf, "production mode needs HTTPS (Secure cookies, https:// origins)"
    assert "ALONGSIDE_TRUSTED_PROXY_HOPS" in (ROOT / "docker-compose.yml").read_text()
