"""Character classes for request-body patterns that read the same in Python `re` and ECMA-262 (JSON Schema).

Why generated: JSON Schema patterns are ECMA-262 and the server checks with Python, so a class is written
only with `\\uXXXX` ranges, which both engines (and Rust-based JSON Schema tools) read alike. It never lists
a surrogate code point, so a lone surrogate matches nothing; characters beyond the Basic Multilingual Plane
are one negated class, `[^\\u0000-\\uffff]`, which keeps test-data generators fast. The same pattern string
is what the server checks and what /api/openapi.json publishes.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable

ASTRAL = "[^\\u0000-\\uffff]"  # every code point above U+FFFF, in both engines
_SURROGATES = range(0xD800, 0xE000)

# Scripts a pseudonym may be written in, as the domain names them (first word of the Unicode name; Hiragana
# and Katakana count as CJK). Other scripts the domain accepts are not advertised: see pseudonym_pattern.
PSEUDONYM_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "HEBREW", "ARABIC", "GEORGIAN", "HANGUL", "CJK")


def _escape(code: int) -> str:
    return f"\\u{code:04x}"


def _ranges(codes: Iterable[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return ranges


def char_class(keep: Callable[[str], bool], *, astral: bool) -> str:
    """One character: a Basic Multilingual Plane character `keep` accepts, or (astral) any beyond it."""
    codes = (code for code in range(0x10000) if code not in _SURROGATES and keep(chr(code)))
    body = "".join(_escape(lo) if lo == hi else f"{_escape(lo)}-{_escape(hi)}" for lo, hi in _ranges(codes))
    return f"(?:[{body}]|{ASTRAL})" if astral else f"[{body}]"


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


@functools.cache
def line_class() -> str:
    """One line of text: anything but control characters (C0, DEL, C1) and lone surrogates."""
    return char_class(lambda c: not _is_control(c), astral=True)


@functools.cache
def lines_class() -> str:
    """Several lines of text: as line_class, plus tab, line feed and carriage return."""
    return char_class(lambda c: c in "\t\n\r" or not _is_control(c), astral=True)


@functools.cache
def any_text_class() -> str:
    """Any text at all (passwords): everything but lone surrogates."""
    return char_class(lambda c: True, astral=True)


@functools.cache
def visible_class() -> str:
    """No spaces of any kind and no control characters (email addresses)."""
    return char_class(lambda c: not c.isspace() and not _is_control(c), astral=True)


def _script(char: str) -> str:
    script = unicodedata.name(char, "UNKNOWN").split(" ")[0]
    return "CJK" if script in ("CJK", "HIRAGANA", "KATAKANA") else script


def _pseudonym_letter(char: str) -> bool:
    return (
        char.isalpha()
        and unicodedata.normalize("NFKC", char) == char
        and re.fullmatch(r"\w", char) is not None
        and not 0x1100 <= ord(char) <= 0x11FF  # conjoining jamo compose under NFKC
    )


@functools.cache
def pseudonym_pattern() -> str:
    """A pseudonym in its normal form: words of one script's letters, digits, `_ . -`, one space between.

    Every string it matches passes rooms.validate.pseudonym unchanged (NFKC-stable, no space to collapse,
    one script). The domain also accepts other spellings (extra spaces, full-width letters, other scripts)
    and normalises them; this pattern documents the form a client should send.
    """
    letters: dict[str, list[int]] = {script: [] for script in PSEUDONYM_SCRIPTS}
    for code in range(0x10000):
        if code in _SURROGATES:
            continue
        char = chr(code)
        if char.isalpha() and (script := _script(char)) in letters and _pseudonym_letter(char):
            letters[script].append(code)
    branches = []
    for script in PSEUDONYM_SCRIPTS:
        ranges = "".join(
            _escape(lo) if lo == hi else f"{_escape(lo)}-{_escape(hi)}" for lo, hi in _ranges(letters[script])
        )
        word = f"[0-9_.\\-{ranges}]+"
        branches.append(f"{word}(?: {word})*")
    return "^(?:" + "|".join(branches) + ")$"


def whole(char_class_text: str, *, at_least_one: bool = False) -> str:
    """An anchored pattern: the whole string drawn from one class."""
    return f"^{char_class_text}{'+' if at_least_one else '*'}$"


def matches(pattern: str, value: str) -> bool:
    """Python's reading of a published pattern, anchored on both ends (so no trailing-newline surprise)."""
    return _compiled(pattern).fullmatch(value) is not None


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
