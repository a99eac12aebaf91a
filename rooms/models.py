"""SQLAlchemy tables of the community. Times are stored as timezone-aware UTC."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Always hand back aware UTC datetimes, whichever database stored them (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Alongside stores UTC-aware times only")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(32))
    # validate.pseudonym_key: "River", "river" and "R\u0456ver" (Cyrillic i) read as one, so only one may exist.
    pseudonym_key: Mapped[str] = mapped_column(String(32), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Privacy (migration 0007): the hub whose notice and terms they accepted at sign-up, which version, when,
    # and the minimum age they confirmed (never a date of birth). erased_at: the account was deleted; the row
    # stays as "former member" so kept records still name someone.
    notice_hub_id: Mapped[int | None] = mapped_column(ForeignKey("hubs.id", ondelete="SET NULL"))
    notice_version_accepted: Mapped[int | None] = mapped_column(Integer)
    notices_accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    minimum_age_confirmed: Mapped[int | None] = mapped_column(Integer)
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The interface language they picked (rooms/languages.py, migration 0009); None follows the browser.
    language: Mapped[str | None] = mapped_column(String(16))


class Hub(Base):
    __tablename__ = "hubs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    locality: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    about: Mapped[str] = mapped_column(Text, default="", server_default="")
    # An IANA zone name: schedules are kept in local time here, so 19:00 stays 19:00 across clock changes.
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London", server_default="Europe/London")
    country: Mapped[str] = mapped_column(String(2), default="GB", server_default="GB")  # ISO 3166-1 alpha-2
    # How long a session waits, paused, for a facilitator to come back before it ends.
    pause_grace_minutes: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # Unstaffed hours: a message reported by this many different members is hidden pending review.
    report_threshold: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    # Privacy (migration 0007): the notice and terms members accept at sign-up (notice_version goes up with
    # each change), the minimum age, and how long safeguarding records and the moderation log are kept.
    privacy_notice: Mapped[str] = mapped_column(Text, default="", server_default="")
    terms: Mapped[str] = mapped_column(Text, default="", server_default="")
    notice_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    minimum_age: Mapped[int] = mapped_column(Integer, default=18, server_default="18")
    safeguarding_retention_days: Mapped[int] = mapped_column(Integer, default=2555, server_default="2555")
    log_retention_days: Mapped[int] = mapped_column(Integer, default=2555, server_default="2555")


class CrisisLine(Base):
    """Where to get help now: shown on every page, and to a member whose message shows distress."""

    __tablename__ = "crisis_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(40), default="")  # to call, as dialled, e.g. "116 123"
    sms: Mapped[str] = mapped_column(String(120), default="")  # how to text, e.g. "Text SHOUT to 85258"
    web: Mapped[str] = mapped_column(String(300), default="")  # an https:// address
    hours: Mapped[str] = mapped_column(String(120), default="")  # e.g. "24 hours, every day"


class HubStaff(Base):
    """A person's staff role in one hub: facilitator, senior_peer (supervises facilitators),
    safeguarding_lead or hub_admin. One row per role held."""

    __tablename__ = "hub_staff"
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class TrainingRecord(Base):
    """A course a person completed, on record with one hub. Facilitating needs one that has not expired."""

    __tablename__ = "training_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course: Mapped[str] = mapped_column(String(120))
    completed_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date)  # the last day it counts
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_training_records_hub_user", "hub_id", "user_id"),)


class Group(Base):
    __tablename__ = "groups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    agreement: Mapped[str] = mapped_column(Text)
    agreement_version: Mapped[int] = mapped_column(Integer, default=1)
    # Highest message id handed out in this room; bumped under a row lock so ids are unique and increasing.
    last_message_id: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Archived: read-only and out of the directory; its record stays.
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    visibility: Mapped[str] = mapped_column(String(10), default="listed", server_default="listed")  # | unlisted
    joining: Mapped[str] = mapped_column(String(12), default="open", server_default="open")  # | request | invitation
    capacity: Mapped[int | None] = mapped_column(Integer)  # most members at once; None: no limit
    link_policy: Mapped[str] = mapped_column(String(8), default="allow", server_default="allow")  # | block | hold
    # Messages are deleted this many days after their session ended (migration 0007).
    retention_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    # "group", or "facilitators_space": the standing room where trained facilitators of every hub meet.
    kind: Mapped[str] = mapped_column(String(20), default="group", server_default="group")
    hub: Mapped[Hub] = relationship(lazy="joined")


class GroupTag(Base):
    """A focus tag: the shared lived experience or community a group is for (e.g. "carers")."""

    __tablename__ = "group_tags"
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class AgreementVersion(Base):
    """Every version of a group's agreement, kept so the history can be read and a member's accepted
    version shown."""

    __tablename__ = "agreement_versions"
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class JoinRequest(Base):
    """Asking to join a group whose joining is "by request"; a hub admin approves or declines."""

    __tablename__ = "join_requests"
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))  # pending | approved | declined
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Invitation(Base):
    """An invitation link to a group. Only a digest of its token is stored; revocable, optional expiry."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    uses: Mapped[int] = mapped_column(Integer, default=0)


