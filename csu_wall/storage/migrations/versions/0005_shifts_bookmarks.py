"""Shifts, incident bookmarks, handovers and acknowledgments (issue 6).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

Written by hand and frozen once released: later changes go in new revisions, never here.
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
