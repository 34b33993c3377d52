"""Layouts and their history in the database (tables of :mod:`csu_wall.storage.schema_wall`).

A layout is stored whole as a JSON document (grid cells and cameras) beside the columns used
to select it (name, commune, owner). Every save writes a new row of ``layout_versions`` in the
same transaction; an update names the version it was made from and fails with
:class:`StaleLayout` when another save came in between (optimistic concurrency).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from csu_wall.core.changes import ChangeTopic
from csu_wall.core.errors import CsuWallError
from csu_wall.core.layout import Cell, Grid, Layout, LayoutError, LayoutVersion
from csu_wall.storage.changes import publish
from csu_wall.storage.db import Database, new_id
from csu_wall.storage.schema import cameras
from csu_wall.storage.schema_wall import layout_versions, layouts

DOC_FORMAT = 1  # bumped (with a reader for the old one) if the document's shape changes


@dataclass(frozen=True)
class StoredLayout:
    """A layout with who saved its current version, and when."""

    layout: Layout
    updated_by: str
    updated_at: datetime


class StaleLayout(CsuWallError):
    """The layout changed (or was deleted) since the version the update was made from."""

    def __init__(self, current: StoredLayout | None) -> None:
        super().__init__("stale layout version" if current else "layout deleted")
        self.current = current


def layout_doc(layout: Layout) -> dict[str, Any]:
    """The layout as a JSON-ready document (without id and version, kept in columns)."""
    return {
        "format": DOC_FORMAT,
        "name": layout.name,
        "commune_id": layout.commune_id,
        "owner": layout.owner,
        "grid": {
            "rows": layout.grid.rows,
            "cols": layout.grid.cols,
            "cells": [[c.row, c.col, c.row_span, c.col_span] for c in layout.grid.cells],
        },
        "cameras": list(layout.cameras),
        "fill": layout.fill,
    }


def layout_of_doc(doc: dict[str, Any], *, layout_id: int | None, version: int) -> Layout:
    """The layout a document describes; :class:`LayoutError` (French) if it is not valid."""
    try:
        grid_doc = doc["grid"]
        cells = tuple(Cell(int(r), int(c), int(rs), int(cs)) for r, c, rs, cs in grid_doc["cells"])
        grid = Grid(int(grid_doc["rows"]), int(grid_doc["cols"]), cells)
        return Layout(
            name=str(doc["name"]),
            grid=grid,
            cameras=tuple(None if c is None else str(c) for c in doc["cameras"]),
            commune_id=doc.get("commune_id"),
            owner=doc.get("owner"),
            id=layout_id,
            version=version,
            fill=bool(doc.get("fill", False)),  # documents saved before the choice: kept
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, LayoutError):
            raise
        raise LayoutError(
            f"Disposition n° {layout_id} illisible dans la base ({type(exc).__name__}).",
            field="doc",
        ) from exc


def create_layout(db: Database, layout: Layout, *, by: str, at: datetime, change: str,
                  also: Callable[[Connection, int], object] | None = None) -> Layout:
    """Insert a new layout at version 1 (its ``id`` and ``version`` are ignored). ``also``
    (given the new id) runs in the same transaction: the change's audit record."""
    doc = layout_doc(layout)
    with db.write() as conn:
        result = conn.execute(
            insert(layouts).values(
                name=layout.name, commune_id=layout.commune_id, owner=layout.owner, version=1,
                doc=doc, updated_at=at, updated_by=by,
            )
        )
        layout_id = new_id(result)
        _add_version(conn, layout_id, 1, doc, by=by, at=at, change=change)
        if also is not None:
            also(conn, layout_id)
        publish(conn, ChangeTopic.LAYOUT, str(layout_id))  # other workstations: their tab bars
    return replace(layout, id=layout_id, version=1)


def update_layout(db: Database, layout: Layout, *, by: str, at: datetime, change: str,
                  also: Callable[[Connection, int], object] | None = None) -> Layout:
    """Store ``layout`` as the next version of ``layout.id``, provided ``layout.version`` is
    still the stored one; else :class:`StaleLayout` and nothing is written. ``also`` runs in
    the same transaction once the version is stored."""
    if layout.id is None:
        raise ValueError("update_layout needs a saved layout (id set)")
    doc = layout_doc(layout)
    new_version = layout.version + 1
    with db.write() as conn:
        # The version in the WHERE clause makes the check and the write one atomic step on
        # every dialect (PostgreSQL has no BEGIN IMMEDIATE).
        result = conn.execute(
            update(layouts)
            .where(layouts.c.id == layout.id, layouts.c.version == layout.version)
            .values(
                name=layout.name, commune_id=layout.commune_id, owner=layout.owner,
                version=new_version, doc=doc, updated_at=at, updated_by=by,
            )
        )
        if result.rowcount != 1:
            current = _stored(conn, layout.id)
            raise StaleLayout(current)
        _add_version(conn, layout.id, new_version, doc, by=by, at=at, change=change)
        if also is not None:
            also(conn, layout.id)
        publish(conn, ChangeTopic.LAYOUT, str(layout.id))
    return replace(layout, version=new_version)


