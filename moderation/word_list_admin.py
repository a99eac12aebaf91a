"""A hub admin's word list: read it, add an entry, remove one (REST: server/http_policy.py).

Reads for the message check (rules_for_hub) are here too, so the list's storage has one owner.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from moderation import text_match
from moderation.distress import is_distress_vocabulary
from moderation.word_list import ACTIONS, WordRule
from rooms import validate
from rooms.access import require_hub_admin
from rooms.context import RoomsContext
from rooms.errors import Conflict, InvalidInput, NotFound
from rooms.hooks import Actor
from rooms.models import WordListEntry
from rooms.views import iso

MAX_ENTRIES = 1000
PHRASE_MAX = 100
REASON_MAX = 200


def entry_view(entry: WordListEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "phrase": entry.phrase,
        "action": entry.action,
        "reason": entry.reason,
        "created_at": iso(entry.created_at),
    }


async def rules_for_hub(db: AsyncSession, hub_id: int) -> list[WordRule]:
    rows = await db.execute(
        select(WordListEntry.phrase, WordListEntry.action, WordListEntry.reason).where(WordListEntry.hub_id == hub_id)
    )
    return [WordRule(phrase, action, reason or "") for phrase, action, reason in rows.all()]


async def list_entries(db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int) -> list[dict[str, Any]]:
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
        rows = await db.execute(
            select(WordListEntry).where(WordListEntry.hub_id == hub_id).order_by(WordListEntry.phrase)
        )
        return [entry_view(entry) for entry in rows.scalars()]


def _parse(body: dict[str, Any]) -> tuple[str, str, str]:
    phrase = validate.text(body.get("phrase"), "phrase", max_len=PHRASE_MAX)
    if not text_match.fold(phrase) or not any(char.isalnum() for char in phrase):
        raise InvalidInput("phrase must hold at least one letter or digit.")
    action = body.get("action")
    if action not in ACTIONS:
        raise InvalidInput("action must be hold, refuse or flag.")
    reason = validate.text(body.get("reason", ""), "reason", min_len=0, max_len=REASON_MAX)
    if action != "flag" and is_distress_vocabulary(phrase):
        raise InvalidInput(
            "Words people use to say they are struggling (such as die, kill or cut) can only flag a message for "
            "facilitators, never hold or refuse it: someone in distress must always be heard. Save it as flag.",
            code="word_list_flag_only",
        )
    return phrase, action, reason


async def add_entry(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)  # who is asking, before any work on the text
        phrase, action, reason = _parse(body)
        existing = await db.execute(select(WordListEntry.phrase).where(WordListEntry.hub_id == hub_id))
        phrases = list(existing.scalars())
        if len(phrases) >= MAX_ENTRIES:
            raise Conflict(f"A hub's word list holds at most {MAX_ENTRIES} entries.", code="word_list_full")
        folded = text_match.fold(phrase)
        if any(text_match.fold(p) == folded for p in phrases):
            raise Conflict("That word or phrase is already on the list.", code="word_list_duplicate")
        entry = WordListEntry(
            hub_id=hub_id, phrase=phrase, action=action, reason=reason, created_by=actor.user_id, created_at=ctx.clock()
        )
        db.add(entry)
        await db.flush()
        return entry_view(entry)


async def delete_entry(db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, entry_id: int) -> None:
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
        done = await db.execute(
            delete(WordListEntry).where(WordListEntry.hub_id == hub_id, WordListEntry.id == entry_id)
        )
        if not getattr(done, "rowcount", 0):
            raise NotFound("There is no such entry in this hub's word list.", code="not_found")
