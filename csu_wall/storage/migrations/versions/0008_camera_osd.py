"""Cameras: the corner of the picture where the wall puts its plates (site file ``osd``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

Written by hand and frozen once released: later changes go in new revisions, never here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cameras") as batch:
        batch.add_column(sa.Column("osd", sa.String(16), nullable=False,
                                   server_default="bottom-left"))


def downgrade() -> None:
    with op.batch_alter_table("cameras") as batch:
        batch.drop_column("osd")
