"""Pseudonyms nobody may take at sign-up: names of authority ("Admin", "Facilitator Sam", "Moderator",
"Staff", "Alongside") and each hub's name, in any spelling that reads the same (rooms.validate's look-alike
folding: "Adm1n", or "Moderator" with a Cyrillic o). Peers must be able to trust who speaks with authority.

A name is split into words (at spaces, dots, dashes, underscores, and where a capital follows a small letter:
"AdminSam" is "Admin Sam"); it is reserved when one of its words is a reserved word, or when a hub's name
appears in it as whole words. "Staffan" and "Modesty" stay free.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.errors import InvalidInput
from rooms.models import Hub
from rooms.validate import pseudonym_key

RESERVED_WORDS = [
    "admin",
    "administrator",
    "admins",
    "mod",
    "mods",
    "moderator",
    "moderators",
    "facilitator",
    "facilitators",
    "staff",
    "alongside",
    "official",
    "support",
    "safeguarding",
    "system",
    "root",
    "sysop",
]
_CAMEL = re.compile(r"(?<=[a-z\u00e0-\u024f])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\s._\-]+")


def _words(name: str) -> list[str]:
    keys = (pseudonym_key(word) for word in _SEPARATORS.split(_CAMEL.sub(" ", name)))
    return [key for key in keys if key]


_RESERVED = frozenset(pseudonym_key(word) for word in RESERVED_WORDS)


def reserved_reason(name: str, hub_names: Iterable[str] = ()) -> str | None:
    """Why `name` may not be taken, or None."""
    words = _words(name)
    if any(word in _RESERVED for word in words):
        return "names that sound like Alongside's staff or roles"
    joined = " ".join(words)
    for hub_name in hub_names:
        hub_words = " ".join(_words(hub_name))
        if hub_words and re.search(rf"(?:^| ){re.escape(hub_words)}(?: |$)", joined):
            return "a hub's name"
    return None


def refuse_reserved(name: str, hub_names: Iterable[str] = ()) -> None:
    why = reserved_reason(name, hub_names)
    if why is not None:
        raise InvalidInput(
            f"That pseudonym is reserved ({why}), so nobody can be mistaken for someone they are not. "
            "Please choose another.",
            code="pseudonym_reserved",
        )


async def hub_names(db: AsyncSession) -> list[str]:
    return list((await db.execute(select(Hub.name))).scalars())
