"""Wire shapes (plain dicts) of domain rows: one place decides what a peer may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rooms.models import Group, GroupSession, Hub, Membership, Message


def iso(value: dt.datetime | None) -> str | None:
    """UTC ISO 8601 with a trailing Z; the browser shows it in the viewer's zone."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def author_view(user_id: int, display_name: str, role: str) -> dict[str, Any]:
    return {"id": user_id, "display_name": display_name, "role": role}


def message_view(message: Message, display_name: str, for_staff: bool = False) -> dict[str, Any]:
    """A message as a viewer sees it. Hidden by a facilitator: staff (`for_staff`) still read its text and the
    reason; members get an empty body and `hidden: true`, never the text, its note or the reason."""
    hidden = message.hidden_at is not None
    view = {
        "id": message.id,
        "group_id": message.group_id,
        "session_id": message.session_id,
        "author": author_view(message.author_id, display_name, message.author_role),
        "body": message.body,
        "client_id": message.client_id,
        "created_at": iso(message.created_at),
        "content_note": message.content_note,  # the author's own warning; plain text, null when none
        "hidden": hidden,
    }
    if for_staff:
        view["hidden_reason"] = message.hidden_reason if hidden else None
    elif hidden:
        view["body"], view["content_note"] = "", None
    if message.body == "":  # its author deleted their account (rooms/erasure.py): shown as "message removed"
        view["removed"], view["content_note"] = True, None
    if message.held_reason is not None:  # held for review (as the store reads it): only its author and staff
        view["held"], view["held_reason"] = True, message.held_reason
        if hidden:  # declined by a facilitator (rooms/held_messages.py): its author still reads their own words
            view["declined"], view["declined_reason"] = True, message.hidden_reason
            view["body"], view["content_note"] = message.body, message.content_note
    return view


def session_view(session: GroupSession, opener: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": session.id,
        "group_id": session.group_id,
        "status": session.status,
        "scheduled_for": iso(session.scheduled_for),
        "opened_at": iso(session.opened_at),
        "ended_at": iso(session.ended_at),
        "opened_by": opener,
        "paused_at": iso(session.paused_at),
        "end_reason": session.end_reason,
        "ends_if_unfacilitated_at": None,
        "one_voice": session.one_voice,
        "turn_user_id": session.turn_user_id,
        "slow_mode_seconds": session.slow_mode_seconds or 0,
        "locked": bool(session.locked),
        "pinned_message_id": session.pinned_message_id,
    }


def hub_view(hub: Hub) -> dict[str, Any]:
    """What any signed-in person sees of a hub (its admins see more: rooms/hubs.hub_settings_view)."""
    return {"id": hub.id, "slug": hub.slug, "name": hub.name, "locality": hub.locality, "time_zone": hub.time_zone}


def membership_view(membership: Membership | None, group: Group) -> dict[str, Any] | None:
    if membership is None:
        return None
    return {
        "agreement_version": membership.agreement_version,
        "joined_at": iso(membership.joined_at),
        "current": membership.agreement_version == group.agreement_version,
    }
