"""Shifts, incident bookmarks, handovers and acknowledgments.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

Written by hand and frozen once released: later changes go in new revisions, never here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = 64
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("operator_id", sa.String(ID), nullable=False),
        sa.Column("workstation", sa.String(200), nullable=False),
        sa.Column("walls", sa.JSON(), nullable=False),
        sa.Column("started_utc", UTC, nullable=False),
        sa.Column("ended_utc", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_shifts"),
    )
    op.create_index("ix_shifts_workstation_ended", "shifts", ["workstation", "ended_utc"])
    op.create_table(
        "shift_members",
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.String(ID), nullable=False),
        sa.Column("joined_utc", UTC, nullable=False),
        sa.ForeignKeyConstraint(["shift_id"], ["shifts.id"], ondelete="CASCADE",
                                name="fk_shift_members_shift_id_shifts"),
        sa.PrimaryKeyConstraint("shift_id", "operator_id", name="pk_shift_members"),
    )
    op.create_table(
        "lost_cameras",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("camera_id", sa.String(ID), nullable=False),
        sa.Column("camera_name", sa.String(200), nullable=False),
        sa.Column("commune_id", sa.String(ID), nullable=False),
        sa.Column("since_utc", UTC, nullable=False),
        sa.Column("until_utc", UTC, nullable=True),
        sa.ForeignKeyConstraint(["shift_id"], ["shifts.id"], ondelete="CASCADE",
                                name="fk_lost_cameras_shift_id_shifts"),
        sa.PrimaryKeyConstraint("id", name="pk_lost_cameras"),
    )
    op.create_index("ix_lost_cameras_shift_id", "lost_cameras", ["shift_id"])
    op.create_table(
        "bookmarks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("camera_id", sa.String(ID), nullable=False),
        sa.Column("commune_id", sa.String(ID), nullable=False),
        sa.Column("at_utc", UTC, nullable=False),
        sa.Column("pre_seconds", sa.Integer(), nullable=False),
        sa.Column("post_seconds", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.String(ID), nullable=False),
        sa.Column("workstation", sa.String(200), nullable=False),
        sa.Column("created_utc", UTC, nullable=False),
        sa.Column("updated_utc", UTC, nullable=False),
        sa.Column("judicial_ref", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(["shift_id"], ["shifts.id"],
                                name="fk_bookmarks_shift_id_shifts"),
        sa.PrimaryKeyConstraint("id", name="pk_bookmarks"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_bookmarks_shift_id", "bookmarks", ["shift_id"])
    op.create_index("ix_bookmarks_commune_at", "bookmarks", ["commune_id", "at_utc"])
    op.create_index("ix_bookmarks_status", "bookmarks", ["status"])
    op.create_index("ix_bookmarks_created_utc", "bookmarks", ["created_utc"])
    op.create_table(
        "bookmark_snapshots",
        sa.Column("bookmark_id", sa.Integer(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["bookmark_id"], ["bookmarks.id"], ondelete="CASCADE",
                                name="fk_bookmark_snapshots_bookmark_id_bookmarks"),
        sa.PrimaryKeyConstraint("bookmark_id", name="pk_bookmark_snapshots"),
    )
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("workstation", sa.String(200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("open_items", sa.JSON(), nullable=False),
        sa.Column("bookmark_ids", sa.JSON(), nullable=False),
        sa.Column("audit_head_id", sa.Integer(), nullable=False),
        sa.Column("audit_head", sa.String(64), nullable=False),
        sa.Column("generated_utc", UTC, nullable=False),
        sa.Column("closed_by", sa.String(ID), nullable=False),
        sa.Column("acknowledged_by", sa.String(ID), nullable=True),
        sa.Column("acknowledged_utc", UTC, nullable=True),
        sa.Column("next_shift_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["shift_id"], ["shifts.id"],
                                name="fk_handovers_shift_id_shifts"),
        sa.ForeignKeyConstraint(["next_shift_id"], ["shifts.id"],
                                name="fk_handovers_next_shift_id_shifts"),
        sa.PrimaryKeyConstraint("id", name="pk_handovers"),
        sa.UniqueConstraint("shift_id", name="uq_handovers_shift_id"),
    )
    op.create_index("ix_handovers_workstation_ack", "handovers",
                    ["workstation", "acknowledged_utc"])
    op.create_table(
        "handover_acks",
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(100), nullable=False),
        sa.Column("operator_id", sa.String(ID), nullable=False),
        sa.Column("acked_utc", UTC, nullable=False),
        sa.ForeignKeyConstraint(["handover_id"], ["handovers.id"], ondelete="CASCADE",
                                name="fk_handover_acks_handover_id_handovers"),
        sa.PrimaryKeyConstraint("handover_id", "item_key", name="pk_handover_acks"),
    )
    op.create_table(
        "shift_settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_shift_settings"),
    )
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("ts_utc", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_change_log"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("change_log")
    op.drop_table("shift_settings")
    op.drop_table("handover_acks")
    op.drop_index("ix_handovers_workstation_ack", table_name="handovers")
    op.drop_table("handovers")
    op.drop_table("bookmark_snapshots")
    for name in ("ix_bookmarks_created_utc", "ix_bookmarks_status", "ix_bookmarks_commune_at",
                 "ix_bookmarks_shift_id"):
        op.drop_index(name, table_name="bookmarks")
    op.drop_table("bookmarks")
    op.drop_index("ix_lost_cameras_shift_id", table_name="lost_cameras")
    op.drop_table("lost_cameras")
    op.drop_table("shift_members")
    op.drop_index("ix_shifts_workstation_ended", table_name="shifts")
    op.drop_table("shifts")
