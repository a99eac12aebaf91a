"""Deleting one's own account (the right to erasure, docs/privacy.md).

The user row stays, as "former member", so the rows that point at it (a report they made, a session they
opened, a sanction) still name someone, but nothing identifies the person: the pseudonym becomes the
placeholder, the email and password go, and their messages keep their place in the room with an empty body
(shown as "message removed"). Copies of messages held in a safeguarding record (concern_messages) are not
touched: that record keeps them under its own retention, because it may be needed to protect someone, and
the person is told so. Sign-in sessions are revoked by the transport after the commit, which also ends their
open connections and presence in rooms (so presence rows are left for it to find).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import validate
from rooms.errors import InvalidInput, NotFound
from rooms.models import (
    Block,
    Debrief,
    HubStaff,
    JoinRequest,
    Membership,
    Message,
    MutedWord,
    PrivateWord,
    RaisedHand,
    SideMessage,
    TrainingRecord,
    User,
)
from rooms.privacy_models import PasswordReset
from rooms.safeguarding_models import ConcernMessage

FORMER_MEMBER = "former member"
# No valid pseudonym folds to a key with "~" in it, so an erased row never collides with a live name.
ERASED_KEY_PREFIX = "~erased~"
# Not a hash any password verifies against (argon2 refuses it as an invalid hash).
NO_PASSWORD = "!erased"  # noqa: S105 (a marker that is no password hash)


def refuse_placeholder(pseudonym: str) -> None:
    """Nobody may sign up as the placeholder, so "former member" never speaks."""
    if validate.pseudonym_key(pseudonym) == validate.pseudonym_key(FORMER_MEMBER):
        raise InvalidInput(
            "That name is what Alongside shows for deleted accounts. Please choose another.",
            code="pseudonym_reserved",
        )


def message_removed(message: Message) -> bool:
    """A stored message with an empty body was removed by its author's erasure (sending refuses empty text)."""
    return message.body == ""


@dataclass(frozen=True)
class Erasure:
    messages_removed: int
    kept_in_safeguarding_records: int

    def view(self) -> dict[str, object]:
        kept = self.kept_in_safeguarding_records
        plain = (
            "Your account is deleted. Your messages now show as 'message removed' and your name as 'former member'. "
        )
        if kept:
            plain += (
                f"{kept} of your messages are kept in a safeguarding record, because someone was worried about "
                "a person's safety. That record is kept apart, read only by trained safeguarding leads, and "
                "deleted when its retention period ends."
            )
        else:
            plain += "None of your messages are held in a safeguarding record."
        return {
            "erased": True,
            "messages_removed": self.messages_removed,
            "kept_in_safeguarding_records": kept,
            "explanation": plain,
        }


async def erase_account(db: AsyncSession, user_id: int, now: dt.datetime) -> Erasure:
    """Erase one person (caller holds the transaction and revokes sessions after the commit)."""
    user = await db.get(User, user_id, with_for_update=True)
    if user is None or user.erased_at is not None:
        raise NotFound("There is no such account.")
    removed = await db.execute(
        update(Message)
        .where(Message.author_id == user_id, Message.body != "")
        .values(body="", content_note=None, client_id=None)
    )
    await db.execute(update(SideMessage).where(SideMessage.author_id == user_id).values(body="", client_id=None))
    kept = await db.scalar(select(func.count()).select_from(ConcernMessage).where(ConcernMessage.author_id == user_id))
    for table, column in (
        (Membership, Membership.user_id),
        (JoinRequest, JoinRequest.user_id),
        (Block, Block.user_id),
        (MutedWord, MutedWord.user_id),
        (RaisedHand, RaisedHand.user_id),
        (PrivateWord, PrivateWord.member_id),
        (HubStaff, HubStaff.user_id),
        (TrainingRecord, TrainingRecord.user_id),
        (PasswordReset, PasswordReset.user_id),
    ):
        await db.execute(delete(table).where(column == user_id))
    await db.execute(update(Debrief).where(Debrief.author_id == user_id).values(wellbeing="", follow_up=""))
    user.pseudonym = FORMER_MEMBER
    user.pseudonym_key = f"{ERASED_KEY_PREFIX}{user_id}"
    user.email = None
    user.password_hash = NO_PASSWORD
    user.is_platform_admin = False
    user.erased_at = now
    await db.flush()
    return Erasure(messages_removed=int(getattr(removed, "rowcount", 0) or 0), kept_in_safeguarding_records=kept or 0)
