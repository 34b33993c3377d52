"""The camera tree says what the walls show now: a camera is green only while a tile shows
it on the screen; closed, replaced or hidden behind a maximised tile, it goes back to idle.
A commune whose habilitation ended turns grey and says so. Real demo streams, real window."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from csu_wall.core.frames import TileState
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.main_window import MainWindow
from tests.gui.conftest import WallFactory

LIVE_MS = 60_000  # demo clips are encoded on first use on a shared machine


def test_a_camera_that_left_the_screen_is_no_longer_green(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    bridge = StateBridge()
    service, _ = make_wall_service(bridge)
    window = MainWindow(service, demo=True, bridge=bridge)
    qtbot.addWidget(window)
    window.show()
    tree, wall = window.tree, window.wall
    shown = [t for t in wall.tiles if t.camera is not None][:3]
    assert len(shown) == 3
    first, second, third = shown
    for tile in shown:
        qtbot.waitUntil(lambda t=tile: t.state is TileState.LIVE, timeout=LIVE_MS)
        camera_id = tile.camera.id if tile.camera else ""
        qtbot.waitUntil(lambda c=camera_id: tree.camera_status(c) == "live", timeout=3000)
    closed = first.camera.id if first.camera else ""
    wall.close_tile(first.tile_id)
    qtbot.waitUntil(lambda: tree.camera_status(closed) == "idle", timeout=3000)

    # hidden behind a maximised tile: its view ended, so it is not green either
    hidden = third.camera.id if third.camera else ""
    wall.toggle_maximise(second.tile_id)
    qtbot.waitUntil(lambda: not third.isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: tree.camera_status(hidden) == "idle", timeout=3000)
    assert tree.camera_status(second.camera.id if second.camera else "") == "live"
    wall.toggle_maximise(second.tile_id)
    qtbot.waitUntil(lambda: third.state is TileState.LIVE and third.isVisible(),
                    timeout=LIVE_MS)
    qtbot.waitUntil(lambda: tree.camera_status(hidden) == "live", timeout=3000)
    window.close()


def test_a_commune_whose_habilitation_ended_turns_grey_in_the_tree(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    bridge = StateBridge()
    service, _ = make_wall_service(bridge)
    window = MainWindow(service, demo=True, bridge=bridge)
    qtbot.addWidget(window)
    tree = window.tree
    commune = service.site.communes[1]
    parent = tree._communes[commune.id]
    assert parent.text() == commune.name
    service.access.replace_habilitations(
        [h for h in service.access.habilitations() if h.commune_id != commune.id])
    tree.sync_attachment()  # the window's status timer calls it every second
    assert parent.text() != commune.name and commune.name in parent.text()
    camera = service.cameras_of(commune.id)[0]
    assert tree.camera_status(camera.id) == "denied"
    window.close()
