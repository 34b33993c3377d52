"""Shifts and handovers: who watches the wall, and what one shift passes to the next.

A shift is opened at sign-in (or joined); it is closed only by a handover, which carries the
shift's bookmarks, the open items (open bookmarks, including those earlier shifts left, cameras
still lost, the outgoing operator's notes) and the audit chain head, anchored apart from the
log. The incoming operator acknowledges every open item; that opens their shift.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.changes import ChangeTopic
from csu_wall.core.model import Camera
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.core.shifts import (
    Bookmark,
    BookmarkStatus,
    HandoverItem,
    HandoverReport,
    LostCamera,
    Shift,
)
from csu_wall.services.access import AccessGate
from csu_wall.services.handover_report import STATUS_FR, fr_time
from csu_wall.storage import bookmark_repo, shift_repo
from csu_wall.storage.audit import anchor_of
from csu_wall.storage.changes import guarded, publish
from csu_wall.storage.db import Database
from csu_wall.storage.operators import get_operator
from csu_wall.storage.schema import audit_log
from csu_wall.storage.schema_shifts import handovers, lost_cameras


class ShiftService:
    def __init__(self, db: Database, audit: AuditSink, *, workstation: str,
                 clock: Clock | None = None, access: AccessGate | None = None) -> None:
        self._db = db
        self._audit = audit
        self._workstation = workstation
        self._clock = clock or SystemClock()
        # When given, reports show only bookmarks of communes this operator may see.
        self._access = access

    @property
    def workstation(self) -> str:
        return self._workstation

    def current(self) -> Shift | None:
        """The open shift of this workstation."""
        with guarded(self._db, "vacation non lue"), self._db.read() as conn:
            return shift_repo.open_shift_of(conn, self._workstation)

    def open(self, operator_id: str, walls: Sequence[str]) -> Shift:
        now = self._clock.now_utc()
        with guarded(self._db, "vacation NON ouverte"), self._db.write() as conn:
            existing = shift_repo.open_shift_of(conn, self._workstation)
            if existing is not None:
                raise ValueError(
                    f"Une vacation est déjà ouverte sur ce poste (par {existing.operator_id}) : "
                    "rejoignez-la, ou attendez sa relève.")
            if shift_repo.pending_handover_id(conn, self._workstation) is not None:
                raise ValueError("Une relève attend d'être acquittée sur ce poste : prenez "
                                 "connaissance de chaque point ouvert pour prendre le mur.")
            shift_id = shift_repo.insert_shift(conn, operator_id, self._workstation, walls, now)
            shift = shift_repo.get_shift(conn, shift_id)
        assert shift is not None
        self._record(AuditAction.SHIFT_OPEN, operator_id, f"vacation n° {shift_id} ouverte",
                     {"shift_id": str(shift_id), "walls": ",".join(walls)})
        return shift

    def join(self, shift_id: int, operator_id: str) -> Shift:
        now = self._clock.now_utc()
        with guarded(self._db, "vacation NON rejointe"), self._db.write() as conn:
            shift = shift_repo.get_shift(conn, shift_id)
            if shift is None or shift.ended_utc is not None:
                raise ValueError(f"La vacation n° {shift_id} n'est pas (ou plus) ouverte.")
            shift_repo.add_member(conn, shift_id, operator_id, now)
            shift = shift_repo.get_shift(conn, shift_id)
        assert shift is not None
        self._record(AuditAction.SHIFT_JOIN, operator_id, f"vacation n° {shift_id} rejointe",
                     {"shift_id": str(shift_id)})
        return shift

    def record_lost(self, camera: Camera, since_utc: datetime,
                    until_utc: datetime | None = None) -> None:
        """A camera was lost during the shift; called again with ``until_utc`` when it returns
        (that closes the open record instead of adding one)."""
        shift = self._require_current()
        with guarded(self._db, "perte de caméra non enregistrée"), self._db.write() as conn:
            open_row = conn.execute(select(lost_cameras.c.id).where(
                lost_cameras.c.shift_id == shift.id, lost_cameras.c.camera_id == camera.id,
                lost_cameras.c.until_utc.is_(None))).scalar()
            if open_row is not None and until_utc is not None:
                conn.execute(update(lost_cameras).where(lost_cameras.c.id == open_row)
                             .values(until_utc=until_utc))
                publish(conn, ChangeTopic.SHIFT, str(shift.id))
            elif open_row is None:
                shift_repo.add_lost(conn, shift.id, LostCamera(
                    camera.id, camera.name, camera.commune_id, since_utc, until_utc))

    def prepare_handover(self, notes: str) -> HandoverReport:
        """The report of the current shift, not saved yet (the operator may still edit)."""
        shift = self._require_current()
        with guarded(self._db, "relève non préparée"), self._db.read() as conn:
            own = self._visible(bookmark_repo.of_shift(conn, shift.id))
            carried = self._visible(bookmark_repo.open_before(conn, shift.id))
            lost = shift_repo.lost_of(conn, shift.id)
        with guarded(self._db, "relève non préparée"):
            anchor = anchor_of(self._audit, self._db)  # also kept in this workstation's file
        items: list[HandoverItem] = []
        for b in carried + [b for b in own if b.status is not BookmarkStatus.CLOSED]:
            items.append(HandoverItem(f"bookmark:{b.id}", "bookmark", _bookmark_text(b)))
        for cam in lost:
            if cam.until_utc is None:
                items.append(HandoverItem(
                    f"lost:{cam.camera_id}", "lost_camera",
                    f"Caméra « {cam.camera_name} » ({cam.commune_id}) perdue depuis "
                    f"{fr_time(cam.since_utc)}, toujours pas revenue."))
        lines = [line.strip() for line in notes.splitlines() if line.strip()]
        for n, line in enumerate(lines, start=1):
            items.append(HandoverItem(f"note:{n}", "note", f"Consigne : {line}"))
        return HandoverReport(id=None, shift=shift, bookmarks=tuple(own),
                              open_items=tuple(dict.fromkeys(items)),
                              lost_cameras=tuple(lost), notes=notes, audit_head=anchor.hash,
                              generated_utc=self._clock.now_utc(),
                              audit_anchor=anchor.line())

    def close_with_handover(self, report: HandoverReport) -> HandoverReport:
        """Save the handover and close the shift in one transaction (HANDOVER audited)."""
        if report.id is not None:
            raise ValueError("Cette relève est déjà enregistrée.")
        now = self._clock.now_utc()
        with guarded(self._db, "relève NON enregistrée, la vacation reste ouverte"), \
                self._db.write() as conn:
            shift = shift_repo.open_shift_of(conn, self._workstation)
            if shift is None or shift.id != report.shift.id:
                raise ValueError("Cette relève ne concerne pas la vacation ouverte sur ce poste.")
            head_id = conn.execute(select(audit_log.c.id).where(
                audit_log.c.entry_hash == report.audit_head)).scalar() or 0
            handover_id = shift_repo.insert_handover(
                conn, shift_id=shift.id, workstation=self._workstation, notes=report.notes,
                open_items=report.open_items, bookmark_ids=[b.id for b in report.bookmarks],
                audit_head_id=int(head_id), audit_head=report.audit_head,
                generated_utc=report.generated_utc, closed_by=shift.operator_id)
            shift_repo.end_shift(conn, shift.id, now)
            closed = shift_repo.get_shift(conn, shift.id)
        assert closed is not None
        extra = {"shift_id": str(shift.id), "handover_id": str(handover_id),
                 "audit_head": report.audit_head, "open_items": str(len(report.open_items))}
        self._record(AuditAction.HANDOVER, shift.operator_id,
                     f"relève n° {handover_id} de la vacation n° {shift.id}", extra)
        self._record(AuditAction.SHIFT_CLOSE, shift.operator_id,
                     f"vacation n° {shift.id} close", {"shift_id": str(shift.id)})
        return HandoverReport(id=handover_id, shift=closed, bookmarks=report.bookmarks,
                              open_items=report.open_items, lost_cameras=report.lost_cameras,
                              notes=report.notes, audit_head=report.audit_head,
                              generated_utc=report.generated_utc,
                              audit_anchor=report.audit_anchor)

    def pending_handover(self) -> HandoverReport | None:
        """The last handover of this workstation not yet acknowledged."""
        with guarded(self._db, "relève non lue"), self._db.read() as conn:
            handover_id = shift_repo.pending_handover_id(conn, self._workstation)
        return self.report(handover_id) if handover_id is not None else None

    def report(self, handover_id: int) -> HandoverReport:
        with guarded(self._db, "relève non lue"), self._db.read() as conn:
            row = shift_repo.get_handover(conn, handover_id)
            if row is None:
                raise LookupError(f"La relève n° {handover_id} n'existe pas.")
            shift = shift_repo.get_shift(conn, int(row["shift_id"]))
            marks = self._visible(bookmark_repo.by_ids(conn, [int(i) for i in
                                                             row["bookmark_ids"]]))
            lost = shift_repo.lost_of(conn, int(row["shift_id"]))
        assert shift is not None
        with guarded(self._db, "relève non lue"):
            anchor = anchor_of(self._audit, self._db,
                               (int(row["audit_head_id"]), str(row["audit_head"])))
        return replace(_report_of(row, shift, marks, lost), audit_anchor=anchor.line())

    def operator_names(self, operator_ids: Collection[str]) -> dict[str, str]:
        """Display names for reports ("Jeanne Dupont", not "jdupont"); the login when the
        account is unknown."""
        names: dict[str, str] = {}
        for operator_id in operator_ids:
            with guarded(self._db, "noms des opérateurs non lus"):
                operator = get_operator(self._db, operator_id)
            names[operator_id] = operator.display_name if operator else operator_id
        return names

    def acknowledge(self, handover_id: int, operator_id: str,
                    acked_keys: Collection[str]) -> Shift:
        """Record that ``operator_id`` took note of every open item, and open their shift."""
        now = self._clock.now_utc()
        with guarded(self._db, "acquittement NON enregistré"), self._db.write() as conn:
            row = conn.execute(select(handovers).where(handovers.c.id == handover_id)
                               .with_for_update()).mappings().first()
            if row is None:
                raise LookupError(f"La relève n° {handover_id} n'existe pas.")
            if row["acknowledged_utc"] is not None:
                raise ValueError(f"La relève n° {handover_id} a déjà été acquittée par "
                                 f"{row['acknowledged_by']}.")
            items = [HandoverItem(i["key"], i["kind"], i["text"]) for i in row["open_items"]]
            missing = [i for i in items if i.key not in set(acked_keys)]
            if missing:
                raise ValueError(
                    f"Prenez connaissance de chaque point ouvert avant de prendre le mur : "
                    f"{len(missing)} non acquitté(s) — "
                    + " ; ".join(i.text for i in missing[:5])
                    + (" ; …" if len(missing) > 5 else ""))
            outgoing = shift_repo.get_shift(conn, int(row["shift_id"]))
            shift_id = shift_repo.insert_shift(conn, operator_id, self._workstation,
                                               outgoing.walls if outgoing else (), now)
            shift_repo.record_ack(conn, handover_id, operator_id, [i.key for i in items], now,
                                  shift_id)
            shift = shift_repo.get_shift(conn, shift_id)
        assert shift is not None
        for item in items:
            self._record(AuditAction.HANDOVER_ACK, operator_id,
                         f"relève n° {handover_id} : point acquitté — {item.text}",
                         {"handover_id": str(handover_id), "item": item.key})
        self._record(AuditAction.HANDOVER_ACK, operator_id,
                     f"relève n° {handover_id} acquittée ({len(items)} point(s))",
                     {"handover_id": str(handover_id), "items": str(len(items))})
        self._record(AuditAction.SHIFT_OPEN, operator_id, f"vacation n° {shift_id} ouverte "
                     f"après la relève n° {handover_id}",
                     {"shift_id": str(shift_id), "handover_id": str(handover_id)})
        return shift

    # -- helpers --------------------------------------------------------------------------

    def _require_current(self) -> Shift:
        shift = self.current()
        if shift is None:
            raise ValueError("Aucune vacation n'est ouverte sur ce poste : ouvrez-en une.")
        return shift

    def _visible(self, marks: list[Bookmark]) -> list[Bookmark]:
        if self._access is None:
            return marks
        return [b for b in marks if self._access.may_view(b.commune_id)]

    def _record(self, action: AuditAction, operator_id: str, detail: str,
                extra: dict[str, str]) -> None:
        self._audit.append(AuditEntry(ts_utc=self._clock.now_utc(),
                                      workstation=self._workstation, operator_id=operator_id,
                                      action=action, detail=detail, extra=extra))


def _bookmark_text(b: Bookmark) -> str:
    note = f" — {b.note}" if b.note else ""
    return (f"Signet n° {b.id} ({STATUS_FR[b.status]}) : {b.category}, caméra {b.camera_id} "
            f"({b.commune_id}), {fr_time(b.at_utc)}{note}")


def _report_of(row: Any, shift: Shift, marks: list[Bookmark],
               lost: list[LostCamera]) -> HandoverReport:
    return HandoverReport(
        id=int(row["id"]), shift=shift, bookmarks=tuple(marks),
        open_items=tuple(HandoverItem(i["key"], i["kind"], i["text"])
                         for i in row["open_items"]),
        lost_cameras=tuple(lost), notes=row["notes"], audit_head=row["audit_head"],
        generated_utc=row["generated_utc"], acknowledged_by=row["acknowledged_by"])
