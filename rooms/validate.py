"""Shape checks for values coming from outside, each refusing with a sentence that names the field."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from rooms.errors import InvalidInput

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
PSEUDONYM = re.compile(r"^[\w .\-]{3,32}$")


ROW_ID_MAX = 2**31 - 1  # ids of hubs, groups, sessions: 32-bit columns


def encodable(value: Any) -> bool:
    """False when any text inside (keys too) holds a lone surrogate, which no database can store."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError, RecursionError):
        return False
    return True


def row_id(value: Any, field: str) -> int:
    return integer(value, field, minimum=1, maximum=ROW_ID_MAX)


def has_control_characters(text: str) -> bool:
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


def clean_line_breaks(text: str) -> str:
    """Normalise line endings (a pasted Windows text and a typed one compare equal)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def refuse_control_characters(text: str, field: str) -> None:
    """Text is refused, never silently changed: NUL, escape and other control characters (tab and line
    breaks are fine) have no place in what people write, and PostgreSQL cannot store NUL at all."""
    if _CONTROL.search(text):
        raise InvalidInput(
            f"{field} holds a control character (such as NUL); please remove it and try again.",
            code="control_characters",
        )


def text(value: Any, field: str, *, min_len: int = 1, max_len: int) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be text.")
    refuse_control_characters(value, field)
    cleaned = clean_line_breaks(value).strip()
    if len(cleaned) < min_len:
        raise InvalidInput(f"{field} must not be empty." if min_len == 1 else f"{field} is too short.")
    if len(cleaned) > max_len:
        raise InvalidInput(f"{field} must be at most {max_len} characters.")
    return cleaned


def integer(value: Any, field: str, *, minimum: int = 0, maximum: int = 2**53) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidInput(f"{field} must be a whole number from {minimum} to {maximum}.")
    return value


def slug(value: Any) -> str:
    if not isinstance(value, str) or not SLUG.fullmatch(value):
        raise InvalidInput("slug must be 1-64 lower-case letters, digits and dashes.")
    return value


def pseudonym(value: Any) -> str:
    """A display name peers will trust: NFKC-normalised, one script, no look-alike tricks."""
    if not isinstance(value, str):
        raise InvalidInput("A pseudonym is 3 to 32 letters, digits, spaces, dots, dashes or underscores.")
    name = " ".join(unicodedata.normalize("NFKC", value).split())
    if not PSEUDONYM.match(name):
        raise InvalidInput("A pseudonym is 3 to 32 letters, digits, spaces, dots, dashes or underscores.")
    if len(_scripts(name)) > 1:
        raise InvalidInput("Please write a pseudonym in one alphabet, so nobody can be mistaken for someone else.")
    return name


# Letters that look like Latin ones. Two names that fold to the same key count as the same name.
_LOOKALIKES = str.maketrans(
    # Cyrillic and Greek letters (and digits) that pass for Latin ones, each to the letter it mimics.
    "\u0430\u0432\u0435\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0443\u0445\u0455\u0456\u0458\u0501\u04bb\u04cf\u051b\u051d"
    "\u03b1\u03b2\u03b5\u03b6\u03b7\u03b9\u03ba\u03bc\u03bd\u03bf\u03c1\u03c4\u03c5\u03c70135",
    "abekmhopctyxsijdhlqwabeznikmvoptuxoles",
)
_SEPARATORS = re.compile(r"[\s._\-]+")


def fold_lookalikes(lowered: str) -> str:
    """Look-alike letters and digits to the Latin letter they mimic, in lower-cased text. Capital I, lower-case
    l and digit 1 look alike in many fonts: after lower-casing, i and l are one letter. (Also used by the
    word-list matching in moderation/, so a name and a listed word are folded the same way.)"""
    return lowered.translate(_LOOKALIKES).replace("i", "l")


def pseudonym_key(name: str) -> str:
    """What makes two pseudonyms "the same" to a reader: case, separators and look-alike letters ignored."""
    folded = fold_lookalikes(unicodedata.normalize("NFKC", name).lower())
    return _SEPARATORS.sub("", folded)[:32]


def _scripts(name: str) -> set[str]:
    scripts = set()
    for char in name:
        if char.isalpha():
            script = unicodedata.name(char, "UNKNOWN").split(" ")[0]
            scripts.add("CJK" if script in ("CJK", "HIRAGANA", "KATAKANA") else script)
    return scripts
