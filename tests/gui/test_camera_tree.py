"""The camera tree: search by name, commune or id; double-click opens in the focused tile."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.camera_tree import CAMERA_ID_ROLE, CameraTree
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.tile import CAMERA_MIME
from tests.gui.conftest import WallFactory


def test_camera_tree_search_filters_by_name_commune_and_id(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    service, _ = make_wall_service(StateBridge())
    tree = CameraTree(service)
    qtbot.addWidget(tree)
    site = service.site
    everything = tree.visible_camera_ids()
    assert len(everything) == len(site.cameras)

    camera = site.cameras[37]
    tree.search.setText(camera.id.upper())  # case does not matter
    assert tree.visible_camera_ids() == [camera.id]

    tree.search.setText(camera.name)
    shown = tree.visible_camera_ids()
    assert camera.id in shown
    assert all(camera.name.lower() in site.camera(c).name.lower() for c in shown)

    commune = site.communes[2]
    tree.search.setText(commune.name)
    shown = tree.visible_camera_ids()
    assert {c.id for c in site.cameras_of(commune.id)} <= set(shown)

    tree.search.setText("zzz-no-such-camera")
    assert tree.visible_camera_ids() == []
    tree.search.clear()
    assert len(tree.visible_camera_ids()) == len(site.cameras)


def test_camera_drag_carries_the_camera_mime(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    service, _ = make_wall_service(StateBridge())
    tree = CameraTree(service)
    qtbot.addWidget(tree)
    camera = service.site.cameras[3]
    index = tree.proxy_index_of(camera.id)
    assert index.flags() & Qt.ItemFlag.ItemIsDragEnabled
    mime = tree.proxy.mimeData([index])
    assert bytes(mime.data(CAMERA_MIME).data()).decode() == camera.id


def test_double_click_in_tree_opens_camera_in_focused_tile(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    bridge = StateBridge()
    service, _ = make_wall_service(bridge)
    window = MainWindow(service, demo=True, bridge=bridge)
    qtbot.addWidget(window)
    window.show()
    target = window.wall.tiles[6]
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
    assert window.wall.focused_tile() is target and target.selected
    camera = service.site.cameras[-1]  # another commune than the one on the wall
    tree = window.tree
    tree.search.setText(camera.id)
    index = tree.proxy_index_of(camera.id)
    assert index.data(CAMERA_ID_ROLE) == camera.id
    tree.view.scrollTo(index)
    tree.view.doItemsLayout()  # the view lays out lazily; the click needs the row's place
    rect = tree.view.visualRect(index)
    assert rect.isValid(), rect
    # A real double-click is press, release, then a double-click press: QTest's mouseDClick
    # alone sends only the last part, which the view ignores without the first press.
    for send in (QTest.mouseClick, QTest.mouseDClick):
        send(tree.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
             rect.center())
    qtbot.waitUntil(lambda: target.camera is not None and target.camera.id == camera.id,
                    timeout=2000)
    on_tile = service.camera_on(target.tile_id)
    assert on_tile is not None and on_tile.id == camera.id
    window.close()
