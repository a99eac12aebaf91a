"""Tables the transport owns: browser sessions, sign-in throttling and two-factor sign-in (not part of the
community domain)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rooms.models import Base, UTCDateTime


class WebSession(Base):
    """A signed-in browser. Only a keyed hash of the cookie token is stored."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # updated at most once a minute
    device: Mapped[str] = mapped_column(String(80), server_default="")  # "Firefox on Android", for the list


class LoginThrottle(Base):
    """Failed sign-ins per pseudonym and per address, shared by every process."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class TwoFactor(Base):
    """A person's TOTP authenticator: `pending_secret` while enrolling, `secret` once confirmed.
    `last_step` is the time step of the last code accepted, so a code cannot be used twice."""

    __tablename__ = "two_factor"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str | None] = mapped_column(String(64))
    pending_secret: Mapped[str | None] = mapped_column(String(64))
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    enabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
