"""Rate limit storage for one process (no Redis): limits' own in-memory storages, with their clean-up made
cheap.

Why: limits 5.8's `MemoryStorage` (both the asyncio one and the threaded one) starts a fresh expiry pass on
every hit once the previous pass has finished, and each pass visits every key. The asyncio storage hops to a
worker thread per key: under a busy room evening (hundreds of senders, two limits each) that was about a
millisecond of CPU per message, as much as the rest of the send path's checks together (measured with
bench/README.md's note). The threaded storage starts a new `threading.Timer` thread for each pass, up to a
hundred a second: in a connect wave every handshake (server/handshake_gate.py) started one, and each pass
walked every address the gate had seen, holding the interpreter's lock. Counting stays the library's; only
the clean-up differs: at most once a second, inline, with no threads. It only bounds memory (which entries
are old enough to forget); whether a hit is allowed never depends on it.
"""

from __future__ import annotations

import bisect
import time
from collections import Counter
from typing import Any

from limits.aio.storage import MemoryStorage
from limits.storage import MemoryStorage as ThreadedMemoryStorage

EXPIRE_EVERY_SECONDS = 1.0


def _descending(expires: float) -> float:
    return -expires


def take_moving_window_entry(events: dict[str, list[float]], key: str, limit: int, expiry: int, amount: int) -> bool:
    """limits' moving-window hit, with each entry kept as the moment it leaves the window. No awaits: on the
    event loop a hit is atomic without a lock."""
    if amount > limit:
        return False
    now = time.time()
    entries = events.setdefault(key, [])
    if len(entries) > limit - amount and entries[limit - amount] >= now:
        return False  # `limit` hits already within the window (the library: entry.atime >= now - expiry)
    entries[:0] = [now + expiry] * amount
    return True


def moving_window_of(events: dict[str, list[float]], key: str, expiry: int) -> tuple[float, int]:
    """(the oldest entry's start, how many entries) still within the window, as limits reports them."""
    now = time.time()
    entries = events.get(key)
    if not entries:
        return now, 0
    within = bisect.bisect_left(entries, -now, key=_descending)
    if not within:
        return now, 0
    return entries[within - 1] - expiry, within


def forget_expired(
    events: dict[str, list[float]],
    expirations: dict[str, float],
    counters: Counter[str],
    locks: dict[str, Any],
    now: float,
) -> None:
    """Forget moving-window entries and counters that have expired. On the event loop's thread only (no awaits:
    nothing interleaves, and the library calls it before taking any key's lock). A key's asyncio lock goes with
    it unless an asyncio hit is awaiting inside it; a threading.RLock (no .locked() before Python 3.14) always
    goes, as the library's own clean-up does."""

    def drop_lock(key: str) -> None:
        lock = locks.get(key)
        if lock is not None and not getattr(lock, "locked", lambda: False)():
            locks.pop(key, None)

    for key in list(events):
        entries = events.get(key)  # newest first: the moments they expire decrease along the list
        if entries is None:
            continue
        cutoff = bisect.bisect_left(entries, -now, key=_descending)
        if cutoff:
            del entries[cutoff:]
        else:
            events.pop(key, None)
            drop_lock(key)
    for key in [key for key, expires in expirations.items() if expires <= now]:
        counters.pop(key, None)
        expirations.pop(key, None)
        drop_lock(key)


class _InlineExpiry:
    """The clean-up both storages share: at most once every EXPIRE_EVERY_SECONDS, inline."""

    events: Any  # key -> the moments its moving-window entries expire (the library declares Entry objects)
    expirations: dict[str, float]
    storage: Counter[str]
    locks: Any
    _next_expiry = 0.0
    expiry_passes = 0

    def _expire_if_due(self) -> None:
        now = time.monotonic()
        if now < self._next_expiry:
            return
        self._next_expiry = now + EXPIRE_EVERY_SECONDS
        self._expire(time.time())

    def _expire(self, now: float) -> None:
        self.expiry_passes += 1
        forget_expired(self.events, self.expirations, self.storage, self.locks, now)


class LocalRateStorage(_InlineExpiry, MemoryStorage):
    """limits' asyncio MemoryStorage with a once-a-second, in-loop clean-up (pinned: limits>=5.8,<6)."""

    # The library's private scheduler, called from incr, decr and acquire_entry (its name is mangled there).
    async def _MemoryStorage__schedule_expiry(self) -> None:
        self._expire_if_due()

    async def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        self._expire_if_due()
        return take_moving_window_entry(self.events, key, limit, expiry, amount)

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        return moving_window_of(self.events, key, expiry)


class LocalSyncRateStorage(_InlineExpiry, ThreadedMemoryStorage):
    """limits' threaded MemoryStorage, for checks that must not await (the handshake gate), with the same
    once-a-second inline clean-up and no timer threads (pinned: limits>=5.8,<6). For the event loop's thread
    only: the clean-up runs inline in whichever thread hits, unguarded."""

    def __init__(self) -> None:
        super().__init__()
        self.timer.cancel()  # the one its constructor started; none is started again
        self.timer.join()

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        self._expire_if_due()
        return take_moving_window_entry(self.events, key, limit, expiry, amount)

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        return moving_window_of(self.events, key, expiry)

    # The library's private scheduler, called from incr, decr and acquire_entry (its name is mangled there).
    def _MemoryStorage__schedule_expiry(self) -> None:
        self._expire_if_due()
