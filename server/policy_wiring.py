"""Wires the hooks at start-up: Alongside's default policies (moderation/defaults.py), then the plugins
installed under the `alongside.plugins` entry point group (rooms/plugins.py)."""

from __future__ import annotations

from limits.aio.storage import MemoryStorage, Storage
from limits.storage import storage_from_string
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from moderation.defaults import register_defaults
from moderation.word_list import WordRule
from moderation.word_list_admin import rules_for_hub
from rooms.hooks import Hooks
from rooms.plugins import load_plugins
from server.settings import Settings


def rate_storage(redis_url: str) -> Storage:
    """Redis (shared by every process) when configured; otherwise this process's memory."""
    if not redis_url:
        return MemoryStorage()
    scheme, rest = redis_url.split("://", 1)
    uri = {"redis": "async+redis", "rediss": "async+rediss", "unix": "async+redis+unix"}[scheme] + "://" + rest
    storage = storage_from_string(uri, implementation="redispy")
    assert isinstance(storage, Storage)  # an async+ scheme gives the asyncio storage
    return storage


def install_hooks(hooks: Hooks, settings: Settings, readers: async_sessionmaker[AsyncSession]) -> list[str]:
    """Register the defaults and load the plugins; return the plugins' names. A plugin that fails to load
    raises rooms.plugins.PluginLoadError, which stops the start."""

    async def word_list(hub_id: int) -> list[WordRule]:
        async with readers() as db, db.begin():
            return await rules_for_hub(db, hub_id)

    register_defaults(
        hooks,
        max_chars=settings.max_message_chars,
        burst=settings.messages_per_10s,
        per_minute=settings.messages_per_minute,
        rate_storage=rate_storage(settings.redis_url),
        word_lists=word_list,
    )
    return load_plugins(hooks)
