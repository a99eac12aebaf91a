"""The risk detector's faster forms give exactly the answers of the plain ones, on several thousand lines:
normalising with only the rewrites whose strings are present against every rewrite, each phrase list as a trie against
the same phrases listed longest first, and the lexicon detector's early "nothing here" against reading every
source and pattern."""

from __future__ import annotations

import dataclasses
import random
import re
import unicodedata
from pathlib import Path

from moderation.risk import text
from moderation.risk.lexicon import LexiconDetector
from moderation.risk.rules import _alternation, default_rules

DATA = Path(__file__).resolve().parent / "data"
CONTRACTIONS = [
    "can't", "cant", "won't", "wont", "shan't", "ain't", "don't", "dont", "doesn't", "didn't", "isn't", "wasn't",
    "haven't", "couldn't", "shouldn't", "mustn't", "needn't", "i'm", "im", "i've", "ive", "i'll", "i'd", "you're",
    "youre", "we're", "they've", "it'll", "she'll", "it's", "its", "that's", "thats", "what's", "whats", "life's",
    "gonna", "wanna", "gotta", "tryna", "rn", "tonite", "2nite", "tn", "bc", "cuz", "coz", "n't", "'s", "'ll",
    "shan", "it'shan't", "i'dn't", "x", "I", "Don\u2019t", "CAN'T", "don\u00adt",
]  # fmt: skip
SEPARATORS = [" ", "  ", "'", "-", ".", ",", "\n", "", "\u2019", '"']


def chat_lines() -> list[str]:
    """The hand-written risk lines, the XSS payloads, and every phrase of the lexicon said in several ways."""
    lines = [row.split("\t")[2] for row in (DATA / "risk-lines.tsv").read_text().splitlines() if row.count("\t") >= 2]
    lines += (DATA / "xss" / "payloads.txt").read_text(encoding="utf-8", errors="replace").splitlines()
    rules = default_rules()
    phrases = sorted({phrase for source in rules.sources for phrase in source.tiers})
    for n, phrase in enumerate(phrases):
        other = phrases[(n * 7 + 3) % len(phrases)]
        lines += [
            f"i {phrase}",
            f"I don't {phrase} anymore.",
            f'my friend said she "{phrase}" and {other}',
            f"{phrase}, tonight i have my pills. goodbye",
            f"i used to {phrase} years ago but i'm ok now",
            f"{other}{phrase}",
        ]
    return lines


def generated(seed: int, count: int) -> list[str]:
    """Contractions run together every which way: where one rewrite might meet another."""
    rnd = random.Random(seed)
    return [
        "".join(rnd.choice(CONTRACTIONS) + rnd.choice(SEPARATORS) for _ in range(rnd.randint(1, 8)))
        for _ in range(count)
    ]


def normalise_every_rewrite(message: str) -> str:
    """normalise as first written: every rewrite scans the text, whatever it holds."""
    folded = text._INVISIBLE.sub("", unicodedata.normalize("NFKC", message).casefold())
    folded = folded.translate(text._QUOTES).translate(text._DOUBLE_QUOTES)
    for pattern, repl, _ in text._REWRITE_PATTERNS:
        folded = pattern.sub(repl, folded)
    return text._SPACES.sub(" ", folded).strip()


def test_each_rewrite_skipped_for_want_of_its_strings_could_not_have_matched() -> None:
    lines = chat_lines() + generated(seed=9, count=20_000)
    for pattern, _, needs in text._REWRITE_PATTERNS:  # every match holds one of the rule's strings
        for line in lines:
            folded = line.casefold()
            for found in pattern.finditer(folded):
                assert any(need in found.group() for need in needs), (pattern.pattern, found.group())
    differing = [line for line in lines if text.normalise(line) != normalise_every_rewrite(line)]
    assert differing == []
    assert text.normalise("I can't, im sure it's fine rn") == "i can not, i am sure it is fine right now"


def longest_first(phrases: list[str]) -> re.Pattern[str]:
    unique = sorted({p for p in phrases if p}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in unique) + r")(?!\w)")


def test_a_phrase_trie_matches_what_the_phrases_listed_longest_first_match() -> None:
    rules = default_rules()
    rnd = random.Random(4)
    for source in rules.sources:
        phrases = list(source.tiers)
        trie, plain = _alternation(phrases), longest_first(phrases)
        words = [*phrases, "i", "me", "my", "and", "kill", "die", "x", "the", "to"]
        for _ in range(400):
            line = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 9)))
            line = line.replace(" ", rnd.choice([" ", "", ", "]), rnd.randint(0, 2))
            assert [m.span() for m in trie.finditer(line)] == [m.span() for m in plain.finditer(line)], line
    assert [m.group() for m in _alternation(["kill", "kill myself", "kill me"]).finditer("kill myselfish kill me")] == [
        "kill",
        "kill me",
    ]
    assert _alternation([]).search("anything") is None


def test_the_lexicon_detectors_early_answer_is_what_reading_everything_gives() -> None:
    rules = default_rules()
    always = re.compile("")  # found in every message: each source and pattern is read
    reading_everything = LexiconDetector(dataclasses.replace(rules, any_phrase=always, any_reported=always))
    detector = LexiconDetector(rules)
    lines = chat_lines() + generated(seed=5, count=2_000)
    differing = [line for line in lines if detector.assess(line) != reading_everything.assess(line)]
    assert differing == []
    flagged = sum(1 for line in lines if detector.assess(line).tier > 0)
    assert 0 < flagged < len(lines)  # the corpus holds both kinds
