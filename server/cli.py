"""The `alongside` command: serve, migrate, create-admin, demo."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence

from server.settings import Settings, SettingsError, load_settings, with_overrides


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"alongside: bad setting: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


SHUTDOWN_SECONDS = 3


def cmd_serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from rooms.plugins import PluginLoadError
    from server.access_log import AccessLogger
    from server.access_log import log as access_log
    from server.app import create_app
    from server.event_loop import loop_kind, new_event_loop
    from server.gc_tuning import tune_for_serving
    from server.state import STATE

    settings = _settings()
    flags = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    try:
        settings = with_overrides(settings, flags)
    except SettingsError as exc:
        print(f"alongside: bad setting: {exc}", file=sys.stderr)
        return 2
    try:
        kind = loop_kind(settings.event_loop)
        app = create_app(settings)  # also reads config/crisis_lines: a bad file is named here
    except SettingsError as exc:
        print(f"alongside: bad setting: {exc}", file=sys.stderr)
        return 2
    except PluginLoadError as exc:  # an installed plugin (entry point group alongside.plugins) is broken
        print(f"alongside: {exc}", file=sys.stderr)
        return 2
    state = app[STATE]
    state.metrics.describe("alongside_event_loop_info", "gauge", "The event loop this process runs on (1).")
    state.metrics.set("alongside_event_loop_info", 1, loop=kind)
    tune_for_serving(app, state.metrics, lambda: len(state.sio.eio.sockets), settings.gc_freeze_every_connections)
    print(f"Alongside is starting at http://{settings.host}:{settings.port}/", flush=True)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        print=None,
        access_log=access_log,
        access_log_class=AccessLogger,
        shutdown_timeout=SHUTDOWN_SECONDS,  # aiohttp's default (60 s) holds a deploy up for a minute
        loop=new_event_loop(kind),
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from server.db import migrate_url

    settings = _settings()
    migrate_url(settings.database_url, args.revision, settings.database_schema)
    print(f"Database is at revision {args.revision}.")
    return 0


async def _create_admin(settings: Settings, pseudonym: str, password: str) -> None:
    from rooms import community, validate
    from rooms.clock import utc_now
    from server.db import create_engine, create_sessionmaker, migrate
    from server.passwords import Passwords

    engine = create_engine(settings.database_url, settings.database_schema)
    try:
        await migrate(engine)
        passwords = Passwords(settings.password_time_cost, settings.password_memory_kib)
        async with create_sessionmaker(engine)() as db, db.begin():
            await community.create_user(
                db,
                pseudonym=validate.pseudonym(pseudonym),
                email=None,
                password_hash=await passwords.hash(password),
                now=utc_now(),
                is_platform_admin=True,
            )
    finally:
        await engine.dispose()


def cmd_create_admin(args: argparse.Namespace) -> int:
    from rooms.errors import DomainError

    settings = _settings()
    password = os.environ.get("ALONGSIDE_ADMIN_PASSWORD") or (
        sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password (10+ characters): ")
    )
    from server.password_strength import assess

    strength = assess(password, args.pseudonym)
    if len(password) < 10 or not strength.acceptable:
        # The same check as sign-up: a platform admin's password guards every hub.
        print(
            f"alongside: {strength.message() if len(password) >= 10 else 'A password is 10+ characters.'}",
            file=sys.stderr,
        )
        return 2
    try:
        asyncio.run(_create_admin(settings, args.pseudonym, password))
    except DomainError as exc:
        print(f"alongside: {exc.message}", file=sys.stderr)
        return 1
    print(f"Platform admin {args.pseudonym!r} created.")
    return 0


async def _demo(settings: Settings) -> None:
    from server.db import create_engine, migrate
    from server.demo import seed_demo
    from server.passwords import Passwords

    engine = create_engine(settings.database_url, settings.database_schema)
    try:
        await migrate(engine)
        logins = await seed_demo(engine, Passwords(settings.password_time_cost, settings.password_memory_kib))
    finally:
        await engine.dispose()
    print("Demo data is ready. Sign in with any of these (development only):")
    for login in logins:
        print(f"  {login.pseudonym:<10} password: {login.password:<22} ({login.what})")


def cmd_demo(args: argparse.Namespace) -> int:
    settings = _settings()
    if not settings.is_development:
        print("alongside: demo data is only for development mode", file=sys.stderr)
        return 2
    asyncio.run(_demo(settings))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alongside", description="Alongside peer support community server")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the server")
    serve.add_argument("--host")
    serve.add_argument("--port")
    serve.set_defaults(func=cmd_serve)
    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("--revision", default="head")
    migrate.set_defaults(func=cmd_migrate)
    admin = sub.add_parser("create-admin", help="create a platform admin")
    admin.add_argument("--pseudonym", required=True)
    admin.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    admin.set_defaults(func=cmd_create_admin)
    demo = sub.add_parser("demo", help="seed demo data and print the logins")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
