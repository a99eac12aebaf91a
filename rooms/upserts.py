"""The INSERT that can say ON CONFLICT, for the database in use: SQLAlchemy has one per dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def insert_for(dialect: str, table: Any) -> Any:
    """PostgreSQL's or SQLite's INSERT into `table` (a table or mapped class), for `.on_conflict_do_...`."""
    return pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)
