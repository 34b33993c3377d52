"""The MainWindow extension points other features use (contracts_layouts.md), one test each:
register_tile_action, add_side_panel, status_message, wall.focused_tile()/focus_changed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget, QLabel
from pytestqt.qtbot import QtBot

from csu_wall.gui.tile import TileWidget
from tests.gui._wall_desk import open_window
from tests.gui.conftest import WallFactory


def test_register_tile_action_adds_menu_item_and_shortcut_on_the_focused_tile(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    got: list[TileWidget] = []
    action = window.register_tile_action("mark", "Marquer", "Ctrl+Shift+M", got.append)
    window.wall.set_focused_tile("tile-03")
    QTest.keyClick(window, Qt.Key.Key_M,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [t.tile_id for t in got] == ["tile-03"] and got[0].camera is not None
    assert action in window.build_tile_menu(window.wall.tiles[0]).actions()
    assert action in window.tile_menu.actions()
    again = window.register_tile_action("mark", "Marquer 2", None, got.append)  # replaced
    assert action not in window.tile_menu.actions() and again in window.tile_menu.actions()
    window.close()


def test_add_side_panel_docks_on_the_right_and_is_listed_in_view(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    dock = window.add_side_panel("notes", "Main courante", QLabel("x"))
    assert isinstance(dock, QDockWidget) and not dock.isVisible()  # closed at first start
    dock.toggleViewAction().trigger()  # View ▸ Main courante
    assert dock.isVisible()
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert dock.toggleViewAction() in window.view_menu.actions()
    assert window.add_side_panel("notes", "Main courante", QLabel("y")) is dock
    window.close()


def test_status_message_shows_french_text_with_its_level(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    window.status_message("Signet enregistré.")
    assert window.statusBar().currentMessage() == "Signet enregistré."
    window.status_message("Base de données injoignable.", "error")
    assert window.last_message == ("Base de données injoignable.", "error")
    assert window.statusBar().property("level") == "error"
    window.close()


def test_focused_tile_and_focus_changed(qtbot: QtBot, make_wall_service: WallFactory) -> None:
    window = open_window(qtbot, make_wall_service, None)
    wall = window.wall
    with qtbot.waitSignal(wall.focus_changed, timeout=1000) as signal:
        QTest.mouseClick(wall.tiles[6], Qt.MouseButton.LeftButton)
    assert signal.args == ["tile-06"]
    assert wall.focused_tile() is wall.tiles[6] and wall.tiles[6].camera is not None
    window.close()