class Schedule(Base):
    """When a group meets, in its hub's local time: weekly (on `weekday` from `starts_on`, until `ends_on`
    if set) or once (on `starts_on`)."""

    __tablename__ = "schedules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # weekly | once
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 = Monday, for weekly
    local_time: Mapped[dt.time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ScheduleException(Base):
    """One occurrence of a schedule cancelled, or moved to another time."""

    __tablename__ = "schedule_exceptions"
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"), primary_key=True)
    occurrence_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # its original local date
    action: Mapped[str] = mapped_column(String(8))  # cancel | move
    moved_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Membership(Base):
    __tablename__ = "memberships"
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    agreement_version: Mapped[int] = mapped_column(Integer)
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class GroupSession(Base):
    """A facilitated session of a group: scheduled → live ⇄ paused → ended. It pauses when its last
    facilitator's connections are gone, and ends if none returns within the hub's grace period."""

    __tablename__ = "group_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12))
    scheduled_for: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # "One voice at a time": only the person given the turn, and facilitators, may post.
    one_voice: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    turn_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Room controls: seconds between one member's messages (0: off), facilitators only, a pinned message.
    slow_mode_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    pinned_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # Why it ended, when not by a facilitator's hand: "no_facilitator" (the grace period ran out).
    end_reason: Mapped[str | None] = mapped_column(String(20))
    __table_args__ = (Index("ix_group_sessions_group_status", "group_id", "status"),)


class Message(Base):
    __tablename__ = "messages"
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # per-room increasing id, what clients see
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    author_role: Mapped[str] = mapped_column(String(12))  # role at the time of writing
    client_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The author's own content note: others see the message collapsed until they choose to read it.
    content_note: Mapped[str | None] = mapped_column(String(120))
    # Hidden by a facilitator (members see "hidden by a facilitator"; staff still see the text), or held for
    # review by a policy (shown to nobody but its author and staff until released).
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str | None] = mapped_column(String(200))
    held_reason: Mapped[str | None] = mapped_column(String(200))
    __table_args__ = (
        UniqueConstraint("group_id", "author_id", "client_id", name="uq_messages_group_author_client"),
        Index("ix_messages_session_id", "session_id", "id"),
    )


class Presence(Base):
    """Who is in which room on which connection. Kept in the database so every process sees it."""

    __tablename__ = "presence"
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(12))
    # Which signed-in browser opened the connection, so signing out can close exactly its connections.
    web_session: Mapped[str] = mapped_column(String(64), index=True)
    server_id: Mapped[str] = mapped_column(String(128), index=True)
    last_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Taking a break: shown as "stepping out" in who is here, back without rejoining.
    away: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    __table_args__ = (Index("ix_presence_group_id", "group_id", "last_seen"),)


class Attendance(Base):
    """Who came to a session, never what they said: counts for the hub admin, and newcomers for facilitators."""

    __tablename__ = "attendance"
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(12))
    first_joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    first_session: Mapped[bool] = mapped_column(Boolean)  # their first session in this group


class RaisedHand(Base):
    """A member waiting for a turn to speak; facilitators see the queue oldest first."""

    __tablename__ = "raised_hands"
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    raised_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SideMessage(Base):
    """Words beside the room, never sent to it: the facilitators' backchannel (with the hub's safeguarding
    leads), and private words between one member and the session's facilitators. Kept with the session."""

    __tablename__ = "side_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(12))  # backchannel | private
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))  # private: whose
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    author_role: Mapped[str] = mapped_column(String(20))
    client_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("session_id", "author_id", "client_id", name="uq_side_messages_author_client"),)


class PrivateWord(Base):
    """A member asked for a private word; a facilitator opens the 1:1 thread beside the room."""

    __tablename__ = "private_words"
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Debrief(Base):
    """A facilitator's reflection after a session, for supervision: how it went, what to follow up, how they
    are. Read by the hub's senior peers and admins, who mark it discussed."""

    __tablename__ = "debriefs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    how_it_went: Mapped[str] = mapped_column(Text)
    follow_up: Mapped[str] = mapped_column(Text, default="")
    wellbeing: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    discussed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    discussed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    __table_args__ = (UniqueConstraint("session_id", "author_id", name="uq_debriefs_session_author"),)


class Sanction(Base):
    """A facilitator's timed or permanent action on a member in one group: mute (may read, not post), removal
    from the current session, or ban from the group. Lifted early by a facilitator, or by expiry."""

    __tablename__ = "sanctions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # mute | removal | ban
    session_id: Mapped[int | None] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # None: until lifted
    lifted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    __table_args__ = (Index("ix_sanctions_group_user", "group_id", "user_id"),)


class ModerationLogEntry(Base):
    """Append-only: who did what, to whom, why, when, in which session. The application only inserts; on
    PostgreSQL a trigger refuses UPDATE and DELETE too."""

    __tablename__ = "moderation_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("group_sessions.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # None: a policy
    action: Mapped[str] = mapped_column(String(40))
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    target_message_id: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")  # JSON: e.g. duration, the policy entry that fired
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WordListEntry(Base):
    """A hub's word or phrase with its graded action: hold for review, refuse with a reason, or flag."""

    __tablename__ = "word_list"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    phrase: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(8))  # hold | refuse | flag
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Report(Base):
    """A member's report of a message or a member: to the session's facilitators at once, and the hub's
    queue. The reported member never learns who reported; the reporter is told when it is dealt with."""

    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("group_sessions.id", ondelete="SET NULL"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    category: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | resolved
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(500), default="")
    __table_args__ = (UniqueConstraint("group_id", "message_id", "reporter_id", name="uq_reports_message_reporter"),)


class Block(Base):
    """A member blocked by another: their messages show as "blocked member" to the blocker."""

    __tablename__ = "blocks"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    blocked_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MutedWord(Base):
    """A word a person chose not to see (their own view only)."""

    __tablename__ = "muted_words"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    word: Mapped[str] = mapped_column(String(100), primary_key=True)


# Tables kept in modules of their own, on this metadata (imported last: they need Base): account recovery and
# the housekeeping lease (migration 0007), and safeguarding's (0006).
from rooms import privacy_models as privacy_models  # noqa: E402
from rooms import safeguarding_models as safeguarding_models  # noqa: E402
