"""A hub's privacy notice and terms, and what a person accepted at sign-up (docs/privacy.md).

Members of a peer-support hub share health experiences: special-category data under UK GDPR (Article 9). So
sign-up asks each person to accept the hub's notice and terms, and to confirm they are at least the hub's
minimum age (never a date of birth); the version accepted and when are kept on the user row. A hub that has not
written its own notice shows the default text below, which names the hub.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.access import require_hub, require_hub_admin
from rooms.errors import Conflict, InvalidInput
from rooms.hooks import Actor
from rooms.models import Group, Hub, User
from rooms.views import iso

DEFAULT_MINIMUM_AGE = 18
NOTICE_MAX = 20000
MINIMUM_AGE_RANGE = (13, 120)
# Days safeguarding records and the moderation log are kept (rooms/retention.py): at least a year, at most ten.
RECORD_RETENTION_RANGE = (365, 3650)

DEFAULT_PRIVACY_NOTICE = """\
Who we are: {hub} runs this peer-support service on Alongside. {hub} is the data controller for what you share \
here. You can contact us through the hub's staff, or at the contact address on the hub's own website.

What we keep: your pseudonym, your password (only as a one-way hash), your email address if you choose to give \
one, the groups you join, the messages you write, the sessions you attend, reports you make, people you block \
and words you mute. Because members talk about their mental and physical health, what you write can be \
special-category (health) data under UK GDPR. We process it with your explicit consent (Article 9(2)(a)) so \
that you can take part, and, where someone may be at risk, to protect life and safeguard people \
(Article 9(2)(c) and the safeguarding conditions of the Data Protection Act 2018, Schedule 1).

Safeguarding: if a facilitator or a member is worried about someone's safety, a safeguarding record is made. \
It keeps copies of the messages that raised the worry and the notes of the people who helped. It is read only \
by trained safeguarding leads.

How long: messages are deleted {message_days} days after the session they were written in ended (each group \
may set its own period). Safeguarding records and the moderation log are kept for {safeguarding_days} days \
and {log_days} days. Your account stays until you delete it.

Your rights: you can download everything we hold about you (Account, "Download my data") and delete your \
account (Account, "Delete my account"). Deleting removes your messages and your name; a safeguarding record \
keeps its own copies until its retention ends, because it may be needed to protect someone. Some safeguarding \
notes are left out of your download where showing them would be likely to cause serious harm. You can also \
ask us to correct what is wrong, object, or complain to the Information Commissioner's Office (ico.org.uk, \
0303 123 1113).

We never sell your data, show advertising, or share what you write outside the service except to protect \
someone from serious harm or where the law requires it.
"""

DEFAULT_TERMS = """\
{hub} is peer support: people with lived experience listening to each other. It is not a medical, emergency \
or counselling service. If you are in danger now, call 999 or use the crisis lines shown on every page.

By joining you agree to: use a pseudonym, not your real name; keep what others share in the group; be kind \
and respectful; follow each group's agreement and the facilitators' guidance; not share anyone's personal \
details; and be at least {minimum_age} years old.

Facilitators may hide messages, mute or remove members to keep groups safe. If someone may be at risk of \
serious harm, trained safeguarding leads may act to protect them, as the privacy notice explains.
"""


@dataclass(frozen=True)
class Notices:
    """The notice and terms a person is shown and accepts, with the version their acceptance records."""

    hub_id: int | None
    hub_name: str
    privacy_notice: str
    terms: str
    version: int
    minimum_age: int
    customised: bool
    safeguarding_retention_days: int = 2555
    log_retention_days: int = 2555

    def view(self) -> dict[str, Any]:
        return {
            "hub_id": self.hub_id,
            "hub_name": self.hub_name,
            "privacy_notice": self.privacy_notice,
            "terms": self.terms,
            "version": self.version,
            "minimum_age": self.minimum_age,
            "customised": self.customised,
            "safeguarding_retention_days": self.safeguarding_retention_days,
            "log_retention_days": self.log_retention_days,
        }


async def _longest_message_retention(db: AsyncSession, hub_id: int) -> int:
    days = (await db.execute(select(Group.retention_days).where(Group.hub_id == hub_id))).scalars().all()
    return max(days, default=90)


async def notices_of(db: AsyncSession, hub: Hub | None) -> Notices:
    """The hub's own texts, or the defaults filled in with its name and retention settings."""
    if hub is None:
        name = "This service"
        return Notices(
            None,
            name,
            _fill(DEFAULT_PRIVACY_NOTICE, name, 90, 2555, 2555, DEFAULT_MINIMUM_AGE),
            _fill(DEFAULT_TERMS, name, 90, 2555, 2555, DEFAULT_MINIMUM_AGE),
            1,
            DEFAULT_MINIMUM_AGE,
            False,
        )
    message_days = await _longest_message_retention(db, hub.id)
    fill = (hub.name, message_days, hub.safeguarding_retention_days, hub.log_retention_days, hub.minimum_age)
    return Notices(
        hub.id,
        hub.name,
        hub.privacy_notice or _fill(DEFAULT_PRIVACY_NOTICE, *fill),
        hub.terms or _fill(DEFAULT_TERMS, *fill),
        hub.notice_version,
        hub.minimum_age,
        bool(hub.privacy_notice or hub.terms),
        hub.safeguarding_retention_days,
        hub.log_retention_days,
    )


