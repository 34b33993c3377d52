"""Incident bookmarks in the database: rows in, :class:`Bookmark` values out.

Functions take an open connection so the service decides the transaction (one per bookmark).
Filtering happens in SQL, always restricted to the communes the caller may see.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, delete, exists, insert, or_, select, update

from csu_wall.core.changes import ChangeTopic
from csu_wall.core.shifts import Bookmark, BookmarkFilter, BookmarkStatus, Severity
from csu_wall.storage.changes import publish
from csu_wall.storage.db import new_id
from csu_wall.storage.schema_shifts import bookmark_snapshots, bookmarks, shift_settings

CATEGORIES_KEY = "bookmark_categories"
RETENTION_KEY = "bookmark_retention_days"
SEARCH_LIMIT = 2000  # a panel never needs more; the filter narrows further


def insert_bookmark(conn: Connection, values: dict[str, Any], snapshot_png: bytes | None) -> int:
    """Insert a bookmark (and its snapshot) and announce it; returns its id."""
    bookmark_id = new_id(conn.execute(insert(bookmarks).values(**values)))
    if snapshot_png:
        conn.execute(insert(bookmark_snapshots).values(bookmark_id=bookmark_id,
                                                       png=snapshot_png))
    publish(conn, ChangeTopic.BOOKMARK, str(bookmark_id))
    return bookmark_id


def update_bookmark(conn: Connection, bookmark_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(bookmarks).where(bookmarks.c.id == bookmark_id).values(**values))
    publish(conn, ChangeTopic.BOOKMARK, str(bookmark_id))


def get_bookmark(conn: Connection, bookmark_id: int) -> Bookmark | None:
    row = conn.execute(_select().where(bookmarks.c.id == bookmark_id)).mappings().first()
    return _bookmark_of(row) if row is not None else None


def snapshot_of(conn: Connection, bookmark_id: int) -> bytes | None:
    value = conn.execute(select(bookmark_snapshots.c.png)
                         .where(bookmark_snapshots.c.bookmark_id == bookmark_id)).scalar()
    return bytes(value) if value is not None else None


def search(conn: Connection, flt: BookmarkFilter, communes: Collection[str], *,
           limit: int = SEARCH_LIMIT) -> list[Bookmark]:
    """Bookmarks matching ``flt`` among ``communes`` only, newest first."""
    if not communes:
        return []
    stmt = _select().where(bookmarks.c.commune_id.in_(sorted(communes)))
    if flt.commune_id is not None:
        stmt = stmt.where(bookmarks.c.commune_id == flt.commune_id)
    if flt.camera_id is not None:
        stmt = stmt.where(bookmarks.c.camera_id == flt.camera_id)
    if flt.category is not None:
        stmt = stmt.where(bookmarks.c.category == flt.category)
    if flt.status is not None:
        stmt = stmt.where(bookmarks.c.status == BookmarkStatus(flt.status).value)
    if flt.shift_id is not None:
        stmt = stmt.where(bookmarks.c.shift_id == flt.shift_id)
    if flt.start_utc is not None:
        stmt = stmt.where(bookmarks.c.at_utc >= flt.start_utc)
    if flt.end_utc is not None:
        stmt = stmt.where(bookmarks.c.at_utc < flt.end_utc)
    if flt.text.strip():
        pattern = "%" + _escape_like(flt.text.strip().lower()) + "%"
        stmt = stmt.where(or_(
            bookmarks.c.note.ilike(pattern, escape="\\"),
            bookmarks.c.category.ilike(pattern, escape="\\"),
            bookmarks.c.camera_id.ilike(pattern, escape="\\"),
            bookmarks.c.judicial_ref.ilike(pattern, escape="\\"),
        ))
    stmt = stmt.order_by(bookmarks.c.at_utc.desc(), bookmarks.c.id.desc()).limit(limit)
    return [_bookmark_of(r) for r in conn.execute(stmt).mappings()]


def of_shift(conn: Connection, shift_id: int) -> list[Bookmark]:
    stmt = _select().where(bookmarks.c.shift_id == shift_id).order_by(bookmarks.c.at_utc,
                                                                       bookmarks.c.id)
    return [_bookmark_of(r) for r in conn.execute(stmt).mappings()]


def open_before(conn: Connection, shift_id: int) -> list[Bookmark]:
    """Bookmarks still open that earlier shifts (or no shift) left: carried over."""
    stmt = (_select()
            .where(bookmarks.c.status != BookmarkStatus.CLOSED.value)
            .where(or_(bookmarks.c.shift_id.is_(None), bookmarks.c.shift_id < shift_id))
            .order_by(bookmarks.c.at_utc, bookmarks.c.id))
    return [_bookmark_of(r) for r in conn.execute(stmt).mappings()]


def by_ids(conn: Connection, ids: Sequence[int]) -> list[Bookmark]:
    if not ids:
        return []
    stmt = _select().where(bookmarks.c.id.in_(list(ids))).order_by(bookmarks.c.at_utc,
                                                                   bookmarks.c.id)
    return [_bookmark_of(r) for r in conn.execute(stmt).mappings()]


def expired(conn: Connection, created_before: datetime) -> list[Bookmark]:
    """Bookmarks past retention and not under a judicial hold."""
    stmt = (_select().where(bookmarks.c.created_utc < created_before)
            .where(bookmarks.c.judicial_ref.is_(None)).order_by(bookmarks.c.id))
    return [_bookmark_of(r) for r in conn.execute(stmt).mappings()]


def delete_bookmark(conn: Connection, bookmark_id: int) -> None:
    # The snapshot goes explicitly too: SQLite cascades only with foreign_keys=ON.
    conn.execute(delete(bookmark_snapshots).where(bookmark_snapshots.c.bookmark_id
                                                  == bookmark_id))
    conn.execute(delete(bookmarks).where(bookmarks.c.id == bookmark_id))
    publish(conn, ChangeTopic.BOOKMARK, str(bookmark_id))


def get_setting(conn: Connection, key: str) -> Any:
    return conn.execute(select(shift_settings.c.value)
                        .where(shift_settings.c.key == key)).scalar()


def set_setting(conn: Connection, key: str, value: Any) -> None:
    present = conn.execute(select(exists().where(shift_settings.c.key == key))).scalar()
    if present:
        conn.execute(update(shift_settings).where(shift_settings.c.key == key)
                     .values(value=value))
    else:
        conn.execute(insert(shift_settings).values(key=key, value=value))
    publish(conn, ChangeTopic.SETTINGS, key)


def _select() -> Select[Any]:
    has_snapshot = exists().where(bookmark_snapshots.c.bookmark_id == bookmarks.c.id)
    return select(bookmarks, has_snapshot.label("has_snapshot"))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _bookmark_of(r: Any) -> Bookmark:
    return Bookmark(
        id=int(r["id"]), camera_id=r["camera_id"], commune_id=r["commune_id"],
        at_utc=r["at_utc"], pre_seconds=int(r["pre_seconds"]),
        post_seconds=int(r["post_seconds"]), category=r["category"],
        severity=Severity(int(r["severity"])), note=r["note"],
        status=BookmarkStatus(r["status"]), shift_id=r["shift_id"],
        operator_id=r["operator_id"], created_utc=r["created_utc"],
        updated_utc=r["updated_utc"], judicial_ref=r["judicial_ref"],
        has_snapshot=bool(r["has_snapshot"]),
    )
