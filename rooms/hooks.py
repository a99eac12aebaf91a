"""Typed hook points that other packages (moderation, third-party modules) register into.

rooms never imports moderation: moderation hands its callables in through these registries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """Who is asking, as established by authentication."""

    user_id: int
    pseudonym: str
    is_platform_admin: bool = False


@dataclass(frozen=True)
class MessageDraft:
    group_id: int
    session_id: int
    author: Actor
    author_role: str
    body: str
    now: dt.datetime


MessageCheck = Callable[[MessageDraft], Awaitable[None]]
"""Raises a rooms.errors.DomainError to refuse the message; returns None to let it through."""

TextCleaner = Callable[[str], Awaitable[str]]
"""Turns text from staff (descriptions, agreements, hub details) into safe plain text. Asynchronous, so the
wiring can run it off the event loop with bounded concurrency."""


async def keep_text(text: str) -> str:
    return text


@dataclass
class MessageChecks:
    """Run in priority order; the first refusal stops the message."""

    checks: list[MessageCheck] = field(default_factory=list)

    def register(self, check: MessageCheck) -> None:
        self.checks.append(check)

    async def run(self, draft: MessageDraft) -> None:
        for check in self.checks:
            await check(draft)
