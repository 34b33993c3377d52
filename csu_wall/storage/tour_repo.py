"""Tours in the database (table ``tours`` of :mod:`csu_wall.storage.schema_wall`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from csu_wall.core.layout import LayoutError, Tour, TourKind
from csu_wall.storage.db import Database, new_id
from csu_wall.storage.schema_wall import tours


def save_tour(db: Database, tour: Tour, *, by: str, at: datetime) -> Tour:
    """Insert (``tour.id`` None) or replace a tour; returns it with its id. Replacing a tour
    that no longer exists raises :class:`LookupError`."""
    values = {
        "name": tour.name,
        "kind": TourKind(tour.kind).value,
        "items": list(tour.items),
        "dwell_seconds": float(tour.dwell_seconds),
        "owner": tour.owner,
        "updated_at": at,
        "updated_by": by,
    }
    with db.write() as conn:
        if tour.id is None:
            return replace(tour, id=new_id(conn.execute(insert(tours).values(**values))))
        done = conn.execute(update(tours).where(tours.c.id == tour.id).values(**values))
        if done.rowcount != 1:
            raise LookupError(f"tour {tour.id} not found")
    return tour


def get_tour(db: Database, tour_id: int) -> Tour | None:
    with db.read() as conn:
        row = conn.execute(select(tours).where(tours.c.id == tour_id)).mappings().first()
    return _tour_of(row) if row is not None else None


def all_tours(db: Database, *, owner: str) -> list[Tour]:
    """Shared tours and the private ones of ``owner``, by name."""
    stmt = (
        select(tours)
        .where(tours.c.owner.is_(None) | (tours.c.owner == owner))
        .order_by(tours.c.name, tours.c.id)
    )
    with db.read() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [_tour_of(r) for r in rows]


def delete_tour(db: Database, tour_id: int) -> bool:
    with db.write() as conn:
        return conn.execute(delete(tours).where(tours.c.id == tour_id)).rowcount == 1


def _tour_of(row: Any) -> Tour:
    try:
        return Tour(
            name=str(row["name"]),
            kind=TourKind(row["kind"]),
            items=tuple(str(i) for i in row["items"]),
            dwell_seconds=float(row["dwell_seconds"]),
            owner=row["owner"],
            id=int(row["id"]),
        )
    except (TypeError, ValueError) as exc:
        if isinstance(exc, LayoutError):
            raise
        raise LayoutError(f"Ronde n° {row['id']} illisible dans la base.", field="items") from exc
