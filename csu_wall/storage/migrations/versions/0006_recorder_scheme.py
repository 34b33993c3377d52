"""Recorders: the scheme of their HTTP API ("http" or "https").

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

Written by hand and frozen once released: later changes go in new revisions, never here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recorders") as batch:
        batch.add_column(sa.Column("scheme", sa.String(8), nullable=False,
                                   server_default="http"))


def downgrade() -> None:
    with op.batch_alter_table("recorders") as batch:
        batch.drop_column("scheme")
