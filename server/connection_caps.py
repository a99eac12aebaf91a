"""How many Socket.IO connections one person holds, counted across every process.

Why: `socket_connections_per_person` caps what one person can open; counted in each process's memory, a
person behind a load balancer of N processes would get N times the cap. With Redis, each connection is a
member of a sorted set per person (`alongside:conns:<user id>`), scored by when it lapses; a Lua script
drops lapsed members, counts and adds in one step, so two processes cannot both admit the last place. Each
process renews its own connections every `RENEW_SECONDS` (one pipelined round trip), so the connections of a
process that was killed lapse within `LEASE_SECONDS` instead of holding places for ever.

If Redis is down or stalled, the count falls back to this process's own (a bounded wait, then the local
cap): a person is never locked out by a Redis fault, and one process still caps what it holds.
"""

from __future__ import annotations

import asyncio
import logging
import time

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger("alongside.connections")
LEASE_SECONDS = 90
RENEW_SECONDS = 30
KEY = "alongside:conns:{}"
# KEYS[1]: the person's set; ARGV: now, lapses at, cap, member, key lifetime. 1: admitted, 0: at the cap.
ADMIT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


class ConnectionCap:
    """Admits a person's connection while they hold fewer than `cap`, across processes when Redis is set."""

    def __init__(
        self, redis_url: str, server_id: str, cap: int, timeout_seconds: float = 1.0, lease_seconds: int = LEASE_SECONDS
    ) -> None:
        self._redis = aioredis.Redis.from_url(redis_url, socket_connect_timeout=2) if redis_url else None
        self._admit = self._redis.register_script(ADMIT) if self._redis is not None else None
        self._server_id = server_id
        self._cap = cap
        self._timeout = timeout_seconds
        self._lease = lease_seconds
        self._held: dict[int, set[str]] = {}  # this process's connections, per user id

    def held_here(self, user_id: int) -> int:
        return len(self._held.get(user_id, ()))

    def people_here(self) -> int:
        """How many people hold connections on this process (a record per person, gone with their last)."""
        return len(self._held)

    def _member(self, sid: str) -> str:
        return f"{self._server_id}:{sid}"

    async def admit(self, user_id: int, sid: str) -> bool:
        """Take a place for this connection, or say the person is at the cap (nothing taken then)."""
        if self.held_here(user_id) >= self._cap:
            return False
        if self._admit is not None:
            now = time.time()
            try:
                async with asyncio.timeout(self._timeout):
                    admitted = await self._admit(
                        keys=[KEY.format(user_id)],
                        args=[now, now + self._lease, self._cap, self._member(sid), self._lease * 2],
                    )
            except (RedisError, OSError, TimeoutError) as exc:
                log.warning("connection count unavailable (%s); counting this process's own", type(exc).__name__)
            else:
                if not admitted:
                    return False
        self._held.setdefault(user_id, set()).add(sid)  # no await since the local check
        return True

    async def release(self, user_id: int, sid: str) -> None:
        """Give the connection's place back (a lost release lapses with its lease)."""
        mine = self._held.get(user_id)
        if mine is None or sid not in mine:
            return
        mine.discard(sid)
        if not mine:
            del self._held[user_id]
        if self._redis is None:
            return
        try:
            async with asyncio.timeout(self._timeout):
                await self._redis.zrem(KEY.format(user_id), self._member(sid))
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("connection place not given back (%s); it lapses with its lease", type(exc).__name__)

    async def renew(self) -> None:
        """Extend the lease of every connection this process holds: one pipelined round trip."""
        if self._redis is None or not self._held:
            return
        lapses = time.time() + self._lease
        try:
            async with asyncio.timeout(self._timeout * 5), self._redis.pipeline(transaction=False) as pipe:
                for user_id, sids in self._held.items():
                    key = KEY.format(user_id)
                    pipe.zadd(key, {self._member(sid): lapses for sid in sids})
                    pipe.expire(key, self._lease * 2)
                await pipe.execute()
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("connection leases not renewed (%s); trying again shortly", type(exc).__name__)

    async def keep_renewing(self) -> None:
        """Renew every RENEW_SECONDS until cancelled."""
        while True:
            await asyncio.sleep(min(RENEW_SECONDS, self._lease / 3))
            await self.renew()

    async def close(self) -> None:
        """Give back every place this process holds (a process that stops cleanly frees them at once), then
        close the connection to Redis."""
        if self._redis is None:
            return
        held, self._held = self._held, {}
        try:
            if held:
                async with asyncio.timeout(self._timeout * 5), self._redis.pipeline(transaction=False) as pipe:
                    for user_id, sids in held.items():
                        pipe.zrem(KEY.format(user_id), *(self._member(sid) for sid in sids))
                    await pipe.execute()
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("connection places not given back at shutdown (%s); they lapse", type(exc).__name__)
        finally:
            await self._redis.aclose()
