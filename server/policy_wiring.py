"""Wires the hooks at start-up: Alongside's default policies (moderation/defaults.py), then the plugins
installed under the `alongside.plugins` entry point group (rooms/plugins.py)."""

from __future__ import annotations

from collections.abc import Sequence

from limits.aio.storage import Storage
from limits.storage import storage_from_string
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from moderation.defaults import register_defaults
from moderation.word_list import WordRule
from moderation.word_list_admin import rules_for_hub
from rooms.hooks import Hooks
from rooms.hookspecs import RoomFacts
from rooms.plugins import load_plugins
from rooms.send_facts import word_list_version
from server.local_rate_storage import LocalRateStorage
from server.settings import Settings

EMPTY_LIST = "0||"  # RoomFacts.word_list_version of a hub with no entries (rooms/send_facts.version_label)


def rate_storage(redis_url: str) -> Storage:
    """Redis (shared by every process) when configured; otherwise this process's memory."""
    if not redis_url:
        return LocalRateStorage()
    scheme, rest = redis_url.split("://", 1)
    uri = {"redis": "async+redis", "rediss": "async+rediss", "unix": "async+redis+unix"}[scheme] + "://" + rest
    # Bounded waits: a stalled Redis (SIGSTOP, a full network buffer) must not hold a message; the limit then
    # lets it through (moderation/rate_limits.py) rather than silence the room.
    storage = storage_from_string(uri, implementation="redispy", socket_timeout=0.5, socket_connect_timeout=0.5)
    assert isinstance(storage, Storage)  # an async+ scheme gives the asyncio storage
    return storage


class WordLists:
    """Each hub's word list, read once and kept while its version (read with the sender's rights, in the same
    query: rooms/send_facts.py) is unchanged. Without this, every message cost one more database read."""

    def __init__(self, readers: async_sessionmaker[AsyncSession]) -> None:
        self._readers = readers
        self._cached: dict[int, tuple[str, Sequence[WordRule]]] = {}

    async def __call__(self, room: RoomFacts) -> Sequence[WordRule]:
        if room.word_list_version == EMPTY_LIST:
            return ()
        cached = self._cached.get(room.hub_id)
        if cached is not None and room.word_list_version and cached[0] == room.word_list_version:
            return cached[1]
        async with self._readers() as db, db.begin():  # one snapshot: the list and the version it is
            rules = await rules_for_hub(db, room.hub_id)
            version = await word_list_version(db, room.hub_id)
        self._cached[room.hub_id] = (version, rules)
        return rules


def install_hooks(
    hooks: Hooks, settings: Settings, readers: async_sessionmaker[AsyncSession], limits_storage: Storage
) -> list[str]:
    """Register the defaults and load the plugins; return the plugins' names. A plugin that fails to load
    raises rooms.plugins.PluginLoadError, which stops the start. `limits_storage`: rate_storage()'s, shared
    with the process's other per-person limits."""
    register_defaults(
        hooks,
        max_chars=settings.max_message_chars,
        burst=settings.messages_per_10s,
        per_minute=settings.messages_per_minute,
        rate_storage=limits_storage,
        word_lists=WordLists(readers),
    )
    return load_plugins(hooks)
