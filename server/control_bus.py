"""Messages between Alongside's own server processes: "re-check room G", "web session S ended".

Why not python-socketio's manager: it relays emits to clients and room changes of one known connection,
but cannot ask every process to look at its own actual subscriptions. Evictions must work from those
(a connection whose records were lost must still be found), so each process receives these messages and
acts on the connections it holds. With Redis they travel on a pub/sub channel (the sender receives its own
message too); without Redis there is one process and they are delivered directly. If Redis is down a
message is lost, and the 30-second sweeps, which need no Redis, do the same work.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger("alongside.control")
CHANNEL = "alongside:control"
Handler = Callable[[dict[str, Any]], Awaitable[None]]


class ControlBus:
    """`timeout_seconds` bounds a publish: a stalled Redis must not hold the request that changed something
    (the change is stored; the sweeps do what the lost message would have asked)."""

    def __init__(self, redis_url: str, timeout_seconds: float = 1.0) -> None:
        self._redis = aioredis.Redis.from_url(redis_url, socket_connect_timeout=2) if redis_url else None
        self._handler: Handler | None = None
        self._timeout = timeout_seconds

    def on_message(self, handler: Handler) -> None:
        self._handler = handler

    async def publish(self, message: dict[str, Any]) -> None:
        if self._redis is None:
            await self._deliver(message)
            return
        try:
            async with asyncio.timeout(self._timeout):
                await self._redis.publish(CHANNEL, json.dumps(message))
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("control message not sent (%s); the periodic sweep will catch up", type(exc).__name__)

    async def _deliver(self, message: dict[str, Any]) -> None:
        if self._handler is None:
            return
        try:
            await self._handler(message)
        except Exception:
            log.exception("control message %r failed", message.get("kind"))

    async def listen(self) -> None:
        """Receive messages until cancelled, reconnecting after a Redis failure."""
        if self._redis is None:
            return
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    async for item in pubsub.listen():
                        if item.get("type") == "message":
                            await self._deliver(json.loads(item["data"]))
            except (RedisError, OSError, ValueError) as exc:
                log.warning("control channel lost (%s); reconnecting", type(exc).__name__)
                await asyncio.sleep(1)

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
