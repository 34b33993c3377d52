"""Tour editing: a supervisor creates, edits and deletes saved tours through
the Tours dialog reached from the keyboard (Ctrl+Shift+R) and the menu; an operator keeps
private tours only and gets TourService's French refusal for a shared one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from csu_wall.core.layout import Grid, Layout, Tour, TourKind
from csu_wall.core.model import Site
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.tour_editor import TourEditDialog, TourManagerDialog
from csu_wall.services.tours import TourService
from csu_wall.storage.audit import DbAuditLog
from tests.gui._wall_desk import ALICE, SUPERVISOR, open_wall_db, open_window
from tests.gui.conftest import WallFactory
from tests.services.auth_helpers import FakeClock


def _pick(editor: TourEditDialog, labels: list[str]) -> None:
    for text in labels:
        entry = editor.available.findItems(text, Qt.MatchFlag.MatchStartsWith)[0]
        editor.available.setCurrentItem(entry)
        QTest.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)


def _manager(qtbot: QtBot, window: MainWindow) -> TourManagerDialog:
    QTest.keyClick(window, Qt.Key.Key_R,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.tour_manager is not None, timeout=3000)
    manager = window.tour_manager
    assert isinstance(manager, TourManagerDialog) and manager.isVisible()
    return _listed(qtbot, manager)


def _listed(qtbot: QtBot, manager: TourManagerDialog) -> TourManagerDialog:
    """Wait for the list, read off the GUI thread."""
    qtbot.waitUntil(lambda: not manager.loading, timeout=5_000)
    return manager


def test_point5_supervisor_creates_edits_and_deletes_a_shared_tour(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    window = open_window(qtbot, make_wall_service, db, SUPERVISOR, clock=FakeClock())
    assert window.layouts is not None and window.tour_service is not None
    menu_texts = [a.text() for a in window.tours_menu.actions()]
    assert window.actions_by_key["edit_tours"].text() in menu_texts
    commune = window.current_commune() or ""
    cams = demo_site.cameras_of(commune)
    one = window.layouts.save(Layout("Un", Grid.preset("1×1"), (cams[0].id,),
                                     commune_id=commune))
    two = window.layouts.save(Layout("Deux", Grid.preset("2×2"),
                                     tuple(c.id for c in cams[1:5]), commune_id=commune))

    manager = _manager(qtbot, window)
    assert manager.list.count() == 0
    editor = manager.new_tour()
    qtbot.waitUntil(lambda: editor.loaded, timeout=5_000)  # its choices, read off the GUI thread
    editor.name_edit.setText("Ronde du centre")
    _pick(editor, [cams[0].name, cams[2].name, cams[1].name])
    editor.steps.setCurrentRow(2)
    QTest.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)  # cams 0, 1, 2
    editor.dwell_spin.setValue(15)
    editor.shared_check.setChecked(True)
    editor.accept()
    qtbot.waitUntil(lambda: not editor.saving, timeout=5_000)  # written off the GUI thread
    assert editor.result() == TourEditDialog.DialogCode.Accepted, editor.error_label.text()
    (tour,) = window.tour_service.list_tours()
    assert tour.name == "Ronde du centre" and tour.kind is TourKind.TILE
    assert tour.items == (cams[0].id, cams[1].id, cams[2].id)
    assert tour.dwell_seconds == 15 and tour.owner is None
    assert _listed(qtbot, manager).list.count() == 1
    assert "Ronde du centre" in manager.list.item(0).text()

    # edit it into a layout tour
    manager.list.setCurrentRow(0)
    edit = manager.edit_current()
    assert edit is not None and edit.name_edit.text() == "Ronde du centre"
    editor = edit
    qtbot.waitUntil(lambda: editor.loaded, timeout=5_000)  # its choices, read off the GUI thread
    assert editor.items() == tour.items
    editor.kind_box.setCurrentIndex(editor.kind_box.findData(TourKind.LAYOUT))
    assert editor.items() == ()  # another kind: other steps
    _pick(editor, ["Un", "Deux"])
    editor.accept()
    qtbot.waitUntil(lambda: not editor.saving, timeout=5_000)  # written off the GUI thread
    assert editor.result() == TourEditDialog.DialogCode.Accepted, editor.error_label.text()
    (edited,) = window.tour_service.list_tours()
    assert edited.id == tour.id and edited.kind is TourKind.LAYOUT
    assert edited.items == (str(one.id), str(two.id))
    _listed(qtbot, manager)

    # an empty tour is refused in French, the dialog stays open with what was typed
    editor = manager.new_tour()
    qtbot.waitUntil(lambda: editor.loaded, timeout=5_000)  # its choices, read off the GUI thread
    editor.name_edit.setText("Vide")
    editor.accept()
    qtbot.waitUntil(lambda: not editor.saving, timeout=5_000)  # written off the GUI thread
    assert editor.isVisible() and "ajoutez au moins une caméra" in editor.error_label.text()
    editor.reject()

    # play it from the dialog, then delete it
    manager.list.setCurrentRow(0)
    manager.play_current()
    assert window.tour_drivers and window.tour_drivers[-1].tour == edited
    window.stop_tours()
    manager.delete_current()
    qtbot.waitUntil(lambda: not manager.deleting, timeout=5_000)  # off the GUI thread
    assert window.tour_service.list_tours() == [] and _listed(qtbot, manager).list.count() == 0
    manager.reject()
    window.close()
    db.close()


def test_point5_operator_keeps_private_tours_and_reads_the_refusal_in_french(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    chief = TourService(db, DbAuditLog(db), operator=SUPERVISOR, workstation="chef",
                        clock=FakeClock())
    commune = demo_site.communes[0].id
    cams = demo_site.cameras_of(commune)
    shared = chief.save(Tour("Partagée", TourKind.TILE, (cams[0].id, cams[1].id)))
    window = open_window(qtbot, make_wall_service, db, ALICE, clock=FakeClock())
    manager = _manager(qtbot, window)
    assert manager.list.count() == 1
    editor = manager.new_tour()
    qtbot.waitUntil(lambda: editor.loaded, timeout=5_000)  # its choices, read off the GUI thread
    editor.name_edit.setText("Ma ronde")
    _pick(editor, [cams[0].name, cams[1].name])
    editor.shared_check.setChecked(True)
    editor.accept()
    qtbot.waitUntil(lambda: not editor.saving, timeout=5_000)  # written off the GUI thread
    assert editor.isVisible()
    assert "Seuls les superviseurs" in editor.error_label.text()
    editor.shared_check.setChecked(False)
    editor.accept()
    qtbot.waitUntil(lambda: not editor.saving, timeout=5_000)  # written off the GUI thread
    assert editor.result() == TourEditDialog.DialogCode.Accepted, editor.error_label.text()
    assert window.tour_service is not None
    mine = next(t for t in window.tour_service.list_tours() if t.name == "Ma ronde")
    assert mine.owner == ALICE.id
    _listed(qtbot, manager)
    # the supervisor's shared tour cannot be deleted by an operator
    row = next(i for i in range(manager.list.count())
               if manager.list.item(i).text().startswith("Partagée"))
    manager.list.setCurrentRow(row)
    manager.delete_current()
    qtbot.waitUntil(lambda: not manager.deleting, timeout=5_000)  # off the GUI thread
    assert "Seuls les superviseurs" in manager.error_label.text()
    assert any(t.id == shared.id for t in window.tour_service.list_tours())
    manager.reject()
    QApplication.processEvents()
    window.close()
    db.close()
