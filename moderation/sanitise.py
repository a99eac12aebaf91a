"""Sanitising of text that staff write (group descriptions and agreements, hub details).

The browser renders these as text, never HTML; this is the second wall: no markup is ever stored, so a
future rich-text view or an export cannot be turned into an injection.

Why not an HTML parser: the text is plain text, so it only has to lose anything that could open a tag,
and it must do so in time linear in its length whatever it holds. bleach/html5lib spends 7-20 times longer
on inputs made of `<` or `&` than on letters, and an earlier loop here removed one `<` per pass (quadratic:
64 KB of `<` held the event loop for 70 s). This is three regular expressions, each linear whatever the
input. The tests check the results with html5lib (through bleach) as an independent oracle, and time the
worst inputs against plain text.
Entities are left as written: "&lt;" stays the four characters a person typed, which is what text
rendering shows, and cleaning is idempotent (cleaning twice changes nothing).
"""

from __future__ import annotations

import re

# A run of '<' directly before a tag-start character. The look-behind makes the engine try each run once
# (never from inside a run) and the possessive '++' never backtracks: linear time.
_TAG_OPENER = re.compile(r"(?<!<)<++(?=[a-zA-Z!/?])")


_COMMENT = re.compile(r"<!--[\s\S]*?-->")
_TAG = re.compile(r"<[a-zA-Z!/?][^>]*>")


def _remove_closed(pattern: re.Pattern[str], text: str, closer: str) -> str:
    """Remove every match of `pattern`, which runs from an opener to the next `closer`.

    Only the part of the text up to the last `closer` is searched: there every attempt that starts also
    succeeds, so no attempt scans to the end and fails (which, repeated at each opener, is quadratic).
    """
    last = text.rfind(closer)
    if last < 0:
        return text
    cut = last + len(closer)
    return pattern.sub("", text[:cut]) + text[cut:]


def plain_text(value: str) -> str:
    """Plain text with no markup: tags and comments removed, any '<' that could still open one removed,
    line endings normalised. Linear in the length of `value`."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _remove_closed(_TAG, _remove_closed(_COMMENT, text, "-->"), ">")
    return _TAG_OPENER.sub("", text)
