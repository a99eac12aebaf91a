"""The risk detectors Alongside registers by default (moderation/defaults.register_defaults), and the name of
each. bench/risk_eval.py measures exactly this list."""

from __future__ import annotations

from moderation.risk.lexicon import LexiconDetector
from rooms.risk import RiskDetector


def default_detectors() -> list[tuple[str, RiskDetector]]:
    return [("risk.lexicon", LexiconDetector())]
