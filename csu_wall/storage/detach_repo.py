"""Commune detachments in the database (issue "security", point 3).

A detach is kept in ``commune_detachments``, apart from ``communes.attached`` which the site
file writes, so re-applying the site file does not bring a detached commune back. Detaching
deletes the commune's recorder credentials in the same transaction: every workstation loses
them at once. Attaching again removes the row (credentials must be entered again).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, insert, select

from csu_wall.storage.db import Database
from csu_wall.storage.schema import commune_detachments, recorder_credentials, recorders


def detach(db: Database, commune_id: str, *, detached_by: str,
           now: datetime | None = None) -> int:
    """Mark the commune detached and delete its credentials; returns credentials deleted."""
    with db.write() as conn:
        recorder_ids = list(conn.execute(
            select(recorders.c.id).where(recorders.c.commune_id == commune_id)).scalars())
        removed = 0
        if recorder_ids:
            removed = conn.execute(delete(recorder_credentials).where(
                recorder_credentials.c.recorder_id.in_(recorder_ids))).rowcount
        already = conn.execute(select(commune_detachments.c.commune_id).where(
            commune_detachments.c.commune_id == commune_id)).first()
        if already is None:
            conn.execute(insert(commune_detachments).values(
                commune_id=commune_id, detached_at=now or datetime.now(UTC),
                detached_by=detached_by[:64]))
    return int(removed)


def attach(db: Database, commune_id: str) -> bool:
    """Undo a detach; False when the commune was not detached."""
    with db.write() as conn:
        result = conn.execute(delete(commune_detachments).where(
            commune_detachments.c.commune_id == commune_id))
    return result.rowcount > 0


def detached_communes(db: Database) -> set[str]:
    with db.read() as conn:
        return set(conn.execute(select(commune_detachments.c.commune_id)).scalars())
