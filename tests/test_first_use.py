"""What a process builds on first use must not be paid on the event loop by the first message after start-up:
the first message checked against a hub's new word list compiles no regular expression per listed phrase, and
the risk lexicon's rules are built before the server takes connections."""

from __future__ import annotations

import re
from typing import Any

import pytest

from moderation import word_list
from moderation.risk.rules import default_rules
from moderation.word_list import WordRule
from rooms.hookspecs import Hold
from tests.conftest import Database, seeded_server
from tests.services import free_port


def test_a_new_word_list_compiles_no_pattern_per_listed_phrase(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    real_compile = re.compile

    def counting(pattern: Any, flags: int = 0) -> re.Pattern[str]:
        compiled.append(str(pattern)[:40])
        return real_compile(pattern, flags)

    monkeypatch.setattr(re, "compile", counting)
    rules = [WordRule(f"firstuse{n} phrase", "hold", "") for n in range(50)] + [WordRule("firstuse flag", "flag")]
    verdict = word_list.judge("a line with firstuse7 phrase in it, and firstuse flag", rules)
    assert isinstance(verdict, Hold), verdict
    assert word_list.judge("firstuse7 phrases run on", rules) is None, "whole words only, as before"
    assert compiled == [], f"{len(compiled)} patterns compiled for one message: {compiled[:3]}"


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_the_risk_lexicons_rules_are_built_before_the_server_takes_connections(database: Database) -> None:
    default_rules.cache_clear()  # as in a fresh process
    async with seeded_server(database.settings(port=free_port())):
        info = default_rules.cache_info()
        assert info.currsize == 1, "built at start-up, not by the first message's risk check"
