"""Shifts and the handover (backend): shifts open/join/close only with a handover, lost cameras,
the handover report's content, and the acknowledgment of every open item. Real SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from csu_wall.core.audit import AuditAction
from csu_wall.core.shifts import BookmarkStatus, Severity
from csu_wall.storage.audit import entries
from csu_wall.storage.schema import audit_anchors
from csu_wall.storage.schema_shifts import handover_acks
from tests.services.shifts_env import PNG, T0, Room, make_room


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Room]:
    r = make_room(tmp_path / "csu.sqlite3")
    yield r
    r.db.close()


def _actions(room: Room) -> list[AuditAction]:
    return [rec.entry.action for rec in entries(room.db, limit=None)]


def test_point1_open_join_and_close_only_with_a_handover(room: Room) -> None:
    svc = room.shifts()
    assert svc.current() is None
    shift = svc.open("alice", ["mur-principal", "mur-2"])
    assert (shift.operator_id, shift.workstation, shift.walls) == (
        "alice", "pupitre-1", ("mur-principal", "mur-2"))
    assert shift.started_utc == T0 and shift.ended_utc is None and shift.members == ("alice",)
    with pytest.raises(ValueError, match="déjà ouverte"):
        svc.open("bob", ["mur-principal"])
    room.clock.advance(minutes=10)
    joined = svc.join(shift.id, "bob")
    assert joined.members == ("alice", "bob") and svc.join(shift.id, "bob") == joined
    assert svc.current() == joined
    assert not hasattr(svc, "close")  # the only way to close is close_with_handover
    room.clock.advance(hours=8)
    report = svc.close_with_handover(svc.prepare_handover("RAS"))
    assert report.id is not None and report.shift.ended_utc == T0 + timedelta(hours=8, minutes=10)
    assert svc.current() is None
    with pytest.raises(ValueError, match="n'est pas"):
        svc.join(shift.id, "carol")
    with pytest.raises(ValueError, match="Aucune vacation"):
        svc.prepare_handover("")
    with pytest.raises(ValueError, match="déjà enregistrée"):
        svc.close_with_handover(report)
    # Until the handover is acknowledged, nobody opens a fresh shift on this workstation.
    with pytest.raises(ValueError, match="acquittée"):
        svc.open("carol", ["mur-principal"])
    assert _actions(room) == [AuditAction.SHIFT_OPEN, AuditAction.SHIFT_JOIN,
                              AuditAction.SHIFT_JOIN, AuditAction.HANDOVER,
                              AuditAction.SHIFT_CLOSE]


def test_point1_lost_cameras_are_recorded_and_closed_when_back(room: Room) -> None:
    svc = room.shifts()
    with pytest.raises(ValueError, match="Aucune vacation"):
        svc.record_lost(room.camera("tcg-nvr1-001"), T0)
    svc.open("alice", ["mur"])
    cam1, cam2 = room.camera("tcg-nvr1-001"), room.camera("rcq-nvr1-002")
    svc.record_lost(cam1, T0 + timedelta(minutes=5))
    svc.record_lost(cam1, T0 + timedelta(minutes=6))  # still the same loss
    svc.record_lost(cam2, T0 + timedelta(minutes=7))
    svc.record_lost(cam1, T0 + timedelta(minutes=5), T0 + timedelta(minutes=20))
    report = svc.prepare_handover("")
    assert [(c.camera_id, c.until_utc) for c in report.lost_cameras] == [
        ("tcg-nvr1-001", T0 + timedelta(minutes=20)), ("rcq-nvr1-002", None)]
    assert [i.key for i in report.open_items] == ["lost:rcq-nvr1-002"]  # still lost: open
    assert "Caméra 2 roncq" in report.open_items[0].text


def test_point1_handover_carries_bookmarks_open_items_lost_cameras_notes_and_audit_head(
        room: Room) -> None:
    shifts = room.shifts()
    marks = room.bookmarks("alice")
    # An open bookmark left by no shift, and one closed: only the open one is carried over.
    earlier = marks.create(room.camera("rcq-nvr1-001"), T0 - timedelta(days=1),
                           category="intrusion", severity=Severity.HIGH, note="Porte forcée",
                           shift_id=None, snapshot_png=None)
    done = marks.create(room.camera("rcq-nvr1-001"), T0 - timedelta(days=1),
                        category="accident", severity=Severity.LOW, shift_id=None,
                        snapshot_png=None)
    marks.update(done.id, status=BookmarkStatus.CLOSED)
    shift = shifts.open("alice", ["mur"])
    b1 = marks.create(room.camera("tcg-nvr1-001"), T0 + timedelta(minutes=1), category="rixe",
                      severity=Severity.HIGH, note="Rixe place de la gare", shift_id=shift.id,
                      snapshot_png=PNG)
    b2 = marks.create(room.camera("tcg-nvr1-002"), T0 + timedelta(minutes=2),
                      category="accident", severity=Severity.LOW, shift_id=shift.id,
                      snapshot_png=None)
    marks.update(b2.id, status=BookmarkStatus.CLOSED)
    shifts.record_lost(room.camera("tcg-nvr1-002"), T0 + timedelta(minutes=3))
    head_before = room.audit.head()
    report = shifts.prepare_handover("Surveiller la sortie du lycée\n\nRappeler la police")
    assert report.id is None and report.shift == shift
    assert [b.id for b in report.bookmarks] == [b1.id, b2.id]
    assert [i.key for i in report.open_items] == [
        f"bookmark:{earlier.id}", f"bookmark:{b1.id}", "lost:tcg-nvr1-002", "note:1", "note:2"]
    assert [i.kind for i in report.open_items] == [
        "bookmark", "bookmark", "lost_camera", "note", "note"]
    assert "Porte forcée" in report.open_items[0].text
    assert report.open_items[4].text == "Consigne : Rappeler la police"
    assert report.audit_head == head_before[1] and len(report.audit_head) == 64
    saved = shifts.close_with_handover(report)
    # The head is anchored apart from the log, and the handover is audited with it.
    with room.db.read() as conn:
        anchors = conn.execute(select(audit_anchors.c.head_id, audit_anchors.c.head_hash)).all()
    assert anchors == [tuple(head_before)]
    handover = [r.entry for r in entries(room.db, limit=None)
                if r.entry.action is AuditAction.HANDOVER][0]
    assert handover.extra["audit_head"] == report.audit_head
    assert handover.extra["handover_id"] == str(saved.id)
    # What the incoming operator gets back from the database is what was saved.
    pending = room.shifts().pending_handover()
    assert pending is not None and pending.id == saved.id
    assert pending.open_items == report.open_items and pending.bookmarks == report.bookmarks
    assert pending.lost_cameras == report.lost_cameras and pending.notes == report.notes
    assert pending.shift.ended_utc is not None and pending.acknowledged_by is None


def test_point1_every_open_item_must_be_acknowledged_and_the_ack_is_recorded(
        room: Room) -> None:
    shifts = room.shifts()
    shift = shifts.open("alice", ["mur-1"])
    b = room.bookmarks("alice").create(room.camera("tcg-nvr1-001"), T0, category="rixe",
                                       severity=Severity.HIGH, shift_id=shift.id,
                                       snapshot_png=None)
    report = shifts.close_with_handover(shifts.prepare_handover("Consigne A\nConsigne B"))
    assert report.id is not None
    keys = [i.key for i in report.open_items]
    assert keys == [f"bookmark:{b.id}", "note:1", "note:2"]
    incoming = room.shifts()
    with pytest.raises(ValueError, match="1 non acquitté.*Consigne B"):
        incoming.acknowledge(report.id, "bob", keys[:2])
    assert incoming.current() is None and incoming.pending_handover() is not None
    room.clock.advance(minutes=2)
    new_shift = incoming.acknowledge(report.id, "bob", keys + ["extra:ignored"])
    assert (new_shift.operator_id, new_shift.walls, new_shift.ended_utc) == ("bob", ("mur-1",),
                                                                             None)
    assert incoming.current() == new_shift and incoming.pending_handover() is None
    assert incoming.report(report.id).acknowledged_by == "bob"
    with room.db.read() as conn:
        acks = conn.execute(select(handover_acks.c.item_key, handover_acks.c.operator_id)
                            .order_by(handover_acks.c.item_key)).all()
    assert acks == sorted((k, "bob") for k in keys)
    acked = [r.entry for r in entries(room.db, limit=None)
             if r.entry.action is AuditAction.HANDOVER_ACK]
    assert sorted(e.extra.get("item", "") for e in acked) == sorted(keys + [""])
    assert all(e.operator_id == "bob" for e in acked)
    assert _actions(room)[-1] is AuditAction.SHIFT_OPEN
    with pytest.raises(ValueError, match="déjà été acquittée par bob"):
        incoming.acknowledge(report.id, "carol", keys)


def test_point1_report_hides_bookmarks_of_communes_the_reader_may_not_see(room: Room) -> None:
    shifts = room.shifts()
    shift = shifts.open("alice", ["mur"])
    marks = room.bookmarks("alice")
    marks.create(room.camera("tcg-nvr1-001"), T0, category="rixe", severity=Severity.LOW,
                 shift_id=shift.id, snapshot_png=None)
    r = marks.create(room.camera("rcq-nvr1-001"), T0, category="rixe", severity=Severity.LOW,
                     shift_id=shift.id, snapshot_png=None)
    report = shifts.close_with_handover(shifts.prepare_handover(""))
    assert report.id is not None
    carol_view = room.shifts("carol").report(report.id)  # roncq only
    assert [b.id for b in carol_view.bookmarks] == [r.id]
