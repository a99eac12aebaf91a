"""The viewer's own mute in a group, for room:join's ack: a member who reloads while muted still sees why, and
the countdown to when they may post again (the live `mod:muted` event only reaches connections open then).

The mutes come from room:join's entry check (rooms/moderation_actions.entry_sanctions_in), which reads every sanction
of the member in force anyway: the ack costs no statement of its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rooms.views import iso


def mute_view(mutes: list[tuple[dt.datetime | None, str]]) -> dict[str, Any] | None:
    """`{"until": ISO time | None (until lifted), "reason": str}` for the mutes in force (expires_at, reason;
    oldest first), or None."""
    if not mutes:
        return None
    ends = [end for end, _ in mutes]
    until = None if any(end is None for end in ends) else max(end for end in ends if end is not None)
    return {"until": iso(until), "reason": mutes[-1][1]}
