"""Typed settings from config/alongside.toml and ALONGSIDE_* environment variables.

Why one place: every bad value is reported at start-up as one line that names it, instead of failing later.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

DEV_SECRET_KEY = "dev-insecure-secret-change-me"  # noqa: S105 (refused outside development)
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting has a value Alongside cannot use; the message names it."""


@dataclass(frozen=True)
class Settings:
    mode: str = "development"
    host: str = "127.0.0.1"
    port: int = 8080
    database_url: str = "sqlite+aiosqlite:///var/alongside.db"
    database_schema: str = ""
    redis_url: str = ""
    redis_pool_size: int = 1024
    secret_key: str = DEV_SECRET_KEY
    allowed_origins: tuple[str, ...] = ()
    cookie_secure: bool = False
    session_ttl_hours: int = 336
    max_message_chars: int = 4000
    max_body_bytes: int = 65536
    messages_per_10s: int = 10
    messages_per_minute: int = 30
    socket_events_per_second: int = 10
    socket_event_burst: int = 40
    socket_connections_per_person: int = 10
    socket_handshakes_per_minute: int = 60
    socket_unauthenticated_seconds: int = 10
    typing_events_per_10s: int = 20
    trusted_proxy_hops: int = 0
    login_max_failures: int = 5
    login_lockout_seconds: int = 900
    login_backoff_max_seconds: int = 120
    signup_per_address_per_hour: int = 20
    password_check_per_minute: int = 30
    session_idle_minutes: int = 240
    presence_heartbeat_seconds: int = 10
    presence_timeout_seconds: int = 30
    watermark_interval_ms: int = 3000
    publish_timeout_ms: int = 1000
    gc_freeze_every_connections: int = 25  # alongside serve: freeze what each N new connections left alive; 0: off
    event_loop: str = "auto"  # alongside serve: uvloop where installed ("auto"), or always asyncio's own
    password_time_cost: int = 3
    password_memory_kib: int = 65536
    apply_migrations_on_start: bool = True
    log_level: str = "INFO"
    metrics_token: str = ""
    frontend_dir: str = str(PROJECT_ROOT / "frontend" / "dist")
    # Safeguarding escalation (docs/safeguarding.md). Email is off while smtp_host is empty.
    public_url: str = ""  # the address links in emails point at; empty: the first allowed origin
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_from: str = "alongside@localhost"
    outbox_max_attempts: int = 10  # then the delivery is a dead letter, listed for the hub's admins
    outbox_retry_base_ms: int = 2000  # the first retry's delay; doubled each attempt, with jitter
    outbox_retry_max_seconds: int = 300
    outbox_poll_ms: int = 1000  # each process looks for due deliveries and missed deadlines this often
    outbox_lease_seconds: int = 60  # a claimed delivery not finished by then may be claimed again
    delivery_timeout_seconds: int = 10  # one email or webhook attempt
    risk_recovery_minutes: int = 10  # at start-up and each sweep, messages this recent never assessed are
    # assessed then (a process that died between storing a message and assessing it loses no detection)
    server_id: str = field(default_factory=lambda: f"{os.uname().nodename}-{os.getpid()}")

    @property
    def is_development(self) -> bool:
        return self.mode == "development"

    @property
    def origins(self) -> tuple[str, ...]:
        """The allowed browser origins, defaulting to this server's own loopback addresses."""
        if self.allowed_origins:
            return self.allowed_origins
        return (f"http://localhost:{self.port}", f"http://127.0.0.1:{self.port}")

    @property
    def link_base(self) -> str:
        """Where links in emails and webhooks point: public_url, else the first allowed origin."""
        return (self.public_url or self.origins[0]).rstrip("/")

    def replace(self, **changes: Any) -> Settings:
        return _validated(dataclasses.replace(self, **changes))


