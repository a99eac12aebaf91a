"""Tables of migration 0007: one-time password reset links, and the lease that lets one process at a time run
a housekeeping job (retention) across every process."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rooms.models import Base, UTCDateTime


class PasswordReset(Base):
    """A one-time reset link: issued by a hub admin for a member of their hub (`issued_by`, `hub_id`), or sent
    by email at the person's own request (`issued_by` None). Only a hash of the token is kept."""

    __tablename__ = "password_resets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hubs.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class JobLease(Base):
    """Who runs a housekeeping job now: a process takes the row while `lease_until` has passed (one UPDATE),
    runs, and lets it go; the others skip that round."""

    __tablename__ = "job_leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128), default="")
    lease_until: Mapped[dt.datetime] = mapped_column(UTCDateTime)
