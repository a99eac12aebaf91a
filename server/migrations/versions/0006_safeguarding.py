"""safeguarding: concerns with their copied messages and timeline (append-only), the delivery outbox, the
break-glass audit (append-only), each hub's escalation settings, and the marker of messages risk detection
assessed. On PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE of the timeline and the audit.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION alongside_refuse_safeguarding_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the safeguarding record % is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql
"""
PROTECTED = ("concern_events", "break_glass_log")


def upgrade() -> None:
    op.create_table(
        "message_assessments",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "message_id", name=op.f("pk_message_assessments")),
    )
    op.create_table(
        "hub_escalation",
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("webhook_url", sa.String(length=500), nullable=False),
        sa.Column("webhook_secret", sa.String(length=200), nullable=False),
        sa.Column("escalation_email", sa.String(length=254), nullable=False),
        sa.Column("ack_concern_seconds", sa.Integer(), nullable=False),
        sa.Column("ack_high_seconds", sa.Integer(), nullable=False),
        sa.Column("ack_imminent_seconds", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_escalation_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("hub_id", name=op.f("pk_hub_escalation")),
    )
    op.create_table(
        "concerns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("subject_user_id", sa.Integer(), nullable=True),
        sa.Column("raised_by", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("ack_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"], ["users.id"], name=op.f("fk_concerns_acknowledged_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_concerns_group_id_groups"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["hub_id"], ["hubs.id"], name=op.f("fk_concerns_hub_id_hubs"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["raised_by"], ["users.id"], name=op.f("fk_concerns_raised_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["users.id"], name=op.f("fk_concerns_resolved_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name=op.f("fk_concerns_session_id_group_sessions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["subject_user_id"], ["users.id"], name=op.f("fk_concerns_subject_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concerns")),
    )
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.create_index("ix_concerns_deadline", ["state", "ack_deadline"], unique=False)
        batch_op.create_index("ix_concerns_hub_state", ["hub_id", "state"], unique=False)

    op.create_table(
        "break_glass_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("subject_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_break_glass_log_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concerns.id"], name=op.f("fk_break_glass_log_concern_id_concerns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_break_glass_log_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["subject_user_id"],
            ["users.id"],
            name=op.f("fk_break_glass_log_subject_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_break_glass_log")),
    )
    with op.batch_alter_table("break_glass_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_break_glass_log_hub_id"), ["hub_id"], unique=False)

    op.create_table(
        "concern_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_concern_events_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concerns.id"], name=op.f("fk_concern_events_concern_id_concerns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_events")),
    )
    with op.batch_alter_table("concern_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concern_events_concern_id"), ["concern_id"], unique=False)

    op.create_table(
        "concern_messages",
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_pseudonym", sa.String(length=32), nullable=False),
        sa.Column("author_role", sa.String(length=12), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("triggering", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_concern_messages_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concerns.id"], name=op.f("fk_concern_messages_concern_id_concerns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("concern_id", "message_id", name=op.f("pk_concern_messages")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=40), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concerns.id"], name=op.f("fk_outbox_concern_id_concerns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["hub_id"], ["hubs.id"], name=op.f("fk_outbox_hub_id_hubs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["state", "next_attempt_at"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # Nobody with table access rewrites who did what: the application only inserts, and these refuse the
        # rest (foreign keys' ON DELETE actions included, as for the moderation log).
        op.execute(APPEND_ONLY)
        for table in PROTECTED:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION alongside_refuse_safeguarding_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION alongside_refuse_safeguarding_change()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in PROTECTED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS alongside_refuse_safeguarding_change()")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox")
    op.drop_table("concern_messages")
    with op.batch_alter_table("concern_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_events_concern_id"))

    op.drop_table("concern_events")
    with op.batch_alter_table("break_glass_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_break_glass_log_hub_id"))

    op.drop_table("break_glass_log")
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.drop_index("ix_concerns_hub_state")
        batch_op.drop_index("ix_concerns_deadline")

    op.drop_table("concerns")
    op.drop_table("hub_escalation")
    op.drop_table("message_assessments")
