"""Whether a text reads as distress, so that no automatic policy refuses, holds or hides it.

A person saying they want to die must reach the room and its facilitators. Content policies (word lists,
links) ask this first and, when it answers yes, only flag the message for facilitators. Over-matching is
the safe direction here ("this traffic is killing me" is flagged instead of held), so the test is broad:
the validated phrases of six constructs of the Suicide Risk Lexicon (moderation/data/distress_phrases.txt,
Apache-2.0, attribution there) and a few plain words. It is not the risk detector (that observes stored
messages through the message_stored hook); it only keeps the policies out of the way.
"""

from __future__ import annotations

import functools
from pathlib import Path

from moderation import text_match

PHRASES_FILE = Path(__file__).with_name("data") / "distress_phrases.txt"

# Words a hub's word list may only flag, never hold or refuse: the plain words of distress and self-harm.
DISTRESS_WORDS = [
    "die",
    "dies",
    "died",
    "dying",
    "dead",
    "death",
    "kill",
    "kills",
    "killing",
    "killed",
    "kms",
    "unalive",
    "suicide",
    "suicidal",
    "cut",
    "cuts",
    "cutting",
    "harm",
    "harming",
    "hurt",
    "hurting",
    "overdose",
    "overdosed",
    "od",
    "hang",
    "hanging",
    "drown",
    "drowning",
    "jump",
    "jumping",
    "pills",
    "blade",
    "blades",
    "razor",
    "rope",
    "bleed",
    "bleeding",
    "scars",
    "starve",
    "starving",
    "alive",
    "hopeless",
    "worthless",
    "burden",
    "self-harm",
    "selfharm",
    "sh",
    "end",
    "ending",
]


@functools.cache
def _phrases() -> tuple[str, ...]:
    lines = PHRASES_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def _all() -> tuple[str, ...]:
    return (*_phrases(), *DISTRESS_WORDS)


@functools.cache
def _word_keys() -> frozenset[str]:
    return frozenset(text_match.fold(word) for word in DISTRESS_WORDS)


@functools.lru_cache(maxsize=1024)
def seems_distressed(text: str) -> bool:
    """True when any distress phrase or word occurs in `text` (as whole words; see moderation/text_match)."""
    return text_match.contains_any(text_match.fold(text), _all())


def is_distress_vocabulary(phrase: str) -> bool:
    """A listed phrase that is, or holds, a word or phrase of distress: it may only flag."""
    folded = text_match.fold(phrase)
    return bool(set(folded.split(" ")) & _word_keys()) or text_match.contains_any(folded, _all())
