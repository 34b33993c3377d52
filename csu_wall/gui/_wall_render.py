"""Where the wall's tiles go and what they show: the geometry of the layout's cells (spans
included; the maximised tile takes the whole wall) and the render loop (every tick, the newest
frame of each visible tile; states from the bridge). Mixed into
:class:`~csu_wall.gui.wall.WallWidget`, which holds the state and the signals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from csu_wall.core.frames import TileState
from csu_wall.gui.tile import TileWidget

if TYPE_CHECKING:
    from PySide6.QtCore import Signal

    from csu_wall.core.layout import Layout
    from csu_wall.services.wall import WallService

    _Base = QWidget
else:
    _Base = object

log = logging.getLogger("csu_wall.gui.wall")

MARGIN = 2
SPACING = 2


class WallRender(_Base):
    """Tile geometry and the render loop (a mixin)."""

    if TYPE_CHECKING:  # declared by WallWidget
        ticks: int
        _clock: Callable[[], float]
        _shown: bool
        _layout: Layout
        _pool: list[TileWidget]
        _cells: list[TileWidget]
        _maximised: TileWidget | None
        service: WallService
        sig_camera_state_changed = Signal(str, str)

    def _relayout(self) -> None:
        width = self.width() - 2 * MARGIN
        height = self.height() - 2 * MARGIN
        maximised = self._maximised
        if maximised is not None:
            for tile in self._pool:
                tile.setVisible(tile is maximised)
            maximised.setGeometry(MARGIN, MARGIN, width, height)
            return
        grid = self._layout.grid
        xs = [MARGIN + round(c * (width + SPACING) / grid.cols) for c in range(grid.cols + 1)]
        ys = [MARGIN + round(r * (height + SPACING) / grid.rows) for r in range(grid.rows + 1)]
        in_use = set()
        for tile, cell in zip(self._cells, grid.cells, strict=True):
            x0, y0 = xs[cell.col], ys[cell.row]
            x1 = xs[cell.col + cell.col_span] - SPACING
            y1 = ys[cell.row + cell.row_span] - SPACING
            tile.setGeometry(QRect(x0, y0, max(1, x1 - x0), max(1, y1 - y0)))
            tile.show()
            in_use.add(id(tile))
        for tile in self._pool:
            if id(tile) not in in_use:
                tile.hide()

    # -- render loop -----------------------------------------------------------------------

    def _on_tick(self) -> None:
        self.ticks += 1
        visible = self.isVisible() and not self.window().isMinimized()
        if visible != self._shown:
            self._shown = visible
        now = self._clock()
        service = self.service  # None only in a bare wall built for benchmarks
        for tile in self._pool:
            tile_visible = visible and tile.isVisible()
            tile.set_stream_visible(tile_visible, now)  # hidden tiles cost no decoding
            if tile_visible:
                tile.pull(now)
                # an on-screen interval (csu_wall/core/viewing.py) starts with the first
                # frame of the camera shown, and ends when the tile leaves the screen
                if not tile.on_screen_reported and tile.showing_frame and service is not None:
                    tile.on_screen_reported = True
                    service.frame_shown(tile.tile_id)
            elif tile.on_screen_reported and service is not None:
                tile.on_screen_reported = False
                service.left_screen(tile.tile_id)

    def leave_screen(self) -> None:
        """Every tile leaves the screen now (the wall is locked, handed over or closed),
        without waiting for the next tick."""
        for tile in self._pool:
            if tile.on_screen_reported:
                tile.on_screen_reported = False
                self.service.left_screen(tile.tile_id)

    def _on_tile_state(self, tile_id: str, state: str, detail: str) -> None:
        tile = next((t for t in self._pool if t.tile_id == tile_id), None)
        if tile is None:
            return  # another wall's tile
        try:
            value = TileState(state)
        except ValueError:
            log.warning("unknown tile state %r", state)
            return
        if tile.apply_state(value, detail) and tile.camera is not None:
            self.sig_camera_state_changed.emit(tile.camera.id, value.value)

    def frames_painted(self) -> dict[str, int]:
        """Distinct frames painted per tile (tests, status bar)."""
        return {t.tile_id: t.frames_painted for t in self._cells}

    def live_count(self) -> int:
        return sum(1 for t in self._cells if t.state is TileState.LIVE and not t.stale)
