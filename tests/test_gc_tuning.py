"""Garbage collection pauses are measured for /metrics; `alongside serve` freezes what start-up left alive and what
each wave of new connections leaves alive, and sweeps once they have gone; it runs on uvloop where installed."""

from __future__ import annotations

import asyncio
import gc
import itertools
import re
from typing import Any

import aiohttp
import pytest

from server.event_loop import loop_kind
from server.gc_tuning import FreezeGovernor
from server.metrics import Metrics
from server.settings import Settings, SettingsError
from tests.conftest import Api, Database
from tests.helpers_presence import crowd
from tests.helpers_processes import server_processes


def _value(text: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert found, f"{name} is not in /metrics"
    return float(found.group(1))


async def test_every_collection_is_timed_and_the_longest_pause_is_shown(api_factory: Any) -> None:
    api: Api = await api_factory()
    gc.collect()
    status, text = await api.call("GET", "/metrics")
    assert status == 200
    assert _value(text, 'alongside_gc_collections_total{generation="2"}') >= 1
    assert _value(text, "alongside_gc_pause_seconds_max") > 0
    assert _value(text, 'alongside_gc_pause_seconds_total{generation="2"}') > 0
    assert _value(text, "alongside_gc_pause_cpu_seconds_max") > 0
    longest_full = _value(text, 'alongside_gc_pause_seconds_longest{generation="2"}')
    assert 0 < longest_full <= _value(text, "alongside_gc_pause_seconds_max")


async def test_the_server_process_freezes_what_start_up_left_alive(database: Database) -> None:
    async with server_processes(database, "", names=("solo",)) as servers:
        url, _ = servers[0]
        async with aiohttp.ClientSession() as http, http.get(url + "/metrics") as response:
            assert response.status == 200
            text = await response.text()
    assert _value(text, "alongside_gc_frozen_objects") > 10_000, "the modules, the app and its caches"
    # Start-up's own full collection (before the freeze) ran and was counted, but the longest pause starts
    # afresh after it: the gauge says what serving costs, not what starting did.
    assert _value(text, 'alongside_gc_collections_total{generation="2"}') >= 1
    assert _value(text, "alongside_gc_pause_seconds_max") < _value(
        text, 'alongside_gc_pause_seconds_total{generation="2"}'
    )


def test_the_governor_freezes_after_each_wave_of_connections_and_sweeps_once_they_have_gone() -> None:
    connections = [0]
    metrics = Metrics()
    # The generation limits out of the way: this is the test runner's process, whose generations are large.
    governor = FreezeGovernor(lambda: connections[0], 10, metrics, young_limit=10**9, old_limit=10**9)
    kept: list[object] = []
    try:
        assert governor.tick() is None
        connections[0] = 9
        assert governor.tick() is None, "fewer than 10 new connections: nothing to freeze yet"
        connections[0] = 10
        kept.extend([[n] for n in range(1000)])  # what the wave left alive
        before = gc.get_freeze_count()
        assert governor.tick() == "freeze"
        assert gc.get_freeze_count() >= before + 1000, "the wave's objects are out of the collector's sight"
        connections[0] = 19
        assert governor.tick() is None, "counted from the last freeze"
        connections[0] = 45
        assert governor.tick() == "freeze"
        connections[0] = 30
        assert governor.tick() is None, "15 of 45 gone: under half"
        connections[0] = 22
        cycle: list[object] = []
        cycle.append(cycle)  # cyclic garbage a departed connection could leave, frozen out of reach...
        gc.freeze()
        del cycle
        assert governor.tick() == "sweep", "half of the peak (45) gone"
        assert gc.collect() == 0, "...until the sweep collected it"
        assert gc.get_freeze_count() > 0, "and what is alive is frozen again"
        connections[0] = 31
        assert governor.tick() is None, "the next wave counts from the sweep (22)"
        connections[0] = 32
        assert governor.tick() == "freeze"
        assert metrics.value("alongside_gc_freezes_total") == 3
        assert metrics.value("alongside_gc_sweeps_total") == 1
        assert metrics.value("alongside_gc_frozen_objects") >= gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this is the test runner's process: give everything back to the collector


def test_the_governor_collects_large_young_generations_and_freezes_a_large_old_one() -> None:
    metrics = Metrics()
    governor = FreezeGovernor(lambda: 0, 10, metrics, young_limit=5_000, old_limit=5_000)
    gc.disable()  # so the collections are the governor's alone
    try:
        gc.collect()
        gc.freeze()  # the test runner's own objects out of the way
        assert governor.tick() is None
        young = [[n] for n in range(6_000)]  # as if frozen objects died and new ones piled up
        assert len(gc.get_objects(0)) >= 6_000
        assert governor.tick() == "young"
        assert len(gc.get_objects(0)) + len(gc.get_objects(1)) < 1_000, "collected, the survivors now old"
        assert metrics.value("alongside_gc_young_collections_total") == 1
        frozen = gc.get_freeze_count()
        assert governor.tick() == "old", "6,000 survivors in the old generation, not frozen"
        assert gc.get_freeze_count() >= frozen + 6_000
        assert len(gc.get_objects(2)) < 1_000, "the next full collection walks none of them"
        assert governor.tick() is None
        assert len(young) == 6_000
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_governor_counts_the_old_generation_only_after_a_middle_collection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counting the old generation walks it (in a connect wave, many thousands of objects four times a second);
    it grows only by middle collections' survivors, so without one since the last look there is no walk."""
    walks: list[int | None] = []
    real = gc.get_objects

    def counted(generation: int | None = None) -> list[Any]:
        walks.append(generation)
        return real(generation)

    monkeypatch.setattr(gc, "get_objects", counted)
    governor = FreezeGovernor(lambda: 0, 10, Metrics(), young_limit=10**9, old_limit=10**9)
    gc.disable()
    try:
        assert governor.tick() is None
        assert walks.count(2) == 1, "the first look counts"
        assert governor.tick() is None and governor.tick() is None
        assert walks.count(2) == 1, "no middle collection since: the old generation has not grown"
        gc.collect(1)
        assert governor.tick() is None
        assert walks.count(2) == 2
    finally:
        gc.enable()


def test_freezing_does_not_walk_the_frozen_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    """gc.get_freeze_count() walks every frozen object (hundreds of thousands at a thousand connections: 70-80 ms
    of a busy loop, every half minute under message load when the gauge was taken that way). The governor counts
    the frozen generation exactly once as its base, then adds what each freeze freezes, and counts again only
    when that says it may have grown by half."""
    walks: list[int] = []
    real = gc.get_freeze_count

    def counted() -> int:
        walks.append(1)
        return real()

    monkeypatch.setattr(gc, "get_freeze_count", counted)
    now = [0.0]
    metrics = Metrics()
    governor = FreezeGovernor(lambda: 0, 10**9, metrics, young_limit=10**9, old_limit=1_000, clock=lambda: now[0])
    gc.disable()
    try:
        gc.collect()
        gc.freeze()
        kept = []
        counted_after: list[float] = []
        for round_ in range(5):
            kept.append([[n] for n in range(2_000)])
            gc.collect(1)  # promoted to the old generation, as surviving young collections do
            assert governor.tick() == "old", round_
            counted_after.append(metrics.value("alongside_gc_frozen_objects"))
            now[0] += 60.0  # an evening of freezes, a minute apart
        assert len(walks) == 1, "the base only"
        assert all(b - a >= 2_000 for a, b in itertools.pairwise(counted_after)), counted_after
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_governor_sweeps_once_the_frozen_generation_has_grown_by_half() -> None:
    metrics = Metrics()
    # No connections and no young limit: only the old generation's freezes, and the growth they add up to.
    governor = FreezeGovernor(lambda: 0, 10**9, metrics, young_limit=10**9, old_limit=1_000, growth_sweep_seconds=0)
    gc.disable()
    try:
        gc.collect()
        gc.freeze()
        first = [[n] for n in range(2_000)]
        gc.collect(1)  # promoted to the old generation, as surviving young collections do
        assert governor.tick() == "old", "frozen, and the frozen generation's size taken as the base"
        more = [[n] for n in range(int(gc.get_freeze_count() * 0.6))]  # what a busy evening might freeze
        gc.collect(1)
        assert governor.tick() == "old"
        assert governor.tick() == "sweep", "grown by half since the base: unfreeze, collect, freeze"
        assert metrics.value("alongside_gc_sweeps_total") == 1
        assert governor.tick() is None, "the base is now the size after the sweep"
        assert len(first) + len(more) > 2_000
    finally:
        gc.enable()
        gc.unfreeze()


async def _metric_reaches(http: aiohttp.ClientSession, url: str, name: str, at_least: float) -> float:
    """The metric's value once it has reached `at_least` (the governor looks every quarter second)."""
    value = 0.0
    for _ in range(200):
        async with http.get(url + "/metrics") as response:
            value = _value(await response.text(), name)
        if value >= at_least:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"{name} stayed at {value}, below {at_least}")


