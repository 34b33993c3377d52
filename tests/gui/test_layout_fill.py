"""« Remplir la tuile » is a layout's choice: saved with the layout through the editor, applied
to every tile of that layout when it is shown again (a new window on the same database), and
seen in the pixels — the filled picture covers the tile, the default one keeps its letterbox
bands. Real demo wall, real SQLite, real decoders, read from what the tiles paint."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from csu_wall.core.frames import TileState
from csu_wall.core.layout import Grid, Layout
from csu_wall.core.model import Site
from csu_wall.gui.layout_editor import EditController
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.tile import TileWidget
from csu_wall.services._layout_diff import describe_changes
from tests.gui._wall_desk import FIRST_FRAMES_MS, SUPERVISOR, open_wall_db, open_window
from tests.gui.conftest import WallFactory

pytestmark = pytest.mark.timeout(150)

BG = np.array([8, 10, 14])  # the tile's background (tile.py _BG): what a letterbox band shows


def _band_share(tile: TileWidget) -> float:
    """Share of the background colour in the tile's top band (rows 12–22 % of its height,
    below the plates; columns 10–90 %): about 1 with letterbox bands above and below, about
    0 when the picture covers the tile."""
    image = tile.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    raw = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    pixels = raw.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, :image.width(), :3]
    rgb = pixels[..., ::-1].astype(int)  # BGRA in memory
    h, w = rgb.shape[:2]
    band = rgb[int(h * 0.12):int(h * 0.22), int(w * 0.1):int(w * 0.9)]
    return float(np.mean(np.all(np.abs(band - BG) <= 3, axis=2)))


def _live(window: MainWindow) -> bool:
    tiles = window.wall.tiles
    for tile in tiles:
        tile.pull(0.0)
    return all(t.state is TileState.LIVE and t.showing_frame for t in tiles)


def _tall_tiles(window: MainWindow) -> None:
    """A 2×2 wall in a tall window: tiles much taller than 16:9 pictures."""
    window.resize(900, 1000)


def _saved(qtbot: QtBot, edit: EditController) -> Layout | None:
    """The layout saved (or restored) last, once written off the GUI thread (and the
    window's tabs read again)."""
    tabs = edit.parent().tabs_call  # type: ignore[union-attr]  # the main window's
    qtbot.waitUntil(lambda: not edit.saving and not tabs.busy, timeout=5_000)
    return edit.last_saved


def test_fill_is_saved_with_the_layout_and_covers_every_tile(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    window = open_window(qtbot, make_wall_service, db, SUPERVISOR)
    _tall_tiles(window)
    edit = window.edit
    assert edit is not None
    edit.set_editing(True)
    edit.preset_box.setCurrentText("2×2")
    edit.new_action.trigger()
    cams = [c.id for c in demo_site.cameras_of(demo_site.communes[0].id)[:4]]
    for tile, camera in zip(window.wall.tiles, cams, strict=True):
        window.wall.open_in_tile(tile.tile_id, camera)
    assert edit.picture_box.currentText() == "Keep proportions"  # the default
    qtbot.waitUntil(lambda: _live(window), timeout=FIRST_FRAMES_MS)
    qtbot.waitUntil(lambda: all(_band_share(t) > 0.9 for t in window.wall.tiles),
                    timeout=10_000)
    edit.save_as("Proportions")
    letterboxed = _saved(qtbot, edit)
    # the same cameras, filled, saved as a layout of its own
    edit.picture_box.setCurrentIndex(1)
    edit.picture_box.activated.emit(1)
    assert window.wall.layout_value.fill
    assert edit.editor is not None and "Pictures fill their tiles" in edit.editor.changes()
    edit.save_as("Remplie")
    filled = _saved(qtbot, edit)
    assert letterboxed is not None and filled is not None and filled.id is not None
    assert not letterboxed.fill and filled.fill
    window.close()

    again = open_window(qtbot, make_wall_service, db, SUPERVISOR, workstation="pupitre-2")
    _tall_tiles(again)
    again.refresh_tabs(select_id=filled.id)
    again.tabs.select(again.tabs.index_of(filled.id))
    assert again.wall.layout_value.fill
    assert again.edit is not None and again.edit.picture_box.currentIndex() == 1
    qtbot.waitUntil(lambda: _live(again), timeout=FIRST_FRAMES_MS)
    qtbot.waitUntil(lambda: all(_band_share(t) < 0.05 for t in again.wall.tiles),
                    timeout=20_000)
    # and back on the letterboxed layout: the bands come back on every tile
    assert letterboxed.id is not None
    again.tabs.select(again.tabs.index_of(letterboxed.id))
    assert not again.wall.layout_value.fill
    qtbot.waitUntil(lambda: all(_band_share(t) > 0.9 for t in again.wall.tiles),
                    timeout=20_000)
    again.close()
    db.close()


def test_the_history_names_the_picture_choice() -> None:
    grid = Grid.preset("2×2")
    before = Layout("Gare", grid, (None,) * 4)
    assert describe_changes(before, replace(before, fill=True)) == (
        "images : proportions conservées → tuile remplie")
    assert describe_changes(replace(before, fill=True), before) == (
        "images : tuile remplie → proportions conservées")
