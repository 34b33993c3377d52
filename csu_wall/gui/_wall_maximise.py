"""Maximise and restore a tile of the wall (the service's quality switcher gives a maximised
tile the main stream), and the wall's
crash-restore state (layout, focus, maximised tile). Mixed into
:class:`~csu_wall.gui.wall.WallWidget`, which holds the state and the signals."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from csu_wall.gui._wall_state import layout_from_state, layout_state
from csu_wall.gui.tile import TileWidget

if TYPE_CHECKING:
    from PySide6.QtCore import Signal

    from csu_wall.core.layout import Layout
    from csu_wall.services.wall import WallService

    _Base = QWidget
else:
    _Base = object

log = logging.getLogger("csu_wall.gui.wall")


class WallMaximise(_Base):
    """Maximise / restore and the crash-restore state (a mixin)."""

    if TYPE_CHECKING:  # declared by WallWidget
        service: WallService
        _layout: Layout
        _cells: list[TileWidget]
        _focused: TileWidget
        _maximised: TileWidget | None
        sig_wall_changed = Signal()

        def cell_of(self, tile_id: str) -> int: ...
        def tile(self, tile_id: str) -> TileWidget: ...
        def set_focused_tile(self, tile_id: str) -> None: ...
        def set_layout(self, layout: Layout) -> None: ...
        def _relayout(self) -> None: ...

    # -- maximise --------------------------------------------------------------------------

    @property
    def maximised(self) -> TileWidget | None:
        return self._maximised

    def toggle_maximise(self, tile_id: str | None = None) -> None:
        tile = self.tile(tile_id) if tile_id is not None else self._focused
        if self._maximised is tile:
            self.restore()
        else:
            self.maximise(tile.tile_id)

    def maximise(self, tile_id: str) -> None:
        """The tile takes the whole wall and asks for the camera's main stream."""
        self.restore()
        tile = self.tile(tile_id)
        self._maximised = tile
        self.set_focused_tile(tile_id)
        self._relayout()
        if tile.feed is not None:  # the engine's quality switcher gives it the main stream
            self.service.set_maximised(tile_id, True)
        self.sig_wall_changed.emit()

    def restore(self) -> None:
        tile = self._maximised
        if tile is None:
            return
        self._maximised = None
        self._relayout()
        if tile.feed is not None:
            self.service.set_maximised(tile.tile_id, False)
        self.sig_wall_changed.emit()

    # -- crash restore ---------------------------------------------------------------------

    def wall_state(self) -> dict[str, object]:
        maximised = self._maximised
        return {
            "layout": layout_state(self._layout),
            "focused": self.cell_of(self._focused.tile_id),
            "maximised": self.cell_of(maximised.tile_id) if maximised is not None else None,
        }

    def restore_wall_state(self, state: dict[str, object]) -> bool:
        layout = layout_from_state(state.get("layout"))
        if layout is None:
            return False
        self.set_layout(layout)
        focused = state.get("focused")
        if isinstance(focused, int) and 0 <= focused < len(self._cells):
            self.set_focused_tile(self._cells[focused].tile_id)
        maximised = state.get("maximised")
        if isinstance(maximised, int) and 0 <= maximised < len(self._cells):
            self.maximise(self._cells[maximised].tile_id)
        return True
