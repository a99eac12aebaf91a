"""The interface languages Alongside ships (the frontend's catalogues) and a person's remembered choice.

Kept on the account so a member who picked Welsh or Arabic gets it again on any device they sign in on.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.errors import InvalidInput
from rooms.models import User

# BCP 47 tags, as the frontend's catalogues name themselves (frontend/src/i18n/<lang>.ts).
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "cy", "ar")


def check_language(language: str | None) -> str | None:
    """`None` forgets the choice (the browser's language applies again)."""
    if language is None or language in SUPPORTED_LANGUAGES:
        return language
    raise InvalidInput(
        f"language is one of {', '.join(SUPPORTED_LANGUAGES)}, or null to follow the browser.",
        code="unsupported_language",
    )


async def remember_language(db: AsyncSession, user_id: int, language: str | None) -> str | None:
    chosen = check_language(language)
    await db.execute(update(User).where(User.id == user_id).values(language=chosen))
    return chosen
