"""Sanitising of text that staff write (group descriptions and agreements).

The browser renders these as text, never HTML; this is the second wall: no markup is ever stored, so a
future rich-text view or an export cannot be turned into an injection.
"""

from __future__ import annotations

import html

import bleach


def plain_text(value: str) -> str:
    """Strip every tag (keeping the words), then undo entity escaping; repeat until nothing changes."""
    text = value
    for _ in range(5):
        cleaned: str = bleach.clean(text, tags=set(), attributes={}, strip=True, strip_comments=True)
        stripped = html.unescape(cleaned)
        if stripped == text:
            return text
        text = stripped
    # Still changing after five rounds: a deliberately nested payload. Keep the words, drop the brackets.
    return text.replace("<", "").replace(">", "")
