"""Typed shapes of a hub's word list routes (server/http_policy.py). The domain (moderation/word_list_admin.py)
keeps its own checks as the second wall (the distress rule, duplicates, the list's size)."""

from __future__ import annotations

from typing import Annotated, Literal

from server import api_models as m
from server.api_models import LINE, NO_CONTROLS, RequestBody, Response

Phrase = Annotated[
    str,
    m._field(1, 100, LINE, "A word or phrase, matched as whole words in any spelling that reads the same."),
    m._checked(LINE, NO_CONTROLS),
]
Reason = Annotated[
    str,
    m._field(0, 200, LINE, "Why: shown to the member when their message is refused or held."),
    m._checked(LINE, NO_CONTROLS),
]
WordAction = Literal["hold", "refuse", "flag"]


class WordListEntryBody(RequestBody):
    phrase: Phrase
    action: WordAction
    reason: Reason = ""


class WordListEntryView(Response):
    id: int
    phrase: str
    action: WordAction
    reason: str
    created_at: str


class WordListEntryResult(Response):
    entry: WordListEntryView


class WordList(Response):
    entries: list[WordListEntryView]
