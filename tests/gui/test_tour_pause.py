"""Tour pause and resume through the real window: the toured tile shows a « Pause » button;
paused, it says so and never moves; resumed, it moves on after a full dwell; a touch of the
tile holds it and the tile says for how long (« Reprendre » resumes at once); stopped, the
tile shows its layout camera again. A fake clock drives the dwell (nobody sleeps for it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from csu_wall.core.model import Site
from csu_wall.gui.tour_driver import TourBadge
from tests.gui._wall_desk import open_window
from tests.gui.conftest import WallFactory
from tests.services.auth_helpers import FakeClock


def test_tour_pause_and_resume(qtbot: QtBot, make_wall_service: WallFactory,
                               demo_site: Site) -> None:
    clock = FakeClock()
    window = open_window(qtbot, make_wall_service, None, clock=clock)
    wall = window.wall
    tile = wall.tiles[1]
    layout_camera = wall.layout_value.cameras[1]
    assert layout_camera is not None and tile.camera is not None
    wall.set_focused_tile(tile.tile_id)
    QTest.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    driver = window.tour_drivers[0]
    items = driver.tour.items
    badge = tile.findChild(TourBadge)
    assert badge is not None and badge is driver.badge and badge.isVisible()
    assert badge.button.text() == "Pause the tour" and not badge.label.isVisible()

    # Paused: says so on the tile, and stays on its camera however long.
    qtbot.mouseClick(badge.button, Qt.MouseButton.LeftButton)
    assert driver.paused and badge.label.isVisible()
    assert badge.label.text() == "Tour paused" and badge.button.text() == "Resume"
    shown = tile.camera.id
    clock.advance(120)
    QTest.qWait(600)  # two timer ticks
    assert tile.camera.id == shown and driver.steps == 0 and driver.active

    # Resumed: a full dwell on the current camera, then the next one.
    qtbot.mouseClick(badge.button, Qt.MouseButton.LeftButton)
    assert not driver.paused and not badge.label.isVisible()
    assert badge.button.text() == "Pause the tour"
    clock.advance(5)
    QTest.qWait(600)
    assert tile.camera.id == shown
    clock.advance(5.5)
    qtbot.waitUntil(lambda: tile.camera is not None and tile.camera.id == items[1],
                    timeout=3000)

    # A touch of the tile holds it, and the tile says so; « Reprendre » ends the hold.
    QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert driver.runner.paused and not driver.paused
    qtbot.waitUntil(lambda: badge.label.text() == "Tour held (resumes in 30 s)", timeout=2000)
    clock.advance(12)
    qtbot.waitUntil(lambda: badge.label.text() == "Tour held (resumes in 18 s)", timeout=2000)
    qtbot.mouseClick(badge.button, Qt.MouseButton.LeftButton)
    assert not driver.runner.paused and not badge.label.isVisible()
    clock.advance(10.5)
    qtbot.waitUntil(lambda: tile.camera is not None and tile.camera.id == items[2],
                    timeout=3000)

    # Stopped: the tile shows its layout camera again, and nothing says « tour » any more.
    assert tile.camera.id != layout_camera  # the tour's camera until then
    wall.set_focused_tile(tile.tile_id)
    QTest.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.tour_drivers == [] and not driver.active and not tile._touring
    assert tile.camera is not None and tile.camera.id == layout_camera
    assert wall.layout_value.cameras[1] == layout_camera
    qtbot.waitUntil(lambda: tile.findChild(TourBadge) is None, timeout=2000)
    window.close()
