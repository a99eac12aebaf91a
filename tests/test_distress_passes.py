"""Distress is never refused, held or hidden automatically: every phrase of distress from the Suicide Risk
Lexicon (tests/data/risk-lexicon, Apache-2.0) passes every default policy, even in a group that holds links
and a hub whose admin filled the word list with "kill", "die" and "cut" (such entries may only flag)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from limits.aio.storage import MemoryStorage

from moderation.defaults import register_defaults
from moderation.word_list import WordRule
from rooms.hooks import Hooks
from rooms.hookspecs import Actor, Flag, MessageDraft, RoomFacts

DATA = Path(__file__).parent / "data" / "risk-lexicon" / "distress_phrases.json"
CARELESS_LIST = [
    WordRule("kill", "refuse", "No violence."),
    WordRule("die", "hold", ""),
    WordRule("cut", "hold", ""),
    WordRule("suicide", "refuse", ""),
    WordRule("idiot", "hold", ""),
    WordRule("hopeless", "refuse", ""),
]


def phrases() -> list[str]:
    constructs = json.loads(DATA.read_text(encoding="utf-8"))["constructs"]
    found: list[str] = []
    for construct in constructs.values():
        found.extend(construct["tokens"])
        examples = construct["examples"]
        found.extend(examples.split(";") if isinstance(examples, str) else examples or [])
    sentences = [f"I feel like an idiot and {p.strip()}" for p in found[:50]]
    return sorted({p.strip() for p in found if p.strip()}) + sentences


@pytest.fixture(scope="module")
def hooks() -> Hooks:
    async def careless(room: RoomFacts) -> list[WordRule]:
        return CARELESS_LIST

    registry = Hooks()
    register_defaults(
        registry, max_chars=4000, burst=10**6, per_minute=10**6, rate_storage=MemoryStorage(), word_lists=careless
    )
    return registry


def test_the_lexicon_sample_is_real_and_large() -> None:
    assert len(phrases()) > 400
    assert "I want to die" in phrases() and "hopeless" in phrases()


@pytest.mark.parametrize("link_policy", ["allow", "hold", "block"])
async def test_every_distress_phrase_passes_every_default_policy(hooks: Hooks, link_policy: str) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    room = RoomFacts(hub_id=1, hub_name="Riverside Peer Support Hub", country="GB", link_policy=link_policy)
    stopped = []
    for n, phrase in enumerate(phrases()):
        draft = MessageDraft(1, 1, Actor(n + 1, "River"), "member", phrase, now, room)
        try:
            outcome = await hooks.message_check.run(draft)
        except Exception as exc:  # a refusal
            stopped.append((phrase, getattr(exc, "code", type(exc).__name__)))
            continue
        if outcome.holds:
            stopped.append((phrase, "held"))
        assert all(isinstance(flag, Flag) for flag in outcome.flags)
    assert stopped == []


async def test_distress_on_the_careless_list_is_flagged_for_facilitators(hooks: Hooks) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    room = RoomFacts(hub_id=1, hub_name="Hub", country="GB", link_policy="allow")
    draft = MessageDraft(1, 1, Actor(1, "River"), "member", "I want to kill myself", now, room)
    outcome = await hooks.message_check.run(draft)
    assert outcome.holds == () and len(outcome.flags) == 1 and "distress" in outcome.flags[0].reason
