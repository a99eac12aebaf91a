"""Garbage collection for a server holding thousands of long-lived connections.

CPython's full collections walk every tracked object; with thousands of connections' objects alive, one pause
can take hundreds of milliseconds, and every connected person waits for it. So: objects alive once start-up
is done (modules, the app, the ORM's caches) are frozen out of collection (`gc.freeze()`), and so is what
each wave of new connections leaves alive (`FreezeGovernor`); once many of those connections have gone, one
sweep gives their leftovers back to the collector. Every pause is measured for /metrics, so the longest one is
seen.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from server.metrics import Metrics

# Collect the youngest generation after 1,000 net allocations (CPython's default is 700). Not more: a young
# collection walks everything allocated since the last one, and the middle generation ten times that, so a
# larger threshold makes each pause longer (50,000 gave 440 ms middle-generation pauses in a connect wave).
# The old generation is kept small by freezing instead (FreezeGovernor).
THRESHOLDS = (1_000, 10, 10)
# How often the governor looks at the number of connections (a look is a len() and, rarely, a freeze).
GOVERNOR_TICK_SECONDS = 0.25
# The most objects a young collection (generations 0 and 1) or a full one (the unfrozen old generation) should
# walk before the governor steps in: at roughly a microsecond an object on a busy machine, 10-30 ms.
YOUNG_LIMIT = 10_000
OLD_LIMIT = 10_000
# A sweep also when the frozen generation has grown by half since the last one (and at most this often): objects
# frozen while alive that later became cyclic garbage are freed even if the connections never fall.
GROWTH_SWEEP_RATIO = 1.5
GROWTH_SWEEP_SECONDS = 600.0
PAUSES: web.AppKey[PauseMonitor] = web.AppKey("gc_pauses")


class PauseMonitor:
    """A gc callback: times each collection and records the count, total and longest pause per generation.

    A pause is wall-clock time from the collection's start to its end: what the event loop waits when the
    collection runs on it. Beside it, the longest in the collecting thread's own CPU time: a collection can
    run in a database or worker thread and hand the interpreter lock to other threads while finalizers run, and
    on a machine whose cores are busy with other processes the wall time also counts time spent descheduled;
    the CPU time is the collector's own work. Only middle and full collections (generations 1 and 2) are timed
    in CPU as well: young ones run thousands of times a second in a connect wave, reading a thread's CPU clock is
    a system call, and those two reads were 7% of the loop's busy time there (a young collection's longest
    wall-clock pause is still kept, per generation)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._started = 0.0
        self._started_cpu = 0.0
        self.longest = 0.0
        self.longest_cpu = 0.0
        # Plain per-generation tallies: a connect wave runs thousands of young collections a second, so the
        # callback only adds; /metrics reads the tallies when scraped (publish) and the rare new maximum is set
        # at once.
        self._counts = [0, 0, 0]
        self._totals = [0.0, 0.0, 0.0]
        self._longest_of = [0.0, 0.0, 0.0]
        metrics.describe("alongside_gc_collections_total", "counter", "Garbage collections, by generation.")
        metrics.describe(
            "alongside_gc_pause_seconds_longest", "gauge", "The longest pause so far of each generation's collections."
        )
        metrics.describe("alongside_gc_pause_seconds_total", "counter", "Time spent in garbage collection.")
        metrics.describe("alongside_gc_pause_seconds_max", "gauge", "The longest garbage collection pause so far.")
        metrics.describe(
            "alongside_gc_pause_cpu_seconds_max",
            "gauge",
            "The longest middle or full collection in the collecting thread's CPU time.",
        )
        metrics.set("alongside_gc_pause_seconds_max", 0.0)
        metrics.set("alongside_gc_pause_cpu_seconds_max", 0.0)

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        generation = int(info.get("generation", 2))
        if phase == "start":
            self._started = time.perf_counter()
            if generation:
                self._started_cpu = time.thread_time()
            return
        pause = time.perf_counter() - self._started
        self._counts[generation] += 1
        self._totals[generation] += pause
        if generation and (cpu := time.thread_time() - self._started_cpu) > self.longest_cpu:
            self.longest_cpu = cpu
            self._metrics.set("alongside_gc_pause_cpu_seconds_max", cpu)
        if pause > self._longest_of[generation]:
            self._longest_of[generation] = pause
            self._metrics.set("alongside_gc_pause_seconds_longest", pause, generation=str(generation))
        if pause > self.longest:
            self.longest = pause
            self._metrics.set("alongside_gc_pause_seconds_max", pause)

    def publish(self) -> None:
        """Put the tallies into /metrics (called when it is scraped)."""
        for generation, count in enumerate(self._counts):
            if count:
                label = str(generation)
                self._metrics.set("alongside_gc_collections_total", count, generation=label)
                self._metrics.set("alongside_gc_pause_seconds_total", self._totals[generation], generation=label)

    def forget_longest(self) -> None:
        """Start the longest pause afresh (after start-up's deliberate full collection, which no request waits
        on), so the gauge says what serving costs."""
        self.longest = self.longest_cpu = 0.0
        self._metrics.set("alongside_gc_pause_seconds_max", 0.0)
        self._metrics.set("alongside_gc_pause_cpu_seconds_max", 0.0)
        for generation, longest in enumerate(self._longest_of):
            if longest:
                self._longest_of[generation] = 0.0
                self._metrics.set("alongside_gc_pause_seconds_longest", 0.0, generation=str(generation))


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


