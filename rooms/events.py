"""Domain events and the publisher they go to once the change they describe is committed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

ROOM_PREFIX = "group:"
STAFF_PREFIX = "staff:"


def room_name(group_id: int) -> str:
    """The broadcast room of a group's live chat."""
    return f"{ROOM_PREFIX}{group_id}"


def staff_room_name(group_id: int) -> str:
    """Beside the room: the session's facilitators (and the hub's safeguarding leads). Never a member."""
    return f"{STAFF_PREFIX}{group_id}"


@dataclass(frozen=True)
class RoomEvent:
    """An event for a group's room. `audience` "room": everyone in it. "staff": only the connections in the
    staff room beside it (facilitators), plus `to_connections` (e.g. one member's own connections, for their
    private word): never any other member. "direct": only `to_connections` (one person's own connections,
    in whichever rooms, or named transport rooms such as a hub's safeguarding console; publish nothing when
    there are none)."""

    group_id: int
    name: str
    payload: dict[str, Any]
    skip_sid: str | None = field(default=None)
    audience: str = "room"
    to_connections: tuple[str, ...] = ()

    def targets(self) -> list[str]:
        """The transport rooms (a connection id is a room of its own) that hear it."""
        if self.audience == "direct":
            return list(self.to_connections)
        if self.audience == "staff":
            return [staff_room_name(self.group_id), *self.to_connections]
        return [room_name(self.group_id)]


class Publisher(Protocol):
    """Delivers events to everyone in a room, on every server process (in-process or via Redis)."""

    async def publish(self, event: RoomEvent) -> None: ...

    async def evict(self, sid: str, group_id: int) -> None:
        """Stop this connection (on whichever process holds it) hearing the group's room."""
        ...

    async def recheck_room(self, group_id: int) -> None:
        """Rights in this room changed: every process re-checks the connections actually subscribed to it
        (not only those the database lists), and takes out any that may no longer hear it."""
        ...

    async def sign_out(self, web_sessions: list[str]) -> None:
        """These browser sessions ended (after the commit that revoked them): every process tells each of their
        connections `auth:signed_out`, then closes it. The process holding a connection sends both, so the
        notice cannot arrive after the close."""
        ...
