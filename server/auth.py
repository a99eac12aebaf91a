"""Browser sessions (cookie → user) and sign-in throttling, shared by HTTP and Socket.IO."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.hooks import Actor
from rooms.models import User
from server.auth_models import LoginThrottle, WebSession

COOKIE_NAME = "alongside_session"


class SessionTokens:
    """Issues random cookie tokens; the database only ever sees an HMAC of them."""

    def __init__(self, secret_key: str, ttl: dt.timedelta) -> None:
        self._key = secret_key.encode()
        self.ttl = ttl

    def digest(self, token: str) -> str:
        return hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()

    async def issue(self, db: AsyncSession, user_id: int, now: dt.datetime) -> str:
        token = secrets.token_urlsafe(32)
        db.add(WebSession(token_hash=self.digest(token), user_id=user_id, created_at=now, expires_at=now + self.ttl))
        return token

    async def revoke(self, db: AsyncSession, token: str) -> None:
        await db.execute(delete(WebSession).where(WebSession.token_hash == self.digest(token)))

    async def actor_for(self, db: AsyncSession, token: str | None, now: dt.datetime) -> Actor | None:
        if not token or len(token) > 128:
            return None
        return await self.actor_for_digest(db, self.digest(token), now)

    async def valid_digests(self, db: AsyncSession, digests: set[str], now: dt.datetime) -> set[str]:
        rows = await db.execute(
            select(WebSession.token_hash).where(WebSession.token_hash.in_(digests), WebSession.expires_at > now)
        )
        return set(rows.scalars().all())

    async def purge_expired(self, db: AsyncSession, now: dt.datetime) -> None:
        await db.execute(delete(WebSession).where(WebSession.expires_at <= now))

    async def actor_for_digest(self, db: AsyncSession, digest: str, now: dt.datetime) -> Actor | None:
        web_session = await db.get(WebSession, digest)
        if web_session is None or web_session.expires_at <= now:
            return None
        user = await db.get(User, web_session.user_id)
        if user is None:
            return None
        return Actor(user.id, user.pseudonym, user.is_platform_admin)


def web_session_room(digest: str) -> str:
    """The Socket.IO room of every connection opened with one browser session (to tell them it ended)."""
    return f"web:{digest[:32]}"


def token_from_cookie_header(header: str | None) -> str | None:
    if not header:
        return None
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(header)
    except Exception:
        return None
    morsel = cookie.get(COOKIE_NAME)
    return morsel.value if morsel else None


class LoginThrottleGuard:
    """Locks a pseudonym or an address out for a while after repeated failed sign-ins."""

    def __init__(self, max_failures: int, lockout: dt.timedelta) -> None:
        self.max_failures = max_failures
        self.lockout = lockout

    @staticmethod
    def keys(pseudonym: str, address: str) -> list[str]:
        return [f"p:{pseudonym.strip().lower()[:64]}", f"a:{address[:64]}"]

    async def locked_for(self, db: AsyncSession, keys: list[str], now: dt.datetime) -> int:
        """Seconds until sign-in is allowed again (0: allowed now)."""
        wait = 0
        for key in keys:
            row = await db.get(LoginThrottle, key)
            if row is not None and row.locked_until is not None and row.locked_until > now:
                wait = max(wait, int((row.locked_until - now).total_seconds()) + 1)
        return wait

    async def record_failure(self, db: AsyncSession, keys: list[str], now: dt.datetime) -> None:
        for key in keys:
            row = await db.get(LoginThrottle, key)
            if row is None or now - row.window_started > self.lockout:
                if row is not None:
                    await db.delete(row)
                    await db.flush()
                row = LoginThrottle(key=key, failures=0, window_started=now)
                db.add(row)
            row.failures += 1
            if row.failures >= self.max_failures:
                row.locked_until = now + self.lockout

    async def purge_idle(self, db: AsyncSession, now: dt.datetime) -> None:
        """Forget counters whose window and lock have both passed."""
        await db.execute(
            delete(LoginThrottle).where(
                LoginThrottle.window_started < now - self.lockout,
                or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
            )
        )

    async def record_success(self, db: AsyncSession, keys: list[str]) -> None:
        await db.execute(delete(LoginThrottle).where(LoginThrottle.key == keys[0]))
