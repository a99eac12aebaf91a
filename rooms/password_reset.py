"""One-time password reset links, for people who gave no email (issued by a hub admin) and for those who did
(sent by email at their own request).

Only a SHA-256 hash of a link's token is stored: the token has 256 random bits, so the hash needs no key, and
looking a token up by its hash compares nothing byte by byte in Python (no timing to learn from). A link works
once, for 24 hours; a newer link of the same kind replaces older unused ones. Using one is a single conditional
UPDATE, so two uses racing each other cannot both succeed. Hashing the new password and ending the person's
browser sessions are the transport's job (server/http_password_reset.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import moderation_log
from rooms.access import require_hub_admin
from rooms.errors import Forbidden, NotFound
from rooms.hooks import Actor
from rooms.models import Group, HubStaff, Membership, User
from rooms.privacy_models import PasswordReset
from rooms.views import iso

LIFETIME = dt.timedelta(hours=24)
LOG_ACTION = moderation_log.ACCOUNT_ACTIONS[0]  # in the hub's append-only moderation log
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,128}")


@dataclass(frozen=True)
class IssuedLink:
    token: str  # shown once, to whoever issued it or in the email; never stored or logged
    user_id: int
    pseudonym: str
    expires_at: dt.datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _new_link(
    db: AsyncSession, user: User, now: dt.datetime, *, issued_by: int | None, hub_id: int | None
) -> IssuedLink:
    """Insert a link, after retiring the older unused ones it replaces: a staff link replaces every older
    link; an emailed one only older emailed ones (so a stranger asking by pseudonym cannot cancel the link a
    hub admin gave)."""
    retire = update(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now
    )
    if issued_by is None:
        retire = retire.where(PasswordReset.issued_by.is_(None))
    await db.execute(retire.values(expires_at=now))
    token = secrets.token_urlsafe(32)
    expires_at = now + LIFETIME
    db.add(
        PasswordReset(
            user_id=user.id,
            token_hash=token_hash(token),
            issued_by=issued_by,
            hub_id=hub_id,
            created_at=now,
            expires_at=expires_at,
            used_at=None,
        )
    )
    await db.flush()
    return IssuedLink(token, user.id, user.pseudonym, expires_at)


async def _member_of_hub(db: AsyncSession, hub_id: int, user_id: int) -> bool:
    query = select(
        exists().where(Membership.user_id == user_id, Membership.group_id == Group.id, Group.hub_id == hub_id)
    )
    return bool((await db.execute(query)).scalar())


async def _holds_staff_role(db: AsyncSession, user_id: int) -> bool:
    return bool((await db.execute(select(exists().where(HubStaff.user_id == user_id)))).scalar())


async def issue_by_staff(db: AsyncSession, actor: Actor, hub_id: int, user_id: int, now: dt.datetime) -> IssuedLink:
    """A hub admin's link for a member of one of the hub's groups, in the caller's transaction, with its entry
    in the hub's moderation log (never the token).

    Staff accounts are refused to hub admins: a link would let one admin take over another's (or a
    facilitator's, or a safeguarding lead's) powers. A platform admin may issue one for the hub's staff, never
    for another platform admin."""
    await require_hub_admin(db, actor, hub_id)
    user = await db.get(User, user_id)
    if user is None or user.erased_at is not None or not await _member_of_hub(db, hub_id, user_id):
        raise NotFound("There is no such member in this hub.")
    if user.is_platform_admin or (not actor.is_platform_admin and await _holds_staff_role(db, user_id)):
        raise Forbidden(
            "A reset link for a member of staff can only come from a platform admin.", code="reset_staff_refused"
        )
    if user.id == actor.user_id:
        raise Forbidden("Change your own password from your account page.", code="reset_staff_refused")
    link = await _new_link(db, user, now, issued_by=actor.user_id, hub_id=hub_id)
    await moderation_log.write(
        db,
        hub_id=hub_id,
        group_id=None,
        session_id=None,
        actor_id=actor.user_id,
        action=LOG_ACTION,
        now=now,
        target_user_id=user.id,
        detail={"expires_at": iso(link.expires_at)},
    )
    return link


async def issue_by_email(db: AsyncSession, pseudonym_user: User, now: dt.datetime) -> IssuedLink:
    """A link for someone who asked by pseudonym and gave an email (the caller checked both)."""
    return await _new_link(db, pseudonym_user, now, issued_by=None, hub_id=None)


async def valid_link(db: AsyncSession, token: str, now: dt.datetime) -> tuple[PasswordReset, User] | None:
    """The unused, unexpired link this token opens, and whose it is; None for anything else."""
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    query = (
        select(PasswordReset, User)
        .join(User, User.id == PasswordReset.user_id)
        .where(
            PasswordReset.token_hash == token_hash(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
            User.erased_at.is_(None),
        )
    )
    row = (await db.execute(query)).one_or_none()
    return None if row is None else (row[0], row[1])


async def use_link(db: AsyncSession, token: str, password_hash: str, now: dt.datetime) -> int | None:
    """Spend the link and set the new password, in the caller's transaction; the person's id, or None when
    the link was not (or no longer) valid. The conditional UPDATE is the lock: of two uses at once, one
    changes the row and the other finds nothing to change."""
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    spent = await db.execute(
        update(PasswordReset)
        .where(
            PasswordReset.token_hash == token_hash(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(used_at=now)
        .returning(PasswordReset.user_id)
    )
    user_id = spent.scalar_one_or_none()
    if user_id is None:
        return None
    changed = await db.execute(
        update(User).where(User.id == user_id, User.erased_at.is_(None)).values(password_hash=password_hash)
    )
    return int(user_id) if getattr(changed, "rowcount", 0) == 1 else None
