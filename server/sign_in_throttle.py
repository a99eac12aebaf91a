"""Sign-in and sign-up throttling, shared by every process through counters in the database.

Sign-in follows OWASP's authentication guidance, so that nobody can lock someone else out:
- per (pseudonym, address): a hard limit, then that address is locked out of that pseudonym for a while;
- per pseudonym, from anywhere: a soft limit, then each further attempt waits a growing delay (1 s, 2 s,
  4 s ... capped), never a long lock, so a member cannot keep a facilitator out before a session;
- per address: a generous allowance (shared offices, carrier NAT), then a short pause;
- a browser that signed in successfully before (a signed device cookie) skips all three and is held only to
  its own per-device limit.
Every attempt is counted atomically before the password is checked, so parallel guesses cannot slip past.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import validate
from rooms.upserts import insert_for
from server.auth_models import LoginThrottle

DEVICE_COOKIE_NAME = "alongside_device"
DEVICE_COOKIE_TTL = dt.timedelta(days=180)


@dataclass(frozen=True)
class Counted:
    """A counter after one attempt: the attempts in its window and when its lock (if any) ends."""

    attempts: int
    locked_until: dt.datetime | None


async def count_attempt(
    db: AsyncSession, key: str, now: dt.datetime, window: dt.timedelta, *, unless_locked: bool = False
) -> Counted | None:
    """Count one attempt on `key` (INSERT ... ON CONFLICT DO UPDATE: one statement, so concurrent attempts
    each count); a window older than `window` starts again at 1. With `unless_locked`, a locked key is not
    counted and None is returned."""
    dialect = db.get_bind().dialect.name
    table = LoginThrottle.__table__
    fresh_window = table.c.window_started < now - window
    statement = (
        insert_for(dialect, LoginThrottle)
        .values(key=key, failures=1, window_started=now, locked_until=None)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "failures": case((fresh_window, 1), else_=table.c.failures + 1),
                "window_started": case((fresh_window, now), else_=table.c.window_started),
            },
            where=or_(table.c.locked_until.is_(None), table.c.locked_until <= now) if unless_locked else None,
        )
        .returning(table.c.failures, table.c.locked_until)
    )
    row = (await db.execute(statement)).one_or_none()
    if row is None:
        return None
    return Counted(int(row[0]), _aware(row[1]))


async def locked_until(db: AsyncSession, key: str) -> dt.datetime | None:
    return _aware((await db.execute(select(LoginThrottle.locked_until).where(LoginThrottle.key == key))).scalar())


async def lock(db: AsyncSession, key: str, until: dt.datetime, *, fresh_allowance: bool, now: dt.datetime) -> None:
    values: dict[str, object] = {"locked_until": until}
    if fresh_allowance:
        values.update(failures=0, window_started=now)
    await db.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(**values))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def seconds_until(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, int((until - now).total_seconds() + 0.999))


def address_block(address: str) -> str:
    """An address as throttling sees it: IPv6 by /64, which one household or phone typically holds."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class SignInKeys:
    pseudonym: str
    pair: str
    address: str
    device: str | None  # set when a valid device cookie for this pseudonym came with the attempt


