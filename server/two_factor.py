"""Two-factor sign-in (TOTP, RFC 6238, via pyotp) for staff who can see safeguarding records.

A person enrols with a fresh secret (shown once, as text and an otpauth:// URI for an authenticator app) and
confirms it with a first code. From then on a correct password earns only a short-lived, signed challenge;
the session comes with a code. Each accepted code's time step is remembered, so the same code (or an older
one) is refused the second time. A hub can require two-factor sign-in of its staff: until they enrol, they
can sign in but not use staff powers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

import pyotp
from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.models import Hub, HubStaff, User
from server.auth_models import TwoFactor

ISSUER = "Alongside"
STEP_SECONDS = 30
CHALLENGE_TTL = dt.timedelta(minutes=5)
_CODE = re.compile(r"\d{6}")


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, pseudonym: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=pseudonym, issuer_name=ISSUER)


def matching_step(secret: str, code: object, now: dt.datetime, after: int | None) -> int | None:
    """The time step `code` belongs to (the current one or one either side, for clock drift), if it is right
    and newer than `after` (the last step accepted); otherwise None."""
    if not isinstance(code, str):
        return None
    code = code.replace(" ", "")
    if not _CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


async def record(db: AsyncSession, user_id: int) -> TwoFactor | None:
    return await db.get(TwoFactor, user_id)


async def is_enabled(db: AsyncSession, user_id: int) -> bool:
    row = await record(db, user_id)
    return row is not None and row.secret is not None


async def eligible(db: AsyncSession, user: User) -> bool:
    """Staff (facilitators, hub admins) and platform admins may turn two-factor sign-in on."""
    if user.is_platform_admin:
        return True
    found = await db.execute(select(HubStaff.user_id).where(HubStaff.user_id == user.id).limit(1))
    return found.first() is not None


async def enrolment_required(db: AsyncSession, user_id: int) -> bool:
    """Staff of a hub that requires two-factor sign-in who have not turned it on."""
    if await is_enabled(db, user_id):
        return False
    found = await db.execute(
        select(HubStaff.user_id)
        .join(Hub, Hub.id == HubStaff.hub_id)
        .where(HubStaff.user_id == user_id, Hub.require_two_factor.is_(True))
        .limit(1)
    )
    return found.first() is not None


async def start_enrolment(db: AsyncSession, user_id: int) -> str:
    """A fresh pending secret (replacing any earlier unconfirmed one)."""
    secret = new_secret()
    row = await record(db, user_id)
    if row is None:
        db.add(TwoFactor(user_id=user_id, pending_secret=secret))
    else:
        row.pending_secret = secret
    return secret


async def confirm_enrolment(db: AsyncSession, user_id: int, code: object, now: dt.datetime) -> bool:
    row = await record(db, user_id)
    if row is None or row.pending_secret is None:
        return False
    step = matching_step(row.pending_secret, code, now, None)
    if step is None:
        return False
    row.secret, row.pending_secret, row.last_step, row.enabled_at = row.pending_secret, None, step, now
    return True


async def accept_code(db: AsyncSession, user_id: int, code: object, now: dt.datetime) -> bool:
    """Check a code of an enabled authenticator and use it up: one conditional UPDATE, so two requests with
    the same code cannot both succeed."""
    row = await record(db, user_id)
    if row is None or row.secret is None:
        return False
    step = matching_step(row.secret, code, now, row.last_step)
    if step is None:
        return False
    table = TwoFactor.__table__
    used = await db.execute(
        update(TwoFactor)
        .where(TwoFactor.user_id == user_id, or_(table.c.last_step.is_(None), table.c.last_step < step))
        .values(last_step=step)
    )
    return bool(used.rowcount)  # type: ignore[attr-defined]


async def disable(db: AsyncSession, user_id: int) -> None:
    await db.execute(delete(TwoFactor).where(TwoFactor.user_id == user_id))


class Challenges:
    """The signed, short-lived proof that the password step passed: `<user id>.<expiry>.<nonce>.<mac>`."""

    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"alongside-two-factor-challenge|" + secret_key.encode()).digest()

    def _mac(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()

    def issue(self, user_id: int, now: dt.datetime) -> str:
        body = f"{user_id}.{int((now + CHALLENGE_TTL).timestamp())}.{secrets.token_urlsafe(12)}"
        return f"{body}.{self._mac(body)}"

    def user_for(self, challenge: object, now: dt.datetime) -> int | None:
        if not isinstance(challenge, str) or len(challenge) > 200 or challenge.count(".") != 3:
            return None
        body, _, mac = challenge.rpartition(".")
        if not hmac.compare_digest(mac, self._mac(body)):
            return None
        user_id, expires, _nonce = body.split(".")
        if not (user_id.isdigit() and expires.isdigit()) or int(expires) < now.timestamp():
            return None
        return int(user_id)