_BOUNDS: dict[str, tuple[int, int]] = {
    "port": (1, 65535),
    "redis_pool_size": (16, 100_000),
    "session_ttl_hours": (1, 24 * 365),
    "max_message_chars": (1, 100_000),
    "max_body_bytes": (1024, 10 * 1024 * 1024),
    "messages_per_10s": (1, 10_000),
    "messages_per_minute": (1, 100_000),
    "socket_events_per_second": (1, 100_000),
    "socket_event_burst": (1, 100_000),
    "socket_connections_per_person": (1, 1000),
    "socket_handshakes_per_minute": (1, 100_000),
    "socket_unauthenticated_seconds": (1, 600),
    "typing_events_per_10s": (1, 10_000),
    "login_max_failures": (1, 1000),
    "trusted_proxy_hops": (0, 10),
    "login_lockout_seconds": (1, 7 * 86400),
    "login_backoff_max_seconds": (1, 86400),
    "signup_per_address_per_hour": (1, 100_000),
    "password_check_per_minute": (1, 100_000),
    "session_idle_minutes": (5, 24 * 365 * 60),
    "presence_heartbeat_seconds": (1, 300),
    "presence_timeout_seconds": (2, 3600),
    "watermark_interval_ms": (100, 60_000),
    "publish_timeout_ms": (50, 30_000),
    "gc_freeze_every_connections": (0, 100_000),
    "password_time_cost": (1, 20),
    "password_memory_kib": (8, 4 * 1024 * 1024),
    "smtp_port": (1, 65535),
    "outbox_max_attempts": (1, 100),
    "outbox_retry_base_ms": (10, 3_600_000),
    "outbox_retry_max_seconds": (1, 86400),
    "outbox_poll_ms": (20, 60_000),
    "outbox_lease_seconds": (2, 3600),
    "delivery_timeout_seconds": (1, 300),
    "risk_recovery_minutes": (1, 7 * 24 * 60),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "mode": ("development", "production"),
    "log_level": ("DEBUG", "INFO", "WARNING", "ERROR"),
    "event_loop": ("auto", "asyncio", "uvloop"),
}


def _coerce(name: str, kind: type, raw: Any, source: str) -> Any:
    def bad(expected: str) -> SettingsError:
        return SettingsError(f"{source}: expected {expected}, got {raw!r}")

    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise bad("true or false")
    if kind is int:
        if isinstance(raw, bool):
            raise bad("an integer")
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise bad("an integer") from None
        low, high = _BOUNDS.get(name, (-(2**63), 2**63))
        if not low <= value <= high:
            raise bad(f"an integer from {low} to {high}")
        return value
    if kind is tuple:
        items = raw if isinstance(raw, list | tuple) else [p for p in str(raw).split(",")]
        return tuple(str(item).strip() for item in items if str(item).strip())
    if not isinstance(raw, str | int | float):
        raise bad("text")
    return str(raw).strip()


_KINDS: dict[str, type] = {
    "bool": bool,
    "int": int,
    "str": str,
    "tuple[str, ...]": tuple,
}


