"""A full shift walked through the real widgets.

Sign in (SignInDialog over AuthService, accounts in the test database), open a shift, bookmark
three incidents on two communes (Ctrl+B and the tile action, then the bookmark dialog), hand
over with notes ("Relève" menu), the next operator signs in and acknowledges each open item
(recorded), the report lists exactly those three bookmarks, and the PDF opens: ``pdftotext``
(Debian poppler-utils) finds every bookmark's note in it. Real SQLite, real services, real
demo streams; nothing mocked.
"""

from __future__ import annotations

import csv
import shutil
import subprocess

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from csu_wall.core.audit import AuditAction
from csu_wall.core.security import Operator
from csu_wall.core.shifts import Bookmark, Severity
from csu_wall.gui.handover_dialog import HandoverAckDialog
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.shift_dialogs import ShiftStartDialog
from csu_wall.gui.shift_features import ShiftFeatures, install_shift_features
from csu_wall.gui.sign_in import SignInDialog
from csu_wall.gui.tile import TileWidget
from csu_wall.services.auth import AuthService
from csu_wall.storage.audit import entries
from tests.gui._shift_env import ShiftEnv, shift_env  # noqa: F401
from tests.services.auth_helpers import PASSWORD

COMMUNES = {"tourcoing", "roncq"}
FRAME_TIMEOUT_MS = 60_000  # demo streams on a shared 2-core machine
NOTES = ("Rixe devant la gare", "Voiture sur le trottoir", "Matelas déposé rue de Lille")


def _sign_in(qtbot: QtBot, auth: AuthService, login: str) -> Operator:
    dialog = SignInDialog(auth.sign_in)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.login_edit, login)
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(dialog.sig_signed_in) as blocker:
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    dialog.close()
    operator = blocker.args[0]
    assert isinstance(operator, Operator) and operator.id == login
    return operator


def _open_window(qtbot: QtBot, env: ShiftEnv, operator: Operator) -> tuple[MainWindow,
                                                                           ShiftFeatures]:
    gate = env.gate(operator, COMMUNES)
    window = env.window(gate)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    features = install_shift_features(window, shifts=env.shifts(gate),
                                      bookmarks=env.bookmarks(gate), site=env.site,
                                      data_dir=env.data_dir, walls=("mur-1",))
    return window, features


