"""A member's own view of the room: blocking a member, muting words, and content notes on their own messages.

Blocking and muting change only what the blocker sees, and are never told to anyone: the server keeps the
lists and marks history from blocked members (`blocked_author`), the client hides live messages itself. A
content note is the author's warning shown before the message; others open it if they choose.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, bindparam, cast, delete, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import validate
from rooms.context import RoomsContext
from rooms.errors import InvalidInput, NotFound
from rooms.hooks import Actor
from rooms.in_lists import padded
from rooms.models import Block, Group, HubStaff, Membership, MutedWord, User
from rooms.read_batch import Together
from rooms.views import iso

CONTENT_NOTE_MAX = 120
MUTED_WORDS_MAX = 50
MUTED_WORD_MAX = 100


def parse_content_note(value: Any) -> str | None:
    """An optional one-line note of 1 to 120 characters, kept as written (plain text, never HTML). Left out,
    null or blank: no note."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput("content_note must be text.", code="invalid_content_note")
    if validate.has_control_characters(value):
        raise InvalidInput(
            "The content note holds a control character or a line break; it is one line of text.",
            code="control_characters",
        )
    if not value.strip():
        return None
    if len(value) > CONTENT_NOTE_MAX:
        raise InvalidInput(f"A content note is at most {CONTENT_NOTE_MAX} characters.", code="invalid_content_note")
    return value


@dataclass(frozen=True)
class ViewerLists:
    """What one person chose not to see: whose messages, and which words."""

    blocked_user_ids: list[int]
    muted_words: list[str]


async def viewer_lists(db: AsyncSession, user_id: int) -> ViewerLists:
    """One person's two lists (viewer_lists_of for one)."""
    return (await viewer_lists_of(db, [user_id]))[0]


@functools.cache
def _viewer_lists_query() -> Any:  # a Select, built once: every join runs it
    owners: Any = bindparam("owners", expanding=True)
    blocked = select(
        Block.user_id.label("owner"),
        Block.blocked_user_id.label("blocked"),
        cast(null(), MutedWord.word.type).label("word"),
    ).where(Block.user_id.in_(owners))
    words = select(MutedWord.user_id, cast(null(), Integer), MutedWord.word).where(MutedWord.user_id.in_(owners))
    lists = union_all(blocked, words).subquery()
    return select(lists.c.owner, lists.c.blocked, lists.c.word).order_by(lists.c.word, lists.c.blocked)


async def viewer_lists_of(db: AsyncSession, user_ids: list[int]) -> list[ViewerLists]:
    """Each person's lists, in order, in one statement however many people (every room:join asks; a connect
    wave's joins ask together): a row is a person's blocked person's id or a muted word."""
    asked = set(user_ids)
    rows = await db.execute(_viewer_lists_query(), {"owners": padded(asked)})
    blocked_ids: dict[int, list[int]] = {user_id: [] for user_id in asked}
    muted: dict[int, list[str]] = {user_id: [] for user_id in asked}
    for owner, blocked_id, word in rows.all():
        if word is None:
            blocked_ids[owner].append(blocked_id)
        else:
            muted[owner].append(word)
    return [ViewerLists(sorted(blocked_ids[user_id]), list(muted[user_id])) for user_id in user_ids]


# The viewers' lists read together when their reads share a transaction (rooms/read_batch.py): a connect wave's.
VIEWER_LISTS_TOGETHER: Together[int, ViewerLists] = Together(viewer_lists_of)


async def mark_blocked(db: AsyncSession, user_id: int, messages: list[dict[str, Any]]) -> None:
    """Mark messages by people this viewer blocked (`blocked_author`). The body stays: the viewer may still
    choose "show anyway"."""
    if messages:
        mark(messages, (await viewer_lists(db, user_id)).blocked_user_ids)


def mark(messages: list[dict[str, Any]], blocked_user_ids: list[int]) -> None:
    blocked = set(blocked_user_ids)
    for message in messages:
        message["blocked_author"] = message["author"]["id"] in blocked


