"""The handover dialogs over the real ShiftService: the exported CSV's
content, the HTML and PDF files, and the incoming operator's acknowledgment gate."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from csu_wall.core.shifts import BookmarkStatus, Severity
from csu_wall.gui.handover_dialog import HandoverAckDialog, HandoverDialog
from csu_wall.services.shifts import ShiftService
from tests.gui._shift_env import ShiftEnv, shift_env  # noqa: F401

T0 = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)


def _shift_with_bookmarks(env: ShiftEnv) -> tuple[ShiftService, list[int]]:
    operator = env.account("dupont")
    gate = env.gate(operator, {"tourcoing", "roncq"})
    shifts = env.shifts(gate)
    service = env.bookmarks(gate)
    shift = shifts.open(operator.id, ("mur-1",))
    site = env.site
    a = service.create(site.camera("tcg-001"), T0, category="rixe", severity=Severity.HIGH,
                       note="bagarre; deux personnes", shift_id=shift.id, snapshot_png=None)
    b = service.create(site.camera("rcq-002"), T0 + timedelta(minutes=5),
                       category="dépôt sauvage", severity=Severity.LOW,
                       note="=cmd|' /C calc'!A0", shift_id=shift.id, snapshot_png=b"\x89PNG")
    c = service.create(site.camera("tcg-003"), T0 + timedelta(minutes=9), category="accident",
                       severity=Severity.MEDIUM, note="clos sur place", shift_id=shift.id,
                       snapshot_png=None)
    service.update(c.id, status=BookmarkStatus.CLOSED)
    service.mark_judicial(a.id, "PV 2026/77")
    return shifts, [a.id, b.id, c.id]


def test_handover_exports_csv_html_and_pdf(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    shifts, ids = _shift_with_bookmarks(shift_env)
    export_dir = shift_env.data_dir / "handovers"
    dialog = HandoverDialog(shifts, shift_env.site, export_dir=export_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.notes_edit, "Rappeler la police municipale")
    qtbot.keyClick(dialog.notes_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.notes_edit, "Camera 12 floue")
    dialog.show_preview()  # built off the GUI thread
    qtbot.waitUntil(lambda: dialog.preview_report is not None, timeout=5_000)
    preview = dialog.preview_report
    assert preview is not None and preview.id is None  # nothing saved by a preview
    assert shifts.current() is not None
    qtbot.mouseClick(dialog.handover_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10_000)  # saved off-thread
    report, files = dialog.report, dialog.files
    assert report is not None and files is not None and shifts.current() is None
    assert {p.parent for p in (files.html, files.pdf, files.csv)} == {export_dir}
    assert files.pdf.read_bytes()[:5] == b"%PDF-" and files.pdf.stat().st_size > 1000
    assert "Rappeler la police municipale" in files.html.read_text(encoding="utf-8")

    raw = files.csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read it as UTF-8
    with files.csv.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["n°", "date (heure de Paris)", "date UTC"]
    by_id = {int(r[0]): dict(zip(header, r, strict=True)) for r in body}
    assert sorted(by_id) == sorted(ids)
    first = by_id[ids[0]]
    assert first["date (heure de Paris)"] == "25/11/2026 07:30"  # UTC+1 in November
    assert first["date UTC"] == "2026-11-25T06:30:00+00:00"
    assert first["commune"] == "Tourcoing"
    assert first["caméra"] == shift_env.site.camera("tcg-001").name
    assert (first["catégorie"], first["gravité"], first["statut"]) == ("rixe", "élevée",
                                                                       "ouvert")
    assert first["note"] == "bagarre; deux personnes"  # the separator inside stays quoted
    assert first["référence judiciaire"] == "PV 2026/77"
    assert first["opérateur"] == "dupont"
    second = by_id[ids[1]]
    assert second["note"].startswith("'=")  # no formula injection into a spreadsheet
    assert second["instantané"] == "oui" and first["instantané"] == "non"
    assert by_id[ids[2]]["statut"] == "clos"


def test_incoming_operator_must_tick_every_open_item(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    shifts, ids = _shift_with_bookmarks(shift_env)
    saved = shifts.close_with_handover(shifts.prepare_handover("surveiller la gare"))
    martin = shift_env.account("martin")
    pending = shifts.pending_handover()
    assert pending is not None and pending.id == saved.id
    dialog = HandoverAckDialog(shifts, pending, martin, site=shift_env.site)
    qtbot.addWidget(dialog)
    dialog.show()
    # Open bookmarks (the closed one is not carried) and the note.
    assert set(dialog.item_boxes) == {f"bookmark:{ids[0]}", f"bookmark:{ids[1]}", "note:1"}
    assert not dialog.take_button.isEnabled()
    boxes = list(dialog.item_boxes.values())
    boxes[0].setChecked(True)
    boxes[1].setChecked(True)
    assert not dialog.take_button.isEnabled()
    assert "2 of 3" in dialog.progress_label.text()
    # Even if the button were forced, the service refuses a partial acknowledgment.
    dialog.acknowledge()  # written off the GUI thread
    qtbot.waitUntil(lambda: not dialog.acknowledging, timeout=5_000)
    assert "non acquitté" in dialog.error_label.text() and dialog.shift is None
    assert shifts.pending_handover() is not None
    boxes[2].setChecked(True)
    assert dialog.take_button.isEnabled()
    with qtbot.waitSignal(dialog.sig_acknowledged):
        qtbot.mouseClick(dialog.take_button, Qt.MouseButton.LeftButton)
    assert dialog.shift is not None and dialog.shift.operator_id == "martin"
    assert shifts.pending_handover() is None
    assert shifts.report(saved.id or 0).acknowledged_by == "martin"
