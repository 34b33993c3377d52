"""Tile actions (and the rung badges) through real widgets over the real demo wall:
maximise to the main stream and back, digital zoom and pan, swap by drag, close, snapshot,
context menu, focus frame, keyboard focus / maximise / restore, layout keys, call-up."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent, QDropEvent, QImage, QWheelEvent
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from csu_wall.core.audit import AuditAction
from csu_wall.core.frames import TileState
from csu_wall.core.layout import Grid, Layout
from csu_wall.core.model import Site, StreamKind
from csu_wall.gui.tile import TILE_MIME
from tests.gui._helpers import grab_array
from tests.gui._wall_desk import FIRST_FRAMES_MS, open_window
from tests.gui.conftest import WallFactory


def _live(qtbot: QtBot, tile: object) -> None:
    qtbot.waitUntil(lambda: tile.frames_painted >= 1 and tile.state is TileState.LIVE,  # type: ignore[attr-defined]
                    timeout=FIRST_FRAMES_MS)


def test_point3_double_click_maximises_on_the_main_stream_and_escape_restores(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    wall = window.wall
    tile = wall.tiles[5]
    _live(qtbot, tile)
    stream = tile.feed
    assert stream is not None and stream.kind is StreamKind.SUB
    QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
    QTest.mouseDClick(tile, Qt.MouseButton.LeftButton)
    assert wall.maximised is tile and stream.maximised
    assert tile.geometry().width() >= wall.width() - 8
    assert all(not t.isVisible() for t in wall.tiles if t is not tile)
    qtbot.waitUntil(lambda: stream.kind is StreamKind.MAIN, timeout=FIRST_FRAMES_MS)
    assert tile.feed is stream  # same handle: no black frame, the engine switched it
    QTest.keyClick(wall, Qt.Key.Key_Escape)
    assert wall.maximised is None and not stream.maximised
    assert all(t.isVisible() for t in wall.tiles)
    qtbot.waitUntil(lambda: stream.kind is StreamKind.SUB, timeout=FIRST_FRAMES_MS)
    QTest.keyClick(wall, Qt.Key.Key_Return)  # Enter maximises the focused tile
    assert wall.maximised is tile
    QTest.mouseDClick(tile, Qt.MouseButton.LeftButton)  # and double-click restores
    assert wall.maximised is None
    window.close()


def test_point3_wheel_zooms_and_drag_pans_the_picture(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    tile = window.wall.tiles[0]
    _live(qtbot, tile)
    centre = QPointF(tile.width() / 2, tile.height() / 2)
    wheel = QWheelEvent(centre, tile.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QTest.qWait(0)
    tile.wheelEvent(wheel)
    assert tile.view is not None and abs(tile.zoom - 1.5625) < 1e-6
    stream = tile.feed
    assert stream is not None
    assert hasattr(stream, "set_view"), "the media engine crops at the source"
    assert stream.view == tile.view
    x_before = tile.view[0]
    start = QPoint(tile.width() // 2, tile.height() // 2)
    QTest.mousePress(tile, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(tile, start + QPoint(-40, 0))
    QTest.mouseRelease(tile, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start + QPoint(-40, 0))
    assert tile.view[0] > x_before  # dragged left: the view moves right
    window.wall.setFocus()
    QTest.keyClick(window.wall, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert tile.view is None and stream.view is None
    window.close()


def test_point3_dragging_a_tile_onto_another_swaps_them(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    wall = window.wall
    qtbot.waitExposed(window)
    a, b = wall.tiles[0], wall.tiles[5]
    cam_a, cam_b = a.camera, b.camera
    stream_a = a.feed
    # 1. a drop with the tile mime (what a drag between windows carries)
    mime = QMimeData()
    mime.setData(TILE_MIME, a.tile_id.encode())
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.MoveAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    b.dropEvent(event)
    assert event.isAccepted()
    assert wall.tiles[5] is a and wall.tiles[0] is b and a.feed is stream_a
    assert cam_a is not None and cam_b is not None
    assert wall.layout_value.cameras[5] == cam_a.id and wall.layout_value.cameras[0] == cam_b.id
    # 2. the mouse: press on one tile, move, release over the other
    source, target = wall.tiles[1], wall.tiles[2]
    start = QPoint(20, 20)
    end = source.mapFromGlobal(target.mapToGlobal(QPoint(30, 30)))
    QTest.mousePress(source, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(source, start + QPoint(30, 0))
    QTest.mouseMove(source, end)
    QTest.mouseRelease(source, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert wall.tiles[2] is source and wall.tiles[1] is target
    # 3. the keyboard: Ctrl+Right swaps the focused tile with its right neighbour
    wall.set_focused_tile(wall.tiles[2].tile_id)
    moving = wall.tiles[2]
    QTest.keyClick(wall, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert wall.tiles[3] is moving and wall.focused_tile() is moving
    window.close()


def test_point3_close_snapshot_and_context_menu(
    qtbot: QtBot, make_wall_service: WallFactory, tmp_path: Path
) -> None:
    window = open_window(qtbot, make_wall_service, None, data_dir=tmp_path)
    wall = window.wall
    tile = wall.tiles[2]
    _live(qtbot, tile)
    camera = tile.camera
    assert camera is not None
    wall.set_focused_tile(tile.tile_id)
    wall.setFocus()
    with qtbot.waitSignal(window.snapshots.sig_saved, timeout=20_000) as saved:
        QTest.keyClick(wall, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    path = Path(saved.args[0])
    assert path.parent == tmp_path / "snapshots" and path.name.startswith(camera.id)
    image = QImage(str(path))
    assert (image.width(), image.height()) == (camera.main.width, camera.main.height) or (
        (image.width(), image.height()) == (camera.sub.width, camera.sub.height))
    assert image.width() > tile.width()  # full resolution, not the tile's size
    audit = window.test_audit  # type: ignore[attr-defined]
    assert AuditAction.SNAPSHOT in audit.actions()
    # the context menu: the built-in actions, then the ones other features registered
    seen: list[str] = []
    window.register_tile_action("probe", "Probe", "Ctrl+Shift+K",
                                lambda t: seen.append(t.tile_id))
    requested: list[str] = []
    wall.sig_context_requested.connect(lambda tile_id, _pos: requested.append(tile_id))
    other = wall.tiles[7]
    other.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5),
                                            other.mapToGlobal(QPoint(5, 5))))
    assert requested == [other.tile_id] and wall.focused_tile() is other
    menu = window.build_tile_menu(other)
    texts = [a.text() for a in menu.actions()]
    assert "Probe" in texts and "&Snapshot" in texts and "&Empty the tile" in texts
    next(a for a in menu.actions() if a.text() == "Probe").trigger()
    assert seen == [other.tile_id]
    # Del empties the focused tile (and the layout's cell)
    wall.setFocus()
    QTest.keyClick(wall, Qt.Key.Key_Delete)
    assert other.camera is None and wall.layout_value.cameras[7] is None
    assert window.service.camera_on(other.tile_id) is None
    window.close()


def test_point3_focus_frame_arrows_and_layout_number_keys(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    wall = window.wall
    qtbot.waitExposed(window)
    wall.setFocus()
    assert wall.focused_tile() is wall.tiles[0]
    changes: list[str] = []
    wall.focus_changed.connect(changes.append)
    QTest.keyClick(wall, Qt.Key.Key_Right)
    QTest.keyClick(wall, Qt.Key.Key_Down)
    assert wall.focused_tile() is wall.tiles[5] and changes == ["tile-01", "tile-05"]
    tile = wall.tiles[5]
    tile.repaint()
    pixels = grab_array(tile)
    blue = pixels[tile.height() // 2, 2, :3]  # BGR of the focus frame's left edge
    assert blue[0] > 200 and blue[2] < 120, blue
    # a 1+5 layout: Right from the big cell goes to the small one beside it
    wall.set_layout(Layout("p", Grid.preset("1+5"), (None,) * 6))
    wall.set_focused_tile(wall.tiles[0].tile_id)
    QTest.keyClick(wall, Qt.Key.Key_Right)
    assert wall.focused_tile() is wall.tiles[1]
    window.close()


def test_point3_number_keys_pick_a_layout_and_call_up_a_camera(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site
) -> None:
    window = open_window(qtbot, make_wall_service, None, call_up_delay_ms=50)
    wall = window.wall
    window.tabs.set_layouts([window.commune_layout(window.current_commune() or ""),
                             Layout("deux", Grid.preset("2×2"), (None,) * 4),
                             Layout("trois", Grid.preset("3×3"), (None,) * 9)])
    wall.setFocus()
    QTest.keyClick(wall, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentIndex() == 2 and len(wall.tiles) == 9
    QTest.keyClick(wall, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # a tab at once
    assert window.tabs.currentIndex() == 1 and len(wall.tiles) == 4
    camera = next(c for c in demo_site.cameras if c.number is not None and c.number > 1010)
    wall.set_focused_tile(wall.tiles[3].tile_id)
    for digit in str(camera.number):
        QTest.keyClick(wall, getattr(Qt.Key, f"Key_{digit}"))
    assert window.call_up.digits == str(camera.number)
    QTest.keyClick(wall, Qt.Key.Key_Return)
    assert wall.tiles[3].camera == camera and wall.maximised is None
    QTest.keyClick(wall, Qt.Key.Key_9)
    QTest.keyClick(wall, Qt.Key.Key_9)
    QTest.keyClick(wall, Qt.Key.Key_Asterisk)
    assert window.last_message[1] == "warning"  # no camera 99
    window.close()


def test_tile_shows_its_rung_badge_and_the_age_of_an_old_frame(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    tile = window.wall.tiles[0]
    _live(qtbot, tile)
    qtbot.waitUntil(lambda: tile.rung == "SD", timeout=5000)
    before = grab_array(tile)[4:24, tile.width() - 40:tile.width() - 4, :3]
    assert before.std() > 10  # the badge is drawn top-right
    assert "SD" in tile._overlay_state()
    real_clock = window.wall._clock
    window.wall._clock = lambda: real_clock() + 9.2
    qtbot.waitUntil(lambda: tile.stale, timeout=3000)
    assert tile.age_text() == "9 s ago" and tile._overlay_state()[3] == 9
    stream = tile.feed
    assert stream is not None
    stream.set_paused(True)
    qtbot.waitUntil(lambda: tile.rung == "pause", timeout=3000)
    stream.set_paused(False)
    assert np.asarray(before).size
    window.close()
