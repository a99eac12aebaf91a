"""hubs run their programme: hub settings and crisis lines, staff roles and training records, group
settings, tags, agreement history, join requests, invitations, schedules, paused sessions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Training recorded before expiry dates existed counts for two years from completion.
LEGACY_TRAINING_YEARS = 2


def upgrade() -> None:
    with op.batch_alter_table("hubs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("about", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), server_default="Europe/London", nullable=False)
        )
        batch_op.add_column(sa.Column("country", sa.String(length=2), server_default="GB", nullable=False))
        batch_op.add_column(sa.Column("pause_grace_minutes", sa.Integer(), server_default="5", nullable=False))

    op.create_table(
        "crisis_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("sms", sa.String(length=120), nullable=False),
        sa.Column("web", sa.String(length=300), nullable=False),
        sa.Column("hours", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["hub_id"], ["hubs.id"], name=op.f("fk_crisis_lines_hub_id_hubs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crisis_lines")),
    )
    with op.batch_alter_table("crisis_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crisis_lines_hub_id"), ["hub_id"], unique=False)

    op.create_table(
        "training_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course", sa.String(length=120), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_training_records_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_training_records_recorded_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_training_records_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_records")),
    )
    with op.batch_alter_table("training_records", schema=None) as batch_op:
        batch_op.create_index("ix_training_records_hub_user", ["hub_id", "user_id"], unique=False)
    _move_training_dates_to_records()
    with op.batch_alter_table("hub_staff", schema=None) as batch_op:
        batch_op.drop_column("training_completed_on")

    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("visibility", sa.String(length=10), server_default="listed", nullable=False))
        batch_op.add_column(sa.Column("joining", sa.String(length=12), server_default="open", nullable=False))
        batch_op.add_column(sa.Column("capacity", sa.Integer(), nullable=True))

    op.create_table(
        "group_tags",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_group_tags_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "tag", name=op.f("pk_group_tags")),
    )
    with op.batch_alter_table("group_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_tags_tag"), ["tag"], unique=False)

    op.create_table(
        "agreement_versions",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_agreement_versions_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_agreement_versions_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "version", name=op.f("pk_agreement_versions")),
    )
    # Earlier versions were not kept: the history starts with each group's current text.
    op.execute(
        "INSERT INTO agreement_versions (group_id, version, text, created_at) "
        "SELECT id, agreement_version, agreement, created_at FROM groups"
    )

    op.create_table(
        "join_requests",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_join_requests_decided_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_join_requests_group_id_groups"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_join_requests_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_join_requests")),
    )

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_invitations_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_invitations_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_invitations_token_digest")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_group_id"), ["group_id"], unique=False)

    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("local_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_schedules_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
    )
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedules_group_id"), ["group_id"], unique=False)

    op.create_table(
        "schedule_exceptions",
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_date", sa.Date(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("moved_to", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_schedule_exceptions_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("schedule_id", "occurrence_date", name=op.f("pk_schedule_exceptions")),
    )

    with op.batch_alter_table("group_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("end_reason", sa.String(length=20), nullable=True))


def _move_training_dates_to_records() -> None:
    """Each facilitator's recorded completion date becomes a training record (with an assumed expiry)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT hub_id, user_id, training_completed_on, added_at FROM hub_staff "
            "WHERE role = 'facilitator' AND training_completed_on IS NOT NULL"
        )
    ).all()
    records = sa.table(
        "training_records",
        sa.column("hub_id", sa.Integer()),
        sa.column("user_id", sa.Integer()),
        sa.column("course", sa.String()),
        sa.column("completed_on", sa.Date()),
        sa.column("expires_on", sa.Date()),
        sa.column("recorded_at", sa.DateTime(timezone=True)),
    )
    for hub_id, user_id, completed, added_at in rows:
        completed_on = completed if isinstance(completed, dt.date) else dt.date.fromisoformat(str(completed)[:10])
        expires_on = completed_on.replace(year=completed_on.year + LEGACY_TRAINING_YEARS)
        bind.execute(
            records.insert().values(
                hub_id=hub_id,
                user_id=user_id,
                course="Peer facilitator training",
                completed_on=completed_on,
                expires_on=expires_on,
                recorded_at=added_at,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("group_sessions", schema=None) as batch_op:
        batch_op.drop_column("end_reason")
        batch_op.drop_column("paused_at")
    op.drop_table("schedule_exceptions")
    op.drop_table("schedules")
    op.drop_table("invitations")
    op.drop_table("join_requests")
    op.drop_table("agreement_versions")
    op.drop_table("group_tags")
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_column("capacity")
        batch_op.drop_column("joining")
        batch_op.drop_column("visibility")
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("hub_staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("training_completed_on", sa.Date(), nullable=True))
    op.drop_table("training_records")
    op.drop_table("crisis_lines")
    with op.batch_alter_table("hubs", schema=None) as batch_op:
        batch_op.drop_column("pause_grace_minutes")
        batch_op.drop_column("country")
        batch_op.drop_column("time_zone")
        batch_op.drop_column("about")
