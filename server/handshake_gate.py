"""Admission of new Socket.IO connections per client address, checked before any other work.

Why in memory (per process) and not in the database: a handshake costs a few microseconds, so the check
must cost less; behind a load balancer one address reaches a bounded number of processes, each with its
own allowance (docs/security.md). `limits` keeps a moving window per address and forgets idle ones, in
server/local_rate_storage.py's storage, which starts no thread per handshake.
"""

from __future__ import annotations

import time

from limits import RateLimitItemPerMinute, strategies

from server.local_rate_storage import LocalSyncRateStorage
from server.sign_in_throttle import address_block


class HandshakeGate:
    def __init__(self, per_minute: int) -> None:
        self._limiter = strategies.MovingWindowRateLimiter(LocalSyncRateStorage())
        self._item = RateLimitItemPerMinute(per_minute)

    def admit(self, address: str) -> str | None:
        """None to go ahead; else the seconds to wait (as text, for Retry-After)."""
        key = address_block(address)
        if self._limiter.hit(self._item, "handshake", key):
            return None
        reset = self._limiter.get_window_stats(self._item, "handshake", key).reset_time
        return str(max(1, int(reset - time.time() + 0.999)))
