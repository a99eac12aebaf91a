"""Garbage collection for a server holding thousands of long-lived connections.

CPython's full collections walk every tracked object; with thousands of connections' objects alive, one pause
can take hundreds of milliseconds, and every connected person waits for it. So: objects alive once start-up
is done (modules, the app, the ORM's caches) are frozen out of collection (`gc.freeze()`), the young
generation is collected less often, and every pause is measured for /metrics, so the longest one is seen.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from aiohttp import web

from server.metrics import Metrics

# Collect the youngest generation after 50,000 net allocations instead of 700 (CPython's default, tuned for
# small scripts): fewer collections, each still short. Older generations keep their default ratios.
THRESHOLDS = (50_000, 10, 10)
PAUSES: web.AppKey[PauseMonitor] = web.AppKey("gc_pauses")


class PauseMonitor:
    """A gc callback: times each collection and records the count, total and longest pause per generation."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._started = 0.0
        self.longest = 0.0
        metrics.describe("alongside_gc_collections_total", "counter", "Garbage collections, by generation.")
        metrics.describe("alongside_gc_pause_seconds_total", "counter", "Time spent in garbage collection.")
        metrics.describe("alongside_gc_pause_seconds_max", "gauge", "The longest garbage collection pause so far.")
        metrics.set("alongside_gc_pause_seconds_max", 0.0)

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        pause = time.perf_counter() - self._started
        generation = str(info.get("generation", ""))
        self._metrics.inc("alongside_gc_collections_total", generation=generation)
        self._metrics.inc("alongside_gc_pause_seconds_total", pause, generation=generation)
        if pause > self.longest:
            self.longest = pause
            self._metrics.set("alongside_gc_pause_seconds_max", pause)

    def forget_longest(self) -> None:
        """Start the longest pause afresh (after start-up's deliberate full collection, which no request waits
        on), so the gauge says what serving costs."""
        self.longest = 0.0
        self._metrics.set("alongside_gc_pause_seconds_max", 0.0)


def monitor_pauses(app: web.Application, metrics: Metrics) -> PauseMonitor:
    """Measure every collection while this app runs (the callback goes when the app is cleaned up)."""
    monitor = PauseMonitor(metrics)
    app[PAUSES] = monitor

    async def measure(_: web.Application) -> Any:
        gc.callbacks.append(monitor)
        yield
        gc.callbacks.remove(monitor)

    app.cleanup_ctx.append(measure)
    return monitor


def tune_for_serving(app: web.Application, metrics: Metrics) -> None:
    """For the server process only (`alongside serve`), not for an app inside the test runner: set the
    thresholds now, and freeze what is alive once start-up is done."""
    gc.set_threshold(*THRESHOLDS)
    metrics.describe("alongside_gc_frozen_objects", "gauge", "Objects kept out of collection since start-up.")

    async def freeze(application: web.Application) -> None:
        gc.collect()
        gc.freeze()
        metrics.set("alongside_gc_frozen_objects", gc.get_freeze_count())
        monitor = application.get(PAUSES)
        if monitor is not None:
            monitor.forget_longest()

    app.on_startup.append(freeze)
