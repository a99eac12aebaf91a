"""The send path's per-process cache of each sender's facts (rooms/send_facts.SendFactsCache)."""

from __future__ import annotations

import dataclasses

from rooms.hookspecs import RoomFacts
from rooms.send_facts import SendFacts, SendFactsCache


def facts(**changes: object) -> SendFacts:
    """Fresh objects on every call, as every write's read of the facts makes them."""
    room = RoomFacts(hub_id=1, hub_name="Hub", country="GB", link_policy="allow", word_list_version="v1")
    plain = SendFacts(
        group_version=1,
        membership_version=1,
        is_facilitator=False,
        live_session_id=7,
        session_paused=False,
        one_voice=False,
        turn_user_id=None,
        locked=False,
        slow_mode_seconds=0,
        sanctions_in_force=0,
        room=room,
        group_name="Evening group",
    )
    return dataclasses.replace(plain, **changes)  # type: ignore[arg-type]


def test_unchanged_facts_keep_the_entry_already_held() -> None:
    """Each message's write reads the facts afresh: storing every copy would let each live until the sender's
    next message and die old in the collector; the held one stays, and the fresh copy dies young."""
    cache = SendFactsCache()
    held = facts()
    cache.put(3, 1, held)
    cache.put(3, 1, facts())
    assert cache.get(3, 1) is held


def test_changed_facts_replace_the_entry() -> None:
    cache = SendFactsCache()
    cache.put(3, 1, facts())
    muted = facts(sanctions_in_force=1)
    cache.put(3, 1, muted)
    assert cache.get(3, 1) is muted
    moved = facts(room=RoomFacts(hub_id=1, hub_name="Hub", country="GB", link_policy="hold"))
    cache.put(3, 1, moved)
    assert cache.get(3, 1) is moved


def test_the_least_recently_used_sender_goes_first() -> None:
    cache = SendFactsCache(size=2)
    cache.put(1, 1, facts())
    cache.put(2, 1, facts())
    cache.put(1, 1, facts())  # unchanged: still counts as used now
    cache.put(3, 1, facts())
    assert cache.get(2, 1) is None
    assert cache.get(1, 1) is not None and cache.get(3, 1) is not None
