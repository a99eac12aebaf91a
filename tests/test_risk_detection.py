"""Risk detection: the risk_detect registry (merging, highest tier wins, plugins by name) and the detectors."""

from __future__ import annotations

from pathlib import Path

import pytest
from limits.aio.storage import MemoryStorage

from moderation.defaults import register_defaults
from moderation.risk.defaults import default_detectors
from moderation.risk.learned import LearnedDetector, training_set
from moderation.risk.lexicon import LexiconDetector
from moderation.risk.rules import RiskRulesError, load_rules
from moderation.word_list import WordRule
from rooms.hooks import Hooks
from rooms.hookspecs import RoomFacts
from rooms.risk import RiskAssessment, RiskDetector, RiskMatch, RiskTier

ROOT = Path(__file__).resolve().parent.parent
LINES = ROOT / "tests" / "data" / "risk-lines.tsv"


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


async def test_risk_detect_failure_log_names_the_detector_never_the_text(caplog: pytest.LogCaptureFixture) -> None:
    hooks = Hooks()

    async def broken(text: str) -> RiskAssessment:
        raise RuntimeError(text)

    hooks.risk_detectors.register(broken, name="broken")
    await hooks.risk_detectors.assess("a very private sentence")
    assert "broken" in caplog.text and "RuntimeError" in caplog.text
    assert "private" not in caplog.text


# --- Alongside's default detectors, on hand-written chat lines (tests/data/risk-lines.tsv) ---


def _lines() -> list[tuple[str, str, str]]:
    rows = []
    for line in LINES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, tier, text = line.split("\t")
            rows.append((kind, tier, text))
    return rows


@pytest.fixture(scope="module")
def defaults() -> Hooks:
    """Exactly what register_defaults registers for risk_detect."""
    registry = Hooks()
    register_defaults(
        registry, max_chars=4000, burst=10, per_minute=60, rate_storage=MemoryStorage(), word_lists=_no_words
    )
    return registry


async def _no_words(room: RoomFacts) -> list[WordRule]:
    return []


def test_the_hand_written_set_covers_every_kind() -> None:
    kinds = {kind for kind, _, _ in _lines()}
    assert {"negation", "idiom", "third person", "quoted lyrics", "in-context distress", "imminent", "past"} <= kinds
    assert len(_lines()) >= 40


@pytest.mark.parametrize(("kind", "tier", "text"), _lines(), ids=lambda v: v[:40] if isinstance(v, str) else v)
async def test_default_detection_gives_each_line_its_tier(defaults: Hooks, kind: str, tier: str, text: str) -> None:
    assessment = await defaults.risk_detectors.assess(text)
    assert assessment.tier == RiskTier[tier.upper()], (kind, assessment.explanation)
    assert assessment.explanation
    if assessment.tier > RiskTier.NONE:
        assert assessment.matches, "a tier above none names what matched"
        assert any(m.phrase in assessment.explanation for m in assessment.matches)


def test_defaults_register_the_lexicon_detector(defaults: Hooks) -> None:
    assert defaults.risk_detectors.names() == [name for name, _ in default_detectors()]
    assert "risk.lexicon" in defaults.risk_detectors.names()


async def test_an_explanation_names_the_phrase_construct_and_rule_not_the_message() -> None:
    detector = LexiconDetector()
    text = "Long day at work, then the bus broke down, and honestly I want to die. Anyway how was everyone's week?"
    assessment = await detector(text)
    assert assessment.tier == RiskTier.HIGH
    assert assessment.detector == "lexicon"
    match = next(m for m in assessment.matches if "want to die" in m.phrase)
    assert match.construct == "Passive suicidal ideation"
    assert "first person and present" in match.why
    assert "bus" not in assessment.explanation and len(assessment.explanation) < len(text) + 100


async def test_negated_idiomatic_and_reported_matches_stay_as_evidence() -> None:
    negated = await LexiconDetector()("I'm not going to kill myself")
    assert negated.tier == RiskTier.NONE
    assert any("negated" in m.why for m in negated.matches)
    idiom = await LexiconDetector()("this homework is killing me")
    assert any("idiom" in m.why for m in idiom.matches)
    imminent = await LexiconDetector()("I'm going to kill myself tonight")
    assert imminent.tier == RiskTier.IMMINENT
    assert any(m.phrase == "tonight" for m in imminent.matches)


@pytest.mark.parametrize(
    "text",
    [
        "I WANT TO DIE",
        "".join(chr(ord(c) + 0xFEE0) if c != " " else c for c in "i want to die"),  # full-width (NFKC)
        "I want to di\u200be",  # an invisible character inside the word
        "I DON\u2019T want to be alive",  # a curly apostrophe
        "i dont wanna live anymore",
    ],
)
async def test_text_is_normalised_like_the_word_lists(text: str) -> None:
    assert (await LexiconDetector()(text)).tier == RiskTier.HIGH


def test_the_lexicon_is_data_in_config_with_its_attribution() -> None:
    directory = ROOT / "config" / "risk-lexicon"
    notice = (directory / "NOTICE.txt").read_text(encoding="utf-8")
    assert "Apache License, Version 2.0" in notice and "Low DM" in notice
    rules = load_rules(directory)
    constructs = {s.construct for s in rules.sources}
    assert {"Passive suicidal ideation", "Active suicidal ideation & suicidal planning"} <= constructs


def test_a_bad_tier_in_the_rules_is_named(tmp_path: Path) -> None:
    source = ROOT / "config" / "risk-lexicon"
    for name in ("suicide_risk_lexicon_v1.json", "tiers.toml"):
        (tmp_path / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    tiers = tmp_path / "tiers.toml"
    tiers.write_text(tiers.read_text(encoding="utf-8").replace('tier = "high"', 'tier = "severe"', 1), "utf-8")
    with pytest.raises(RiskRulesError, match="severe"):
        load_rules(tmp_path)


async def test_the_learned_detector_trains_from_shipped_data_and_explains() -> None:
    detector = LearnedDetector()
    data = training_set()
    assert len(data.texts) > 3000 and set(data.labels) == {"none", "concern", "high"}
    risky = await detector("honestly I just want to die")
    assert risky.tier == RiskTier.HIGH and risky.detector == "learned"
    assert risky.matches and all(m.construct == "learned model" for m in risky.matches)
    calm = await detector("hope everyone has a good weekend")
    assert calm.tier == RiskTier.NONE and calm.matches == ()
