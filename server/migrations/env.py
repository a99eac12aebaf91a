"""Alembic environment: always run with a connection handed in by server.db.migrate."""

from __future__ import annotations

from alembic import context

import server.auth_models  # noqa: F401  (registers the transport's tables on the shared metadata)
from rooms.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `alongside migrate`, which supplies the database connection.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
