"""The message rate limits' storage for one process (no Redis): limits' own in-memory storage, with its
clean-up made cheap.

Why: limits 5.8's asyncio `MemoryStorage` starts a fresh expiry pass on every hit once the previous pass has
finished, and each pass visits every key with a hop to a worker thread per key. Under a busy room evening
(hundreds of senders, two limits each) that was about a millisecond of CPU per message: as much as the rest
of the send path's checks together (measured with bench/README.md's note). Counting stays the library's; only
the clean-up differs: at most once a second, on the event loop, with no thread hops. It only bounds memory
(which entries are old enough to forget); whether a hit is allowed never depends on it.
"""

from __future__ import annotations

import bisect
import time

from limits.aio.storage import MemoryStorage

EXPIRE_EVERY_SECONDS = 1.0


class LocalRateStorage(MemoryStorage):
    """limits' asyncio MemoryStorage with a once-a-second, in-loop clean-up (pinned: limits>=5.8,<6)."""

    def __init__(self) -> None:
        super().__init__()
        self._next_expiry = 0.0
        self.expiry_passes = 0

    # The library's private scheduler, called from incr, decr and acquire_entry (its name is mangled there).
    async def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now < self._next_expiry:
            return
        self._next_expiry = now + EXPIRE_EVERY_SECONDS
        self._expire(time.time())

    def _expire(self, now: float) -> None:
        """Forget moving-window entries and counters that have expired (no awaits: nothing interleaves)."""
        self.expiry_passes += 1
        for key in list(self.events):
            events = self.events[key]  # newest first: expiries decrease along the list
            cutoff = bisect.bisect_left(events, -now, key=lambda entry: -entry.expiry)
            if cutoff:
                del events[cutoff:]
            else:
                del self.events[key]
                if not self.locks[key].locked():
                    self.locks.pop(key, None)
        for key in [key for key, expires in self.expirations.items() if expires <= now]:
            self.storage.pop(key, None)
            self.expirations.pop(key, None)
            if key in self.locks and not self.locks[key].locked():
                self.locks.pop(key, None)
