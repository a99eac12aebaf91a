"""A group's settings as the group view shows them: read in a fixed number of queries for any number of
groups, so the directory stays cheap however many groups there are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rooms import group_store
from rooms.models import Group


@dataclass(frozen=True)
class GroupFacts:
    """What the group row does not hold: its member count, its tags, and the asker's own join request."""

    member_count: int = 0
    tags: list[str] = field(default_factory=list)
    join_request: str | None = None  # the asker's request status: pending | approved | declined


async def facts_for(db: AsyncSession, group_ids: Iterable[int], user_id: int) -> dict[int, GroupFacts]:
    ids = sorted(set(group_ids))
    counts = await group_store.member_counts(db, ids)
    tags = await group_store.tags_of(db, ids)
    requests = await group_store.join_request_statuses(db, user_id, ids)
    return {
        group_id: GroupFacts(member_count=counts[group_id], tags=tags[group_id], join_request=requests.get(group_id))
        for group_id in ids
    }


def settings_view(group: Group, facts: GroupFacts) -> dict[str, Any]:
    """The group view's settings fields (merged into rooms.community.render_group's answer)."""
    return {
        "visibility": group.visibility,
        "joining": group.joining,
        "capacity": group.capacity,
        "member_count": facts.member_count,
        "tags": list(facts.tags),
        "archived": group.archived_at is not None,
        "retention_days": group.retention_days,
        "join_request": {"status": facts.join_request} if facts.join_request else None,
    }
