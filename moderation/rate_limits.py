"""Per-member message rate limits, burst and sustained, shared by every process when Redis is configured.

A member with two tabs on two processes is counted once: the counts live in the `limits` storage (Redis,
or this process's memory when there is no Redis and so only one process). Moving windows: no doubled burst
at a window's edge. If the storage fails, messages pass (logged): a Redis hiccup must not silence a room.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter

from rooms.errors import RateLimited
from rooms.hooks import MessageDraft
from rooms.quiet_warning import QuietWarning

log = logging.getLogger("alongside.moderation")
NAMESPACE = "alongside-messages"


class MessageRateLimit:
    """At most `burst` messages per 10 seconds and `per_minute` per minute, per member, in every room and
    beside it together."""

    def __init__(self, storage: Storage, *, burst: int, per_minute: int) -> None:
        self.limiter = MovingWindowRateLimiter(storage)
        self.items: tuple[tuple[RateLimitItem, str], ...] = (
            (RateLimitItemPerSecond(burst, 10), "You are sending messages very quickly; please wait a few seconds."),
            (RateLimitItemPerMinute(per_minute), "You have sent many messages this minute; please wait a little."),
        )
        self._warn = QuietWarning(log)

    async def __call__(self, draft: MessageDraft) -> None:
        key = str(draft.author.user_id)
        for item, why in self.items:
            try:
                allowed = await self.limiter.hit(item, NAMESPACE, key)
            except Exception as exc:
                self._warn("message rate limit storage failed (%s); letting messages through", type(exc).__name__)
                return
            if not allowed:
                raise RateLimited(why, detail={"retry_after": await self._retry_after(item, key)})

    async def _retry_after(self, item: RateLimitItem, key: str) -> int:
        try:
            stats = await self.limiter.get_window_stats(item, NAMESPACE, key)
        except Exception:
            return item.get_expiry()
        return max(1, math.ceil(stats.reset_time - time.time()))
