"""Tasks started and not awaited, each held until it ends.

Why: the event loop keeps only a weak reference to a task, so a task nobody holds can be garbage-collected
before it finishes (a close, an email, half done). Closes after a refusal, background closes of silent
connections and reset emails all start such tasks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class HeldTasks:
    """A set of running tasks: `start` runs a coroutine in a task and keeps it here until it is done."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()

    def start(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(work)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    async def cancel(self) -> None:
        """Cancel every task still running and wait until each has ended: at shutdown, before what they use (the
        database engine, the event loop) goes away."""
        running = list(self._running)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    def __len__(self) -> int:
        return len(self._running)
