"""Initial schema: site, operators, habilitations, append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2025-11-25

Written by hand and frozen: later changes go in new revisions, never here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = 64
UTC = sa.DateTime(timezone=True)

_PG_APPEND_ONLY = [
    """
    CREATE FUNCTION csu_audit_log_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION csu_audit_log_append_only()
    """,
    """
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION csu_audit_log_append_only()
    """,
]

_SQLITE_APPEND_ONLY = [
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
    """,
    """
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
    """,
]


def _fk(
    column: str, table: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [target], name=f"fk_{table}_{column}_{target.split('.')[0]}", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "communes",
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("insee", sa.String(5), nullable=False),
        sa.Column("attached", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_communes"),
    )
    op.create_table(
        "recorders",
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("commune_id", sa.String(ID), nullable=False),
        sa.Column("driver", sa.String(32), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("rtsp_port", sa.Integer(), nullable=False),
        sa.Column("http_port", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("tls_pin", sa.String(128), nullable=True),
        sa.Column("session_cap", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(255), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_recorders"),
        _fk("commune_id", "recorders", "communes.id"),
    )
    op.create_index("ix_recorders_commune_id", "recorders", ["commune_id"])
    op.create_table(
        "recorder_credentials",
        sa.Column("recorder_id", sa.String(ID), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("recorder_id", name="pk_recorder_credentials"),
        _fk("recorder_id", "recorder_credentials", "recorders.id", ondelete="CASCADE"),
    )
    op.create_table(
        "cameras",
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("commune_id", sa.String(ID), nullable=False),
        sa.Column("recorder_id", sa.String(ID), nullable=False),
        sa.Column("channel", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(500), nullable=False),
        sa.Column("ptz", sa.Boolean(), nullable=False),
        sa.Column("main", sa.JSON(), nullable=False),
        sa.Column("sub", sa.JSON(), nullable=False),
        sa.Column("masks", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.String(500), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cameras"),
        _fk("commune_id", "cameras", "communes.id"),
        _fk("recorder_id", "cameras", "recorders.id"),
    )
    op.create_index("ix_cameras_commune_id", "cameras", ["commune_id"])
    op.create_index("ix_cameras_recorder_id", "cameras", ["recorder_id"])
    op.create_table(
        "site_applications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_name", sa.String(200), nullable=False),
        sa.Column("applied_at", UTC, nullable=False),
        sa.Column("applied_by", sa.String(ID), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("camera_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_site_applications"),
    )
    op.create_table(
        "operators",
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_operators"),
    )
    op.create_table(
        "habilitations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("operator_id", sa.String(ID), nullable=False),
        sa.Column("commune_id", sa.String(ID), nullable=False),
        sa.Column("legal_basis", sa.String(500), nullable=False),
        sa.Column("granted_by", sa.String(ID), nullable=False),
        sa.Column("valid_from", UTC, nullable=False),
        sa.Column("valid_until", UTC, nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_habilitations"),
        _fk("operator_id", "habilitations", "operators.id"),
        _fk("commune_id", "habilitations", "communes.id"),
    )
    op.create_index("ix_habilitations_operator_id", "habilitations", ["operator_id"])
    op.create_index("ix_habilitations_commune_id", "habilitations", ["commune_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ts_utc", UTC, nullable=False),
        sa.Column("workstation", sa.String(200), nullable=False),
        sa.Column("operator_id", sa.String(ID), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("commune_id", sa.String(ID), nullable=True),
        sa.Column("camera_id", sa.String(ID), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.UniqueConstraint("entry_hash", name="uq_audit_log_entry_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_log_commune_ts", "audit_log", ["commune_id", "ts_utc"])
    op.create_index("ix_audit_log_ts_utc", "audit_log", ["ts_utc"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        statements = _SQLITE_APPEND_ONLY
    elif dialect == "postgresql":
        statements = _PG_APPEND_ONLY
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"no append-only trigger for dialect {dialect}")
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    # Downgrading drops the audit log; it exists for development databases only.
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS csu_audit_log_append_only()")
    for table in (
        "audit_log", "habilitations", "operators", "site_applications", "cameras",
        "recorder_credentials", "recorders", "communes",
    ):
        op.drop_table(table)
