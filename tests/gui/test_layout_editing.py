"""Layout editing through real widgets on a real SQLite database: the supervisor's edit mode
(grid preset, cameras dropped, undo/redo), saving shared or private, the operator's limits, and
the history dialog restoring an older version."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from csu_wall.core.audit import AuditAction
from csu_wall.core.layout import Layout
from csu_wall.core.model import Site
from csu_wall.gui.layout_editor import EditController
from csu_wall.storage.audit import entries
from tests.gui._wall_desk import ALICE, SUPERVISOR, open_wall_db, open_window
from tests.gui.conftest import WallFactory
from tests.gui.test_wall_layouts import drop


def _saved(qtbot: QtBot, edit: EditController) -> Layout | None:
    """The layout saved (or restored) last, once written off the GUI thread (and the
    window's tabs read again)."""
    tabs = edit.parent().tabs_call  # type: ignore[union-attr]  # the main window's
    qtbot.waitUntil(lambda: not edit.saving and not tabs.busy, timeout=5_000)
    return edit.last_saved


def test_point4_supervisor_builds_saves_undoes_and_restores_a_shared_layout(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    window = open_window(qtbot, make_wall_service, db, SUPERVISOR)
    edit = window.edit
    assert edit is not None and window.layouts is not None
    assert window.layouts.can_edit_shared()
    wall = window.wall
    QTest.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # edit mode
    assert edit.editing and edit.toolbar.isVisible()
    # a new layout on the 1+5 grid
    edit.preset_box.setCurrentText("1+5")
    edit.new_action.trigger()
    assert len(wall.tiles) == 6 and all(t.camera is None for t in wall.tiles)
    cams = [c.id for c in demo_site.cameras[:3]]
    drop(wall.tiles[0], "application/x-csu-camera", cams[0])
    drop(wall.tiles[1], "application/x-csu-camera", cams[1])
    drop(wall.tiles[2], "application/x-csu-camera", cams[2])
    assert edit.editor is not None and edit.editor.dirty and len(edit.editor.changes()) == 3
    edit.undo_action.trigger()
    assert wall.layout_value.cameras[2] is None and wall.tiles[2].camera is None
    edit.redo_action.trigger()
    assert wall.layout_value.cameras[2] == cams[2]
    edit.undo_action.trigger()  # keep only two cameras
    edit.save_as("Centre-ville")  # a new layout: « Enregistrer sous… »
    saved = _saved(qtbot, edit)  # written off the GUI thread
    assert saved is not None and saved.id is not None and saved.shared and saved.version == 1
    assert not edit.editor.dirty and not edit.undo_action.isEnabled()
    assert window.tabs.current_layout() == saved  # its tab is selected
    # second version: another grid, then saved with Ctrl+S
    edit.preset_box.setCurrentText("2×2")
    edit.preset_box.activated.emit(edit.preset_box.currentIndex())
    assert len(wall.tiles) == 4 and wall.layout_value.cameras[:2] == tuple(cams[:2])
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    _saved(qtbot, edit)
    current = window.tabs.current_layout()
    assert current is not None and current.version == 2 and current.grid.rows == 2
    changes = [e.entry.extra.get("change", "") for e in entries(db, limit=None)
               if e.entry.action is AuditAction.LAYOUT_CHANGE]
    assert len(changes) == 2 and "Grille 1+5 → 2×2" in changes[1]
    # history: restore version 1 (becomes version 3)
    dialog = edit.show_history()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5_000)  # read off the GUI thread
    assert dialog.list.count() == 2
    assert dialog.list.item(1).text().startswith("Version 1")
    dialog.list.setCurrentRow(1)
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: dialog.restored is not None, timeout=5_000)
    _saved(qtbot, edit)
    assert dialog.restored is not None and dialog.restored.version == 3
    assert len(wall.tiles) == 6 and wall.layout_value.grid.rows == 3
    assert saved.id is not None and window.layouts.get(saved.id).version == 3
    window.close()
    db.close()


def test_point4_operator_saves_private_layouts_but_not_shared_ones(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    window = open_window(qtbot, make_wall_service, db, ALICE)
    edit = window.edit
    assert edit is not None and window.layouts is not None
    assert not window.layouts.can_edit_shared()
    edit.edit_action.trigger()
    drop(window.wall.tiles[0], "application/x-csu-camera", demo_site.cameras[-1].id)
    edit.save_as("Ma disposition")  # a new layout from an operator is private
    saved = _saved(qtbot, edit)
    assert saved is not None and saved.owner == ALICE.id
    shared_copy = window.layouts.save(saved.__class__(
        "Partagée", saved.grid, saved.cameras, commune_id=saved.commune_id, owner=ALICE.id))
    assert shared_copy.owner == ALICE.id
    # a shared layout made by a supervisor: the operator's save is refused, in French
    from csu_wall.services.layouts import LayoutService
    from csu_wall.storage.audit import DbAuditLog

    boss = LayoutService(db, DbAuditLog(db), operator=SUPERVISOR, workstation="chef")
    shared = boss.save(saved.__class__("Commune", saved.grid, saved.cameras,
                                       commune_id=saved.commune_id))
    assert shared.id is not None
    window.refresh_tabs(select_id=shared.id)
    window.tabs.select(window.tabs.index_of(shared.id))
    edit.restart()
    drop(window.wall.tiles[1], "application/x-csu-camera", demo_site.cameras[-2].id)
    assert not edit.save_action.isEnabled()  # Ctrl+S greyed: shared layouts are supervisors'
    assert edit.save_private_action.isEnabled()
    edit.save()  # (written off the GUI thread: it returns at once)
    _saved(qtbot, edit)  # refused by the service, off the GUI thread
    text, level = window.last_message
    assert level == "error" and "superviseurs" in text
    edit.save_as("Ma copie")  # Ctrl+Shift+S: the same edits as a private copy
    copy = _saved(qtbot, edit)
    assert copy is not None and copy.owner == ALICE.id and copy.id != shared.id
    assert boss.get(shared.id).version == 1
    window.close()
    db.close()
