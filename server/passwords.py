"""argon2id hashing, run in a worker thread so the event loop never blocks on it."""

from __future__ import annotations

import asyncio
import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, time_cost: int, memory_kib: int, concurrency: int | None = None) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        # Each hash takes `memory_kib` of memory and a core for a while: a burst of sign-ins queues here
        # instead of exhausting the machine.
        self._slots = asyncio.Semaphore(concurrency or max(2, os.cpu_count() or 2))
        # Compared against when the pseudonym is unknown, so a miss costs as long as a wrong password.
        self._decoy = self._hasher.hash("alongside-decoy-password")

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self._verify, stored_hash or self._decoy, password, stored_hash is not None)

    def _verify(self, stored_hash: str, password: str, real: bool) -> bool:
        try:
            return self._hasher.verify(stored_hash, password) and real
        except (VerificationError, InvalidHashError):
            return False
