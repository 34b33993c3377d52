"""Recorders: the URL template of a generic RTSP recorder's recorded video (site file
``playback``); empty for the others.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

Written by hand and frozen once released: later changes go in new revisions, never here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recorders") as batch:
        batch.add_column(sa.Column("playback_path", sa.Text(), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("recorders") as batch:
        batch.drop_column("playback_path")
