"""The wall's input: arrow keys move the focus (Ctrl: swap with the neighbour), Enter
maximises, Esc restores; a click focuses; a tile dragged with the mouse and released over
another tile swaps them, or over another wall window (another screen) shows its camera there.
Mixed into :class:`~csu_wall.gui.wall.WallWidget`, which holds the state and the signals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from csu_wall.gui.tile import TileWidget

if TYPE_CHECKING:
    from PySide6.QtCore import Signal

    from csu_wall.core.layout import Layout

    _Base = QWidget
else:
    _Base = object

_ARROWS = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1),
           Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0)}


class WallInput(_Base):
    """Keys and mouse on the wall (a mixin)."""

    if TYPE_CHECKING:  # declared by WallWidget
        _layout: Layout
        _cells: list[TileWidget]
        _focused: TileWidget
        _maximised: TileWidget | None
        sig_interacted = Signal(str)

        def cell_of(self, tile_id: str) -> int: ...
        def tile(self, tile_id: str) -> TileWidget: ...
        def set_focused_tile(self, tile_id: str) -> None: ...
        def swap(self, tile_a: str, tile_b: str) -> None: ...
        def toggle_maximise(self, tile_id: str | None = None) -> None: ...
        def restore(self) -> None: ...
        def open_in_tile(self, tile_id: str, camera_id: str, *, edit: bool = True) -> None: ...

    def move_focus(self, d_row: int, d_col: int) -> None:
        """Arrow keys: the neighbouring cell in that direction (spans respected)."""
        grid = self._layout.grid
        cell = grid.cells[self.cell_of(self._focused.tile_id)]
        row = cell.row + (cell.row_span if d_row > 0 else -1 if d_row < 0 else 0)
        col = cell.col + (cell.col_span if d_col > 0 else -1 if d_col < 0 else 0)
        index = grid.cell_at(row, col)
        if index is not None:
            self.set_focused_tile(self._cells[index].tile_id)

    def swap_with_neighbour(self, d_row: int, d_col: int) -> None:
        """Ctrl+arrows: the focused tile trades places with its neighbour (focus follows)."""
        focused = self._focused
        self.move_focus(d_row, d_col)
        if self._focused is not focused:
            self.swap(focused.tile_id, self._focused.tile_id)
            self.set_focused_tile(focused.tile_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in _ARROWS and mods == Qt.KeyboardModifier.NoModifier:
            self.sig_interacted.emit(self._focused.tile_id)
            self.move_focus(*_ARROWS[Qt.Key(key)])
        elif key in _ARROWS and mods == Qt.KeyboardModifier.ControlModifier:
            self.sig_interacted.emit(self._focused.tile_id)
            self.swap_with_neighbour(*_ARROWS[Qt.Key(key)])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.toggle_maximise()
        elif key == Qt.Key.Key_Escape and self._maximised is not None:
            self.restore()
        else:
            super().keyPressEvent(event)

    def _on_clicked(self, tile_id: str) -> None:
        self.set_focused_tile(tile_id)
        self.setFocus(Qt.FocusReason.MouseFocusReason)

    def _on_drag_released(self, tile_id: str, global_pos: QPoint) -> None:
        """A tile dragged with the mouse and released over another tile: swap them (or,
        over a tile of another wall window, show the camera there too)."""
        local = self.mapFromGlobal(global_pos)
        for tile in self._cells:
            if tile.isVisible() and tile.geometry().contains(local):
                if tile.tile_id != tile_id:
                    self.swap(tile_id, tile.tile_id)
                return
        target = QApplication.widgetAt(global_pos)
        while target is not None and not isinstance(target, TileWidget):
            target = target.parentWidget()
        if target is None or target.tile_id == tile_id:
            return
        source = self.tile(tile_id)
        other = target.parentWidget()
        if isinstance(other, WallInput) and source.camera is not None:
            other.open_in_tile(target.tile_id, source.camera.id)
