"""Browser sessions (cookie → user) and sign-in throttling, shared by HTTP and Socket.IO."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import validate
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
    """Our cookie's value from a Cookie header. Lenient on purpose: SimpleCookie drops the whole header when
    any other cookie on the site is unusual (a space, a quote, JSON), which would sign people out."""
    if not header:
        return None
    found = None
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name == COOKIE_NAME:
            found = value.strip().strip('"') or None  # the last one wins, as in aiohttp's request.cookies
    return found


class LoginThrottleGuard:
    """Limits sign-in attempts per pseudonym and per client address, shared by every process.

    Each attempt is counted (atomically, before the password is checked) so parallel guesses cannot slip
    past the limit; a successful sign-in clears the pseudonym's count and takes itself off the address's.
    """

    # An address may be shared (an office, a mobile carrier's NAT, a misconfigured proxy): it gets twenty times a
    # pseudonym's allowance and only a short lock, so one person's failures cannot keep everyone out for long.
    ADDRESS_FACTOR = 20
    ADDRESS_LOCK = dt.timedelta(seconds=60)

    def __init__(self, max_failures: int, lockout: dt.timedelta) -> None:
        self.max_failures = max_failures
        self.lockout = lockout

    @staticmethod
    def keys(pseudonym: str, address: str) -> list[str]:
        """The pseudonym as accounts are looked up (spelling variants share one count), and the address
        (IPv6 by /64, which one household or phone typically holds)."""
        return [f"p:{validate.pseudonym_key(pseudonym)}", f"a:{_address_block(address)[:64]}"]

    async def attempt(self, db: AsyncSession, keys: list[str], now: dt.datetime) -> int:
        """Count one attempt on each key; return seconds to wait (0: go ahead and check the password)."""
        wait = 0
        for index, key in enumerate(keys):
            limit = self.max_failures * (self.ADDRESS_FACTOR if index else 1)
            failures, locked_until = await self._count(db, key, now)
            if locked_until is not None and locked_until > now:
                wait = max(wait, int((locked_until - now).total_seconds()) + 1)
            elif failures > limit:
                lock = self.ADDRESS_LOCK if index else self.lockout
                if index:  # the address starts a fresh allowance after its short lock
                    await db.execute(
                        update(LoginThrottle)
                        .where(LoginThrottle.key == key)
                        .values(locked_until=now + lock, failures=0, window_started=now)
                    )
                else:
                    await db.execute(
                        update(LoginThrottle).where(LoginThrottle.key == key).values(locked_until=now + lock)
                    )
                wait = max(wait, int(lock.total_seconds()))
        return wait

    async def _count(self, db: AsyncSession, key: str, now: dt.datetime) -> tuple[int, dt.datetime | None]:
        """INSERT ... ON CONFLICT DO UPDATE: one statement, so concurrent attempts each count."""
        dialect = db.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        table = LoginThrottle.__table__
        fresh_window = table.c.window_started < now - self.lockout
        statement = (
            insert(LoginThrottle)
            .values(key=key, failures=1, window_started=now, locked_until=None)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "failures": case((fresh_window, 1), else_=table.c.failures + 1),
                    "window_started": case((fresh_window, now), else_=table.c.window_started),
                },
            )
            .returning(table.c.failures, table.c.locked_until)
        )
        row = (await db.execute(statement)).one()
        locked = row[1]
        if locked is not None and locked.tzinfo is None:
            locked = locked.replace(tzinfo=dt.UTC)
        return int(row[0]), locked

    async def succeeded(self, db: AsyncSession, keys: list[str]) -> None:
        await db.execute(delete(LoginThrottle).where(LoginThrottle.key == keys[0]))
        await db.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == keys[1], LoginThrottle.failures > 0)
            .values(failures=LoginThrottle.failures - 1)
        )

    async def purge_idle(self, db: AsyncSession, now: dt.datetime) -> None:
        """Forget counters whose window and lock have both passed."""
        await db.execute(
            delete(LoginThrottle).where(
                LoginThrottle.window_started < now - self.lockout,
                or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
            )
        )


def _address_block(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_address(remote: str | None, forwarded_for: str | None, trusted_proxy_hops: int) -> str:
    """The client's address: the peer's, or with N trusted proxies in front, the Nth from the right of
    X-Forwarded-For (entries further left can be forged by the client)."""
    if trusted_proxy_hops and forwarded_for:
        hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if len(hops) >= trusted_proxy_hops:
            return hops[-trusted_proxy_hops]
    return remote or "unknown"
