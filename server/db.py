"""Database engine set-up and migrations (Alembic), for SQLite (WAL) and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from rooms.statement_hints import RESULT_UNUSED
from server.sqlite_one_hop import BEGIN_READ, BEGIN_WRITE, one_hop_dbapi

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


READ_ONLY = "alongside_read_only"


def _prepare_sqlite(engine: AsyncEngine) -> None:
    """WAL for concurrent readers; BEGIN IMMEDIATE so a read-then-write transaction waits for the write
    lock up front instead of failing with 'database is locked' half-way through."""

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Connection) -> None:
        # Readers (see create_sessionmaker) take no lock up front: in WAL they read beside a writer.
        conn.exec_driver_sql(BEGIN_READ if conn.get_execution_options().get(READ_ONLY) else BEGIN_WRITE)

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def mark_unused(_conn: Connection, cursor: Any, _sql: str, _params: Any, context: Any, _many: bool) -> None:
        # A statement whose result the caller does not read may go to the driver's thread with the next call.
        if context is not None and context.execution_options.get(RESULT_UNUSED) and hasattr(cursor, "result_unused"):
            cursor.result_unused()


# Drivers that log statements with their parameters at DEBUG; parameters hold what members wrote.
CHATTY_DRIVER_LOGGERS = ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool")


def quiet_driver_loggers() -> None:
    """Keep message text out of the logs at every log level."""
    for name in CHATTY_DRIVER_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def create_engine(database_url: str, schema: str = "", **kwargs: Any) -> AsyncEngine:
    """An engine for SQLite or PostgreSQL; `schema` (PostgreSQL only) sets the search_path of every connection.

    Statement parameters are hidden from error messages: they hold what members wrote, and errors get logged.
    SQLite through aiosqlite runs each statement in one call on the driver's thread (server/sqlite_one_hop.py).
    """
    url = make_url(database_url)
    quiet_driver_loggers()
    kwargs.setdefault("hide_parameters", True)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        if url.get_driver_name() == "aiosqlite":
            kwargs.setdefault("module", one_hop_dbapi())
        engine = create_async_engine(url, **kwargs)
        _prepare_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    if schema:
        kwargs.setdefault("connect_args", {})["server_settings"] = {"search_path": schema}
    return create_async_engine(url, **kwargs)


def create_sessionmaker(engine: AsyncEngine, read_only: bool = False) -> async_sessionmaker[AsyncSession]:
    """Sessions for use cases. `read_only` ones must not write: on SQLite they begin without the write lock."""
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    return async_sessionmaker(bind, expire_on_commit=False, autobegin=False)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


MIGRATION_LOCK = 0x416C6F6E  # "Alon": the advisory lock that serialises concurrent migrations


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (safe on every start, and from several processes at once: on
    PostgreSQL they take turns under an advisory lock; SQLite's BEGIN IMMEDIATE already serialises)."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await conn.run_sync(_upgrade, revision)


def migrate_url(database_url: str, revision: str = "head", schema: str = "") -> None:
    async def run() -> None:
        engine = create_engine(database_url, schema)
        try:
            await migrate(engine, revision)
        finally:
            await engine.dispose()

    asyncio.run(run())
