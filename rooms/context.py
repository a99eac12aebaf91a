"""The collaborators every use case needs, handed in by whoever wires the application."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rooms.clock import Clock, utc_now
from rooms.events import Publisher
from rooms.hooks import Hooks, MessageChecks, TextCleaner, keep_text
from rooms.presence_writes import PresenceWrites
from rooms.send_batch import SendBatcher
from rooms.send_facts import SendFactsCache


@dataclass
class RoomsContext:
    publisher: Publisher
    server_id: str
    clock: Clock = utc_now
    hooks: Hooks = field(default_factory=Hooks)
    clean_text: TextCleaner = keep_text
    history_page: int = 50
    # A connection not refreshed by its process's heartbeat for this long is gone (its process died).
    presence_timeout: dt.timedelta = dt.timedelta(seconds=90)
    # What each sender's last message was checked against (rooms/send_facts.py): this process's own.
    send_facts: SendFactsCache = field(default_factory=SendFactsCache)
    # Presence rows of joins and leaves at the same moment go in one transaction (rooms/presence_writes.py).
    presence_writes: PresenceWrites = field(default_factory=PresenceWrites)
    # Sends ready to be stored at the same moment go in one transaction (rooms/send_batch.py): this process's own.
    send_batch: SendBatcher = field(default_factory=SendBatcher)

    @property
    def message_checks(self) -> MessageChecks:
        """The message_check hook (rooms/hookspecs.py)."""
        return self.hooks.message_check
