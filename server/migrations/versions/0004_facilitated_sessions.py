"""facilitated sessions: attendance, hand up and one voice, backchannel and private words, stepping out,
debriefs, the facilitators' space

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="group", nullable=False))
    with op.batch_alter_table("group_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("one_voice", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("turn_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_group_sessions_turn_user_id_users"), "users", ["turn_user_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("away", sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table(
        "attendance",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("first_joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_session", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name=op.f("fk_attendance_session_id_group_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_attendance_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_attendance")),
    )
    op.create_table(
        "raised_hands",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name=op.f("fk_raised_hands_session_id_group_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_raised_hands_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_raised_hands")),
    )
    op.create_table(
        "side_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("author_role", sa.String(length=20), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_side_messages_author_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["users.id"], name=op.f("fk_side_messages_member_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name=op.f("fk_side_messages_session_id_group_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_side_messages")),
        sa.UniqueConstraint("session_id", "author_id", "client_id", name="uq_side_messages_author_client"),
    )
    with op.batch_alter_table("side_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_side_messages_session_id"), ["session_id"], unique=False)
    op.create_table(
        "private_words",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["users.id"], name=op.f("fk_private_words_member_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"], ["users.id"], name=op.f("fk_private_words_opened_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name=op.f("fk_private_words_session_id_group_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "member_id", name=op.f("pk_private_words")),
    )
    op.create_table(
        "debriefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("how_it_went", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.Column("wellbeing", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("discussed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("discussed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_debriefs_author_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["discussed_by"], ["users.id"], name=op.f("fk_debriefs_discussed_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name=op.f("fk_debriefs_session_id_group_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debriefs")),
        sa.UniqueConstraint("session_id", "author_id", name="uq_debriefs_session_author"),
    )


def downgrade() -> None:
    op.drop_table("debriefs")
    op.drop_table("private_words")
    op.drop_table("side_messages")
    op.drop_table("raised_hands")
    op.drop_table("attendance")
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.drop_column("away")
    with op.batch_alter_table("group_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_group_sessions_turn_user_id_users"), type_="foreignkey")
        batch_op.drop_column("turn_user_id")
        batch_op.drop_column("one_voice")
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_column("kind")
