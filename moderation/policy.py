"""Text policy for chat messages: length and flood limits, registered as rooms message checks."""

from __future__ import annotations

import datetime as dt
from collections import deque

from rooms.errors import DomainError, RateLimited
from rooms.hooks import MessageChecks, MessageDraft

FLOOD_WINDOW = dt.timedelta(seconds=10)


class LengthLimit:
    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars

    async def __call__(self, draft: MessageDraft) -> None:
        if len(draft.body) > self.max_chars:
            raise DomainError(
                f"Messages can be at most {self.max_chars} characters; this one has {len(draft.body)}.",
                code="message_too_long",
            )


class FloodLimit:
    """At most `per_window` messages per person in any 10 seconds.

    Kept in this process's memory: it guards this process from a flooding connection, and a person
    reaching two processes at once still cannot flood either. Nothing else needs the counts.
    """

    def __init__(self, per_window: int, max_people: int = 50_000) -> None:
        self.per_window = per_window
        self.max_people = max_people
        self._sent: dict[int, deque[dt.datetime]] = {}

    async def __call__(self, draft: MessageDraft) -> None:
        times = self._sent.get(draft.author.user_id)
        if times is None:
            if len(self._sent) >= self.max_people:
                self._forget_idle(draft.now)
            times = self._sent[draft.author.user_id] = deque()
        while times and draft.now - times[0] >= FLOOD_WINDOW:
            times.popleft()
        if len(times) >= self.per_window:
            raise RateLimited("You are sending messages very quickly; please wait a few seconds.")
        times.append(draft.now)

    def _forget_idle(self, now: dt.datetime) -> None:
        for user_id in [u for u, t in self._sent.items() if not t or now - t[-1] >= FLOOD_WINDOW]:
            del self._sent[user_id]


def register_text_policy(checks: MessageChecks, *, max_chars: int, messages_per_10s: int) -> None:
    """Length first (cheap, and a refused message must not count against the flood limit), then flood."""
    checks.register(LengthLimit(max_chars))
    checks.register(FloodLimit(messages_per_10s))
