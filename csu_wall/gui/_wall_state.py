"""A layout as plain JSON-able values, for the crash-restore state (ScreenService)."""

from __future__ import annotations

from csu_wall.core.layout import Cell, Grid, Layout, LayoutError


def layout_state(layout: Layout) -> dict[str, object]:
    grid = layout.grid
    return {
        "id": layout.id,
        "version": layout.version,
        "name": layout.name,
        "commune_id": layout.commune_id,
        "owner": layout.owner,
        "rows": grid.rows,
        "cols": grid.cols,
        "cells": [[c.row, c.col, c.row_span, c.col_span] for c in grid.cells],
        "cameras": list(layout.cameras),
        "fill": layout.fill,
    }


def layout_from_state(value: object) -> Layout | None:
    """The layout saved by :func:`layout_state`, or None when the value is not one (an older
    or damaged state is ignored, never fatal at start)."""
    if not isinstance(value, dict):
        return None
    try:
        cells = tuple(Cell(int(r), int(c), int(rs), int(cs)) for r, c, rs, cs in value["cells"])
        grid = Grid(int(value["rows"]), int(value["cols"]), cells)
        cameras = tuple(None if c is None else str(c) for c in value["cameras"])
        raw_id = value.get("id")
        return Layout(
            str(value["name"]), grid, cameras,
            commune_id=_opt_str(value.get("commune_id")),
            owner=_opt_str(value.get("owner")),
            id=int(raw_id) if raw_id is not None else None,
            version=int(value.get("version") or 0),
            fill=bool(value.get("fill", False)),
        )
    except (KeyError, TypeError, ValueError, LayoutError):
        return None


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)