def _validated(settings: Settings) -> Settings:
    for name, (low, high) in _BOUNDS.items():
        value = getattr(settings, name)
        if not low <= value <= high:
            raise SettingsError(f"{name}: expected an integer from {low} to {high}, got {value!r}")
    for name, choices in _CHOICES.items():
        if getattr(settings, name) not in choices:
            raise SettingsError(f"{name}: expected one of {', '.join(choices)}, got {getattr(settings, name)!r}")
    if not (
        settings.database_url.startswith("sqlite+aiosqlite://")
        or settings.database_url.startswith("postgresql+asyncpg://")
    ):
        raise SettingsError(
            "database_url: expected sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db, "
            f"got {settings.database_url!r}"
        )
    if settings.presence_timeout_seconds < 2 * settings.presence_heartbeat_seconds:
        raise SettingsError(
            "presence_timeout_seconds: expected at least twice presence_heartbeat_seconds "
            f"({2 * settings.presence_heartbeat_seconds}), got {settings.presence_timeout_seconds}"
        )
    if settings.database_schema and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", settings.database_schema):
        raise SettingsError(f"database_schema: expected a lower-case SQL identifier, got {settings.database_schema!r}")
    if settings.redis_url and not settings.redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"redis_url: expected redis://host:port/db or empty, got {settings.redis_url!r}")
    for origin in settings.allowed_origins:
        if origin == "*" or not origin.startswith(("http://", "https://")):
            raise SettingsError(f"allowed_origins: expected http(s)://host[:port] entries (never '*'), got {origin!r}")
    if settings.public_url and not settings.public_url.startswith(("http://", "https://")):
        raise SettingsError(f"public_url: expected http(s)://host[:port], got {settings.public_url!r}")
    if settings.outbox_lease_seconds <= settings.delivery_timeout_seconds:
        raise SettingsError(
            "outbox_lease_seconds: expected more than delivery_timeout_seconds "
            f"({settings.delivery_timeout_seconds}), got {settings.outbox_lease_seconds}"
        )
    if not settings.is_development:
        if settings.secret_key == DEV_SECRET_KEY:
            raise SettingsError(
                "secret_key: the development default is refused in production mode; set ALONGSIDE_SECRET_KEY"
            )
        if len(settings.secret_key) < 32:
            raise SettingsError("secret_key: expected at least 32 characters in production mode")
        if not settings.cookie_secure:
            raise SettingsError("cookie_secure: must be true in production mode (serve Alongside over HTTPS)")
        if not settings.allowed_origins:
            raise SettingsError("allowed_origins: must list the site's https:// origin in production mode")
        for origin in settings.allowed_origins:
            if not origin.startswith("https://"):
                raise SettingsError(f"allowed_origins: expected https:// origins in production mode, got {origin!r}")
        if settings.public_url and not settings.public_url.startswith("https://"):
            raise SettingsError(
                f"public_url: expected an https:// address in production mode, got {settings.public_url!r}"
            )
        if settings.metrics_token and len(settings.metrics_token) < 24:
            raise SettingsError("metrics_token: expected at least 24 characters")
    return settings


def with_overrides(settings: Settings, raw: Mapping[str, str], source: str = "--{name}") -> Settings:
    """Apply text overrides (command-line flags), checked like any other setting."""
    kinds = {f.name: _KINDS[str(f.type)] for f in fields(Settings)}
    values = {
        name: _coerce(name, kinds[name], value, source.format(name=name.replace("_", "-")))
        for name, value in raw.items()
    }
    return settings.replace(**values)


def load_settings(env: Mapping[str, str] | None = None, config_path: str | Path | None = None) -> Settings:
    """Read the config file (if any), then ALONGSIDE_* variables on top; raise SettingsError on a bad value."""
    env = os.environ if env is None else env
    path = Path(config_path or env.get("ALONGSIDE_CONFIG") or PROJECT_ROOT / "config" / "alongside.toml")
    file_values: dict[str, Any] = {}
    if path.exists():
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: not valid TOML ({exc})") from None
    elif config_path or env.get("ALONGSIDE_CONFIG"):
        raise SettingsError(f"ALONGSIDE_CONFIG: no such file {str(path)!r}")

    known = {f.name: f for f in fields(Settings)}
    for key in file_values:
        if key not in known:
            raise SettingsError(f"{path}: unknown setting {key!r}")
    values: dict[str, Any] = {}
    for name, f in known.items():
        kind = _KINDS[str(f.type)]
        env_key = f"ALONGSIDE_{name.upper()}"
        if env_key in env:
            values[name] = _coerce(name, kind, env[env_key], env_key)
        elif name in file_values:
            values[name] = _coerce(name, kind, file_values[name], f"{path.name}: {name}")
    if "log_level" in values:
        values["log_level"] = str(values["log_level"]).upper()
    return _validated(Settings(**values))
