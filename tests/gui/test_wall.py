"""The wall over the real demo site: moving video, names, banner, denial, generations, stop."""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from csu_wall.core.audit import AuditAction
from csu_wall.core.frames import TileState
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.tile import CAMERA_MIME
from tests.gui._helpers import grab_array
from tests.gui.conftest import WallFactory

FIRST_FRAMES_MS = 60_000  # 16 demo clips are encoded on first use, on a 2-core machine


def _open_window(qtbot: QtBot, make_wall_service: WallFactory,
                 habilitated: set[str] | None = None) -> tuple[MainWindow, object]:
    bridge = StateBridge()
    service, audit = make_wall_service(bridge, habilitated)
    window = MainWindow(service, demo=True, bridge=bridge)
    qtbot.addWidget(window)
    window.show()
    return window, audit


def test_demo_wall_shows_moving_video_and_camera_names(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window, _ = _open_window(qtbot, make_wall_service)
    tiles = window.wall.tiles
    commune_id = window.commune_box.currentData()
    cameras = window.service.cameras_of(commune_id)[:16]
    assert len(tiles) == 16 and len(cameras) == 16
    qtbot.waitUntil(lambda: all(t.frames_painted >= 2 for t in tiles), timeout=FIRST_FRAMES_MS)
    first = [grab_array(t) for t in tiles]
    painted = [t.frames_painted for t in tiles]
    qtbot.waitUntil(
        lambda: all(t.frames_painted >= n + 3 for t, n in zip(tiles, painted, strict=True)),
        timeout=10_000,
    )
    second = [grab_array(t) for t in tiles]
    for tile, camera, a, b in zip(tiles, cameras, first, second, strict=True):
        assert tile.camera is not None and tile.camera.name == camera.name
        assert tile.state is TileState.LIVE
        changed = np.any(a[:, :, :3] != b[:, :, :3], axis=2).mean()
        assert changed > 0.05, f"{tile.tile_id}: only {changed:.1%} of pixels moved"
        name_area = b[6:20, 8:60, :3]  # the camera name plate, top-left
        assert name_area.std() > 10, f"{tile.tile_id}: no name drawn"
    window.close()


def test_demo_banner_present_and_not_closable(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window, _ = _open_window(qtbot, make_wall_service)
    banner = window.banner
    assert banner is not None and banner.isVisible()
    assert banner.text() in ("DEMO — fictitious site, no real camera",
                             "DÉMO — site fictif, aucune caméra réelle")
    assert banner.findChildren(QAbstractButton) == []  # nothing to click it away with
    assert banner.parent() is window.centralWidget()  # in the layout, not a dock
    assert banner.geometry().top() <= 1  # at the top of the window's content
    window.close()


def test_non_habilitated_commune_shows_non_habilite_and_opens_no_session(
    qtbot: QtBot, make_wall_service: WallFactory, french: object
) -> None:
    window, audit = _open_window(qtbot, make_wall_service, habilitated=set())
    engine = window.service.engine
    qtbot.wait(200)
    for tile in window.wall.tiles:
        assert tile.state is TileState.DENIED
        assert tile.feed is None
        assert tile.shown_status() == "non habilité"
    assert window.service.camera_on("tile-00") is None
    assert engine.live_threads() == []
    actions = audit.actions()  # type: ignore[attr-defined]
    assert actions.count(AuditAction.DENIED) == 16
    assert AuditAction.LIVE_VIEW not in actions
    assert "(non habilité)" in window.commune_box.currentText()
    window.close()


def test_state_posted_from_a_worker_thread_reaches_the_tile(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    """States cross to the GUI thread through the bridge; which source they belong to is the
    engine's business (tests/media/test_engine_files.py: a replaced source's states are not
    reported), so the tile applies what arrives."""
    window, _ = _open_window(qtbot, make_wall_service)
    tile = window.wall.tiles[0]
    # the demo camera's own states first (connecting, then live): one arriving after the
    # posted state would replace it (seen under a loaded full run)
    qtbot.waitUntil(lambda: tile.state is TileState.LIVE, timeout=30_000)
    bridge = window.bridge
    # No qtbot.waitSignal on this signal: the engine's threads keep emitting it, and a
    # blocker disconnected and freed while an emission is queued was once called back on a
    # freed object (PySide6 6.11, a full CI run). The state reaching the tile is the proof.
    worker = threading.Thread(
        target=bridge.post, args=(tile.tile_id, 0, TileState.PAUSED, "en pause"))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: tile.state is TileState.PAUSED and tile.detail == "en pause",
                    timeout=2000)
    window.close()


def test_dropping_a_camera_on_a_tile_opens_it(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window, _ = _open_window(qtbot, make_wall_service)
    tile = window.wall.tiles[5]
    other = window.commune_box.itemData(1)
    camera = window.service.cameras_of(other)[0]
    mime = QMimeData()
    mime.setData(CAMERA_MIME, camera.id.encode("utf-8"))
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    tile.dropEvent(event)
    assert event.isAccepted()
    on_tile = window.service.camera_on(tile.tile_id)
    assert on_tile is not None and on_tile.id == camera.id
    assert tile.camera == camera and tile.feed is not None
    qtbot.waitUntil(lambda: tile.frames_painted >= 1, timeout=FIRST_FRAMES_MS)
    window.close()


def test_a_stale_frame_shows_its_age_never_live(
    qtbot: QtBot, make_wall_service: WallFactory, french: object
) -> None:
    window, _ = _open_window(qtbot, make_wall_service)
    tile = window.wall.tiles[0]
    qtbot.waitUntil(lambda: tile.frames_painted >= 1 and tile.state is TileState.LIVE,
                    timeout=FIRST_FRAMES_MS)
    assert tile.shown_status() == "en direct" and tile.age_text() == ""
    real_clock = window.wall._clock
    window.wall._clock = lambda: real_clock() + 7.4  # every frame now looks 7 s old
    qtbot.waitUntil(lambda: tile.stale, timeout=2000)
    assert tile.shown_status() == "flux figé"
    assert tile.age_text() == "il y a 7 s"
    window.close()


def test_closing_the_window_leaves_no_engine_threads(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window, _ = _open_window(qtbot, make_wall_service)
    engine = window.service.engine
    tiles = window.wall.tiles
    qtbot.waitUntil(lambda: all(t.state is not TileState.IDLE for t in tiles), timeout=5000)
    qtbot.waitUntil(lambda: sum(t.frames_painted > 0 for t in tiles) >= 4,
                    timeout=FIRST_FRAMES_MS)
    window.close()
    assert not window.wall._timer.isActive()
    qtbot.waitUntil(lambda: engine.live_threads() == [], timeout=3000)


def test_hidden_wall_stops_pulling(qtbot: QtBot, make_wall_service: WallFactory) -> None:
    window, _ = _open_window(qtbot, make_wall_service)
    tile = window.wall.tiles[0]
    qtbot.waitUntil(lambda: tile.frames_painted >= 1, timeout=FIRST_FRAMES_MS)
    window.hide()
    qtbot.wait(100)
    assert tile._visible_sent is False
    painted = tile.frames_painted
    qtbot.wait(300)
    assert tile.frames_painted == painted
    window.show()
    qtbot.waitUntil(lambda: tile.frames_painted > painted, timeout=10_000)
    window.close()
