"""Tables of shifts, incident bookmarks and handovers (DESIGN §6).

Registered on :data:`csu_wall.storage.schema.metadata`; migration 0005 creates them.
No foreign keys to communes or cameras: a bookmark outlives a camera removed from the site file
(it may be under a judicial hold). A bookmark's snapshot sits in its own table so that listing
bookmarks never reads image bytes.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from csu_wall.storage.schema import ID, UtcDateTime, metadata

shifts = Table(
    "shifts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("operator_id", String(ID), nullable=False),
    Column("workstation", String(200), nullable=False),
    Column("walls", JSON, nullable=False),  # list of wall names
    Column("started_utc", UtcDateTime, nullable=False),
    Column("ended_utc", UtcDateTime, nullable=True),
)
Index("ix_shifts_workstation_ended", shifts.c.workstation, shifts.c.ended_utc)

shift_members = Table(
    "shift_members",
    metadata,
    Column("shift_id", Integer, ForeignKey("shifts.id", ondelete="CASCADE"), primary_key=True),
    Column("operator_id", String(ID), primary_key=True),
    Column("joined_utc", UtcDateTime, nullable=False),
)

lost_cameras = Table(
    "lost_cameras",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shift_id", Integer, ForeignKey("shifts.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("camera_id", String(ID), nullable=False),
    Column("camera_name", String(200), nullable=False),
    Column("commune_id", String(ID), nullable=False),
    Column("since_utc", UtcDateTime, nullable=False),
    Column("until_utc", UtcDateTime, nullable=True),
)

bookmarks = Table(
    "bookmarks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("camera_id", String(ID), nullable=False),
    Column("commune_id", String(ID), nullable=False),
    Column("at_utc", UtcDateTime, nullable=False),
    Column("pre_seconds", Integer, nullable=False),
    Column("post_seconds", Integer, nullable=False),
    Column("category", String(100), nullable=False),
    Column("severity", Integer, nullable=False),
    Column("note", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("shift_id", Integer, ForeignKey("shifts.id"), nullable=True, index=True),
    Column("operator_id", String(ID), nullable=False),
    Column("workstation", String(200), nullable=False),
    Column("created_utc", UtcDateTime, nullable=False),
    Column("updated_utc", UtcDateTime, nullable=False),
    Column("judicial_ref", String(200), nullable=True),
    sqlite_autoincrement=True,  # ids never reused: a purged id must not name a new incident
)
Index("ix_bookmarks_commune_at", bookmarks.c.commune_id, bookmarks.c.at_utc)
Index("ix_bookmarks_status", bookmarks.c.status)
Index("ix_bookmarks_created_utc", bookmarks.c.created_utc)

bookmark_snapshots = Table(
    "bookmark_snapshots",
    metadata,
    Column("bookmark_id", Integer, ForeignKey("bookmarks.id", ondelete="CASCADE"),
           primary_key=True),
    Column("png", LargeBinary, nullable=False),
)

handovers = Table(
    "handovers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shift_id", Integer, ForeignKey("shifts.id"), nullable=False, unique=True),
    Column("workstation", String(200), nullable=False),
    Column("notes", Text, nullable=False),
    Column("open_items", JSON, nullable=False),  # [{"key", "kind", "text"}]
    Column("bookmark_ids", JSON, nullable=False),  # the shift's bookmarks, as reported
    Column("audit_head_id", Integer, nullable=False),
    Column("audit_head", String(64), nullable=False),
    Column("generated_utc", UtcDateTime, nullable=False),
    Column("closed_by", String(ID), nullable=False),
    Column("acknowledged_by", String(ID), nullable=True),
    Column("acknowledged_utc", UtcDateTime, nullable=True),
    Column("next_shift_id", Integer, ForeignKey("shifts.id"), nullable=True),
)
Index("ix_handovers_workstation_ack", handovers.c.workstation, handovers.c.acknowledged_utc)

handover_acks = Table(
    "handover_acks",
    metadata,
    Column("handover_id", Integer, ForeignKey("handovers.id", ondelete="CASCADE"),
           primary_key=True),
    Column("item_key", String(100), primary_key=True),
    Column("operator_id", String(ID), nullable=False),
    Column("acked_utc", UtcDateTime, nullable=False),
)

# Site-wide settings of this area (bookmark categories, retention): shared by every workstation.
shift_settings = Table(
    "shift_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", JSON, nullable=False),
)

# SQLite's change feed: each write appends (topic, key); readers fetch only ids after the last
# seen. PostgreSQL uses NOTIFY instead and this table stays empty there.
change_log = Table(
    "change_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(32), nullable=False),
    Column("key", String(100), nullable=False),
    Column("ts_utc", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)
