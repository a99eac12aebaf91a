"""The event loop `alongside serve` runs on: uvloop where it is installed, else asyncio's own.

Why: uvloop (libuv underneath) does the loop's own work (polling, scheduling callbacks, socket writes) in C,
which the load bench's profile put at about a fifth of the server's time. It is a drop-in loop for aiohttp,
python-socketio, asyncpg and redis-py; `event_loop = "asyncio"` keeps the standard loop (for a platform
without uvloop, or to compare).
"""

from __future__ import annotations

import asyncio
import importlib.util

from server.settings import SettingsError


def uvloop_installed() -> bool:
    return importlib.util.find_spec("uvloop") is not None


def loop_kind(choice: str) -> str:
    """Which loop a setting of "auto", "asyncio" or "uvloop" gives here; uvloop asked for but absent is an error."""
    if choice == "asyncio":
        return "asyncio"
    if uvloop_installed():
        return "uvloop"
    if choice == "uvloop":
        raise SettingsError("event_loop is 'uvloop', but uvloop is not installed (pip install uvloop)")
    return "asyncio"


def new_event_loop(kind: str) -> asyncio.AbstractEventLoop:
    if kind == "uvloop":
        import uvloop

        return uvloop.new_event_loop()
    return asyncio.new_event_loop()
