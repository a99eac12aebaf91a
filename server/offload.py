"""CPU-bound work off the event loop, with bounded concurrency.

Why: a handler that computes for a while (cleaning a long text, hashing) stalls every connection of the
process while it runs on the event loop. Worker threads keep the loop answering, and the semaphore keeps a
burst of such requests from queueing unbounded threads; callers check who is asking before they get here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class CpuOffload:
    def __init__(self, limit: int) -> None:
        self._slots = asyncio.Semaphore(limit)

    async def run(self, work: Callable[[str], T], argument: str) -> T:
        async with self._slots:
            return await asyncio.to_thread(work, argument)
