"""Watching the SQL an engine runs, for tests that bound or count statements."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@contextmanager
def statements_run(engine: AsyncEngine, keep: Callable[[str], bool] = lambda _: True) -> Iterator[list[str]]:
    """The statements the engine sends to the database meanwhile (whitespace folded), those `keep` accepts."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        folded = " ".join(statement.split())
        if keep(folded):
            seen.append(folded)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
