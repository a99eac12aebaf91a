"""Garbage collection pauses are measured for /metrics, and `alongside serve` freezes what start-up left alive."""

from __future__ import annotations

import gc
import re
from typing import Any

import aiohttp

from tests.conftest import Api, Database
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
