"""Security: wrapped site key, commune detachments, audit chain anchors.

Revision ID: 0003
Revises: 0002
Create Date: 2025-12-02

Written by hand and frozen: later changes go in new revisions, never here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = 64
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "site_keys",
        sa.Column("site_id", sa.String(32), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("kdf", sa.String(64), nullable=False),
        sa.Column("salt", sa.LargeBinary(), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by", sa.String(ID), nullable=False),
        sa.PrimaryKeyConstraint("site_id", name="pk_site_keys"),
    )
    op.create_table(
        "commune_detachments",
        sa.Column("commune_id", sa.String(ID), nullable=False),
        sa.Column("detached_at", UTC, nullable=False),
        sa.Column("detached_by", sa.String(ID), nullable=False),
        sa.PrimaryKeyConstraint("commune_id", name="pk_commune_detachments"),
    )
    op.create_table(
        "audit_anchors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("head_id", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("anchored_at", UTC, nullable=False),
        sa.Column("anchored_by", sa.String(ID), nullable=False),
        sa.Column("workstation", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_anchors"),
    )


def downgrade() -> None:
    op.drop_table("audit_anchors")
    op.drop_table("commune_detachments")
    op.drop_table("site_keys")
