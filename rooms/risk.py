"""The risk_detect hook's types: what a risk detector returns, and the tiers.

Types only (no moderation imports): rooms never imports moderation/. Detectors live in moderation/risk/
and in plugins; they register on rooms.hooks.Hooks.risk_detectors. Detection only observes: nothing here
can hold, hide or refuse a message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import IntEnum


class RiskTier(IntEnum):
    """How urgently a human should look: none, concern, high, imminent (ordered, so max() is the worst)."""

    NONE = 0
    CONCERN = 1  # distress worth a facilitator's attention (hopelessness, self-harm mention, past attempt)
    HIGH = 2  # present suicidal thoughts or self-harm intent in the first person
    IMMINENT = 3  # present intent with a plan, a means at hand, a time (tonight, now) or a goodbye


@dataclass(frozen=True)
class RiskMatch:
    """One piece of evidence: the words or pattern that matched, the lexicon construct, why this tier."""

    phrase: str
    construct: str
    why: str


@dataclass(frozen=True)
class RiskAssessment:
    """A detector's answer. `explanation` is one plain sentence for staff: why this tier (it never needs to
    repeat the whole message)."""

    tier: RiskTier
    matches: tuple[RiskMatch, ...]
    detector: str  # which detector(s) decided
    explanation: str


NO_RISK = RiskAssessment(RiskTier.NONE, (), "", "No risk detector matched.")

RiskDetector = Callable[[str], Awaitable[RiskAssessment]]
"""risk_detect: given a message's text, assess it. Observe only."""
