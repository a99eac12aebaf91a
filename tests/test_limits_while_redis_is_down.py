"""The per-person limits kept in Redis while Redis cannot be reached (a real connection to a closed loopback
port): typing notices are then counted in each process's own memory, as the connection cap is, instead of not
at all; messages pass rather than silence the room; and the failure is logged once a minute, not once per
event (an outage with a thousand people typing would have logged hundreds of lines a second)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from moderation.rate_limits import MessageRateLimit
from rooms.hookspecs import Actor, MessageDraft
from rooms.typing_notices import TypingLimit
from server.local_rate_storage import LocalRateStorage
from server.policy_wiring import rate_storage
from tests.services import free_port

RIVER = Actor(3, "River")


def unreachable_redis() -> str:
    return f"redis://127.0.0.1:{free_port()}"  # nothing listens there


async def test_typing_is_counted_in_this_process_while_redis_is_down(caplog: pytest.LogCaptureFixture) -> None:
    limit = TypingLimit(rate_storage(unreachable_redis()), fallback=LocalRateStorage())
    with caplog.at_level(logging.WARNING, logger="alongside.rooms"):
        allowed = [await limit.take(RIVER.user_id, per_10s=2) for _ in range(5)]
    assert allowed == [True, True, False, False, False], "the limit still holds, per process"
    warnings = [r for r in caplog.records if "typing limit storage failed" in r.getMessage()]
    assert len(warnings) == 1, "one warning for the outage, not one per notice"


async def test_messages_pass_while_redis_is_down_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    limit = MessageRateLimit(rate_storage(unreachable_redis()), burst=1, per_minute=1)
    draft = MessageDraft(1, 1, RIVER, "member", "hello", dt.datetime.now(dt.UTC))
    with caplog.at_level(logging.WARNING, logger="alongside.moderation"):
        for _ in range(3):
            await limit(draft)  # no RateLimited: a Redis fault must not silence the room
    warnings = [r for r in caplog.records if "message rate limit storage failed" in r.getMessage()]
    assert len(warnings) == 1
    assert "hello" not in caplog.text, "no message content in the log"
