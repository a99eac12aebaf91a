"""Typing notices: a use case like every other event, so they reach clients only through the use cases'
publisher (ctx.publisher), never straight from the transport.

A notice changes nothing and is stored nowhere, so there is no commit to wait for. It goes to everyone else in
the room (never back to the connection that typed). Its rate limit is per person, across all their
connections on every process (a moving window in the rate limit storage the message limits use: Redis when
there are several processes), and a refusal relays nothing. If that storage fails (Redis down), each process
counts in its own memory until it is back: the limit holds per process, as the connection cap does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter

from rooms import validate
from rooms.context import RoomsContext
from rooms.errors import DomainError, RateLimited
from rooms.events import RoomEvent
from rooms.hooks import Actor
from rooms.quiet_warning import QuietWarning

log = logging.getLogger("alongside.rooms")


@dataclass(frozen=True)
class TypingNotice:
    group_id: int
    typing: bool


def parse_typing(payload: Any) -> TypingNotice:
    if not isinstance(payload, dict):
        raise DomainError("The payload must be an object; see docs/protocol.md.")
    group_id = validate.row_id(payload.get("group_id"), "group_id")
    typing = payload.get("typing")
    if not isinstance(typing, bool):
        raise DomainError("typing must be true or false.")
    return TypingNotice(group_id, typing)


class TypingLimit:
    """At most `per_10s` notices per person per 10 seconds, however many connections they hold, on whichever
    processes."""

    def __init__(self, storage: Storage, fallback: Storage) -> None:
        """`storage`: shared by every process; `fallback`: this process's memory, used while `storage` fails."""
        self._limiter = MovingWindowRateLimiter(storage)
        self._fallback = MovingWindowRateLimiter(fallback)
        self._warn = QuietWarning(log)

    async def take(self, user_id: int, per_10s: int) -> bool:
        item = RateLimitItemPerSecond(per_10s, 10)
        try:
            return bool(await self._limiter.hit(item, "typing", str(user_id)))
        except Exception as exc:
            self._warn("typing limit storage failed (%s); counting in this process meanwhile", type(exc).__name__)
            return bool(await self._fallback.hit(item, "typing", str(user_id)))


async def do_typing(
    ctx: RoomsContext, actor: Actor, notice: TypingNotice, *, sid: str, limit: TypingLimit, per_10s: int
) -> None:
    """Tell the rest of the room that this person is (or stopped) typing. The caller has checked that this
    connection is in the room."""
    if not await limit.take(actor.user_id, per_10s):
        raise RateLimited("Typing notices are coming too fast; they pause for a few seconds.")
    payload = {
        "group_id": notice.group_id,
        "user_id": actor.user_id,
        "display_name": actor.pseudonym,
        "typing": notice.typing,
    }
    await ctx.publisher.publish(RoomEvent(notice.group_id, "typing", payload, skip_sid=sid))
