"""The wall's repaint cost: a tile blends only the parts of its overlay that hold something
(the same picture as blending the whole overlay), and a pull that finds no new frame does no
work beyond reading the mailbox."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect
from pytestqt.qtbot import QtBot

from csu_wall.core.frames import TileState
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.tile import TileWidget
from csu_wall.gui.wall import WallWidget
from tests.gui._helpers import grab_array
from tests.gui._wall_desk import FIRST_FRAMES_MS, open_window
from tests.gui.conftest import WallFactory


def _whole_overlay(tile: TileWidget) -> None:
    overlay = tile._overlay
    assert overlay is not None
    tile._overlay_parts = ((QPoint(0, 0), QRect(0, 0, overlay.width(), overlay.height())),)


def _first_tile_live(qtbot: QtBot, make_wall_service: WallFactory,
                     frames: int) -> tuple[MainWindow, WallWidget, TileWidget]:
    """The demo window, its wall, and its first tile once live with ``frames`` painted."""
    window = open_window(qtbot, make_wall_service, None)
    wall = window.wall
    tile = wall.tiles[0]
    qtbot.waitUntil(lambda: tile.frames_painted >= frames and tile.state is TileState.LIVE,
                    timeout=FIRST_FRAMES_MS)
    return window, wall, tile


def test_live_tile_blends_only_its_plates_and_looks_the_same(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window, wall, tile = _first_tile_live(qtbot, make_wall_service, 1)
    wall._timer.stop()  # the picture holds still while the two ways are compared
    wall.set_focused_tile(tile.tile_id)
    parts = grab_array(tile)
    area = sum(src.width() * src.height() for _, src in tile._overlay_parts)
    dpr = tile.devicePixelRatioF()
    assert 0 < area < 0.5 * tile.width() * tile.height() * dpr * dpr  # plates + focus edges
    _whole_overlay(tile)
    assert np.array_equal(parts, grab_array(tile))
    window.close()


def test_empty_tile_blends_its_drop_hint_only_and_idle_pull_does_nothing(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    wall = window.wall
    tile = wall.tiles[3]
    wall.close_tile(tile.tile_id)
    wall._timer.stop()
    assert tile.camera is None and tile.feed is None
    assert tile.pull(1e9) is False and tile._age_s is None  # nothing plays: nothing to do
    hint = grab_array(tile)
    (part,) = tile._overlay_parts
    assert part[1].width() < tile.width() and part[1].height() < tile.height()
    _whole_overlay(tile)
    assert np.array_equal(hint, grab_array(tile))
    window.close()


def test_a_new_picture_alone_keeps_the_overlay_a_state_change_redraws_it(
    qtbot: QtBot, make_wall_service: WallFactory
) -> None:
    window, wall, tile = _first_tile_live(qtbot, make_wall_service, 2)
    drawn = tile.overlay_cache.pixmap
    painted = tile.frames_painted
    qtbot.waitUntil(lambda: tile.frames_painted >= painted + 3, timeout=FIRST_FRAMES_MS)
    assert tile.overlay_cache.pixmap is drawn  # three new pictures, one overlay drawing
    wall._timer.stop()
    live = grab_array(tile)
    tile.apply_state(TileState.STALLED, "")
    stalled = grab_array(tile)
    assert not np.array_equal(live, stalled)  # the state's words are painted at once
    assert tile.overlay_cache.pixmap is not drawn
    tile.overlay_cache.invalidate()  # drawn from scratch: the same picture
    assert np.array_equal(stalled, grab_array(tile))
    window.close()