def _bookmark(qtbot: QtBot, window: MainWindow, features: ShiftFeatures, tile: TileWidget, *,
              by_key: bool, category: str, note: str) -> Bookmark:
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)  # the operator focuses the tile
    assert window.wall.focused_tile() is tile
    qtbot.waitUntil(lambda: tile.feed is not None and tile.feed.latest() is not None,
                    timeout=FRAME_TIMEOUT_MS)
    before = features.bookmark_dialog
    if by_key:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(tile, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    else:
        features.bookmark_action.trigger()  # the tile's menu item
    dialog = features.bookmark_dialog
    assert dialog is not None and dialog is not before and dialog.isVisible()
    assert dialog.camera == tile.camera
    # The full-resolution masked snapshot is taken off the GUI thread; saving waits for it.
    qtbot.waitUntil(lambda: not dialog.snapshot_pending and dialog.categories.loaded,
                    timeout=10_000)
    assert dialog.save_button.isEnabled()
    assert dialog.snapshot_source == "snapshot", features.snapshot_job and \
        features.snapshot_job.error
    dialog.category_box.setCurrentIndex(dialog.category_box.findData(category))
    dialog.severity_box.setCurrentIndex(dialog.severity_box.findData(Severity.HIGH.value))
    if note.isascii():
        qtbot.keyClicks(dialog.note_edit, note)
    else:  # QTest types ASCII only (qasciikey asserts): the accented text is inserted
        dialog.note_edit.insertPlainText(note)
    with qtbot.waitSignal(features.sig_bookmark_created) as created:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    bookmark = created.args[0]
    assert isinstance(bookmark, Bookmark) and dialog.bookmark == bookmark
    assert not dialog.isVisible()
    return bookmark


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_full_shift_walkthrough(qtbot: QtBot, shift_env: ShiftEnv) -> None:  # noqa: F811
    env = shift_env
    env.account("dupont")
    env.account("martin")
    auth = env.auth()

    # -- the outgoing operator signs in and opens the shift ---------------------------------
    dupont = _sign_in(qtbot, auth, "dupont")
    window, features = _open_window(qtbot, env, dupont)
    assert not window.wall.isVisible()  # no wall before a shift
    qtbot.waitUntil(lambda: features.gate.dialog is not None, timeout=5_000)  # read off-thread
    start = features.gate.dialog
    assert isinstance(start, ShiftStartDialog) and start.current is None
    qtbot.mouseClick(start.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: features.shift is not None, timeout=5_000)  # opened off-thread
    shift = features.shift
    assert shift is not None and shift.operator_id == "dupont" and shift.walls == ("mur-1",)
    assert window.wall.isVisible()

    # -- three incidents on two communes ----------------------------------------------------
    tiles = window.wall.tiles
    made = [_bookmark(qtbot, window, features, tiles[0], by_key=True, category="rixe",
                      note=NOTES[0]),
            _bookmark(qtbot, window, features, tiles[1], by_key=False,
                      category="stationnement gênant", note=NOTES[1])]
    qtbot.mouseClick(tiles[2], Qt.MouseButton.LeftButton)
    window.wall.open_in_focused("rcq-001")  # what the camera tree does on a double click
    made.append(_bookmark(qtbot, window, features, tiles[2], by_key=False,
                          category="dépôt sauvage", note=NOTES[2]))
    assert {b.commune_id for b in made} == COMMUNES
    assert [b.note for b in made] == list(NOTES)
    assert all(b.shift_id == shift.id and b.operator_id == "dupont" for b in made)
    assert all(b.has_snapshot for b in made)
    png = features.bookmarks.snapshot(made[0].id)  # type: ignore[attr-defined]
    assert png is not None
    image, frame = QImage.fromData(png), tiles[0].feed.latest()  # type: ignore[union-attr]
    assert frame is not None and not image.isNull()
    # Full source resolution, not the tile's size.
    assert (image.width(), image.height()) == (frame.source_width, frame.source_height)
    assert image.width() > tiles[0].width()
    qtbot.waitUntil(lambda: {b.id for b in features.panel.shown()} == {b.id for b in made},
                    timeout=5_000)  # the list is read off the GUI thread

    # -- handover ("Relève" menu) ----------------------------------------------------------
    features.handover_action.trigger()
    handover = features.handover_dialog
    assert handover is not None and handover.isVisible()
    qtbot.keyClicks(handover.notes_edit, "Surveiller le parking de la gare")
    qtbot.mouseClick(handover.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Surveiller le parking de la gare"  # built off the GUI thread
                    in handover.preview.toPlainText(), timeout=5_000)
    with qtbot.waitSignal(features.sig_handed_over):
        qtbot.mouseClick(handover.handover_button, Qt.MouseButton.LeftButton)
    report, files = handover.report, handover.files
    assert report is not None and report.id is not None and files is not None
    assert sorted(b.id for b in report.bookmarks) == sorted(b.id for b in made)  # exactly
    # the wall keeps playing until the next operator takes it (tests/scenarios/test_handover.py)
    assert features.shift is None and window.wall.isVisible()
    window.close()

    # The report's files: HTML, CSV and a PDF that opens with every note in it.
    html = files.html.read_text(encoding="utf-8")
    assert all(note in html for note in NOTES)
    with files.csv.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(b.id for b in made)
    text = subprocess.run(["timeout", "60", "pdftotext", str(files.pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = " ".join(text.replace("’", "'").split())
    for note in NOTES:
        assert note in flat, note
    assert "Surveiller le parking de la gare" in flat

    # -- the incoming operator signs in and acknowledges each open item ---------------------
    martin = _sign_in(qtbot, auth, "martin")
    window2, features2 = _open_window(qtbot, env, martin)
    qtbot.waitUntil(lambda: features2.gate.dialog is not None, timeout=5_000)  # read off-thread
    ack = features2.gate.dialog
    assert isinstance(ack, HandoverAckDialog) and ack.report.id == report.id
    assert not window2.wall.isVisible()
    expected = {f"bookmark:{b.id}" for b in made} | {"note:1"}
    assert set(ack.item_boxes) == expected
    for box in ack.item_boxes.values():
        assert not ack.take_button.isEnabled()  # not before every item is ticked
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        assert box.isChecked()
    assert ack.take_button.isEnabled()
    with qtbot.waitSignal(features2.sig_shift_ready):
        qtbot.mouseClick(ack.take_button, Qt.MouseButton.LeftButton)
    new_shift = features2.shift
    assert new_shift is not None and new_shift.operator_id == "martin"
    assert new_shift.id != shift.id and window2.wall.isVisible()

    # The acknowledgment is recorded: on the handover and, item by item, in the audit log.
    stored = env.shifts().report(report.id)
    assert stored.acknowledged_by == "martin"
    acked = {r.entry.extra.get("item") for r in entries(env.db, limit=None)
             if r.entry.action is AuditAction.HANDOVER_ACK and r.entry.operator_id == "martin"}
    assert expected <= acked
    assert env.shifts().pending_handover() is None
    window2.close()
