"""The risk detectors Alongside registers by default (moderation/defaults.register_defaults), and the name of
each. bench/risk_eval.py measures exactly this list."""

from __future__ import annotations

from moderation.risk.lexicon import LexiconDetector
from moderation.risk.rules import default_rules
from rooms.risk import RiskDetector


def default_detectors() -> list[tuple[str, RiskDetector]]:
    return [("risk.lexicon", LexiconDetector())]


def prepare_detectors() -> None:
    """Build now what the default detectors would build on first use: the lexicon's rules, about 150 ms of
    regular expressions, which the first message after start-up otherwise paid on the event loop (every
    connection of the process waited for it). For a server's start-up, before it takes connections."""
    default_rules()
