"""The values a batched read binds to an expanding IN, in as few different lengths as possible.

Why: SQLAlchemy renders `IN (...)` with one placeholder per value, so every batch size is a different statement
text, and each text is prepared again: asyncpg keeps 100 prepared statements per connection and sqlite3 128, and
the join path's batched reads alone, at every size up to the read batch's 128, would cycle through far more.
Repeating the last value up to the next power of two changes no result (IN ignores repeats) and leaves eight
lengths per read up to 128.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def padded(values: Iterable[Any]) -> list[Any]:
    """The distinct values in order, the last repeated until there are a power of two of them (none stay none)."""
    distinct = sorted(set(values))
    if not distinct:
        return distinct
    size = 1 << (len(distinct) - 1).bit_length()
    return distinct + [distinct[-1]] * (size - len(distinct))
