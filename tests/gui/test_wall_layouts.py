"""Grids and layout tabs through real widgets: grids with spanning cells, the layout tab
bar, drop hints, stable tile ids, the camera tree (status icons, search, commune drag)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from csu_wall.core.frames import TileState
from csu_wall.core.layout import PRESET_NAMES, Grid, Layout
from csu_wall.core.model import Site
from csu_wall.gui.camera_tree import COMMUNE_ID_ROLE
from csu_wall.gui.tile import CAMERA_MIME, COMMUNE_MIME, TileWidget
from csu_wall.gui.wall import MARGIN
from tests.gui._wall_desk import FIRST_FRAMES_MS, SUPERVISOR, open_wall_db, open_window
from tests.gui.conftest import WallFactory


def drop(tile: TileWidget, kind: str, value: str) -> QDropEvent:
    """A drop on the tile's own drop handler, with real QMimeData."""
    mime = QMimeData()
    mime.setData(kind, value.encode("utf-8"))
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    tile.dropEvent(event)
    return event


def test_point1_every_preset_grid_places_tiles_on_their_spanning_cells(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    wall = window.wall
    wall.resize(1204, 904)
    for name in PRESET_NAMES:
        grid = Grid.preset(name)
        wall.set_layout(Layout(name, grid, (None,) * len(grid.cells)))
        assert len(wall.tiles) == len(grid.cells)
        cell_w = (wall.width() - 2 * MARGIN) / grid.cols
        cell_h = (wall.height() - 2 * MARGIN) / grid.rows
        for tile, cell in zip(wall.tiles, grid.cells, strict=True):
            geo = tile.geometry()
            assert tile.isVisible()
            assert abs(geo.x() - MARGIN - cell.col * cell_w) <= 2
            assert abs(geo.width() - cell.col_span * cell_w) <= 4, (name, cell, geo)
            assert abs(geo.height() - cell.row_span * cell_h) <= 4, (name, cell, geo)
    big = Grid.preset("1+5")
    wall.set_layout(Layout("1+5", big, (None,) * 6))
    assert wall.tiles[0].width() > 1.9 * wall.tiles[1].width()  # the spanning cell
    window.close()


def test_point1_empty_cells_show_a_drop_hint(
    qtbot: QtBot, make_wall_service: WallFactory, french: object
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    grid = Grid.preset("2×2")
    window.wall.set_layout(Layout("vide", grid, (None,) * 4))
    tile = window.wall.tiles[0]
    qtbot.waitExposed(window)
    tile.repaint()
    assert tile.camera is None and tile.shown_status() == ""
    image = tile.grab().toImage()
    centre = [image.pixelColor(x, tile.height() // 2).lightness()
              for x in range(tile.width() // 4, 3 * tile.width() // 4)]
    assert max(centre) - min(centre) > 40  # the words «Déposez une caméra ici»
    window.close()


def test_point1_tile_ids_stay_with_their_stream_across_layouts(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    wall = window.wall
    engine = window.service.engine
    first = wall.tiles[0]
    camera = first.camera
    assert camera is not None
    stream = first.feed
    generation = engine.tile(first.tile_id).generation
    grid = Grid.preset("1+5")
    others = [c.id for c in window.service.site.cameras[-3:]]
    wall.set_layout(Layout("mixte", grid, (others[0], camera.id, others[1], None, None,
                                            others[2])))
    moved = wall.tiles[1]
    assert moved is first and moved.tile_id == "tile-00"  # the same widget, moved
    assert moved.feed is stream and engine.tile("tile-00").generation == generation
    assert engine.tile("tile-00") is stream
    assert [t.camera.id if t.camera else None for t in wall.tiles] == list(
        wall.layout_value.cameras)
    assert len({t.tile_id for t in wall.tiles}) == 6
    window.close()


def test_point1_layout_tab_bar_lists_commune_and_mixed_layouts_and_switches(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    window = open_window(qtbot, make_wall_service, db, SUPERVISOR)
    layouts = window.layouts
    assert layouts is not None
    commune = window.current_commune()
    assert commune is not None
    cams = [c.id for c in demo_site.cameras_of(commune)]
    other = next(c for c in demo_site.communes if c.id != commune)
    other_cams = [c.id for c in demo_site.cameras_of(other.id)]
    layouts.save(Layout("Entrées", Grid.preset("1+5"), tuple(cams[:6]), commune_id=commune))
    layouts.save(Layout("Parkings", Grid.preset("2×2"), tuple(cams[6:10]), commune_id=commune))
    layouts.save(Layout("Mixte", Grid.preset("1×1"), (other_cams[0],)))
    layouts.save(Layout("Ailleurs", Grid.preset("1×1"), (other_cams[1],),
                        commune_id=other.id))
    window.refresh_tabs()
    names = [lay.name for lay in window.tabs.layouts()]
    assert names[1:] == ["Entrées", "Mixte", "Parkings"] or sorted(names[1:]) == sorted(
        ["Entrées", "Mixte", "Parkings"])
    assert "Ailleurs" not in names
    index = names.index("Entrées")
    window.tabs.setCurrentIndex(index)
    assert len(window.wall.tiles) == 6
    assert [t.camera.id for t in window.wall.tiles if t.camera] == cams[:6]
    window.close()
    db.close()


def test_point2_commune_dropped_on_the_wall_fills_the_empty_tiles(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    wall = window.wall
    grid = Grid.preset("3×3")
    keep = demo_site.cameras[-1].id
    wall.set_layout(Layout("x", grid, (None, keep) + (None,) * 7))
    commune = demo_site.communes[1]
    event = drop(wall.tiles[4], COMMUNE_MIME, commune.id)
    assert event.isAccepted()
    expected = [c.id for c in demo_site.cameras_of(commune.id)][:8]
    shown = list(wall.layout_value.cameras)
    assert shown[1] == keep  # a full tile keeps its camera
    order = [4, 5, 6, 7, 8, 0, 2, 3]  # from the drop tile on, then from the top
    assert [shown[i] for i in order] == expected
    for tile in wall.tiles:
        assert tile.camera is not None and tile.feed is not None
    window.close()


def test_point2_tree_drags_a_commune_and_shows_status_icons(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    tree = window.tree
    commune = demo_site.communes[0]
    root = tree.proxy.index(0, 0)
    assert root.data(COMMUNE_ID_ROLE) == commune.id
    assert root.flags() & Qt.ItemFlag.ItemIsDragEnabled
    mime = tree.proxy.mimeData([root])
    assert bytes(mime.data(COMMUNE_MIME).data()).decode() == commune.id
    first = window.wall.tiles[0]
    assert first.camera is not None
    camera_id = first.camera.id
    qtbot.waitUntil(lambda: tree.camera_status(camera_id) == TileState.LIVE.value,
                    timeout=FIRST_FRAMES_MS)
    # lost: what the engine reports for a broken stream reaches the tree
    window.bridge.post(first.tile_id, 0, TileState.LOST, "coupure")
    qtbot.waitUntil(lambda: tree.camera_status(camera_id) == "lost", timeout=2000)
    window.bridge.post(first.tile_id, 0, TileState.UNAUTHORISED, "refus")
    qtbot.waitUntil(lambda: tree.camera_status(camera_id) == "unauthorised",
                    timeout=2000)
    # detached: the commune leaves the convention (the service's site changes)
    window.service.detach_commune(commune.id)
    tree.sync_attachment()
    assert tree.camera_status(camera_id) == "detached"

    def listed() -> list[str]:
        return [tree.proxy.index(r, 0).data(COMMUNE_ID_ROLE)
                for r in range(tree.proxy.rowCount())]

    assert commune.id not in listed()  # operators no longer see it
    assert camera_id not in tree.visible_camera_ids()
    window.service.attach_commune(commune.id)
    tree.sync_attachment()
    assert tree.camera_status(camera_id) != "detached"
    assert commune.id in listed() and camera_id in tree.visible_camera_ids()
    window.close()


def test_point2_camera_drop_and_search_by_id(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    camera = demo_site.cameras[-2]
    window.tree.search.setText(camera.id)
    assert window.tree.visible_camera_ids() == [camera.id]
    tile = window.wall.tiles[3]
    assert drop(tile, CAMERA_MIME, camera.id).isAccepted()
    assert tile.camera == camera and window.wall.layout_value.cameras[3] == camera.id
    # from the keyboard: Enter on a camera of the tree opens it in the focused tile
    other = demo_site.cameras[-3]
    window.tree.search.setText(other.id)
    window.wall.set_focused_tile(window.wall.tiles[7].tile_id)
    view = window.tree.view
    view.setFocus()
    view.setCurrentIndex(window.tree.proxy_index_of(other.id))
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert window.wall.tiles[7].camera == other
    window.close()
