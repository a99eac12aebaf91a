"""Staff-written text never keeps markup. (The OpenAPI document is checked in test_openapi.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from moderation.sanitise import plain_text

PAYLOAD_FILE = Path(__file__).parent / "data" / "xss" / "payloads.txt"
PAYLOADS = [line for line in PAYLOAD_FILE.read_text(encoding="utf-8").split("\n") if line]


def test_payload_corpus_is_complete() -> None:
    assert len(PAYLOADS) == 1338


@pytest.mark.parametrize("chunk", range(0, 1338, 223))
def test_sanitiser_leaves_no_markup(chunk: int) -> None:
    for payload in PAYLOADS[chunk : chunk + 223]:
        cleaned = plain_text(payload)
        assert not re.search(r"<\s*[a-zA-Z!/?]", cleaned), (payload, cleaned)
        assert plain_text(cleaned) == cleaned, "sanitising is stable"


def test_sanitiser_keeps_ordinary_text() -> None:
    text = "Be kind & patient.\nIf 2 < 3 and 5 > 4, that's maths — not markup. 🌱"
    assert plain_text(text) == text
