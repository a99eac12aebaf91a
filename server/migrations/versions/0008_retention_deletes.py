"""retention may delete from the append-only tables: the moderation log's and the safeguarding record's
triggers let a DELETE through only inside a transaction that set `alongside.retention = 'on'` (rooms/retention.py
does, and nothing else); UPDATE and TRUNCATE stay refused

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

RETENTION_DELETE = (
    "IF TG_OP = 'DELETE' AND current_setting('alongside.retention', true) = 'on' THEN RETURN OLD; END IF;"
)

MODERATION = """
CREATE OR REPLACE FUNCTION alongside_refuse_change() RETURNS trigger AS $$
BEGIN
    {allow}
    RAISE EXCEPTION 'the moderation log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql
"""

SAFEGUARDING = """
CREATE OR REPLACE FUNCTION alongside_refuse_safeguarding_change() RETURNS trigger AS $$
BEGIN
    {allow}
    RAISE EXCEPTION 'the safeguarding record % is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has no such triggers: the application alone keeps these tables append-only there
    op.execute(MODERATION.format(allow=RETENTION_DELETE))
    op.execute(SAFEGUARDING.format(allow=RETENTION_DELETE))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(MODERATION.format(allow=""))
    op.execute(SAFEGUARDING.format(allow=""))
