"""Alongside's own message policies, registered through the hooks exactly as a plugin registers.

Order (rooms/hookspecs.Priority): length, then rate limits (so an over-long message does not count), then
the content policies: links, personal details, the hub's word list. Risk detectors (risk_detect) only
observe: moderation/risk/defaults.py names them.
"""

from __future__ import annotations

from limits.aio.storage import Storage

from moderation.links import link_policy
from moderation.personal_details import personal_details
from moderation.policy import LengthLimit
from moderation.rate_limits import MessageRateLimit
from moderation.risk.defaults import default_detectors
from moderation.word_list import WordListLoader, WordListPolicy
from rooms.hooks import Hooks
from rooms.hookspecs import Priority


def register_defaults(
    hooks: Hooks,
    *,
    max_chars: int,
    burst: int,
    per_minute: int,
    rate_storage: Storage,
    word_lists: WordListLoader,
) -> None:
    checks = hooks.message_check
    checks.register(LengthLimit(max_chars), priority=Priority.SHAPE, name="length")
    checks.register(
        MessageRateLimit(rate_storage, burst=burst, per_minute=per_minute), priority=Priority.LIMITS, name="rate_limits"
    )
    checks.register(link_policy, priority=Priority.CONTENT, name="links")
    checks.register(personal_details, priority=Priority.CONTENT + 10, name="personal_details")
    checks.register(WordListPolicy(word_lists), priority=Priority.CONTENT + 20, name="word_list")
    for name, detector in default_detectors():  # risk_detect: observe only (docs/safeguarding.md)
        hooks.risk_detectors.register(detector, priority=Priority.CONTENT, name=name)
