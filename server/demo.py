"""Seed a demo hub, groups, a facilitator and members, so a fresh install has something to try."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from rooms import community, facilitators_space, hub_store, store
from rooms.models import AgreementVersion, Group, GroupTag, Hub, HubStaff, Membership, Schedule, TrainingRecord
from server.crisis_defaults import load_crisis_defaults
from server.db import create_sessionmaker
from server.passwords import Passwords


@dataclass(frozen=True)
class DemoLogin:
    pseudonym: str
    password: str
    what: str


DEMO_LOGINS = (
    DemoLogin("hub-admin", "demo-admin-pass", "hub admin of Riverside Peer Support Hub"),
    DemoLogin("Sam", "demo-facilitator-pass", "trained peer facilitator"),
    DemoLogin("River", "demo-member-pass", "member of both groups"),
    DemoLogin("Willow", "demo-member-pass", "member of the Thursday group"),
    DemoLogin("Ash", "demo-lead-pass", "safeguarding lead of Riverside Peer Support Hub (the safeguarding console)"),
)

AGREEMENT = """We meet as equals. Everyone here has their own lived experience.
1. What is shared here stays here.
2. Speak from your own experience; listen without judging or fixing.
3. Use your pseudonym, and don't ask for anyone's real name or contact details.
4. It's fine to just listen, and fine to step away.
5. If you're in danger now, call your local crisis line; a facilitator will also reach out."""

ABOUT = """Riverside is a peer support hub: people with lived experience of mental-health difficulties, meeting
online in small facilitated groups. Our facilitators are peers too, trained and supervised.
We are not a crisis service. If you are in danger now, call 999, or one of the lines below."""

GROUPS = (
    ("Thursday evening circle", "An open peer group for anyone living with anxiety or low mood. Come as you are."),
    ("Carers' corner", "Peer support for people caring for someone with a mental-health condition."),
)
# When each group meets (weekday 0 = Monday, local time in the hub's zone, minutes) and its focus tags.
MEETINGS = ((3, dt.time(19, 0), 90), (1, dt.time(12, 30), 60))
TAGS = (("anxiety", "low mood"), ("carers",))


async def seed_demo(engine: AsyncEngine, passwords: Passwords) -> tuple[DemoLogin, ...]:
    """Create the demo data once; running it again changes nothing."""
    sessions = create_sessionmaker(engine)
    now = dt.datetime.now(dt.UTC)
    async with sessions() as db, db.begin():
        if await store.get_user_by_pseudonym(db, DEMO_LOGINS[0].pseudonym) is not None:
            return DEMO_LOGINS
        users = {}
        for login in DEMO_LOGINS:
            users[login.pseudonym] = await community.create_user(
                db,
                pseudonym=login.pseudonym,
                email=None,
                password_hash=await passwords.hash(login.password),
                now=now,
            )
        hub = Hub(
            slug="riverside",
            name="Riverside Peer Support Hub",
            locality="Riverside",
            about=ABOUT,
            time_zone="Europe/London",
            country="GB",
            created_at=now,
        )
        db.add(hub)
        await db.flush()
        await hub_store.replace_crisis_lines(db, hub.id, load_crisis_defaults()["GB"].for_hub())
        db.add(HubStaff(hub_id=hub.id, user_id=users["hub-admin"].id, role="hub_admin", added_at=now))
        db.add(HubStaff(hub_id=hub.id, user_id=users["Sam"].id, role="facilitator", added_at=now))
        # Someone to answer a concern: the hub's safeguarding lead, who watches the safeguarding console.
        db.add(HubStaff(hub_id=hub.id, user_id=users["Ash"].id, role="safeguarding_lead", added_at=now))
        db.add(
            TrainingRecord(
                hub_id=hub.id,
                user_id=users["Sam"].id,
                course="Peer facilitator training",
                completed_on=now.date() - dt.timedelta(days=70),
                expires_on=now.date() + dt.timedelta(days=2 * 365),
                recorded_at=now,
            )
        )
        groups = []
        for name, description in GROUPS:
            group = Group(
                hub_id=hub.id,
                name=name,
                description=description,
                agreement=AGREEMENT,
                agreement_version=1,
                last_message_id=0,
                created_at=now,
            )
            db.add(group)
            groups.append(group)
        await db.flush()
        for group, (weekday, local_time, minutes), tags in zip(groups, MEETINGS, TAGS, strict=True):
            db.add(AgreementVersion(group_id=group.id, version=1, text=AGREEMENT, created_at=now))
            db.add(
                Schedule(
                    group_id=group.id,
                    kind="weekly",
                    weekday=weekday,
                    local_time=local_time,
                    duration_minutes=minutes,
                    starts_on=now.date(),
                    created_at=now,
                )
            )
            db.add_all(GroupTag(group_id=group.id, tag=tag) for tag in tags)
        memberships = [("River", groups[0]), ("River", groups[1]), ("Willow", groups[0])]
        for pseudonym, group in memberships:
            db.add(
                Membership(
                    group_id=group.id, user_id=users[pseudonym].id, agreement_version=1, joined_at=now, accepted_at=now
                )
            )
        # The facilitators' space, where trained facilitators of every hub meet (Sam can enter it).
        await facilitators_space.seed_space(db, now, hub.id)
    return DEMO_LOGINS
