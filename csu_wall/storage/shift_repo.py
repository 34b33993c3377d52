"""Shifts, lost cameras and handovers in the database.

Functions take an open connection; the service decides the transaction. Every write publishes
on the change feed so other workstations refresh.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from csu_wall.core.changes import ChangeTopic
from csu_wall.core.shifts import HandoverItem, LostCamera, Shift
from csu_wall.storage.changes import publish
from csu_wall.storage.db import new_id
from csu_wall.storage.schema import audit_anchors
from csu_wall.storage.schema_shifts import (
    handover_acks,
    handovers,
    lost_cameras,
    shift_members,
    shifts,
)


def insert_shift(conn: Connection, operator_id: str, workstation: str, walls: Sequence[str],
                 started_utc: datetime) -> int:
    shift_id = new_id(conn.execute(insert(shifts).values(
        operator_id=operator_id, workstation=workstation, walls=list(walls),
        started_utc=started_utc, ended_utc=None)))
    conn.execute(insert(shift_members).values(shift_id=shift_id, operator_id=operator_id,
                                              joined_utc=started_utc))
    publish(conn, ChangeTopic.SHIFT, str(shift_id))
    return shift_id


def add_member(conn: Connection, shift_id: int, operator_id: str, at: datetime) -> None:
    present = conn.execute(select(shift_members.c.operator_id).where(
        shift_members.c.shift_id == shift_id, shift_members.c.operator_id == operator_id)).first()
    if present is None:
        conn.execute(insert(shift_members).values(shift_id=shift_id, operator_id=operator_id,
                                                  joined_utc=at))
        publish(conn, ChangeTopic.SHIFT, str(shift_id))


def end_shift(conn: Connection, shift_id: int, at: datetime) -> None:
    conn.execute(update(shifts).where(shifts.c.id == shift_id).values(ended_utc=at))
    publish(conn, ChangeTopic.SHIFT, str(shift_id))


def get_shift(conn: Connection, shift_id: int) -> Shift | None:
    row = conn.execute(select(shifts).where(shifts.c.id == shift_id)).mappings().first()
    return _shift_of(conn, row) if row is not None else None


def open_shift_of(conn: Connection, workstation: str) -> Shift | None:
    row = conn.execute(select(shifts).where(shifts.c.workstation == workstation,
                                            shifts.c.ended_utc.is_(None))
                       .order_by(shifts.c.id.desc()).limit(1)).mappings().first()
    return _shift_of(conn, row) if row is not None else None


def add_lost(conn: Connection, shift_id: int, lost: LostCamera) -> None:
    conn.execute(insert(lost_cameras).values(
        shift_id=shift_id, camera_id=lost.camera_id, camera_name=lost.camera_name,
        commune_id=lost.commune_id, since_utc=lost.since_utc, until_utc=lost.until_utc))
    publish(conn, ChangeTopic.SHIFT, str(shift_id))


def lost_of(conn: Connection, shift_id: int) -> list[LostCamera]:
    rows = conn.execute(select(lost_cameras).where(lost_cameras.c.shift_id == shift_id)
                        .order_by(lost_cameras.c.since_utc, lost_cameras.c.id)).mappings()
    return [LostCamera(camera_id=r["camera_id"], camera_name=r["camera_name"],
                       commune_id=r["commune_id"], since_utc=r["since_utc"],
                       until_utc=r["until_utc"]) for r in rows]


def insert_handover(conn: Connection, *, shift_id: int, workstation: str, notes: str,
                    open_items: Sequence[HandoverItem], bookmark_ids: Sequence[int],
                    audit_head_id: int, audit_head: str, generated_utc: datetime,
                    closed_by: str) -> int:
    handover_id = new_id(conn.execute(insert(handovers).values(
        shift_id=shift_id, workstation=workstation, notes=notes,
        open_items=[{"key": i.key, "kind": i.kind, "text": i.text} for i in open_items],
        bookmark_ids=list(bookmark_ids), audit_head_id=audit_head_id, audit_head=audit_head,
        generated_utc=generated_utc, closed_by=closed_by)))
    # The handover anchors the audit chain head apart from the log (see audit_anchors).
    conn.execute(insert(audit_anchors).values(
        head_id=audit_head_id, head_hash=audit_head, anchored_at=generated_utc,
        anchored_by=closed_by, workstation=workstation))
    publish(conn, ChangeTopic.HANDOVER, str(handover_id))
    return handover_id


def get_handover(conn: Connection, handover_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(handovers).where(handovers.c.id == handover_id)).mappings().first()
    return dict(row) if row is not None else None


def pending_handover_id(conn: Connection, workstation: str) -> int | None:
    value = conn.execute(select(handovers.c.id).where(
        handovers.c.workstation == workstation, handovers.c.acknowledged_utc.is_(None))
        .order_by(handovers.c.id.desc()).limit(1)).scalar()
    return int(value) if value is not None else None


def record_ack(conn: Connection, handover_id: int, operator_id: str, keys: Collection[str],
               at: datetime, next_shift_id: int) -> None:
    for key in sorted(keys):
        conn.execute(insert(handover_acks).values(handover_id=handover_id, item_key=key,
                                                  operator_id=operator_id, acked_utc=at))
    conn.execute(update(handovers).where(handovers.c.id == handover_id).values(
        acknowledged_by=operator_id, acknowledged_utc=at, next_shift_id=next_shift_id))
    publish(conn, ChangeTopic.HANDOVER, str(handover_id))


def acked_keys(conn: Connection, handover_id: int) -> list[str]:
    return [str(k) for k in conn.execute(select(handover_acks.c.item_key).where(
        handover_acks.c.handover_id == handover_id).order_by(handover_acks.c.item_key)).scalars()]


def _shift_of(conn: Connection, r: Any) -> Shift:
    members = conn.execute(select(shift_members.c.operator_id)
                           .where(shift_members.c.shift_id == r["id"])
                           .order_by(shift_members.c.joined_utc,
                                     shift_members.c.operator_id)).scalars().all()
    return Shift(id=int(r["id"]), operator_id=r["operator_id"], workstation=r["workstation"],
                 walls=tuple(str(w) for w in r["walls"]), started_utc=r["started_utc"],
                 ended_utc=r["ended_utc"], members=tuple(str(m) for m in members))
