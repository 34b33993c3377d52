"""The wall's render loop — its ONE timer: every tick, each tile on the screen pulls its newest
frame, and the tiles that appear or leave the screen tell the service (on-screen intervals,
docs/DESIGN.md §4a) — and where the layout's cells go on the wall (spans included)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, Qt, QTimer

if TYPE_CHECKING:
    from csu_wall.core.layout import Grid
    from csu_wall.gui.tile import TileWidget
    from csu_wall.services.wall import WallService

MARGIN = 2
SPACING = 2
RENDER_INTERVAL_MS = 20


def cell_rects(grid: Grid, width: int, height: int) -> list[QRect]:
    """The rectangle of each cell of ``grid`` on a wall of ``width`` × ``height``."""
    width -= 2 * MARGIN
    height -= 2 * MARGIN
    xs = [MARGIN + round(c * (width + SPACING) / grid.cols) for c in range(grid.cols + 1)]
    ys = [MARGIN + round(r * (height + SPACING) / grid.rows) for r in range(grid.rows + 1)]
    rects = []
    for cell in grid.cells:
        x0, y0 = xs[cell.col], ys[cell.row]
        x1 = xs[cell.col + cell.col_span] - SPACING
        y1 = ys[cell.row + cell.row_span] - SPACING
        rects.append(QRect(x0, y0, max(1, x1 - x0), max(1, y1 - y0)))
    return rects


def whole_rect(width: int, height: int) -> QRect:
    """Where a maximised tile goes."""
    return QRect(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN)


class RenderLoop(QObject):
    """The timer that pulls frames into the tiles (frames are pulled, never pushed)."""

    def __init__(self, tiles: Callable[[], Sequence[TileWidget]],
                 on_screen: Callable[[], bool], service: WallService | None, *,
                 interval_ms: int = RENDER_INTERVAL_MS,
                 clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tiles = tiles
        self._on_screen = on_screen
        self._service = service  # None only in a bare wall built for benchmarks
        self.clock = clock
        self.ticks = 0
        self.shown = False  # the wall was on the screen at the last tick
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)

    def tick(self) -> None:
        self.ticks += 1
        visible = self._on_screen()
        self.shown = visible
        now = self.clock()
        service = self._service
        for tile in self._tiles():
            tile_visible = visible and tile.isVisible()
            tile.set_stream_visible(tile_visible, now)  # hidden tiles cost no decoding
            if tile_visible:
                tile.pull(now)
                # an on-screen interval (csu_wall/core/viewing.py) starts with the first
                # frame of the camera shown, and ends when the tile leaves the screen
                if service is not None and not tile.on_screen_reported and tile.showing_frame:
                    tile.on_screen_reported = True
                    service.frame_shown(tile.tile_id)
            elif tile.on_screen_reported and service is not None:
                tile.on_screen_reported = False
                service.left_screen(tile.tile_id)

    def leave_screen(self) -> None:
        """Every tile leaves the screen now (the wall is locked, handed over or closed),
        without waiting for the next tick."""
        for tile in self._tiles():
            if tile.on_screen_reported and self._service is not None:
                tile.on_screen_reported = False
                self._service.left_screen(tile.tile_id)
