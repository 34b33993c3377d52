"""The wall keeps its area: side panels are docks, all closed the first time a workstation
starts; the ones the operator opens (or floats) are open again at the next start on that
workstation — a panel added late (the bookmarks come with the shift features) too — and not
on another workstation sharing the database. Real windows on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from csu_wall.core.model import Site
from csu_wall.gui.main_window import MainWindow
from tests.gui._wall_desk import SUPERVISOR, open_wall_db, open_window
from tests.gui.conftest import WallFactory

pytestmark = pytest.mark.timeout(60)


def _open_docks(window: MainWindow) -> set[str]:
    return {k for k, d in window.side_panels.items() if d.isVisible()}


def test_docks_closed_at_first_start_and_remembered_per_workstation(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    first = open_window(qtbot, make_wall_service, db, SUPERVISOR, workstation="pupitre-1")
    first.add_side_panel("notes", "Main courante", QLabel("notes"))
    QTest.qWait(50)
    assert set(first.side_panels) == {"cameras", "notes"}
    assert _open_docks(first) == set()  # the wall has the whole window
    wall_width = first.wall.width()
    cameras = first.side_panels["cameras"]
    cameras.toggleViewAction().trigger()  # View ▸ Cameras
    first.side_panels["notes"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: _open_docks(first) == {"cameras", "notes"}, timeout=3000)
    assert first.dockWidgetArea(cameras) == Qt.DockWidgetArea.LeftDockWidgetArea
    qtbot.waitUntil(lambda: first.wall.width() < wall_width - 300, timeout=3000)
    cameras_width = cameras.width()
    first.close()

    again = open_window(qtbot, make_wall_service, db, SUPERVISOR, workstation="pupitre-1")
    assert _open_docks(again) == {"cameras"}
    again.add_side_panel("notes", "Main courante", QLabel("notes"))  # added late, as shifts do
    qtbot.waitUntil(lambda: _open_docks(again) == {"cameras", "notes"}, timeout=3000)
    assert abs(again.side_panels["cameras"].width() - cameras_width) <= 8
    again.side_panels["notes"].setFloating(True)  # floated, then closed: remembered too
    again.side_panels["cameras"].close()
    qtbot.waitUntil(lambda: _open_docks(again) == {"notes"}, timeout=3000)
    again.close()

    third = open_window(qtbot, make_wall_service, db, SUPERVISOR, workstation="pupitre-1")
    third.add_side_panel("notes", "Main courante", QLabel("notes"))
    qtbot.waitUntil(lambda: _open_docks(third) == {"notes"}, timeout=3000)
    assert third.side_panels["notes"].isFloating()
    third.close()

    other = open_window(qtbot, make_wall_service, db, SUPERVISOR, workstation="pupitre-2")
    other.add_side_panel("notes", "Main courante", QLabel("notes"))
    QTest.qWait(50)
    assert _open_docks(other) == set()  # another workstation: its own first start
    other.close()
    db.close()


def test_search_shortcut_opens_the_camera_panel(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    assert not window.side_panels["cameras"].isVisible()
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.side_panels["cameras"].isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tree.search, timeout=3000)
    window.close()
