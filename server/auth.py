"""Browser sessions (cookie → user), shared by HTTP and Socket.IO. Throttling lives in server/sign_in_throttle.py."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import logging
import secrets
from typing import Any

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rooms.hooks import Actor
from rooms.in_lists import padded
from rooms.models import User
from server.auth_models import WebSession
from server.sign_in_throttle import LoginThrottleGuard

log = logging.getLogger(__name__)

__all__ = ["COOKIE_NAME", "LoginThrottleGuard", "SessionTokens", "client_address", "token_from_cookie_header"]

COOKIE_NAME = "alongside_session"
HOST_COOKIE_NAME = f"__Host-{COOKIE_NAME}"  # its name over HTTPS


@functools.cache
def _sessions_query() -> Any:  # a Select, built once: every request and connection asks it
    return (
        select(
            WebSession.token_hash,
            WebSession.expires_at,
            WebSession.last_seen_at,
            User.id,
            User.pseudonym,
            User.is_platform_admin,
        )
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash.in_(bindparam("digests", expanding=True)))
    )


class SessionTokens:
    """Issues random cookie tokens; the database only ever sees an HMAC of them."""

    TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen_at is written at most this often per session
    # A connection's use noted in the background is written this long after the first note of a batch, so the
    # notes of a moment (every connection of a connect wave re-checks its session a minute later, about at once)
    # are one write, not one per moment of a burst.
    NOTE_SOON_SECONDS = 1.0

    def __init__(
        self,
        secret_key: str,
        ttl: dt.timedelta,
        idle: dt.timedelta = dt.timedelta(hours=4),
        writer: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._key = secret_key.encode()
        self.ttl = ttl
        self.idle = idle
        self._writer = writer  # for noting use while a request only reads
        self._touches: dict[str, dt.datetime] = {}  # use noted, not yet written
        self._touch_lock = asyncio.Lock()
        self._writing_soon: asyncio.Task[None] | None = None
        self._write_now = asyncio.Event()  # set when stopping: what is noted is written without the wait

    def digest(self, token: str) -> str:
        return hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()

    async def issue(self, db: AsyncSession, user_id: int, now: dt.datetime, device: str = "") -> str:
        token = secrets.token_urlsafe(32)
        db.add(
            WebSession(
                token_hash=self.digest(token),
                user_id=user_id,
                created_at=now,
                expires_at=now + self.ttl,
                last_seen_at=now,
                device=device[:80],
            )
        )
        return token

    async def revoke(self, db: AsyncSession, token: str) -> None:
        await self.revoke_digests(db, [self.digest(token)])

    async def revoke_digests(self, db: AsyncSession, digests: list[str]) -> None:
        await db.execute(delete(WebSession).where(WebSession.token_hash.in_(digests)))

    async def digests_of_user(self, db: AsyncSession, user_id: int, keep: str | None = None) -> list[str]:
        """Every browser session of one person (but `keep`)."""
        rows = await db.execute(select(WebSession.token_hash).where(WebSession.user_id == user_id))
        return [digest for digest in rows.scalars().all() if digest != keep]

    async def actor_for(self, db: AsyncSession, token: str | None, now: dt.datetime) -> Actor | None:
        if not token or len(token) > 128:
            return None
        return await self.actor_for_digest(db, self.digest(token), now)

    async def valid_digests(self, db: AsyncSession, digests: set[str], now: dt.datetime) -> set[str]:
        rows = await db.execute(
            select(WebSession.token_hash).where(
                WebSession.token_hash.in_(digests),
                WebSession.expires_at > now,
                WebSession.last_seen_at > now - self.idle,
            )
        )
        return set(rows.scalars().all())

    async def purge_expired(self, db: AsyncSession, now: dt.datetime) -> None:
        """Sessions past their lifetime or unused for longer than the idle timeout."""
        await db.execute(
            delete(WebSession).where(or_(WebSession.expires_at <= now, WebSession.last_seen_at <= now - self.idle))
        )

    def alive(self, web_session: WebSession, now: dt.datetime) -> bool:
        return web_session.expires_at > now and web_session.last_seen_at > now - self.idle

    async def actor_for_digest(self, db: AsyncSession, digest: str, now: dt.datetime) -> Actor | None:
        """Who holds this browser session, if it is alive; its use is noted at once when due. (A connect
        wave's lookups go through actors_for_digests and note_use_soon instead: server/realtime.py.)"""
        actor, due = (await self.actors_for_digests(db, [(digest, now)]))[0]
        if due:
            await self._touch(db, digest, now)
        return actor

    async def actors_for_digests(
        self, db: AsyncSession, keys: list[tuple[str, dt.datetime]]
    ) -> list[tuple[Actor | None, bool]]:
        """For each (digest, now): who holds that browser session if it is alive, and whether its use is due
        to be noted (for the caller's `note_use_soon`). One statement for them all: every request and connection
        asks this, and a connect wave's ask together (server/realtime.py)."""
        rows = await db.execute(_sessions_query(), {"digests": padded(digest for digest, _ in keys)})
        found = {row[0]: row[1:] for row in rows}
        answers: list[tuple[Actor | None, bool]] = []
        for digest, now in keys:
            row = found.get(digest)
            if row is None:
                answers.append((None, False))
                continue
            expires_at, last_seen_at, user_id, pseudonym, is_platform_admin = row
            if not (expires_at > now and last_seen_at > now - self.idle):
                answers.append((None, False))
                continue
            answers.append((Actor(user_id, pseudonym, is_platform_admin), now - last_seen_at >= self.TOUCH_EVERY))
        return answers

    def note_use_soon(self, digest: str, now: dt.datetime) -> None:
        """Note a session's use without waiting for the write: a socket event that found its session due to be
        noted goes on at once, and the notes of a moment are written together about a second later.

        Why: the write is bookkeeping (the idle timeout is hours), but it takes SQLite's single writer. Awaited on
        the event's path, a crowd's notes a minute after they connected (when every connection re-checks its
        session) queued beside the send flushes, and each member's message waited for their own note: the
        load bench saw sixteen such writes in the first half second of a step, and its messages' p50 rise from
        15 to 150 ms until they were done."""
        if self._writer is None:  # no writer of its own (tests of the parts): nothing to write in the background
            return
        self._touches[digest] = max(now, self._touches.get(digest, now))
        if self._writing_soon is None or self._writing_soon.done():
            self._writing_soon = asyncio.get_running_loop().create_task(self._write_noted_soon())

    async def _write_noted_soon(self) -> None:
        """Until nothing is left: a note made while a batch was being written goes in the next."""
        while self._touches:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._write_now.wait(), self.NOTE_SOON_SECONDS)
            await self.write_noted()

    async def write_noted(self) -> None:
        """Write the uses noted and not yet written, in one transaction (also at shutdown)."""
        if self._writer is None or not self._touches:
            return
        async with self._touch_lock:
            batch, self._touches = self._touches, {}
            if not batch:
                return
            try:
                await self._write_uses(batch)
            except Exception:  # the next use notes them again; a session's idle timeout is hours
                log.warning("could not note the use of %d browser sessions", len(batch), exc_info=True)

    async def close(self) -> None:
        """Write what is noted now rather than a second from now (the process is stopping)."""
        self._write_now.set()
        if self._writing_soon is not None:
            await self._writing_soon
        await self.write_noted()

    async def _touch(self, db: AsyncSession, digest: str, now: dt.datetime) -> None:
        """Note that the session is in use (at most once a minute, to keep writes cheap). Requests that only
        read hold a read-only session, so the write goes through a writer session of its own."""
        if self._writer is None:
            await db.execute(update(WebSession).where(WebSession.token_hash == digest).values(last_seen_at=now))
            return
        # Group commit: notes arriving while one is written go together in the next write (a connect wave of
        # thousands is then a handful of writes, not thousands queued on SQLite's single writer).
        self._touches[digest] = max(now, self._touches.get(digest, now))
        async with self._touch_lock:
            if digest not in self._touches:
                return  # written with the batch before
            batch, self._touches = self._touches, {}
            await self._write_uses(batch)

    async def _write_uses(self, batch: dict[str, dt.datetime]) -> None:
        """One write transaction for a batch of noted uses (digest -> when), through the writer session."""
        assert self._writer is not None
        async with self._writer() as writer, writer.begin():
            await writer.execute(
                update(WebSession)
                .where(WebSession.token_hash.in_(sorted(batch)))
                .values(last_seen_at=max(batch.values()))
            )

    async def sessions_of_user(self, db: AsyncSession, user_id: int, now: dt.datetime) -> list[WebSession]:
        """A person's signed-in browsers, most recently used first."""
        rows = await db.execute(
            select(WebSession).where(WebSession.user_id == user_id).order_by(WebSession.last_seen_at.desc())
        )
        return [web_session for web_session in rows.scalars().all() if self.alive(web_session, now)]


def token_from_cookie_header(header: str | None) -> str | None:
    """Our cookie's value from a Cookie header, under its plain or its `__Host-` name (the prefixed one wins;
    see server/cookie_names.py). Lenient on purpose: SimpleCookie drops the whole header when any other cookie
    on the site is unusual (a space, a quote, JSON), which would sign people out."""
    if not header:
        return None
    found: dict[str, str | None] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name in (COOKIE_NAME, HOST_COOKIE_NAME):
            found[name] = value.strip().strip('"') or None  # the last one wins, as in aiohttp's request.cookies
    return found.get(HOST_COOKIE_NAME) or found.get(COOKIE_NAME)


def client_address(remote: str | None, forwarded_for: str | None, trusted_proxy_hops: int) -> str:
    """The client's address: the peer's, or with N trusted proxies in front, the Nth from the right of
    X-Forwarded-For (entries further left can be forged by the client)."""
    if trusted_proxy_hops and forwarded_for:
        hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if len(hops) >= trusted_proxy_hops:
            return hops[-trusted_proxy_hops]
    return remote or "unknown"
