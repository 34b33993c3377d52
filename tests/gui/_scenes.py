"""Scenes run in a child process, where the Qt platform must differ from the test process's
(two fake offscreen screens, or a real X server): ``python -m tests.gui._scenes NAME OUTDIR``.
Prints one JSON line of findings; the test asserts on it. Real widgets, real demo wall, real
SQLite, real services; nothing faked."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPoint, Qt, QTranslator
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from csu_wall.core.audit import AuditEntry, AuditSink
from csu_wall.core.frames import TileState
from csu_wall.core.layout import Grid, Layout
from csu_wall.core.security import Habilitation, Operator, Role
from csu_wall.gui._resources import style_sheet, translation_file
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.main_window import MainWindow
from csu_wall.media.engine import MediaEngine
from csu_wall.services.access import AccessGate
from csu_wall.services.layouts import LayoutService
from csu_wall.services.screens import ScreenService
from csu_wall.services.wall import WallService
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from csu_wall.storage.operators import ensure_operator
from csu_wall.storage.site_repo import apply_site

SUPERVISOR = Operator("chef", "Chef de salle", Role.SUPERVISOR)


class _Audit(AuditSink):
    def append(self, entry: AuditEntry) -> int:
        return 1


def window(workdir: Path, *, workstation: str = "pupitre-1") -> MainWindow:
    from csu_wall.core.sitefile import load_demo_site
    from csu_wall.recorders.registry import driver_for

    site = load_demo_site()
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "db.sqlite3"
    fresh = not path.exists()
    db = Database.open(path, create=True)
    if fresh:
        apply_site(db, site, file_name="demo", sha256="0" * 64, applied_by="test")
        ensure_operator(db, SUPERVISOR)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    habs = [Habilitation(SUPERVISOR.id, c.id, "test", "test", start) for c in site.communes]
    gate = AccessGate(site, SUPERVISOR, habs, _Audit(), workstation=workstation)
    bridge = StateBridge()
    engine = MediaEngine(on_state=bridge.post)
    clips = Path(os.environ.get("CSU_TEST_CLIPS", workdir.parent / "clips"))
    service = WallService(site, gate, engine, lambda rec: driver_for(rec, clip_dir=clips),
                          demo=True)
    service.on_shutdown(db.close)
    layouts = LayoutService(db, DbAuditLog(db), operator=SUPERVISOR, workstation=workstation)
    screens = ScreenService(db, workstation=workstation)
    win = MainWindow(service, demo=True, bridge=bridge, layouts=layouts, screens=screens,
                     data_dir=workdir)
    wait_until(lambda: not win.restoring, 10_000)  # the saved state, read off the GUI thread
    return win


def wait_until(check: Callable[[], bool], timeout_ms: int) -> bool:
    waited = 0
    while not check() and waited < timeout_ms:
        QTest.qWait(50)
        waited += 50
    return check()


def scene_screens(out: Path) -> dict[str, object]:
    """Two offscreen screens (the second at devicePixelRatio 2): a full-screen frameless wall
    on the second, its layout saved and brought back by a new window on the same database."""
    screens = QGuiApplication.screens()
    found: dict[str, object] = {"screens": [s.name() for s in screens]}
    first = window(out)
    first.show()
    second = screens[1]
    wall_window = first.open_screen_wall(second, Layout("Écran 2", Grid.preset("2×2"),
                                                        (None,) * 4))
    QTest.qWait(200)
    flags = wall_window.windowFlags()
    found["frameless"] = bool(flags & Qt.WindowType.FramelessWindowHint)
    found["fullscreen"] = wall_window.isFullScreen()
    found["on_screen"] = wall_window.screen().name()
    geometry = wall_window.geometry()
    found["geometry"] = [geometry.x(), geometry.y(), geometry.width(), geometry.height()]
    found["screen_geometry"] = [second.geometry().x(), second.geometry().y(),
                                second.geometry().width(), second.geometry().height()]
    tile = wall_window.wall.tiles[0]
    found["dpr"] = tile.devicePixelRatioF()
    found["tile_logical"] = [tile.width(), tile.height()]
    found["tile_physical"] = list(tile.physical_size())
    camera = first.service.site.cameras[0]
    wall_window.wall.open_in_tile(tile.tile_id, camera.id)
    wait_until(lambda: tile.frames_painted >= 1, 60_000)
    stream = tile.feed
    latest = stream.latest() if stream is not None else None
    found["frame_size"] = list(latest.image.shape[1::-1]) if latest is not None else None
    found["stream_size"] = list(stream.size) if stream else None
    QTest.qWait(100)
    first.close()
    again = window(out)
    again.show()
    QTest.qWait(100)
    restored = again.screen_walls.get(wall_window.key)
    found["restored"] = restored is not None
    if restored is not None:
        found["restored_on"] = restored.screen().name()
        found["restored_cameras"] = list(restored.wall.layout_value.cameras)
        found["restored_fullscreen"] = restored.isFullScreen()
    found["camera"] = camera.id
    again.close()
    return found


def scene_drag_screens(out: Path) -> dict[str, object]:
    """Two offscreen screens: a tile of the main wall (screen 1) dragged with the mouse and
    released over a tile of the wall window on screen 2 shows its camera there too; and back:
    a tile of screen 2 released over the main wall."""
    screens = QGuiApplication.screens()
    first = window(out)
    first.move(screens[0].geometry().topLeft())
    first.show()
    other = first.open_screen_wall(screens[1], Layout("Écran 2", Grid.preset("2×2"),
                                                      (None,) * 4))
    source = first.wall.tiles[0]
    wait_until(lambda: source.frames_painted >= 1 and source.camera is not None, 60_000)
    target = other.wall.tiles[3]
    found: dict[str, object] = {
        "screens": [s.name() for s in screens], "other_on": other.screen().name(),
        "source_camera": source.camera.id if source.camera else None,
        "target_before": target.camera.id if target.camera else None,
    }
    _mouse_drag(source, target)
    wait_until(lambda: target.camera is not None, 5_000)
    found["target_after"] = target.camera.id if target.camera else None
    found["source_after"] = source.camera.id if source.camera else None
    found["other_layout"] = list(other.wall.layout_value.cameras)
    wait_until(lambda: target.frames_painted >= 1, 60_000)
    found["target_painted"] = target.frames_painted
    back = first.wall.tiles[5]
    found["back_before"] = back.camera.id if back.camera else None
    _mouse_drag(target, back)
    wait_until(lambda: back.camera is not None and back.camera.id == found["source_camera"],
               5_000)
    found["back_after"] = back.camera.id if back.camera else None
    first.close()
    return found


def _mouse_drag(source: QWidget, target: QWidget) -> None:
    """Press in the middle of ``source``, move in steps, release over ``target``'s middle."""
    begin = QPoint(source.width() // 2, source.height() // 2)
    end = source.mapFromGlobal(target.mapToGlobal(QPoint(target.width() // 2,
                                                         target.height() // 2)))
    QTest.mousePress(source, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, begin)
    for step in range(1, 9):
        QTest.mouseMove(source, begin + (end - begin) * step / 8)
    QTest.mouseRelease(source, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    QTest.qWait(50)


def _live_count(win: MainWindow) -> int:
    return sum(1 for t in win.wall.tiles if t.state is TileState.LIVE and t.frames_painted > 2)


def scene_xvfb(out: Path) -> dict[str, object]:
    """On a real X server: a 1+5 layout with live video, a maximised tile, a real mouse drag
    swapping two tiles, then the French UI; each saved as PNG."""
    found: dict[str, object] = {}
    shots = out / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyleSheet(style_sheet())
    win = window(out)
    win.resize(1600, 1000)
    win.show()
    QTest.qWaitForWindowExposed(win)
    site = win.service.site
    commune = win.current_commune() or site.communes[0].id
    cams = tuple(c.id for c in site.cameras_of(commune)[:6])
    win.wall.set_layout(Layout("1+5", Grid.preset("1+5"), cams, commune_id=commune))
    found["live_1plus5"] = wait_until(lambda: _live_count(win) == 6, 90_000)
    QTest.qWait(300)
    win.grab().save(str(shots / "wall-1plus5.png"))
    # a real drag with the mouse: press on tile 1, move over tile 3, release there
    wall = win.wall
    source, target = wall.tiles[1], wall.tiles[3]
    start = QPoint(source.width() // 2, source.height() // 2)
    end = source.mapFromGlobal(target.mapToGlobal(QPoint(target.width() // 2,
                                                         target.height() // 2)))
    QTest.mousePress(source, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 11):
        QTest.mouseMove(source, start + (end - start) * step / 10)
        QTest.qWait(20)
    QTest.mouseRelease(source, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    found["drag_swapped"] = wall.tiles[3] is source and wall.tiles[1] is target
    found["drag_cameras"] = [wall.layout_value.cameras[1], wall.layout_value.cameras[3]]
    found["expected_cameras"] = [cams[3], cams[1]]
    # a REAL drag through the X server (XTEST): a camera from the tree onto tile 5
    found.update(_xtest_tree_drag(win))
    wall.maximise(wall.tiles[0].tile_id)
    tile = wall.tiles[0]
    stream = tile.feed
    found["maximised_main"] = wait_until(
        lambda: stream is not None and stream.kind.value == "main" and tile.frames_painted > 2,
        60_000)
    QTest.qWait(500)
    win.grab().save(str(shots / "wall-maximised.png"))
    wall.restore()
    win.close()
    translator = QTranslator()
    found["french_loaded"] = translator.load(str(translation_file("fr")))
    QCoreApplication.installTranslator(translator)
    french = window(out / "fr")  # a workstation of its own: the commune's 4×4 wall
    french.resize(1600, 1000)
    french.show()
    QTest.qWaitForWindowExposed(french)
    found["french_title"] = french.windowTitle()
    found["french_menus"] = [a.text() for a in french.menuBar().actions()]
    found["french_live"] = wait_until(lambda: _live_count(french) >= 14, 60_000)
    QTest.qWait(300)
    french.grab().save(str(shots / "wall-french.png"))
    french.close()
    return found


def _xtest_tree_drag(win: MainWindow) -> dict[str, object]:
    from tests.gui._xtest import drag_in_background

    site = win.service.site
    camera = site.cameras[-1]  # another commune's: not on the wall yet
    win.docks.open("cameras")  # the camera panel is closed at a workstation's first start
    tree = win.tree
    wait_until(tree.view.isVisible, 5_000)
    tree.search.setText(camera.id)
    index = tree.proxy_index_of(camera.id)
    tree.view.scrollTo(index)
    tree.view.doItemsLayout()
    QTest.qWait(100)
    rect = tree.view.visualRect(index)
    start = tree.view.viewport().mapToGlobal(rect.center())
    target = win.wall.tiles[5]
    end = target.mapToGlobal(target.rect().center())
    thread = drag_in_background((start.x(), start.y()), (end.x(), end.y()))
    dropped = wait_until(lambda: target.camera is not None and target.camera.id == camera.id,
                         15_000)
    thread.join(5)
    return {"xtest_drop": dropped, "xtest_camera": camera.id,
            "xtest_tile_camera": target.camera.id if target.camera else None}


def main() -> int:
    name, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    scene = {"screens": scene_screens, "xvfb": scene_xvfb,
             "drag_screens": scene_drag_screens}[name]
    found = scene(out)
    print("SCENE " + json.dumps(found), flush=True)
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
