"""Seed the load bench's people fast: real accounts, real memberships, real sign-in sessions.

Shortcuts, and why they measure the same thing:
- One argon2 hash is computed once and stored for every account (`Passwords.hash` is deliberately slow: at the
  server's production cost, 6,000 hashes would take minutes). Nobody signs in with a password during the load.
- Sign-in sessions are minted through the domain (`server.auth.SessionTokens.issue`, what POST /api/auth/login
  calls after checking the password), with the same secret key the servers run with, so each cookie is an
  ordinary session the server checks on connect exactly as after a login. Logging 5,000 people in over HTTP
  would time the login path (throttle, argon2, a write each) rather than the chat; `bench/load.py` still signs
  one person in over HTTP per run to prove the path works.
- Accounts go through `rooms.community.create_user` (the sign-up use case's own insert); memberships,
  groups, facilitators' hub role and training record are plain rows, as `server.demo.seed_demo` writes them.

Layout: the demo hub (id 1, `seed_demo`) gets `rooms` load groups of `room_size` members each, every group with
its own trained facilitator (`load-f<g>`); and, for the idle scenario, `idle` more members spread over further
groups of `room_size`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rooms import community
from rooms.models import AgreementVersion, Group, HubStaff, Membership, TrainingRecord
from server.auth import SessionTokens
from server.db import create_engine, create_sessionmaker, migrate
from server.demo import AGREEMENT, seed_demo
from server.passwords import Passwords

HUB_ID = 1
PASSWORD = "load-bench-password"


@dataclass
class Seeded:
    """Cookies (session tokens) by role; group ids in the order rooms were made."""

    groups: list[int] = field(default_factory=list)
    members: list[list[str]] = field(default_factory=list)  # per load group: its members' cookies
    facilitators: list[str] = field(default_factory=list)  # per load group: its facilitator's cookie
    idle: list[tuple[str, int]] = field(default_factory=list)  # (cookie, group id)
    login_pseudonym: str = ""


async def seed(
    database_url: str, schema: str, secret_key: str, *, rooms: int, room_size: int, idle: int, prefix: str = "load"
) -> Seeded:
    engine = create_engine(database_url, schema)
    try:
        await migrate(engine)
        passwords = Passwords(1, 8)  # the servers run with ALONGSIDE_PASSWORD_TIME_COST=1 / MEMORY_KIB=8 too
        await seed_demo(engine, passwords)
        one_hash = await passwords.hash(PASSWORD)
        tokens = SessionTokens(secret_key, dt.timedelta(days=2))
        now = dt.datetime.now(dt.UTC)
        out = Seeded(login_pseudonym=f"{prefix}-m0")
        idle_groups = -(-idle // room_size) if idle else 0
        async with create_sessionmaker(engine)() as db, db.begin():
            groups = []
            for n in range(rooms + idle_groups):
                group = Group(
                    hub_id=HUB_ID,
                    name=f"{prefix} group {n}",
                    description="A load-bench group.",
                    agreement=AGREEMENT,
                    agreement_version=1,
                    last_message_id=0,
                    created_at=now,
                )
                db.add(group)
                groups.append(group)
            await db.flush()
            for group in groups:
                db.add(AgreementVersion(group_id=group.id, version=1, text=AGREEMENT, created_at=now))
            out.groups = [g.id for g in groups[:rooms]]

            async def person(pseudonym: str, group_id: int) -> str:
                user = await community.create_user(db, pseudonym=pseudonym, email=None, password_hash=one_hash, now=now)
                db.add(
                    Membership(group_id=group_id, user_id=user.id, agreement_version=1, joined_at=now, accepted_at=now)
                )
                return await tokens.issue(db, user.id, now, "load bench")

            for r, group in enumerate(groups[:rooms]):
                out.members.append([await person(f"{prefix}-m{r * room_size + k}", group.id) for k in range(room_size)])
                facilitator = await community.create_user(
                    db, pseudonym=f"{prefix}-f{r}", email=None, password_hash=one_hash, now=now
                )
                db.add(HubStaff(hub_id=HUB_ID, user_id=facilitator.id, role="facilitator", added_at=now))
                db.add(
                    TrainingRecord(
                        hub_id=HUB_ID,
                        user_id=facilitator.id,
                        course="Peer facilitator training",
                        completed_on=now.date() - dt.timedelta(days=30),
                        expires_on=now.date() + dt.timedelta(days=365),
                        recorded_at=now,
                    )
                )
                out.facilitators.append(await tokens.issue(db, facilitator.id, now, "load bench"))
            for n in range(idle):
                group = groups[rooms + n // room_size]
                out.idle.append((await person(f"{prefix}-i{n}", group.id), group.id))
        return out
    finally:
        await engine.dispose()
