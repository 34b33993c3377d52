"""Commune detachments in the database, and the one answer to "is this commune attached?".

Two facts can detach a commune: the site file (``attached = false``, written into
``communes.attached`` by ``site apply``) and an administrator's ``commune detach`` (a row of
``commune_detachments``, kept apart so re-applying the site file does not bring the commune
back). :func:`attached_state` combines them, and every reader of a commune's state goes
through it (or through ``site_repo.load_site``, which applies the same rule): the grant of a
habilitation, the credentials, layouts and tours, the commune watcher.

Detaching deletes the commune's recorder credentials in the same transaction: every
workstation loses them at once. Attaching again removes the row (credentials must be entered
again); a commune the site file itself says is detached stays detached.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select

from csu_wall.storage.db import Database
from csu_wall.storage.schema import (
    cameras,
    commune_detachments,
    communes,
    recorder_credentials,
    recorders,
)


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
    """Communes an administrator detached (``commune detach``), whatever the site file says."""
    with db.read() as conn:
        return set(conn.execute(select(commune_detachments.c.commune_id)).scalars())


def attached_state(conn: Connection) -> dict[str, bool]:
    """Every commune of the site and whether it is attached: the site file says so AND no
    administrator detached it."""
    detached = set(conn.execute(select(commune_detachments.c.commune_id)).scalars())
    return {cid: bool(attached) and cid not in detached
            for cid, attached in conn.execute(select(communes.c.id, communes.c.attached))}


def is_attached(db: Database, commune_id: str) -> bool | None:
    """True attached, False detached (by the site file or an administrator), None unknown."""
    with db.read() as conn:
        return attached_state(conn).get(commune_id)


def detached_cameras(db: Database, camera_ids: Iterable[str | None]) -> dict[str, str]:
    """Of these cameras, those of a detached commune: camera id -> commune id."""
    wanted = sorted({c for c in camera_ids if c})
    if not wanted:
        return {}
    with db.read() as conn:
        state = attached_state(conn)
        rows = conn.execute(select(cameras.c.id, cameras.c.commune_id)
                            .where(cameras.c.id.in_(wanted))).all()
    return {cid: commune for cid, commune in rows if state.get(commune) is False}
