"""A SQLite engine on a file with some tables, and a count of the calls made on the driver's thread, for tests of
the SQLite path itself."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from server.db import create_engine


@contextlib.asynccontextmanager
async def sqlite_engine(path: Path, metadata: MetaData) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        yield engine
    finally:
        await engine.dispose()


class HopCounter:
    """Counts the calls the event loop hands to aiosqlite's connection threads."""

    def __init__(self) -> None:
        self.calls = 0

    def wrap(self, original: Any) -> Any:
        async def counted(connection: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return await original(connection, fn, *args, **kwargs)

        return counted


def count_hops(monkeypatch: pytest.MonkeyPatch) -> HopCounter:
    """Count every call on every aiosqlite connection's thread from now until the test ends."""
    counter = HopCounter()
    monkeypatch.setattr(aiosqlite.Connection, "_execute", counter.wrap(aiosqlite.Connection._execute))
    return counter
