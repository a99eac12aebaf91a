"""A hub's word list: word-aware, normalised matching in every script; graded actions; its REST routes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import insert

from moderation import text_match
from moderation.word_list import WordRule, judge
from rooms.errors import DomainError
from rooms.hookspecs import Flag, Hold
from rooms.models import WordListEntry
from tests.conftest import RunningServer, platform_admin
from tests.helpers_chat import call, send
from tests.helpers_policy import add_word, code, listening

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def fires(phrase: str, text: str) -> bool:
    return text_match.contains(text_match.fold(text), phrase)


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("cunt", "We drove through Scunthorpe"),  # the Scunthorpe problem
        ("ass", "My assistant booked it"),
        ("ass", "I missed class today"),
        ("dick", "Reading Dickens again"),
        ("cock", "Claud Cockburn wrote that"),
        ("idiot", "idiots"),  # a listed word is a whole word, not a stem
        ("ano", "Feliz año nuevo"),  # accents kept: Spanish "year" is not "ano"
        ("ok", "окно"),  # a Latin entry inside a Cyrillic word (folded "okho")
        ("دار", "الدارين"),  # Arabic: inside a longer word
        ("笨蛋", "笨"),  # a CJK phrase needs all of its characters
    ],
)
def test_an_entry_never_fires_inside_another_word_or_language(phrase: str, text: str) -> None:
    assert not fires(phrase, text)


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("ass", "don't be an ass!"),
        ("idiot", "You IDIOT"),
        ("idiot", "you \u0456d\u0456\u043et"),  # Cyrillic i, i and o that pass for Latin letters
        ("\u0456d\u0456\u043et", "what an idiot"),  # an entry typed in look-alikes matches the Latin word too
        ("kill yourself", "just kill\n  yourself"),  # white space folded
        ("idiot", "you 1d1ot"),  # digits for letters
        ("idiot", "you i\u200bdiot"),  # a zero-width space inside
        ("idiot", "\uff49\uff44\uff49\uff4f\uff54"),  # full-width letters (NFKC)
        (
            "\u03b2\u03bb\u03ac\u03ba\u03b1\u03c2",
            "\u0395\u03af\u03c3\u03b1\u03b9 \u0392\u039b\u0386\u039a\u0391\u03a3!",
        ),  # Greek, capitals
        ("غبي", "أنت غبي جدا"),  # Arabic, a word on its own
        ("غبي", "أنت غَبِيّ"),  # Arabic with harakat (vowel marks)
        ("笨蛋", "你是笨蛋吗"),  # Chinese: matched as a sequence inside the sentence
        ("バカ", "バカじゃないの"),  # Japanese katakana
        ("ควาย", "แกมันควายจริงๆ"),  # Thai, written without spaces
        ("ok", "ok你好"),  # a Latin word next to Chinese ends there
    ],
)
def test_an_entry_fires_on_the_whole_word_in_any_spelling(phrase: str, text: str) -> None:
    assert fires(phrase, text), (phrase, text)


def test_greek_accent_folding_is_not_done() -> None:
    """βλάκας (with tonos) and βλακας are different spellings to the matcher: accents are kept everywhere
    (so año is not ano). The test above lists the accented form in both."""
    assert not fires("\u03b2\u03bb\u03b1\u03ba\u03b1\u03c2", "\u03b2\u03bb\u03ac\u03ba\u03b1\u03c2")


def test_graded_actions_and_distress_rules() -> None:
    rules = [
        WordRule("idiot", "hold", ""),
        WordRule("loser", "flag", ""),
        WordRule("scum", "refuse", "We don't call people scum here."),
    ]
    assert judge("nice to see you", rules) is None
    assert judge("what a loser", rules) == Flag('The hub\'s word list: "loser"', "word_list")
    assert judge("you idiot", rules) == Hold("waiting for a facilitator to review", "word_list")
    with pytest.raises(DomainError) as refused:
        judge("you idiot, you scum", rules)
    assert (refused.value.code, refused.value.message) == ("word_list_refused", "We don't call people scum here.")
    # A message that reads as distress is only flagged, whatever it matches.
    verdict = judge("I feel like such an idiot, I want to die", rules)
    assert isinstance(verdict, Flag) and "distress" in verdict.reason
    # An entry that is itself a word of distress only flags, even if saved (before this rule) as hold/refuse.
    careless = [WordRule("kill", "refuse", ""), WordRule("cut", "hold", "")]
    assert isinstance(judge("I cut the onions", careless), Flag)


# REST


async def test_hub_admin_manages_the_word_list(api_factory: Any) -> None:
    admin, river = await api_factory("hub-admin"), await api_factory("River")
    status, data = await add_word(admin, "Idiot", "hold", "Name-calling")
    assert status == 201 and data["entry"]["phrase"] == "Idiot" and data["entry"]["action"] == "hold"
    entry_id = data["entry"]["id"]
    assert (await add_word(admin, "scum", "refuse", "We don't call people scum here."))[0] == 201
    status, data = await admin.call("GET", "/api/hubs/1/word-list")
    assert status == 200 and [e["phrase"] for e in data["entries"]] == ["Idiot", "scum"]

    status, data = await add_word(admin, "\u0456diot", "flag")  # the same word in look-alikes
    assert (status, code(data)) == (409, "word_list_duplicate")
    for word in ("kill", "die", "cut", "want to die"):
        status, data = await add_word(admin, word, "hold")
        assert (status, code(data)) == (400, "word_list_flag_only"), word
    assert (await add_word(admin, "kill", "flag"))[0] == 201, "words of distress may flag"
    status, data = await add_word(admin, "!!!", "flag")
    assert (status, code(data)) == (400, "invalid_payload")
    status, data = await add_word(admin, "idiot", "delete")
    assert status == 400

    assert (await river.call("GET", "/api/hubs/1/word-list"))[0] == 403
    assert (await add_word(river, "rude", "flag"))[0] == 403
    assert (await river.call("DELETE", f"/api/hubs/1/word-list/{entry_id}"))[0] == 403

    assert (await admin.call("DELETE", f"/api/hubs/1/word-list/{entry_id}"))[0] == 204
    status, data = await admin.call("DELETE", f"/api/hubs/1/word-list/{entry_id}")
    assert (status, code(data)) == (404, "not_found")


async def test_another_hubs_admin_can_neither_read_nor_change_the_list(server: RunningServer, api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    entry_id = (await add_word(admin, "idiot", "hold"))[1]["entry"]["id"]
    root = await platform_admin(server, api_factory)
    status, data = await root.call("POST", "/api/hubs", {"name": "Hillside Hub", "slug": "hillside"})
    other_hub = data["hub"]["id"]
    assert (await add_word(root, "bother", "flag", hub_id=other_hub))[0] == 201
    # Riverside's admin is not Hillside's admin.
    assert (await admin.call("GET", f"/api/hubs/{other_hub}/word-list"))[0] == 403
    assert (await add_word(admin, "rude", "flag", hub_id=other_hub))[0] == 403
    assert (await admin.call("DELETE", f"/api/hubs/{other_hub}/word-list/{entry_id}"))[0] == 403
    # An entry is removed only through its own hub.
    status, data = await root.call("DELETE", f"/api/hubs/{other_hub}/word-list/{entry_id}")
    assert (status, code(data)) == (404, "not_found")
    assert [e["phrase"] for e in (await admin.call("GET", "/api/hubs/1/word-list"))[1]["entries"]] == ["idiot"]


async def test_the_word_list_holds_refuses_and_flags_live_messages(
    live_room: dict[str, Any], api_factory: Any, server: RunningServer
) -> None:
    admin = await api_factory("hub-admin")
    await add_word(admin, "idiot", "hold")
    await add_word(admin, "scum", "refuse", "We don't call people scum here.")
    await add_word(admin, "loser", "flag")
    # A careless list from before the rule: words of distress saved to hold and refuse.
    async with server.state.sessions() as db, db.begin():
        for phrase, action in (("die", "refuse"), ("kill", "hold")):
            await db.execute(insert(WordListEntry).values(hub_id=1, phrase=phrase, action=action, created_at=NOW))
    sam_io, river_io = await live_room["sam"].socket(), await live_room["river"].socket()
    staff = listening(sam_io)
    for client in (sam_io, river_io):
        await call(client, "room:join", {"group_id": 1})

    refused = await send(river_io, "you are scum")
    assert (refused["error"]["code"], refused["error"]["message"]) == (
        "word_list_refused",
        "We don't call people scum here.",
    )
    held = await send(river_io, "what an \u0456diot")
    assert held["message"]["held"] is True and held["message"]["held_reason"] == "waiting for a facilitator to review"
    assert (await staff.wait_for("message:held"))["message"]["id"] == held["message"]["id"]
    flagged = await send(river_io, "such a loser")
    assert flagged["ok"] and "held" not in flagged["message"]
    assert (await staff.wait_for("message:flagged"))["message_id"] == flagged["message"]["id"]
    fine = await send(river_io, "My assistant in Scunthorpe reads Dickens in class")
    assert fine["ok"] and "held" not in fine["message"]
    distress = await send(river_io, "I want to die, I could kill myself")
    assert distress["ok"] and "held" not in distress["message"], "distress is never refused or held"
    flag = await staff.wait_for("message:flagged", lambda d: d["message_id"] == distress["message"]["id"])
    assert "distress" in flag["reasons"][0]
