"""Tours through real widgets: a tile tour and a layout tour driven by the window's
QTimer calling TourRunner.tick(), with a fake clock (nobody sleeps for a dwell); touching the
toured tile holds the tour."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from csu_wall.core.layout import Grid, Layout, Tour, TourKind
from csu_wall.core.model import Site
from tests.gui._wall_desk import SUPERVISOR, open_wall_db, open_window
from tests.gui.conftest import WallFactory
from tests.services.auth_helpers import FakeClock


def test_point5_tile_tour_cycles_and_pauses_when_the_operator_touches_the_tile(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site
) -> None:
    clock = FakeClock()
    window = open_window(qtbot, make_wall_service, None, clock=clock)
    wall = window.wall
    wall.set_focused_tile(wall.tiles[1].tile_id)
    QTest.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert len(window.tour_drivers) == 1
    driver = window.tour_drivers[0]
    tile = wall.tiles[1]
    commune = window.current_commune() or ""
    items = [c.id for c in demo_site.cameras_of(commune)]
    assert driver.tour.items == tuple(items) and tile.camera is not None
    assert tile.camera.id == items[0] and tile._touring
    clock.advance(10.5)
    qtbot.waitUntil(lambda: tile.camera is not None and tile.camera.id == items[1],
                    timeout=3000)
    assert driver.steps == 1
    # the operator clicks the toured tile: held for 30 s
    QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert driver.runner.paused
    clock.advance(20)
    QTest.qWait(600)  # two timer ticks: nothing moves
    assert tile.camera.id == items[1] and driver.steps == 1
    clock.advance(15)  # hold over; a full dwell again, then the next camera
    assert not driver.runner.paused
    QTest.qWait(600)  # a tick sees the hold end and restarts the dwell
    clock.advance(10.5)
    qtbot.waitUntil(lambda: tile.camera is not None and tile.camera.id == items[2],
                    timeout=3000)
    # clicking another tile does not hold this tour
    QTest.mouseClick(wall.tiles[5], Qt.MouseButton.LeftButton)
    assert not driver.runner.paused
    wall.set_focused_tile(tile.tile_id)
    QTest.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)  # stop
    assert window.tour_drivers == [] and not driver.active and not tile._touring
    window.close()


def test_point5_layout_tour_cycles_saved_layouts_from_the_database(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    clock = FakeClock()
    window = open_window(qtbot, make_wall_service, db, SUPERVISOR, clock=clock)
    assert window.layouts is not None and window.tour_service is not None
    commune = window.current_commune()
    cams = [c.id for c in demo_site.cameras_of(commune or "")]
    one = window.layouts.save(Layout("Un", Grid.preset("1×1"), (cams[0],), commune_id=commune))
    two = window.layouts.save(Layout("Deux", Grid.preset("2×2"), tuple(cams[1:5]),
                                     commune_id=commune))
    tour = window.tour_service.save(Tour("Ronde", TourKind.LAYOUT, (str(one.id), str(two.id)),
                                         dwell_seconds=5))
    window.refresh_tabs()
    window.fill_saved_tours_menu()
    action = next(a for a in window.saved_tours_menu.actions() if a.text() == "Ronde")
    action.trigger()
    driver = window.tour_drivers[-1]
    assert driver.tour == tour
    assert window.wall.layout_value.id == one.id and len(window.wall.tiles) == 1
    clock.advance(5.5)
    qtbot.waitUntil(lambda: window.wall.layout_value.id == two.id, timeout=3000)
    assert len(window.wall.tiles) == 4
    window.wall.sig_interacted.emit("tile-00")  # any touch of the wall holds a layout tour
    assert driver.runner.paused
    window.stop_tours()
    assert window.tour_drivers == []
    window.close()
    db.close()
