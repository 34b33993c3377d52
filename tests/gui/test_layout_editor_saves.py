"""Layout editing that says what it does, through real widgets on a real SQLite database:
the grid selector shows the wall's grid; « Enregistrer » updates the layout being edited;
« Enregistrer sous… » asks for a name no other shared or personal layout has (refused in
French otherwise); history lines describe each change of grid by its presets' names, with
their times in Paris time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from csu_wall.core.layout import Grid, Layout
from csu_wall.core.model import Site
from csu_wall.gui.layout_editor import EditController, SaveAsDialog
from csu_wall.services.layout_editor import LayoutNameError, check_name
from csu_wall.services.layouts import LayoutService
from csu_wall.storage.audit import DbAuditLog
from tests.gui._wall_desk import ALICE, SUPERVISOR, open_wall_db, open_window
from tests.gui.conftest import WallFactory
from tests.gui.test_wall_layouts import drop
from tests.services.auth_helpers import NOW


def choose_grid(window: object, name: str) -> None:
    edit = window.edit  # type: ignore[attr-defined]
    edit.preset_box.setCurrentText(name)
    edit.preset_box.activated.emit(edit.preset_box.currentIndex())


def _saved(qtbot: QtBot, edit: EditController) -> Layout | None:
    """The layout saved (or restored) last, once written off the GUI thread (and the
    window's tabs read again)."""
    tabs = edit.parent().tabs_call  # type: ignore[union-attr]  # the main window's
    qtbot.waitUntil(lambda: not edit.saving and not tabs.busy, timeout=5_000)
    return edit.last_saved


def test_grid_selector_shows_the_walls_grid(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    boss = LayoutService(db, DbAuditLog(db), operator=SUPERVISOR, workstation="chef")
    commune = demo_site.communes[0].id
    five = boss.save(boss.new_layout("Cinq", "1+5", commune_id=commune))
    window = open_window(qtbot, make_wall_service, db, SUPERVISOR)
    edit = window.edit
    assert edit is not None and five.id is not None
    window.wall.set_grid(Grid.preset("4×4"))
    edit.set_editing(True)
    assert edit.preset_box.currentText() == "4×4"
    window.refresh_tabs(select_id=five.id)
    window.tabs.select(window.tabs.index_of(five.id))
    assert window.wall.layout_value.id == five.id
    assert edit.preset_box.currentText() == "1+5"
    window.close()
    db.close()


def test_history_names_each_grid_change_in_paris_time(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "UTC")  # the machine's zone is not Paris: Paris must be asked
    time.tzset()
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    window = open_window(qtbot, make_wall_service, db, SUPERVISOR)
    edit = window.edit
    assert edit is not None
    QTest.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    edit.preset_box.setCurrentText("4×4")
    edit.new_action.trigger()
    edit.save_as("Suivi du marché")
    first = _saved(qtbot, edit)
    assert first is not None and first.version == 1
    for grid in ("3×3", "1+7", "1+5"):
        choose_grid(window, grid)
        assert edit.preset_box.currentText() == grid
    assert edit.editor is not None
    assert edit.editor.changes() == ["Grille 4×4 → 3×3", "Grille 3×3 → 1+7",
                                     "Grille 1+7 → 1+5"]
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Enregistrer
    _saved(qtbot, edit)
    dialog = edit.show_history()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5_000)  # read off the GUI thread
    assert dialog.list.count() == 2
    newest = dialog.list.item(0).text()
    assert "Grille 4×4 → 3×3 ; Grille 3×3 → 1+7 ; Grille 1+7 → 1+5" in newest
    assert "25/11/2026 13:00" in newest  # NOW is 12:00 UTC: 13:00 in Paris (winter)
    assert NOW.hour == 12 and "12:00" not in newest
    dialog.close()
    window.close()
    db.close()
    monkeypatch.undo()
    time.tzset()


def test_save_updates_the_layout_and_save_as_asks_a_free_name(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    boss = LayoutService(db, DbAuditLog(db), operator=SUPERVISOR, workstation="chef")
    commune = demo_site.communes[0].id
    shared = boss.save(boss.new_layout("Centre-ville", "2×2", commune_id=commune))
    window = open_window(qtbot, make_wall_service, db, ALICE)
    edit, layouts = window.edit, window.layouts
    assert edit is not None and layouts is not None and shared.id is not None
    # Alice's own layout, then « Enregistrer »: the same layout, one version more.
    edit.set_editing(True)
    edit.save_as("Ma ronde du soir")
    mine = _saved(qtbot, edit)
    assert mine is not None and mine.owner == ALICE.id and mine.id is not None
    count = len(layouts.list_layouts())
    drop(window.wall.tiles[1], "application/x-csu-camera", demo_site.cameras[4].id)
    edit.save_action.trigger()
    _saved(qtbot, edit)
    assert len(layouts.list_layouts()) == count
    again = layouts.get(mine.id)
    assert again.version == 2 and again.cameras[1] == demo_site.cameras[4].id
    names = [lay.name for lay in window.tabs.layouts()]
    assert len(names) == len(set(names))

    # « Enregistrer sous… » asks for the name; a name taken is refused, in French.
    edit.save_as_action.trigger()
    dialog = edit.save_as_dialog
    assert isinstance(dialog, SaveAsDialog) and dialog.isVisible()
    assert not dialog.shared_box.isVisible()  # an operator's layouts are personal
    dialog.name_edit.setText("  centre-VILLE ")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=5_000)  # checked off the GUI thread
    assert dialog.isVisible() and dialog.saved is None
    assert "s'appelle déjà « Centre-ville »" in dialog.error_label.text()
    assert len(layouts.list_layouts()) == count
    dialog.name_edit.setText("Ma ronde du soir")  # her own is taken too
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "personnelle" in dialog.error_label.text(), timeout=5_000)
    assert dialog.isVisible() and "personnelle" in dialog.error_label.text()
    dialog.name_edit.setText("Ma ronde de nuit")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=5_000)
    assert not dialog.isVisible() and dialog.saved is not None
    assert dialog.saved.id not in (mine.id, shared.id) and dialog.saved.owner == ALICE.id
    assert len(layouts.list_layouts()) == count + 1
    assert layouts.get(mine.id).version == 2  # the one edited before is left as it was

    # « Enregistrer » on a layout never saved does not create one silently: it asks.
    edit.new_action.trigger()
    edit.save_action.trigger()
    assert isinstance(edit.save_as_dialog, SaveAsDialog) and edit.save_as_dialog.isVisible()
    assert edit.save_as_dialog is not dialog
    edit.save_as_dialog.reject()
    assert len(layouts.list_layouts()) == count + 1
    window.close()
    db.close()


def test_a_name_is_unique_whatever_its_case_and_spaces(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    boss = LayoutService(db, DbAuditLog(db), operator=SUPERVISOR, workstation="chef")
    gare = boss.save(boss.new_layout("Gare  Nord", "2×2"))
    existing = boss.list_layouts()
    with pytest.raises(LayoutNameError, match="partagée s'appelle déjà"):
        check_name("gare nord", existing)
    with pytest.raises(LayoutNameError, match="Donnez un nom"):
        check_name("   ", existing)
    assert check_name(" Gare   Nord ", existing, layout_id=gare.id) == "Gare Nord"  # itself
    assert check_name("Gare Sud", existing) == "Gare Sud"
    db.close()
