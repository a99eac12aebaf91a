"""The load bench still runs end to end (bench/load.py --quick at tiny sizes), so it cannot rot unnoticed.

This asserts nothing about speed: a shared test machine's numbers mean little. It checks that every scenario
ran against both servers, that messages were really delivered and idle connections really joined, and that
the JSON has the top-level keys runs are compared by, each a number.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

from tests.services import unavailable

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = (
    "capacity_ratio",
    "p99_ms_at_80pct",
    "gc_pause_ms_5000",
    "kb_per_conn_ratio",
    "connect_join_ratio",
    "redis_publish_errors",
)


def test_quick_load_bench_measures_both_servers(tmp_path: Path) -> None:
    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed (the bench's two-process scenario starts one)")
    out = tmp_path / "quick.json"
    command = [sys.executable, "bench/load.py", "--quick", "--rooms", "2", "--room-size", "20", "--steps", "20"]
    command += ["--step-seconds", "1", "--grace", "0.5", "--idle", "100", "--idle-seconds", "1"]
    command += ["--safeguarding-samples", "2", "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    result = json.loads(out.read_text())
    for key in TOP_LEVEL:
        value = result[key]
        assert isinstance(value, int | float) and not isinstance(value, bool), (key, value)
        assert math.isfinite(value), (key, value)
    for scenario in ("fanout", "redis"):
        for kind in ("bare", "alongside"):
            ramp = result["scenarios"][scenario][kind]
            assert ramp["connect"]["connected"] == 2 * 21, (scenario, kind, ramp["connect"])
            first = ramp["steps"][0]
            assert first["sent"] > 0 and first["deliveries"] > 0, (scenario, kind, first)
            assert first["refused"] == 0, (scenario, kind, first["refusal_codes"])
    for kind in ("bare", "alongside"):
        assert result["scenarios"]["idle"][kind]["connections"] == 100, result["scenarios"]["idle"][kind]
    assert result["scenarios"]["safeguarding"]["samples"] == 2
    assert result["git_commit"] and result["machine"]["cpus"] >= 1
    assert "capacity, one process" in done.stdout


def test_a_capacity_that_reached_the_ramp_top_is_shown_as_a_lower_bound() -> None:
    """A server that passed every step has a capacity of at least the top rate; a ratio against it is a bound."""
    sys.path.insert(0, str(ROOT))
    from bench.load import bounded, capacity_text, ratio_bound

    failed = {"capacity_msgs_per_s": 900.0, "capacity_is_lower_bound": False}
    top = {"capacity_msgs_per_s": 1800.0, "capacity_is_lower_bound": True}
    assert capacity_text(failed) == "900"
    assert capacity_text(top) == ">= 1800"
    assert ratio_bound(failed, top) == "at most"
    assert ratio_bound(top, failed) == "at least"
    assert ratio_bound(failed, failed) == "exact"
    assert ratio_bound(top, top) == "unknown"
    assert bounded("0.50x", "at most") == "<= 0.50x"
    assert bounded("0.50x", "exact") == "0.50x"
