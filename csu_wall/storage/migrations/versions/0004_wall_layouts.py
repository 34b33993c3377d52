"""Wall layouts, layout history, tours and screen assignments.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Written by hand and frozen once released: later changes go in new revisions, never here.
Portable types only (Integer, String, Text, Float, Boolean, JSON, timestamps): the same script
runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = 64
UTC = sa.DateTime(timezone=True)


def _fk(column: str, table: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [target], name=f"fk_{table}_{column}_{target.split('.')[0]}", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "layouts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("commune_id", sa.String(ID), nullable=True),
        sa.Column("owner", sa.String(ID), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("updated_by", sa.String(ID), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_layouts"),
    )
    op.create_index("ix_layouts_owner", "layouts", ["owner"])
    op.create_table(
        "layout_versions",
        sa.Column("layout_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("saved_by", sa.String(ID), nullable=False),
        sa.Column("saved_at", UTC, nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        _fk("layout_id", "layout_versions", "layouts.id", "CASCADE"),
        sa.PrimaryKeyConstraint("layout_id", "version", name="pk_layout_versions"),
    )
    op.create_table(
        "tours",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("dwell_seconds", sa.Float(), nullable=False),
        sa.Column("owner", sa.String(ID), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("updated_by", sa.String(ID), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tours"),
    )
    op.create_index("ix_tours_owner", "tours", ["owner"])
    op.create_table(
        "screen_assignments",
        sa.Column("workstation", sa.String(200), nullable=False),
        sa.Column("screen", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("layout_id", sa.Integer(), nullable=True),
        sa.Column("fullscreen", sa.Boolean(), nullable=False),
        sa.Column("tour_id", sa.Integer(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        _fk("layout_id", "screen_assignments", "layouts.id", "SET NULL"),
        _fk("tour_id", "screen_assignments", "tours.id", "SET NULL"),
        sa.PrimaryKeyConstraint("workstation", "screen", name="pk_screen_assignments"),
    )
    op.create_table(
        "wall_state",
        sa.Column("workstation", sa.String(200), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("workstation", name="pk_wall_state"),
    )


def downgrade() -> None:
    op.drop_table("wall_state")
    op.drop_table("screen_assignments")
    op.drop_index("ix_tours_owner", table_name="tours")
    op.drop_table("tours")
    op.drop_table("layout_versions")
    op.drop_index("ix_layouts_owner", table_name="layouts")
    op.drop_table("layouts")
