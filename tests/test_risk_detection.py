"""Risk detection: the risk_detect registry (merging, highest tier wins, plugins by name) and the detectors."""

from __future__ import annotations

import pytest

from rooms.hooks import Hooks
from rooms.risk import RiskAssessment, RiskDetector, RiskMatch, RiskTier


def _fixed(tier: RiskTier, phrase: str, name: str) -> RiskDetector:
    async def detect(text: str) -> RiskAssessment:
        return RiskAssessment(tier, (RiskMatch(phrase, "test", f"{name} says so"),), name, f"{name} explanation.")

    return detect


async def test_risk_detect_with_no_detector_is_none() -> None:
    result = await Hooks().risk_detectors.assess("anything")
    assert result.tier == RiskTier.NONE
    assert result.matches == ()


async def test_risk_detect_highest_tier_wins_and_matches_merge() -> None:
    hooks = Hooks()
    hooks.risk_detectors.register(_fixed(RiskTier.CONCERN, "a", "one"), name="one")
    hooks.risk_detectors.register(_fixed(RiskTier.IMMINENT, "b", "two"), name="two")
    hooks.risk_detectors.register(_fixed(RiskTier.NONE, "c", "three"), name="three")
    result = await hooks.risk_detectors.assess("text")
    assert result.tier == RiskTier.IMMINENT
    assert [m.phrase for m in result.matches] == ["a", "b", "c"]
    assert result.detector == "two"
    assert result.explanation == "two explanation."


async def test_risk_detect_plugin_registers_and_unregisters_by_name() -> None:
    hooks = Hooks()
    hooks.risk_detectors.register(_fixed(RiskTier.HIGH, "x", "plug"), name="my_plugin.model")
    assert hooks.risk_detectors.names() == ["my_plugin.model"]
    with pytest.raises(ValueError):
        hooks.risk_detectors.register(_fixed(RiskTier.HIGH, "x", "plug"), name="my_plugin.model")
    assert (await hooks.risk_detectors.assess("t")).tier == RiskTier.HIGH
    hooks.risk_detectors.unregister("my_plugin.model")
    assert hooks.risk_detectors.names() == []
    assert (await hooks.risk_detectors.assess("t")).tier == RiskTier.NONE


async def test_risk_detect_failing_detector_is_skipped() -> None:
    hooks = Hooks()

    async def broken(text: str) -> RiskAssessment:
        raise RuntimeError("boom")

    hooks.risk_detectors.register(broken, name="broken")
    hooks.risk_detectors.register(_fixed(RiskTier.HIGH, "x", "ok"), name="ok")
    assert (await hooks.risk_detectors.assess("t")).tier == RiskTier.HIGH