def _fill(text: str, hub: str, message_days: int, safeguarding_days: int, log_days: int, minimum_age: int) -> str:
    return text.format(
        hub=hub,
        message_days=message_days,
        safeguarding_days=safeguarding_days,
        log_days=log_days,
        minimum_age=minimum_age,
    )


async def sign_up_hub(db: AsyncSession, hub_id: int | None) -> Hub | None:
    """The hub sign-up happens for: the one asked for, else the first hub (the default hub, or the only one)."""
    if hub_id is not None:
        return await require_hub(db, hub_id)
    return (await db.execute(select(Hub).order_by(Hub.id).limit(1))).scalar_one_or_none()


def check_acceptance(notices: Notices, accepted: bool, old_enough: bool, version_seen: int | None) -> None:
    """Refuse a sign-up that did not accept the notices, or did not confirm the minimum age."""
    if version_seen is not None and version_seen != notices.version:
        raise Conflict(
            "The privacy notice or terms changed while you were signing up. Please read them again.",
            code="notices_changed",
            detail={"version": notices.version},
        )
    if not accepted:
        raise InvalidInput("Please read and accept the privacy notice and terms to join.", code="notices_not_accepted")
    if not old_enough:
        raise InvalidInput(
            f"You need to be at least {notices.minimum_age} to join {notices.hub_name}.",
            code="below_minimum_age",
            detail={"minimum_age": notices.minimum_age},
        )


def record_acceptance(user: User, notices: Notices, now: dt.datetime) -> None:
    user.notice_hub_id = notices.hub_id
    user.notice_version_accepted = notices.version
    user.notices_accepted_at = now
    user.minimum_age_confirmed = notices.minimum_age


def acceptance_view(user: User) -> dict[str, Any]:
    return {
        "hub_id": user.notice_hub_id,
        "notice_version": user.notice_version_accepted,
        "accepted_at": iso(user.notices_accepted_at),
        "minimum_age_confirmed": user.minimum_age_confirmed,
    }


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or len(value) > NOTICE_MAX:
        raise InvalidInput(f"{field} must be text of at most {NOTICE_MAX} characters.")
    return value.strip()


async def do_update_notices(db: AsyncSession, actor: Actor, hub_id: int, body: dict[str, Any]) -> Notices:
    """A hub admin (or platform admin) replaces the notice and terms (empty: the default text) and may change
    the minimum age and how long safeguarding records and the moderation log are kept. Any change bumps the
    version, so the next sign-up records the new one."""
    async with db.begin():
        hub = await require_hub_admin(db, actor, hub_id)
        notice = _text(body.get("privacy_notice", hub.privacy_notice), "privacy_notice")
        terms = _text(body.get("terms", hub.terms), "terms")
        minimum_age = _whole(body.get("minimum_age", hub.minimum_age), "minimum_age", MINIMUM_AGE_RANGE)
        records = _whole(
            body.get("safeguarding_retention_days", hub.safeguarding_retention_days),
            "safeguarding_retention_days",
            RECORD_RETENTION_RANGE,
        )
        log = _whole(
            body.get("log_retention_days", hub.log_retention_days), "log_retention_days", RECORD_RETENTION_RANGE
        )
        before = (
            hub.privacy_notice,
            hub.terms,
            hub.minimum_age,
            hub.safeguarding_retention_days,
            hub.log_retention_days,
        )
        if (notice, terms, minimum_age, records, log) != before:
            # Retention is stated in the default notice, so a change to it is a new version too.
            hub.privacy_notice, hub.terms, hub.minimum_age = notice, terms, minimum_age
            hub.safeguarding_retention_days, hub.log_retention_days = records, log
            hub.notice_version += 1
            await db.flush()
        return await notices_of(db, hub)


def _whole(value: Any, field: str, bounds: tuple[int, int]) -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{field} must be a whole number from {low} to {high}.")
    return value
