"""privacy and recovery: hubs' privacy notice, terms, minimum age and record retention; groups' message
retention; what each person accepted at sign-up and account erasure; one-time password reset links; the
lease for housekeeping jobs

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hubs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("privacy_notice", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("terms", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("notice_version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("minimum_age", sa.Integer(), server_default="18", nullable=False))
        batch_op.add_column(
            sa.Column("safeguarding_retention_days", sa.Integer(), server_default="2555", nullable=False)
        )
        batch_op.add_column(sa.Column("log_retention_days", sa.Integer(), server_default="2555", nullable=False))
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_days", sa.Integer(), server_default="90", nullable=False))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_hub_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("notice_version_accepted", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("notices_accepted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("minimum_age_confirmed", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            "fk_users_notice_hub_id_hubs", "hubs", ["notice_hub_id"], ["id"], ondelete="SET NULL"
        )
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("hub_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["issued_by"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["hub_id"], ["hubs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_password_resets_user_id", "password_resets", ["user_id"])
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("job_leases")
    op.drop_index("ix_password_resets_user_id", table_name="password_resets")
    op.drop_table("password_resets")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("fk_users_notice_hub_id_hubs", type_="foreignkey")
        for column in ("erased_at", "minimum_age_confirmed", "notices_accepted_at", "notice_version_accepted"):
            batch_op.drop_column(column)
        batch_op.drop_column("notice_hub_id")
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_column("retention_days")
    with op.batch_alter_table("hubs", schema=None) as batch_op:
        for column in (
            "log_retention_days",
            "safeguarding_retention_days",
            "minimum_age",
            "notice_version",
            "terms",
            "privacy_notice",
        ):
            batch_op.drop_column(column)
