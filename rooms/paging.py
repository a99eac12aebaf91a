"""Keyset pages of an append-only list, newest first: `before_id` and `limit` from a query string, checked the
same way everywhere (400 invalid_payload), and the id to ask for next. A page costs at most `limit + 1` rows
however long the list has grown, so a request's work stays bounded."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rooms import validate
from rooms.errors import InvalidInput

PAGE_DEFAULT = 100
PAGE_MAX = 500

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    before_id: int | None
    limit: int

    @property
    def fetch(self) -> int:
        """Rows to read: one more than the page, to learn whether anything older is left."""
        return self.limit + 1


def page_request(query: Mapping[str, str]) -> PageRequest:
    """`before_id` (optional, a positive row id) and `limit` (1..PAGE_MAX, default PAGE_DEFAULT)."""
    raw_before = query.get("before_id") or None
    raw_limit = query.get("limit") or None
    try:
        before_id = None if raw_before is None else int(raw_before)
    except ValueError:
        raise InvalidInput("before_id must be a whole number.") from None
    try:
        limit = PAGE_DEFAULT if raw_limit is None else int(raw_limit)
    except ValueError:
        raise InvalidInput("limit must be a whole number.") from None
    if before_id is not None:
        before_id = validate.row_id(before_id, "before_id")
    return PageRequest(before_id, validate.integer(limit, "limit", minimum=1, maximum=PAGE_MAX))


def cut(rows: Sequence[T], page: PageRequest, row_id: Callable[[T], int]) -> tuple[list[T], int | None]:
    """The page's rows (read newest first, `page.fetch` of them at most) and the `before_id` of the next page:
    None when nothing older is left."""
    kept = list(rows[: page.limit])
    return kept, (row_id(kept[-1]) if len(rows) > page.limit else None)
