"""The one-process rate limit storages count exactly as limits' own and forget old entries at most once a
second, inline (server/local_rate_storage.py: the library's clean-up cost about 1 ms a message, and its
threaded storage started a thread per handshake)."""

from __future__ import annotations

import gc
import threading
import time

import pytest
from limits import parse, strategies
from limits.aio.strategies import MovingWindowRateLimiter

from server.handshake_gate import HandshakeGate
from server.local_rate_storage import LocalRateStorage, LocalSyncRateStorage
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


async def test_a_window_full_of_hits_is_one_object_for_the_collector() -> None:
    """A moving window's entries are numbers, not an object per hit (limits' own): a busy evening's hits stay
    in their window up to a minute, so objects per hit were promoted through every generation and filled the
    old one, which set off full collections under message load."""
    storage, sync_storage = LocalRateStorage(), LocalSyncRateStorage()
    limiter, sync_limiter = MovingWindowRateLimiter(storage), strategies.MovingWindowRateLimiter(sync_storage)
    per_minute = parse("5000/minute")
    await limiter.hit(per_minute, "m", "river")
    sync_limiter.hit(per_minute, "h", "10.0.0.1")
    gc.disable()  # nothing freed or moved while counting
    try:
        before = len(gc.get_objects())
        for _ in range(2000):
            assert await limiter.hit(per_minute, "m", "river")
            assert sync_limiter.hit(per_minute, "h", "10.0.0.1")
        grown = len(gc.get_objects()) - before
    finally:
        gc.enable()
    assert grown < 100, f"{grown} more objects for the collector after 4,000 hits"
    assert (await limiter.get_window_stats(per_minute, "m", "river")).remaining == 5000 - 2001
    assert sync_limiter.get_window_stats(per_minute, "h", "10.0.0.1").remaining == 5000 - 2001


async def test_the_window_reports_its_oldest_entry_and_refuses_until_it_leaves() -> None:
    storage = LocalRateStorage()
    limiter = MovingWindowRateLimiter(storage)
    two = parse("2/minute")
    started = time.time()
    assert await limiter.hit(two, "m", "river") and await limiter.hit(two, "m", "river")
    assert not await limiter.hit(two, "m", "river")
    stats = await limiter.get_window_stats(two, "m", "river")
    assert stats.remaining == 0
    assert started + 60 <= stats.reset_time <= time.time() + 60, "free again a minute after the first hit"
    (key,) = storage.events
    storage.events[key][-1] = time.time() - 0.001  # the first hit has just left its window
    assert await limiter.hit(two, "m", "river"), "one place again"
    assert not await limiter.hit(two, "m", "river")


def test_one_process_without_redis_uses_it() -> None:
    assert isinstance(rate_storage(""), LocalRateStorage)


def test_the_threaded_storage_counts_as_the_library_does_and_forgets_inline() -> None:
    storage = LocalSyncRateStorage()
    limiter = strategies.MovingWindowRateLimiter(storage)
    three, per_second = parse("3/minute"), parse("100/second")
    assert [limiter.hit(three, "h", "10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(three, "h", "10.0.0.2"), "each key has its own window"
    for n in range(50):
        limiter.hit(per_second, "h", f"short-{n}")
    assert storage.expiry_passes == 1, "many hits within a second: one clean-up pass"
    storage._expire(time.time() + 5)
    assert [k for k in storage.events if "short" in k] == []
    assert limiter.get_window_stats(three, "h", "10.0.0.1").remaining == 0, "the minute's entries still count"


def test_the_handshake_gate_starts_no_thread_per_handshake(monkeypatch: pytest.MonkeyPatch) -> None:
    """limits' own threaded storage started a Timer thread for each clean-up pass, on the next hit after the
    last one ended: in a connect wave, a thread per handshake, each walking every address seen."""
    started: list[threading.Thread] = []
    real_start = threading.Thread.start

    def counted(thread: threading.Thread) -> None:
        started.append(thread)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", counted)
    gate = HandshakeGate(per_minute=1000)
    at_start = len(started)  # the storage's constructor may start (and stop) one
    for _ in range(3):
        for thread in list(started):
            thread.join()  # whatever the gate started has ended, so the library would start another
        assert gate.admit("10.0.0.1") is None
    assert started[at_start:] == []
