"""argon2id hashing in worker threads, so the event loop never blocks on it.

Hashing new passwords (sign-up, password change) and checking passwords at sign-in have separate worker
threads: a burst of sign-ups queues behind itself and cannot starve people signing in.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")


class Passwords:
    def __init__(
        self, time_cost: int, memory_kib: int, sign_in_slots: int | None = None, new_password_slots: int | None = None
    ) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        # Each hash takes `memory_kib` of memory and a core for a while: bursts queue here instead of exhausting
        # the machine. Sign-in gets every core; new passwords get half of them, on their own threads.
        cores = os.cpu_count() or 2
        self.sign_in_slots = sign_in_slots or max(2, cores)
        self.new_password_slots = new_password_slots or max(1, cores // 2)
        self._sign_in = ThreadPoolExecutor(self.sign_in_slots, thread_name_prefix="argon2-sign-in")
        self._new_password = ThreadPoolExecutor(self.new_password_slots, thread_name_prefix="argon2-new")
        self.waiting = {"sign_in": 0, "new_password": 0}  # requests queued or hashing now, per kind
        # Compared against when the pseudonym is unknown, so a miss costs as long as a wrong password.
        self._decoy = self._hasher.hash("alongside-decoy-password")

    async def _run(self, kind: str, pool: ThreadPoolExecutor, work: Callable[[], T]) -> T:
        self.waiting[kind] += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, work)
        finally:
            self.waiting[kind] -= 1

    async def hash(self, password: str) -> str:
        """Hash a new password (sign-up, password change, seeding)."""
        return await self._run("new_password", self._new_password, lambda: self._hasher.hash(password))

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """Check a password at sign-in (against a decoy when there is no such account)."""
        return await self._run(
            "sign_in",
            self._sign_in,
            lambda: self._verify(stored_hash or self._decoy, password, stored_hash is not None),
        )

    def _verify(self, stored_hash: str, password: str, real: bool) -> bool:
        try:
            return self._hasher.verify(stored_hash, password) and real
        except (VerificationError, InvalidHashError):
            return False

    def close(self) -> None:
        self._sign_in.shutdown(wait=False, cancel_futures=True)
        self._new_password.shutdown(wait=False, cancel_futures=True)
