"""Accounts: sign-in throttling state on operators; who revoked a habilitation, and when.

Revision ID: 0002
Revises: 0001
Create Date: 2025-12-01

Written by hand and frozen: later changes go in new revisions, never here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = 64
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild): SQLite needs a server default for NOT NULL.
    op.add_column(
        "operators",
        sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column("operators", sa.Column("last_failed_at", UTC, nullable=True))
    op.add_column("operators", sa.Column("locked_until", UTC, nullable=True))
    op.add_column("operators", sa.Column("password_changed_at", UTC, nullable=True))
    op.add_column("habilitations", sa.Column("revoked_at", UTC, nullable=True))
    op.add_column("habilitations", sa.Column("revoked_by", sa.String(ID), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("habilitations") as batch:
        batch.drop_column("revoked_by")
        batch.drop_column("revoked_at")
    with op.batch_alter_table("operators") as batch:
        batch.drop_column("password_changed_at")
        batch.drop_column("locked_until")
        batch.drop_column("last_failed_at")
        batch.drop_column("failed_attempts")
