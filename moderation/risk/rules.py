"""The lexicon detector's data, read from config/risk-lexicon/: the validated lexicon (JSON) and Alongside's
tiers and language rules (tiers.toml), compiled once. Data, not code: a hub changes the files, not Python.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation.risk.text import normalise
from rooms.risk import RiskTier

LEXICON_DIR = Path(__file__).resolve().parents[2] / "config" / "risk-lexicon"
LEXICON_FILE = "suicide_risk_lexicon_v1.json"
TIERS_FILE = "tiers.toml"

TIER_NAMES = {"none": RiskTier.NONE, "concern": RiskTier.CONCERN, "high": RiskTier.HIGH, "imminent": RiskTier.IMMINENT}
MEANS = "means"


class RiskRulesError(ValueError):
    """config/risk-lexicon/ cannot be used (named in the message, never any message text)."""


@dataclass(frozen=True)
class PhraseSource:
    """A set of phrases that share a construct (or an Alongside addition), matched by one expression."""

    construct: str
    why: str
    tier_name: str  # none | concern | high | imminent | means
    pattern: re.Pattern[str]
    tiers: dict[str, RiskTier]  # normalised phrase -> its tier (the construct's, or an override)


@dataclass(frozen=True)
class RiskRules:
    sources: tuple[PhraseSource, ...]
    any_phrase: re.Pattern[str]  # every source's phrases at once: a message matching none needs no more looks
    reported_patterns: tuple[re.Pattern[str], ...]
    any_reported: re.Pattern[str]  # the reported patterns at once, likewise
    reported_why: str
    reported_subjects: frozenset[str]
    reported_verbs: re.Pattern[str]
    lyric_cues: tuple[str, ...]
    negation_window: int
    negation_cues: frozenset[str]
    pseudo_negations: re.Pattern[str]
    negation_terminators: frozenset[str]
    past: re.Pattern[str]
    present: re.Pattern[str]
    imminence: re.Pattern[str]  # signs: a goodbye, a note, a means at hand, a plan
    imminence_time: re.Pattern[str]
    imminence_why: str
    idioms: tuple[re.Pattern[str], ...]


def _alternation(phrases: list[str]) -> re.Pattern[str]:
    """Any of the phrases as whole words, the longest where several start at one place. Written as a trie
    ("kill(?: myself| me)?" rather than "kill myself|kill me|kill"): the same matches as the phrases listed
    longest first, but each place in a message is tried once per letter, not once per phrase."""
    unique = {p for p in phrases if p}
    if not unique:
        return re.compile(r"(?!x)x")
    trie: dict[str, Any] = {}
    for phrase in unique:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[_END] = {}
    return re.compile(r"(?<!\w)" + _branches(trie) + r"(?!\w)")


_END = ""  # marks a node where a phrase ends (no character is the empty string)


def _branches(node: dict[str, Any]) -> str:
    """A trie node as a regular expression: its longer continuations first (greedy), then ending here."""
    steps = [re.escape(char) + _branches(child) for char, child in sorted(node.items()) if char != _END]
    if not steps:
        return ""
    body = steps[0] if len(steps) == 1 else "(?:" + "|".join(steps) + ")"
    return f"(?:{body})?" if _END in node else body


def _tier(name: str, where: str) -> RiskTier:
    if name not in TIER_NAMES:
        raise RiskRulesError(f"{where}: unknown tier {name!r} (none, concern, high, imminent)")
    return TIER_NAMES[name]


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RiskRulesError(f"{where}: expected a list of strings")
    return list(value)


def load_rules(directory: Path = LEXICON_DIR) -> RiskRules:
    try:
        lexicon = json.loads((directory / LEXICON_FILE).read_text(encoding="utf-8"))["constructs"]
        config = tomllib.loads((directory / TIERS_FILE).read_text(encoding="utf-8"))
    except (OSError, KeyError, ValueError) as exc:
        raise RiskRulesError(f"{directory}: cannot read the risk lexicon: {type(exc).__name__}: {exc}") from exc

    overrides: dict[str, RiskTier] = {}
    for name, phrases in config.get("phrase_tiers", {}).items():
        for phrase in _strings(phrases, f"{TIERS_FILE} [phrase_tiers] {name}"):
            overrides[normalise(phrase)] = _tier(name, f"{TIERS_FILE} [phrase_tiers]")
    concern_words = {normalise(w) for w in _strings(config["concern_words"]["phrases"], "[concern_words]")}

    sources: list[PhraseSource] = []
    for construct, spec in config["constructs"].items():
        if construct not in lexicon:
            raise RiskRulesError(f"{TIERS_FILE}: construct {construct!r} is not in {LEXICON_FILE}")
        tier_name = spec["tier"]
        base = RiskTier.NONE if tier_name == MEANS else _tier(tier_name, f"[constructs.{construct!r}]")
        tiers: dict[str, RiskTier] = {}
        for token in lexicon[construct]["tokens"]:
            phrase = normalise(token)
            if tier_name == "concern" and " " not in phrase and phrase not in concern_words:
                continue
            tiers[phrase] = base if tier_name == MEANS else min(base, overrides.get(phrase, base))
        sources.append(PhraseSource(construct, spec["why"], tier_name, _alternation(list(tiers)), tiers))
    for name, spec in config.get("additions", {}).items():
        tier = _tier(name, f"[additions.{name}]")
        phrases = [normalise(p) for p in _strings(spec["phrases"], f"[additions.{name}]")]
        sources.append(
            PhraseSource(f"Alongside: {name}", spec["why"], name, _alternation(phrases), dict.fromkeys(phrases, tier))
        )

    reported = config["reported"]
    negation = config["negation"]
    tense = config["tense"]
    imminence = config["imminence"]
    reported_patterns = _strings(reported["patterns"], "[reported] patterns")
    return RiskRules(
        sources=tuple(sources),
        any_phrase=_alternation([phrase for source in sources for phrase in source.tiers]),
        reported_patterns=tuple(re.compile(p) for p in reported_patterns),
        any_reported=re.compile("|".join(f"(?:{p})" for p in reported_patterns) or r"(?!x)x"),
        reported_why=reported["why"],
        reported_subjects=frozenset(_strings(reported["subjects"], "[reported] subjects")),
        reported_verbs=_alternation([normalise(v) for v in _strings(reported["verbs"], "[reported] verbs")]),
        lyric_cues=tuple(normalise(c) for c in _strings(config["quotation"]["lyric_cues"], "[quotation]")),
        negation_window=int(negation["window"]),
        negation_cues=frozenset(_strings(negation["cues"], "[negation] cues")),
        pseudo_negations=_alternation([normalise(p) for p in _strings(negation["pseudo"], "[negation] pseudo")]),
        negation_terminators=frozenset(_strings(negation["terminators"], "[negation] terminators")),
        past=_alternation([normalise(p) for p in _strings(tense["past"], "[tense] past")]),
        present=_alternation([normalise(p) for p in _strings(tense["present"], "[tense] present")]),
        imminence=_alternation([normalise(p) for p in _strings(imminence["cues"], "[imminence] cues")]),
        imminence_time=_alternation([normalise(p) for p in _strings(imminence["time"], "[imminence] time")]),
        imminence_why=imminence["why"],
        idioms=tuple(re.compile(p) for p in _strings(config["idioms"]["patterns"], "[idioms] patterns")),
    )


@functools.cache
def default_rules() -> RiskRules:
    return load_rules(LEXICON_DIR)
