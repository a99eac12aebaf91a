"""The comparable form of a message for risk detection, and where its sentences and clauses are.

NFKC and case folding as the word lists do (moderation/text_match.py), invisible characters removed, curly
quotes straightened, and contractions expanded so that "don't", "dont" and "do not" read alike. Look-alike
folding is left out on purpose: digits carry meaning here ("9mm", "2am").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "`": "'", "\u00b4": "'", "\u2032": "'"})
_DOUBLE_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
_SPACES = re.compile(r"[^\S\n]+")

# Whole words, applied in order. Chat writes many without the apostrophe. Beside each: strings of which every
# match holds at least one, so a rule whose strings are all absent is skipped without a scan (most messages
# need three or four of the 23; tests/test_risk_shortcuts.py checks the strings against the patterns).
_REWRITES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"can'?t", "can not", ("can",)),
    (r"won'?t", "will not", ("won",)),
    (r"shan'?t", "shall not", ("shan",)),
    (r"ain'?t", "is not", ("ain",)),
    (r"(do|does|did|is|was|were|are|has|have|had|would|could|should|must|might|need)n'?t", r"\1 not", ("nt", "n't")),
    (r"(\w+)n't", r"\1 not", ("n't",)),
    (r"i'?m", "i am", ("im", "i'm")),
    (r"i'?ve", "i have", ("ive", "i've")),
    (r"i'll", "i will", ("i'll",)),
    (r"i'd", "i would", ("i'd",)),
    (r"(you|we|they)'re", r"\1 are", ("'re",)),
    (r"(you|we|they|he|she|it)'ll", r"\1 will", ("'ll",)),
    (r"(you|we|they)'ve", r"\1 have", ("'ve",)),
    (r"youre", "you are", ("youre",)),
    (r"(it|that|what|he|she|there|here|life)'s", r"\1 is", ("'s",)),
    (r"(it|that|what)s", r"\1 is", ("ts",)),
    (r"gonna", "going to", ("gonna",)),
    (r"wanna", "want to", ("wanna",)),
    (r"gotta", "got to", ("gotta",)),
    (r"tryna", "trying to", ("tryna",)),
    (r"rn", "right now", ("rn",)),
    (r"(tonite|2nite|tn)", "tonight", ("nite", "tn")),
    (r"(bc|cuz|coz)", "because", ("bc", "cuz", "coz")),
)
_REWRITE_PATTERNS = tuple((re.compile(rf"(?<!\w){pattern}(?!\w)"), repl, needs) for pattern, repl, needs in _REWRITES)

SENTENCE_END = re.compile(r"[.!?;\n]+")
CLAUSE_END = re.compile(
    r"[.!?;,:\n()\u2014\u2013]+|\s-\s|\s(?:and|but|though|although|because|so|yet|however|whereas|while)\s"
)


def normalise(text: str) -> str:
    folded = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text).casefold())
    folded = folded.translate(_QUOTES).translate(_DOUBLE_QUOTES)
    for pattern, repl, needs in _REWRITE_PATTERNS:
        if any(need in folded for need in needs):
            folded = pattern.sub(repl, folded)
    return _SPACES.sub(" ", folded).strip()


def _spans(text: str, ends: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    start = 0
    for end in ends.finditer(text):
        yield start, end.start()
        start = end.end()
    yield start, len(text)


def enclosing(text: str, start: int, ends: re.Pattern[str]) -> tuple[int, int]:
    """The span (sentence or clause, per `ends`) that holds position `start`."""
    for span_start, span_end in _spans(text, ends):
        if span_start <= start <= span_end:
            return span_start, span_end
    return 0, len(text)


def words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Text inside double quotes (paired), inside single quotes used as quotation marks, and lines quoted
    with a leading ">"."""
    spans = [(m.start(), m.end()) for m in re.finditer(r'"[^"\n]{2,}"', text)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)'[^'\n]{4,}'(?!\w)", text)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"(?m)^\s*>.*$", text)]
    return spans