async def _shares_a_group(db: AsyncSession, actor_id: int, user_id: int) -> bool:
    """Whether the two meet anywhere: both members of a group, or the other is staff of a hub of the actor's
    groups. Nobody else can be blocked, so blocking cannot be used to look up pseudonyms by id."""
    mine = select(Membership.group_id).where(Membership.user_id == actor_id)
    together = await db.execute(
        select(Membership.group_id).where(Membership.user_id == user_id, Membership.group_id.in_(mine)).limit(1)
    )
    if together.first() is not None:
        return True
    my_hubs = select(Group.hub_id).where(Group.id.in_(mine))
    staff = await db.execute(select(HubStaff.user_id).where(HubStaff.user_id == user_id, HubStaff.hub_id.in_(my_hubs)))
    return staff.first() is not None


def block_view(user_id: int, pseudonym: str, at: Any) -> dict[str, Any]:
    return {"user_id": user_id, "pseudonym": pseudonym, "blocked_at": iso(at)}


async def list_blocks(db: AsyncSession, actor: Actor) -> list[dict[str, Any]]:
    async with db.begin():
        rows = await db.execute(
            select(Block.blocked_user_id, User.pseudonym, Block.created_at)
            .join(User, User.id == Block.blocked_user_id)
            .where(Block.user_id == actor.user_id)
            .order_by(User.pseudonym)
        )
        return [block_view(uid, name, at) for uid, name, at in rows.all()]


async def do_block(db: AsyncSession, ctx: RoomsContext, actor: Actor, user_id: int) -> tuple[dict[str, Any], bool]:
    """Block someone you meet in a group (again: no change). Returns the block and whether it is new."""
    if user_id == actor.user_id:
        raise InvalidInput("You cannot block yourself.", code="cannot_block_self")
    async with db.begin():
        user = await db.get(User, user_id)
        if user is None or not await _shares_a_group(db, actor.user_id, user_id):
            raise NotFound("There is no such member.")
        existing = await db.get(Block, (actor.user_id, user_id))
        if existing is not None:
            return block_view(user_id, user.pseudonym, existing.created_at), False
        now = ctx.clock()
        db.add(Block(user_id=actor.user_id, blocked_user_id=user_id, created_at=now))
        await db.flush()
        return block_view(user_id, user.pseudonym, now), True


async def do_unblock(db: AsyncSession, actor: Actor, user_id: int) -> None:
    """Unblock (also when not blocked: the outcome asked for holds)."""
    async with db.begin():
        await db.execute(delete(Block).where(Block.user_id == actor.user_id, Block.blocked_user_id == user_id))


def muted_word_key(word: str) -> str:
    """How a muted word is stored and compared: NFKC, then casefolded ("Straße" mutes "STRASSE")."""
    return unicodedata.normalize("NFKC", word).casefold().strip()


def parse_muted_words(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise InvalidInput("words must be a list of words or phrases.")
    if len(value) > MUTED_WORDS_MAX:
        raise InvalidInput(f"Mute at most {MUTED_WORDS_MAX} words.", code="too_many_words")
    words: list[str] = []
    for raw in value:
        if not isinstance(raw, str):
            raise InvalidInput("Each muted word must be text.")
        if validate.has_control_characters(raw):
            raise InvalidInput("A muted word holds a control character or a line break.", code="control_characters")
        word = muted_word_key(raw)
        if not 1 <= len(word) <= MUTED_WORD_MAX:
            raise InvalidInput(f"Each muted word is 1 to {MUTED_WORD_MAX} characters.", code="invalid_word")
        if word not in words:
            words.append(word)
    return sorted(words)


async def get_muted_words(db: AsyncSession, actor: Actor) -> list[str]:
    async with db.begin():
        return (await viewer_lists(db, actor.user_id)).muted_words


async def do_set_muted_words(db: AsyncSession, actor: Actor, value: Any) -> list[str]:
    """Replace the whole list (a PUT)."""
    words = parse_muted_words(value)
    async with db.begin():
        await db.execute(delete(MutedWord).where(MutedWord.user_id == actor.user_id))
        db.add_all(MutedWord(user_id=actor.user_id, word=word) for word in words)
    return words
