"""Tables of the wall: layouts, their history, tours, screen assignments (DESIGN §6).

Registered on :data:`csu_wall.storage.schema.metadata`; migration 0004 creates them. Camera
and commune ids in layouts and tours are not foreign keys on purpose: a layout outlives a
camera removed from the site file (its cell comes back empty) and must never block a site apply.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from csu_wall.storage.schema import ID, UtcDateTime, metadata

# The current state of each layout; ``version`` is the optimistic-concurrency counter.
layouts = Table(
    "layouts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("commune_id", String(ID), nullable=True),  # None: mixed layout
    Column("owner", String(ID), nullable=True, index=True),  # None: shared with everyone
    Column("version", Integer, nullable=False),
    Column("doc", JSON, nullable=False),  # the whole layout (grid, cameras), see layout_repo
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(ID), nullable=False),
)

# Every saved state of every layout: who saved it, when, what changed; a version is restored
# by saving its document again as a new version.
layout_versions = Table(
    "layout_versions",
    metadata,
    Column(
        "layout_id",
        Integer,
        ForeignKey("layouts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", Integer, primary_key=True),
    Column("doc", JSON, nullable=False),
    Column("saved_by", String(ID), nullable=False),
    Column("saved_at", UtcDateTime, nullable=False),
    Column("change", Text, nullable=False),
)

tours = Table(
    "tours",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("items", JSON, nullable=False),  # camera ids, or layout ids as strings
    Column("dwell_seconds", Float, nullable=False),
    Column("owner", String(ID), nullable=True, index=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(ID), nullable=False),
)

# Which layout (or tour) each screen of a workstation shows; kept when the layout goes.
screen_assignments = Table(
    "screen_assignments",
    metadata,
    Column("workstation", String(200), primary_key=True),
    Column("screen", String(200), primary_key=True),
    Column("position", Integer, nullable=False),
    Column(
        "layout_id", Integer, ForeignKey("layouts.id", ondelete="SET NULL"), nullable=True
    ),
    Column("fullscreen", Boolean, nullable=False),
    Column("tour_id", Integer, ForeignKey("tours.id", ondelete="SET NULL"), nullable=True),
    Column("extra", JSON, nullable=False),
)

# What the wall of a workstation looked like at its last change: restored after a crash.
wall_state = Table(
    "wall_state",
    metadata,
    Column("workstation", String(200), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
