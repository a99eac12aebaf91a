"""Is a new password hard enough to guess? zxcvbn's estimate (ASVS 5.0 V6.2), shared by sign-up, password
change and the live check the sign-up form calls while the person types.

zxcvbn looks at the first 72 characters (its own limit, which bounds the work per request); the pseudonym
and email are passed as words an attacker would try first.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

import zxcvbn

MIN_SCORE = 3  # zxcvbn: 3 is "safely unguessable: moderate protection from offline slow-hash attacks"
EVALUATED_CHARS = 72
APP_WORDS = ("alongside", "peer", "support", "password")


@dataclass(frozen=True)
class Strength:
    score: int  # 0 (too guessable) to 4 (very unguessable)
    acceptable: bool
    warning: str
    suggestions: tuple[str, ...]

    def message(self) -> str:
        """What to tell the person when the password is refused."""
        parts = ["Please choose a password that is harder to guess."]
        if self.warning:
            parts.append(self.warning)
        parts.extend(self.suggestions)
        return " ".join(part if part.endswith(".") else part + "." for part in parts)


def _folded(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _personal_words(pseudonym: str, email: str | None) -> list[str]:
    words = [pseudonym, *re.split(r"[\W_]+", pseudonym), *APP_WORDS]
    if email:
        words += [email, email.split("@")[0], *re.split(r"[\W_]+", email)]
    return [word for word in words if len(word) >= 2]


def assess(password: str, pseudonym: str = "", email: str | None = None) -> Strength:
    """Score a password for this person. Blank or whitespace-only, or little more than the pseudonym or the
    email, is refused whatever the estimate."""
    if not password.strip():
        return Strength(0, False, "A password of only spaces is easy to guess.", ("Use a few uncommon words.",))
    folded = _folded(password)
    for own in (pseudonym, email or "", (email or "").split("@")[0]):
        own_folded = _folded(own)
        if len(own_folded) >= 3 and len(folded.replace(own_folded, "")) < 10:
            return Strength(
                0,
                False,
                "It is too close to your pseudonym or email.",
                ("Use words that have nothing to do with them.",),
            )
    result = zxcvbn.zxcvbn(password[:EVALUATED_CHARS], user_inputs=_personal_words(pseudonym, email))
    score = int(result["score"])
    feedback = result.get("feedback") or {}
    suggestions = tuple(str(s) for s in feedback.get("suggestions") or ())
    if score < MIN_SCORE and not suggestions:
        suggestions = ("Add another word or two. Uncommon words are better.",)
    return Strength(score, score >= MIN_SCORE, str(feedback.get("warning") or ""), suggestions)


async def assess_off_loop(password: str, pseudonym: str = "", email: str | None = None) -> Strength:
    """The same, in a worker thread: the estimate takes tens of milliseconds for a long password."""
    return await asyncio.to_thread(assess, password, pseudonym, email)