class DeviceCookies:
    """OWASP device cookies: `<pseudonym key>.<nonce>.<signature>`, issued on a successful sign-in."""

    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"alongside-device-cookie|" + secret_key.encode()).digest()

    def _sign(self, encoded_key: str, nonce: str) -> str:
        mac = hmac.new(self._key, f"{encoded_key}.{nonce}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def issue(self, pseudonym: str) -> str:
        encoded = base64.urlsafe_b64encode(validate.pseudonym_key(pseudonym).encode()).decode().rstrip("=")
        nonce = secrets.token_urlsafe(16)
        return f"{encoded}.{nonce}.{self._sign(encoded, nonce)}"

    def nonce_for(self, cookie: str | None, pseudonym: str) -> str | None:
        """The cookie's nonce when it is ours, untampered, and for this pseudonym; otherwise None."""
        if not cookie or len(cookie) > 300 or cookie.count(".") != 2:
            return None
        encoded, nonce, signature = cookie.split(".")
        if not hmac.compare_digest(signature, self._sign(encoded, nonce)):
            return None
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        return nonce if hmac.compare_digest(key.encode(), validate.pseudonym_key(pseudonym).encode()) else None


class LoginThrottleGuard:
    """The sign-in limits described at the top of this module."""

    # An address may be shared (an office, a mobile carrier's NAT, a misconfigured proxy): it gets twenty times a
    # pseudonym's allowance and only a short pause, so one person's failures cannot keep everyone out for long.
    ADDRESS_FACTOR = 20
    ADDRESS_LOCK = dt.timedelta(seconds=60)

    def __init__(self, max_failures: int, lockout: dt.timedelta, backoff_cap: dt.timedelta | None = None) -> None:
        self.max_failures = max_failures
        self.lockout = lockout
        self.backoff_cap = backoff_cap or dt.timedelta(seconds=120)

    @staticmethod
    def keys(pseudonym: str, address: str, device_nonce: str | None = None) -> SignInKeys:
        """Spelling variants of a pseudonym share one count (it is folded as accounts are looked up)."""
        folded, block = validate.pseudonym_key(pseudonym), address_block(address)
        return SignInKeys(
            pseudonym=f"p:{folded}",
            pair=f"pa:{folded}|{block}"[:160],
            address=f"a:{block}",
            device=f"d:{device_nonce}" if device_nonce else None,
        )

    def backoff(self, attempts: int) -> dt.timedelta:
        """The wait after the pseudonym's `attempts`th attempt: none within the allowance, then doubling."""
        over = attempts - self.max_failures
        if over <= 0:
            return dt.timedelta(0)
        return min(dt.timedelta(seconds=2 ** min(over - 1, 30)), self.backoff_cap)

    async def attempt(self, db: AsyncSession, keys: SignInKeys, now: dt.datetime) -> int:
        """Count one attempt; return seconds to wait (0: go ahead and check the password)."""
        if keys.device:
            return await self._hard(db, keys.device, self.max_failures, self.lockout, now, fresh_allowance=False)
        wait = await self._hard(db, keys.pair, self.max_failures, self.lockout, now, fresh_allowance=False)
        wait = max(
            wait,
            await self._hard(
                db, keys.address, self.max_failures * self.ADDRESS_FACTOR, self.ADDRESS_LOCK, now, fresh_allowance=True
            ),
        )
        if wait:
            return wait  # refused before the pseudonym's own count: it only counts attempts that were checked
        return await self._soft(db, keys.pseudonym, now)

    async def attempt_code(self, db: AsyncSession, user_id: int, now: dt.datetime) -> int:
        """Count one two-factor code attempt for a person (a hard limit, like a password from one address)."""
        return await self._hard(db, f"tf:{user_id}", self.max_failures, self.lockout, now, fresh_allowance=False)

    async def code_accepted(self, db: AsyncSession, user_id: int) -> None:
        await db.execute(delete(LoginThrottle).where(LoginThrottle.key == f"tf:{user_id}"))

    async def _hard(
        self, db: AsyncSession, key: str, limit: int, lock_for: dt.timedelta, now: dt.datetime, *, fresh_allowance: bool
    ) -> int:
        counted = await count_attempt(db, key, now, self.lockout)
        assert counted is not None
        if counted.locked_until is not None and counted.locked_until > now:
            return seconds_until(counted.locked_until, now)
        if counted.attempts > limit:
            await lock(db, key, now + lock_for, fresh_allowance=fresh_allowance, now=now)
            return int(lock_for.total_seconds())
        return 0

    async def _soft(self, db: AsyncSession, key: str, now: dt.datetime) -> int:
        """Not counted while waiting; an attempt past the allowance goes ahead and makes the next one wait.
        The row stays locked until this transaction ends, so a parallel attempt sees the wait."""
        counted = await count_attempt(db, key, now, self.lockout, unless_locked=True)
        if counted is None:
            until = await locked_until(db, key)
            return seconds_until(until, now) if until is not None else 1
        delay = self.backoff(counted.attempts)
        if delay:
            await lock(db, key, now + delay, fresh_allowance=False, now=now)
        return 0

    async def succeeded(self, db: AsyncSession, keys: SignInKeys) -> None:
        """Clear the counts this attempt was held to. A trusted device clears only its own: the pseudonym's delay
        keeps slowing whoever else is guessing; otherwise the pseudonym's counts go and the address's drops by one."""
        if keys.device:
            await db.execute(delete(LoginThrottle).where(LoginThrottle.key == keys.device))
            return
        await db.execute(delete(LoginThrottle).where(LoginThrottle.key.in_([keys.pseudonym, keys.pair])))
        await db.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == keys.address, LoginThrottle.failures > 0)
            .values(failures=LoginThrottle.failures - 1)
        )

    async def purge_idle(self, db: AsyncSession, now: dt.datetime) -> None:
        """Forget counters whose window and lock have both passed (the longest window is an hour)."""
        forget = max(self.lockout, dt.timedelta(hours=1))
        await db.execute(
            delete(LoginThrottle).where(
                LoginThrottle.window_started < now - forget,
                or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
            )
        )


class AddressRateLimit:
    """At most `limit` uses per address per `window` (sign-ups, password checks), counted in the database."""

    def __init__(self, prefix: str, limit: int, window: dt.timedelta) -> None:
        self.prefix, self.limit, self.window = prefix, limit, window

    async def take(self, db: AsyncSession, address: str, now: dt.datetime) -> int:
        """Count one use; return seconds until the address may try again (0: go ahead)."""
        key = f"{self.prefix}:{address_block(address)}"
        counted = await count_attempt(db, key, now, self.window)
        assert counted is not None
        if counted.attempts <= self.limit:
            return 0
        query = select(LoginThrottle.window_started).where(LoginThrottle.key == key)
        started = _aware((await db.execute(query)).scalar_one()) or now
        return seconds_until(started + self.window, now)


def wait_in_words(seconds: int) -> str:
    """ "Please wait about 2 minutes before trying again.": people read words, not a count of seconds."""
    if seconds <= 10:
        span = "a few seconds"
    elif seconds < 50:
        span = "less than a minute"
    elif seconds < 90:
        span = "about a minute"
    elif seconds < 50 * 60:
        span = f"about {round(seconds / 60)} minutes"
    elif seconds < 90 * 60:
        span = "about an hour"
    else:
        span = f"about {round(seconds / 3600)} hours"
    return f"Please wait {span} before trying again."
