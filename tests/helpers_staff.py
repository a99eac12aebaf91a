"""Shared helpers for tests that need staff: make someone a facilitator of the demo hub, in the database."""

from __future__ import annotations

import datetime as dt

from rooms import store
from rooms.models import HubStaff, TrainingRecord
from tests.conftest import RunningServer


async def make_trained_facilitator(
    server: RunningServer, pseudonym: str, hub_id: int = 1, expires_on: dt.date | None = None
) -> None:
    """Give `pseudonym` the facilitator role in the hub with training that counts until `expires_on`."""
    now = server.state.rooms.clock()
    async with server.state.sessions() as db, db.begin():
        user = await store.get_user_by_pseudonym(db, pseudonym)
        assert user is not None
        db.add(HubStaff(hub_id=hub_id, user_id=user.id, role="facilitator", added_at=now))
        db.add(
            TrainingRecord(
                hub_id=hub_id,
                user_id=user.id,
                course="Peer facilitator training",
                completed_on=now.date() - dt.timedelta(days=30),
                expires_on=expires_on or now.date() + dt.timedelta(days=365),
                recorded_at=now,
            )
        )
