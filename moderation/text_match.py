"""Word-aware matching of listed words and phrases, in every script.

Both the listed phrase and the message are folded the same way: NFKC, case-folded, invisible characters,
Arabic harakat and tatweel and Hebrew points removed, look-alike letters and digits folded to the Latin
letter they mimic (rooms.validate.fold_lookalikes, the folding pseudonyms use), runs of white space made one
space. Accents are kept: "año" is not "ano".

A match must start and end at a word boundary: the character before and after must not continue the word
(a letter, digit or combining mark of a script written with spaces). So "cock" never fires in "Cockburn",
nor "ass" in "class", nor a Latin word inside a Cyrillic one.

Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) have no such
boundary to find: at an edge written in one of them the phrase is matched as a sequence of characters, and
may fire inside a longer word (a listed 死 fires in 死亡). List whole phrases of two or more characters there.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from rooms.validate import fold_lookalikes

NO_SPACE_SCRIPTS = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\U00020000-\U0003134f"
)
_NO_SPACE = re.compile(f"[{NO_SPACE_SCRIPTS}]")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff\u0640\u064b-\u065f\u0670\u0591-\u05c7]")
_SPACES = re.compile(r"\s+")


def _mark_ranges() -> str:
    """Every combining mark (categories Mn, Mc, Me) as a character-class body: they continue a word."""
    ranges: list[str] = []
    start = prev = -2
    for code in [*range(0x20000), *range(0xE0000, 0xE1000)]:  # no combining marks lie between
        if unicodedata.category(chr(code)).startswith("M"):
            if code != prev + 1:
                if start >= 0:
                    ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
                start = code
            prev = code
    ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
    return "".join(ranges)


_JOINING = f"(?:[^\\W{NO_SPACE_SCRIPTS}]|[{_mark_ranges()}])"


def fold(text: str) -> str:
    """The comparable form of a text (see the module's docstring)."""
    folded = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text).casefold())
    return _SPACES.sub(" ", fold_lookalikes(folded)).strip()


_JOINS = re.compile(_JOINING)  # one character that continues a word: compiled once, it is large


def _joins(char: str) -> bool:
    return _JOINS.fullmatch(char) is not None


@functools.lru_cache(maxsize=8192)
def _listed(phrase: str) -> tuple[str, bool, bool] | None:
    """A listed phrase folded, and whether its first and its last character continue a word (then the text's
    character just before, or just after, a match must not); None when nothing of it is left.

    No regular expression per phrase: one with the boundaries built in took about 4 ms to compile (the class of
    every combining mark, twice), so the first message checked against a hub's list of 200 words held the event
    loop for most of a second, and the first against the distress phrases for a second and a half."""
    folded = fold(phrase)
    return (folded, _joins(folded[0]), _joins(folded[-1])) if folded else None


def contains(folded_text: str, phrase: str) -> bool:
    """Whether `phrase` occurs as whole words in `folded_text` (already passed through fold): each occurrence
    found by a literal search, then its two edges looked at. Linear in the text: at most one look per
    occurrence."""
    listed = _listed(phrase)
    if listed is None:
        return False
    literal, check_before, check_after = listed
    at = folded_text.find(literal)
    while at >= 0:
        end = at + len(literal)
        joined_before = check_before and at > 0 and _joins(folded_text[at - 1])
        joined_after = check_after and end < len(folded_text) and _joins(folded_text[end])
        if not (joined_before or joined_after):
            return True
        at = folded_text.find(literal, at + 1)
    return False


def contains_any(folded_text: str, phrases: tuple[str, ...]) -> bool:
    """Whether any of `phrases` occurs (one literal search each: far faster than one big alternation)."""
    return any(contains(folded_text, phrase) for phrase in phrases)