class FreezeGovernor:
    """Keeps every collection's walk short: freezes what connect waves leave alive, bounds the generations the
    collector walks, and sweeps once many connections have gone.

    Why: a connection's state lives as long as the connection, so a collector that walks it again and again
    finds nothing to free there, and the walk is the pause. Looked at four times a second:
    - after each `every` new connections, one collection (short: it walks only what is not frozen yet) frees
      what arrived since and died, and `gc.freeze()` (constant time) moves the survivors out of sight;
    - the young generations are collected once they hold more than `young_limit` objects. CPython counts
      allocations minus deallocations, so when frozen objects die (a wave's in-flight requests finishing), as
      many new ones can pile up in the young generation before it is collected: 250,000 were seen, a 200 ms
      young collection and then a 400 ms full one;
    - the old generation's objects that are not frozen are collected and the survivors frozen once there are
      more than `old_limit` of them: whatever made it grow, no full collection walks more than that.
    The cost: a frozen object that later becomes cyclic garbage is not freed until it is unfrozen, so once the
    connections fall to half their peak since the last sweep (at least `every` of them gone), everything is
    unfrozen, collected once, and frozen again: one longer pause, taken when people have just left. The same
    sweep runs when the frozen generation has grown by half since the last (at most every ten minutes), so a
    server whose crowd never thins cannot keep frozen garbage without bound."""

    def __init__(
        self,
        connections: Callable[[], int],
        every: int,
        metrics: Metrics,
        young_limit: int = YOUNG_LIMIT,
        old_limit: int = OLD_LIMIT,
        growth_sweep_seconds: float = GROWTH_SWEEP_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._connections = connections
        self._clock = clock
        self._every = every
        self._young_limit = young_limit
        self._old_limit = old_limit
        self._growth_sweep_seconds = growth_sweep_seconds
        # The frozen generation's size: counted exactly at the first freeze and after each sweep, and in between
        # added to as objects are frozen (freed ones are not taken off, so it only overstates the growth).
        self._frozen_after_sweep: int | None = None
        self._frozen = 0
        self._counted_at = clock()  # the last exact count: a sweep's, or a growth check's
        self._sweep_due = False
        # (gc.get_count()[2], full collections so far) at the last look at the old generation
        self._middles_seen: tuple[int, int] | None = None
        self._metrics = metrics
        self._frozen_at = connections()  # the number of connections at the last freeze (lowered as they go)
        self._peak = self._frozen_at  # the most connections since the last sweep
        metrics.describe("alongside_gc_freezes_total", "counter", "Freezes after new connections (gc.freeze).")
        metrics.describe(
            "alongside_gc_sweeps_total", "counter", "Unfreeze-and-collect sweeps after many connections left."
        )
        metrics.describe(
            "alongside_gc_young_collections_total", "counter", "Young collections asked for by their size."
        )
        metrics.inc("alongside_gc_freezes_total", 0)
        metrics.inc("alongside_gc_sweeps_total", 0)
        metrics.inc("alongside_gc_young_collections_total", 0)

    def tick(self) -> str | None:
        """Look at the connections and the generations now; act when due. Says what it did, if anything."""
        done = self._by_connections()
        if done is not None:
            return done
        # Counting a generation's objects is a walk of that generation only; both are kept small here.
        if len(gc.get_objects(0)) + len(gc.get_objects(1)) > self._young_limit:
            gc.collect(1)
            self._metrics.inc("alongside_gc_young_collections_total")
            return "young"
        # The old generation grows only by middle collections' survivors: without one since the last look it
        # has not grown, and the walk that counts it (up to a million objects in a wave) is skipped.
        middles = (gc.get_count()[2], gc.get_stats()[2]["collections"])  # a full collection resets the count
        if middles == self._middles_seen:
            return None
        self._middles_seen = middles
        if len(gc.get_objects(2)) > self._old_limit:
            self._collect_all()
            self._freeze()
            return "old"
        return None

    def _by_connections(self) -> str | None:
        now = self._connections()
        self._peak = max(self._peak, now)
        if self._sweep_due or self._peak - now >= max(self._every, self._peak // 2):
            gc.unfreeze()
            self._collect_all()
            gc.freeze()
            self._frozen_at = self._peak = now
            self._sweep_due = False
            self._counted_at = self._clock()
            self._frozen = self._frozen_after_sweep = gc.get_freeze_count()  # one walk, beside the sweep's own
            self._metrics.inc("alongside_gc_sweeps_total")
            self._metrics.set("alongside_gc_frozen_objects", self._frozen)
            return "sweep"
        self._frozen_at = min(self._frozen_at, now)
        if now - self._frozen_at >= self._every:
            # A full collection first: it walks only what is not frozen (what arrived since the last freeze), so
            # it is short, and the garbage among it is freed instead of frozen.
            self._collect_all()
            self._freeze()
            self._frozen_at = now
            return "freeze"
        return None

    def _collect_all(self) -> None:
        """A full collection; it restarts the count of middle collections, so that count is taken afresh."""
        gc.collect()
        self._middles_seen = (gc.get_count()[2], gc.get_stats()[2]["collections"])

    def _freeze(self) -> None:
        """gc.freeze() after a full collection, counting what it freezes: the survivors, all in the old generation
        now (a walk of what the collection just walked). Counting the whole frozen generation instead
        (gc.get_freeze_count()) walks every object in it: at 1,000 connections it held the loop 70-80 ms, under
        message load, each time the gauge was due."""
        if self._frozen_after_sweep is None:  # the first freeze: the base, counted exactly once
            self._frozen = self._frozen_after_sweep = gc.get_freeze_count()
        self._frozen += len(gc.get_objects(2))
        gc.freeze()
        self._metrics.inc("alongside_gc_freezes_total")
        self._metrics.set("alongside_gc_frozen_objects", self._frozen)
        self._check_growth()

    def _check_growth(self) -> None:
        """A sweep is due when the frozen generation has grown by half since the last sweep (at most every
        growth_sweep_seconds). The running count says when to look; an exact count, taken at most that often,
        says whether it really grew (objects frozen while in flight have mostly been freed since)."""
        base = self._frozen_after_sweep or 0
        now = self._clock()
        if self._frozen <= GROWTH_SWEEP_RATIO * base or now - self._counted_at < self._growth_sweep_seconds:
            return
        self._frozen = gc.get_freeze_count()
        self._counted_at = now
        self._metrics.set("alongside_gc_frozen_objects", self._frozen)
        if self._frozen > GROWTH_SWEEP_RATIO * base:
            self._sweep_due = True  # at the next look


def tune_for_serving(app: web.Application, metrics: Metrics, connections: Callable[[], int], freeze_every: int) -> None:
    """For the server process only (`alongside serve`), not for an app inside the test runner: set the
    thresholds now, freeze what is alive once start-up is done, and then (unless `freeze_every` is 0) what
    every `freeze_every` new connections leave alive (FreezeGovernor)."""
    gc.set_threshold(*THRESHOLDS)
    metrics.describe(
        "alongside_gc_frozen_objects",
        "gauge",
        "Objects kept out of collection (gc.freeze): counted at start-up, after each sweep and at most every ten "
        "minutes; in between, what each freeze adds (objects freed since are still counted).",
    )

    async def freeze(application: web.Application) -> None:
        gc.collect()
        gc.freeze()
        metrics.set("alongside_gc_frozen_objects", gc.get_freeze_count())
        monitor = application.get(PAUSES)
        if monitor is not None:
            monitor.forget_longest()

    async def govern(_: web.Application) -> Any:
        governor = FreezeGovernor(connections, freeze_every, metrics)

        async def run() -> None:
            while True:
                await asyncio.sleep(GOVERNOR_TICK_SECONDS)
                governor.tick()

        task = asyncio.create_task(run())
        yield
        task.cancel()

    app.on_startup.append(freeze)
    if freeze_every > 0:
        app.cleanup_ctx.append(govern)
