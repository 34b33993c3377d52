"""Evidence export: extraction habilitations, the register of extractions, the signing key.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

Written by hand and frozen once released: later changes go in new revisions, never here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ID = 64
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "extraction_habilitations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("operator_id", sa.String(ID), nullable=False),
        sa.Column("commune_id", sa.String(ID), nullable=False),
        sa.Column("legal_basis", sa.String(500), nullable=False),
        sa.Column("granted_by", sa.String(200), nullable=False),
        sa.Column("valid_from", UTC, nullable=False),
        sa.Column("valid_until", UTC, nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.Column("revoked_by", sa.String(200), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_extraction_habilitations"),
    )
    op.create_index("ix_extraction_habilitations_operator_id", "extraction_habilitations",
                    ["operator_id"])
    op.create_table(
        "extractions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("commune_id", sa.String(ID), nullable=False),
        sa.Column("operator_id", sa.String(ID), nullable=False),
        sa.Column("workstation", sa.String(200), nullable=False),
        sa.Column("cameras", sa.JSON(), nullable=False),
        sa.Column("requested_start", UTC, nullable=False),
        sa.Column("requested_end", UTC, nullable=False),
        sa.Column("requisition", sa.JSON(), nullable=False),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("delivered", sa.JSON(), nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=True),
        sa.Column("signing_key", sa.String(64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("manifest", sa.Text(), nullable=True),
        sa.Column("handover", sa.JSON(), nullable=True),
        sa.Column("local_deleted_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_extractions"),
        sa.UniqueConstraint("reference", name="uq_extractions_reference"),
    )
    op.create_index("ix_extractions_commune_id", "extractions", ["commune_id"])
    op.create_table(
        "signing_keys",
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("public_pem", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", name="pk_signing_keys"),
    )


def downgrade() -> None:
    op.drop_table("signing_keys")
    op.drop_index("ix_extractions_commune_id", table_name="extractions")
    op.drop_table("extractions")
    op.drop_index("ix_extraction_habilitations_operator_id",
                  table_name="extraction_habilitations")
    op.drop_table("extraction_habilitations")
