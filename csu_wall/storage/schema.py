"""The database schema (SQLAlchemy Core tables), the single source of truth of DESIGN §6.

Only migrations change the real schema (``csu-wall db upgrade``); this metadata describes the
head revision and a test checks the two agree. Every time column is :class:`UtcDateTime`:
timezone-aware UTC in and out on every dialect.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so later migrations can alter them on SQLite (batch mode) too.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

ID = 64  # length of the short identifiers chosen by the site file


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes. SQLite stores naive text, so values are normalised to UTC before
    binding and tagged UTC when read; a naive datetime is refused rather than guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: store aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


communes = Table(
    "communes",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("insee", String(5), nullable=False),
    Column("attached", Boolean, nullable=False, default=True),
    Column("position", Integer, nullable=False),  # order in the site file
)

recorders = Table(
    "recorders",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("commune_id", String(ID), ForeignKey("communes.id"), nullable=False, index=True),
    Column("driver", String(32), nullable=False),
    Column("host", String(255), nullable=False),
    Column("rtsp_port", Integer, nullable=False),
    Column("http_port", Integer, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("tls_pin", String(128), nullable=True),
    Column("session_cap", Integer, nullable=False),
    Column("scheme", String(8), nullable=False, server_default="http"),  # of the HTTP API
    Column("username", String(255), nullable=True),
    Column("position", Integer, nullable=False),
    # generic RTSP recorders: the site file's ``playback`` template ("" = no playback)
    Column("playback_path", Text, nullable=False, server_default=""),
)

# AES-GCM under the site key (storage/credentials.py, docs/DESIGN.md §7); never clear.
recorder_credentials = Table(
    "recorder_credentials",
    metadata,
    Column(
        "recorder_id",
        String(ID),
        ForeignKey("recorders.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("nonce", LargeBinary, nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

cameras = Table(
    "cameras",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("commune_id", String(ID), ForeignKey("communes.id"), nullable=False, index=True),
    Column("recorder_id", String(ID), ForeignKey("recorders.id"), nullable=False, index=True),
    Column("channel", Integer, nullable=False),
    Column("location", String(500), nullable=False),
    Column("ptz", Boolean, nullable=False),
    Column("main", JSON, nullable=False),  # StreamProfile as an object
    Column("sub", JSON, nullable=False),
    Column("masks", JSON, nullable=False),  # list of polygons, each a list of [x, y]
    Column("purpose", String(500), nullable=False),
    Column("number", Integer, nullable=True),
    Column("position", Integer, nullable=False),
    # the corner for the wall's plates (core/model.py OSD_CORNERS)
    Column("osd", String(16), nullable=False, server_default="bottom-left"),
)

site_applications = Table(
    "site_applications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_name", String(200), nullable=False),
    Column("applied_at", UtcDateTime, nullable=False),
    Column("applied_by", String(ID), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("camera_count", Integer, nullable=False),
)

operators = Table(
    "operators",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("password_hash", String(255), nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("demo", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
    # Sign-in throttling (migration 0002): shared by every workstation through the database.
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("last_failed_at", UtcDateTime, nullable=True),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("password_changed_at", UtcDateTime, nullable=True),
)

habilitations = Table(
    "habilitations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("operator_id", String(ID), ForeignKey("operators.id"), nullable=False, index=True),
    # No cascade: removing a commune that still has habilitations is refused by site_repo.
    Column("commune_id", String(ID), ForeignKey("communes.id"), nullable=False, index=True),
    Column("legal_basis", String(500), nullable=False),
    Column("granted_by", String(ID), nullable=False),
    Column("valid_from", UtcDateTime, nullable=False),
    Column("valid_until", UtcDateTime, nullable=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("revoked_at", UtcDateTime, nullable=True),  # migration 0002
    Column("revoked_by", String(ID), nullable=True),
)

# Append-only (triggers in migration 0001). No foreign keys: the log outlives the operators,
# communes and cameras it names, and a denied attempt may name a login that does not exist.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts_utc", UtcDateTime, nullable=False),
    Column("workstation", String(200), nullable=False),
    Column("operator_id", String(ID), nullable=False),
    Column("action", String(32), nullable=False),
    Column("commune_id", String(ID), nullable=True),
    Column("camera_id", String(ID), nullable=True),
    Column("detail", Text, nullable=False),
    Column("extra", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False, unique=True),
    sqlite_autoincrement=True,
)
Index("ix_audit_log_commune_ts", audit_log.c.commune_id, audit_log.c.ts_utc)
Index("ix_audit_log_ts_utc", audit_log.c.ts_utc)

# --- migration 0003: site key, commune detachments, audit anchors -----------------------------

# One row per database: the site key wrapped under the enrolment code (scrypt + AES-GCM), so a
# new workstation can be enrolled from the code alone; the key itself is in each keyring.
site_keys = Table(
    "site_keys",
    metadata,
    Column("site_id", String(32), primary_key=True),
    Column("key_id", String(64), nullable=False),
    Column("kdf", String(64), nullable=False),
    Column("salt", LargeBinary, nullable=False),
    Column("nonce", LargeBinary, nullable=False),
    Column("wrapped", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(ID), nullable=False),
)

# A detach is an administrator's act, kept apart from `communes.attached` (which the site file
# writes) so that re-applying the site file does not undo it. No foreign key: the row may
# outlive the commune in a later site file.
commune_detachments = Table(
    "commune_detachments",
    metadata,
    Column("commune_id", String(ID), primary_key=True),
    Column("detached_at", UtcDateTime, nullable=False),
    Column("detached_by", String(ID), nullable=False),
)

# Chain heads recorded apart from the log (`csu-wall audit anchor`, shift handovers): the
# verifier checks the log still holds each anchored head, which reveals a truncated tail.
audit_anchors = Table(
    "audit_anchors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("head_id", Integer, nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("anchored_at", UtcDateTime, nullable=False),
    Column("anchored_by", String(ID), nullable=False),
    Column("workstation", String(200), nullable=False),
)