async def test_a_served_process_freezes_during_a_connect_wave_and_sweeps_after_it(database: Database) -> None:
    settings = {"gc_freeze_every_connections": "3", "socket_connections_per_person": "20"}
    async with server_processes(database, "", names=("solo",), settings=settings) as servers:
        url, _ = servers[0]
        api = Api(url)
        await api.login("River")
        await api.close()
        async with aiohttp.ClientSession() as http:
            assert await _metric_reaches(http, url, "alongside_gc_sweeps_total", 0) == 0
            async with crowd(url, api.cookie_header(), [1] * 8):
                assert await _metric_reaches(http, url, "alongside_gc_freezes_total", 1) >= 1, "8 joined, every 3"
            assert await _metric_reaches(http, url, "alongside_gc_sweeps_total", 1) == 1, "all 8 left: one sweep"
            assert await _metric_reaches(http, url, 'alongside_event_loop_info{loop="uvloop"}', 1) == 1


async def test_the_event_loop_setting_keeps_asyncio_s_own_loop_when_asked(database: Database) -> None:
    async with server_processes(database, "", names=("solo",), settings={"event_loop": "asyncio"}) as servers:
        url, _ = servers[0]
        async with aiohttp.ClientSession() as http:
            assert await _metric_reaches(http, url, 'alongside_event_loop_info{loop="asyncio"}', 1) == 1


def test_the_event_loop_setting_is_checked() -> None:
    assert loop_kind("auto") == "uvloop", "uvloop is in the pinned requirements"
    assert loop_kind("asyncio") == "asyncio"
    with pytest.raises(SettingsError, match="event_loop"):
        Settings().replace(event_loop="fastest")
