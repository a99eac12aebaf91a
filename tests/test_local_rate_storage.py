"""The one-process rate limit storage counts exactly as limits' own and forgets old entries at most once a
second, on the event loop (server/local_rate_storage.py: the library's clean-up cost about 1 ms a message)."""

from __future__ import annotations

import time

from limits import parse
from limits.aio.strategies import MovingWindowRateLimiter

from server.local_rate_storage import LocalRateStorage
from server.policy_wiring import rate_storage


async def test_it_counts_a_moving_window_as_the_library_does() -> None:
    storage = LocalRateStorage()
    limiter = MovingWindowRateLimiter(storage)
    three = parse("3/minute")
    assert [await limiter.hit(three, "m", "river") for _ in range(4)] == [True, True, True, False]
    assert await limiter.hit(three, "m", "willow"), "each key has its own window"
    assert not await limiter.test(three, "m", "river")
    stats = await limiter.get_window_stats(three, "m", "river")
    assert stats.remaining == 0


async def test_old_entries_are_forgotten_by_a_pass_on_the_loop_at_most_once_a_second() -> None:
    storage = LocalRateStorage()
    limiter = MovingWindowRateLimiter(storage)
    per_second, per_minute = parse("100/second"), parse("100/minute")
    for n in range(50):
        await limiter.hit(per_second, "m", f"short-{n}")
        await limiter.hit(per_minute, "m", f"long-{n}")
    assert storage.expiry_passes == 1, "a hundred hits within a second: one clean-up pass"
    assert storage.timer is None, "the library's own timer and its per-key thread hops are never started"
    storage._expire(time.time() + 5)  # five seconds on: the one-second entries are gone, the minute's stay
    assert [k for k in storage.events if "short" in k] == []
    assert len([k for k in storage.events if "long" in k]) == 50
    still = [(await limiter.get_window_stats(per_minute, "m", f"long-{n}")).remaining for n in range(3)]
    assert still == [99, 99, 99], "the minute's entries still count"


def test_one_process_without_redis_uses_it() -> None:
    assert isinstance(rate_storage(""), LocalRateStorage)