def get_layout(db: Database, layout_id: int) -> StoredLayout | None:
    with db.read() as conn:
        return _stored(conn, layout_id)


def all_layouts(db: Database, *, owner: str, commune_id: str | None = None) -> list[StoredLayout]:
    """Shared layouts and the private ones of ``owner``, by name."""
    stmt = select(layouts).where((layouts.c.owner.is_(None)) | (layouts.c.owner == owner))
    if commune_id is not None:
        stmt = stmt.where(layouts.c.commune_id == commune_id)
    with db.read() as conn:
        rows = conn.execute(stmt.order_by(layouts.c.name, layouts.c.id)).mappings().all()
    return [_stored_of(r) for r in rows]


def stamp(db: Database, *, owner: str) -> tuple[tuple[int, int], ...]:
    """(id, version) of the layouts :func:`all_layouts` lists: changes when any of them does."""
    stmt = (
        select(layouts.c.id, layouts.c.version)
        .where((layouts.c.owner.is_(None)) | (layouts.c.owner == owner))
        .order_by(layouts.c.id)
    )
    with db.read() as conn:
        return tuple((int(r[0]), int(r[1])) for r in conn.execute(stmt))


def delete_layout(db: Database, layout_id: int, *,
                  also: Callable[[Connection, int], object] | None = None) -> bool:
    """Remove a layout and its history (cascade); False if it was already gone. ``also``
    runs in the same transaction when it was there."""
    with db.write() as conn:
        conn.execute(delete(layout_versions).where(layout_versions.c.layout_id == layout_id))
        gone = conn.execute(delete(layouts).where(layouts.c.id == layout_id)).rowcount == 1
        if gone:
            if also is not None:
                also(conn, layout_id)
            publish(conn, ChangeTopic.LAYOUT, str(layout_id))
        return gone


def versions(db: Database, layout_id: int) -> list[LayoutVersion]:
    """Every saved version of a layout, newest first."""
    stmt = (
        select(layout_versions)
        .where(layout_versions.c.layout_id == layout_id)
        .order_by(layout_versions.c.version.desc())
    )
    with db.read() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [_version_of(r) for r in rows]


def get_version(db: Database, layout_id: int, version: int) -> LayoutVersion | None:
    stmt = select(layout_versions).where(
        layout_versions.c.layout_id == layout_id, layout_versions.c.version == version
    )
    with db.read() as conn:
        row = conn.execute(stmt).mappings().first()
    return _version_of(row) if row is not None else None


def camera_ids(db: Database) -> set[str]:
    """Ids of the cameras of the site now in the database."""
    with db.read() as conn:
        return {str(r[0]) for r in conn.execute(select(cameras.c.id))}


def _add_version(
    conn: Connection, layout_id: int, version: int, doc: dict[str, Any], *, by: str,
    at: datetime, change: str,
) -> None:
    conn.execute(
        insert(layout_versions).values(
            layout_id=layout_id, version=version, doc=doc, saved_by=by, saved_at=at,
            change=change,
        )
    )


def _stored(conn: Connection, layout_id: int) -> StoredLayout | None:
    row = conn.execute(select(layouts).where(layouts.c.id == layout_id)).mappings().first()
    return _stored_of(row) if row is not None else None


def _stored_of(row: Any) -> StoredLayout:
    layout = layout_of_doc(row["doc"], layout_id=int(row["id"]), version=int(row["version"]))
    return StoredLayout(layout, str(row["updated_by"]), row["updated_at"])


def _version_of(row: Any) -> LayoutVersion:
    layout_id, version = int(row["layout_id"]), int(row["version"])
    return LayoutVersion(
        layout_id=layout_id,
        version=version,
        layout=layout_of_doc(row["doc"], layout_id=layout_id, version=version),
        saved_by=str(row["saved_by"]),
        saved_at=row["saved_at"],
        change=str(row["change"]),
    )
