"""Screen assignments and the crash-restore wall state of each workstation (tables
``screen_assignments`` and ``wall_state`` of :mod:`csu_wall.storage.schema_wall`).

Both are rewritten whole in one transaction (delete then insert: portable, no dialect upsert).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from csu_wall.core.layout import ScreenAssignment
from csu_wall.storage.db import Database
from csu_wall.storage.schema_wall import screen_assignments, wall_state


def replace_assignments(
    db: Database, workstation: str, assignments: Sequence[ScreenAssignment]
) -> None:
    """The assignments of ``workstation`` become exactly ``assignments`` (order kept)."""
    rows = [
        {
            "workstation": workstation,
            "screen": a.screen,
            "position": i,
            "layout_id": a.layout_id,
            "fullscreen": a.fullscreen,
            "tour_id": a.tour_id,
            "extra": dict(a.extra),
        }
        for i, a in enumerate(assignments)
    ]
    with db.write() as conn:
        conn.execute(
            delete(screen_assignments).where(screen_assignments.c.workstation == workstation)
        )
        if rows:
            conn.execute(insert(screen_assignments), rows)


def assignments_of(db: Database, workstation: str) -> list[ScreenAssignment]:
    stmt = (
        select(screen_assignments)
        .where(screen_assignments.c.workstation == workstation)
        .order_by(screen_assignments.c.position)
    )
    with db.read() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [_assignment_of(r) for r in rows]


def write_state(db: Database, workstation: str, state: dict[str, Any], *, at: datetime) -> None:
    with db.write() as conn:
        conn.execute(delete(wall_state).where(wall_state.c.workstation == workstation))
        conn.execute(
            insert(wall_state).values(workstation=workstation, state=state, updated_at=at)
        )


def read_state(db: Database, workstation: str) -> tuple[dict[str, Any], datetime] | None:
    """The last state written by ``workstation`` and when, or None."""
    stmt = select(wall_state.c.state, wall_state.c.updated_at).where(
        wall_state.c.workstation == workstation
    )
    with db.read() as conn:
        row = conn.execute(stmt).first()
    if row is None or not isinstance(row[0], dict):
        return None
    return dict(row[0]), row[1]


def _assignment_of(row: Any) -> ScreenAssignment:
    extra = row["extra"] if isinstance(row["extra"], dict) else {}
    return ScreenAssignment(
        workstation=str(row["workstation"]),
        screen=str(row["screen"]),
        layout_id=None if row["layout_id"] is None else int(row["layout_id"]),
        fullscreen=bool(row["fullscreen"]),
        tour_id=None if row["tour_id"] is None else int(row["tour_id"]),
        extra={str(k): str(v) for k, v in extra.items()},
    )
