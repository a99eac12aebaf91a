"""Sanitising of text that staff write (group descriptions and agreements).

The browser renders these as text, never HTML; this is the second wall: no markup is ever stored, so a
future rich-text view or an export cannot be turned into an injection.
"""

from __future__ import annotations

import html
import re

import bleach

TAG_START = re.compile(r"<(?=[a-zA-Z!/?])")


def plain_text(value: str) -> str:
    """Drop every tag and comment (keeping the words), decode entities, then break any '<' that still
    opens a tag (an unclosed one such as '<svg onload=...' survives an HTML parser as text)."""
    cleaned: str = bleach.clean(value, tags=set(), attributes={}, strip=True, strip_comments=True)
    text = html.unescape(cleaned).replace("\r\n", "\n").replace("\r", "\n")
    while TAG_START.search(text):
        text = TAG_START.sub("", text)
    return text
