"""The cheapest message check: length. (Rate limits: moderation/rate_limits.py.)"""

from __future__ import annotations

from rooms.errors import DomainError
from rooms.hooks import MessageDraft


class LengthLimit:
    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars

    async def __call__(self, draft: MessageDraft) -> None:
        if len(draft.body) > self.max_chars:
            raise DomainError(
                f"Messages can be at most {self.max_chars} characters; this one has {len(draft.body)}.",
                code="message_too_long",
            )
