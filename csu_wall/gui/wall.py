"""The wall: a :class:`~csu_wall.core.layout.Layout` of tiles, its ONE render loop
(:mod:`wall_render`), the maximised tile, the keys and mouse on it and its crash-restore state.

Every tick the render loop pulls the newest frame of each visible tile's mailbox and repaints
only the tiles whose frame (or age label) changed. Frames never travel through signals; only
state changes arrive, through the :class:`StateBridge`.

Tiles are widgets placed by hand over the layout's cells (spans included). A tile keeps its id
for as long as it plays a camera: swapping two tiles or switching to another layout that shows
the same camera moves the widget, so the media engine keeps the stream (no reconnection).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QApplication, QWidget

from csu_wall.core.errors import AccessDenied
from csu_wall.core.frames import TileState
from csu_wall.core.layout import Grid, Layout
from csu_wall.gui._wall_state import layout_from_state, layout_state
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.camera_label import camera_label
from csu_wall.gui.tile import TileWidget
from csu_wall.gui.wall_render import (
    MARGIN,
    RENDER_INTERVAL_MS,
    SPACING,
    RenderLoop,
    cell_rects,
    whole_rect,
)

if TYPE_CHECKING:
    from csu_wall.services.wall import WallService

log = logging.getLogger(__name__)

__all__ = ["MARGIN", "RENDER_INTERVAL_MS", "SPACING", "WallWidget"]

_FALLBACK_SIZE = (640, 360)  # before the first layout; the tile's resizeEvent corrects it
_ARROWS = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1),
           Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0)}


class WallWidget(QWidget):
    """The tiles of a layout, composed with the render loop that feeds them frames."""

    # camera_id, TileState value: lets the camera tree show a status icon per camera
    sig_camera_state_changed = Signal(str, str)
    focus_changed = Signal(str)  # tile_id of the newly focused tile (extension point)
    sig_wall_changed = Signal()  # cameras, layout, focus or maximised changed: save the state
    sig_edited = Signal(str)  # the operator changed the layout (description for the history)
    sig_message = Signal(str)  # something to tell the operator (French via tr)
    sig_context_requested = Signal(str, QPoint)  # tile_id, global position
    sig_interacted = Signal(str)  # tile_id touched (tours pause)

    def __init__(
        self,
        service: WallService,
        bridge: StateBridge,
        *,
        rows: int = 4,
        columns: int = 4,
        prefix: str = "",
        interval_ms: int = RENDER_INTERVAL_MS,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wall")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.service = service
        self.prefix = prefix
        grid = Grid.uniform(rows, columns)
        self._layout = Layout("—", grid, (None,) * len(grid.cells))
        self._pool: list[TileWidget] = []  # every tile ever made, in creation order
        self._cells: list[TileWidget] = []  # the tile of each cell of the layout
        self._maximised: TileWidget | None = None
        self._ensure_pool(len(grid.cells))
        self._cells = self._pool[: len(grid.cells)]
        self._focused = self._cells[0]
        self._focused.set_selected(True)
        self._relayout()
        # Queued even when posted from the GUI thread: the engine may report a state inside
        # open(), before the tile knows its new generation.
        bridge.sig_tile_state_changed.connect(
            self._on_tile_state, Qt.ConnectionType.QueuedConnection
        )
        self.render_loop = RenderLoop(
            lambda: self._pool, self._on_screen, service, interval_ms=interval_ms,
            clock=clock, parent=self)
        self.render_loop.timer.timeout.connect(self._on_tick)
        self.render_loop.timer.start()

    # -- tiles -----------------------------------------------------------------------------

    @property
    def tiles(self) -> list[TileWidget]:
        """The tiles of the current layout, in the order of its cells."""
        return list(self._cells)

    @property
    def layout_value(self) -> Layout:
        """The layout as shown now (cameras included, unsaved changes too)."""
        return self._layout

    @property
    def grid(self) -> Grid:
        return self._layout.grid

    def tile(self, tile_id: str) -> TileWidget:
        for tile in self._pool:
            if tile.tile_id == tile_id:
                return tile
        raise KeyError(tile_id)

    def cell_of(self, tile_id: str) -> int:
        for index, tile in enumerate(self._cells):
            if tile.tile_id == tile_id:
                return index
        raise KeyError(tile_id)

    def focused_tile(self) -> TileWidget:
        return self._focused

    def set_focused_tile(self, tile_id: str) -> None:
        tile = self.tile(tile_id)
        if tile is not self._focused:
            self._focused.set_selected(False)
            self._focused = tile
            tile.set_selected(True)
            self.focus_changed.emit(tile_id)
            self.sig_wall_changed.emit()

    # -- layouts ---------------------------------------------------------------------------

    def set_layout(self, layout: Layout) -> None:
        """Show ``layout``. A camera already playing keeps its tile (and stream), moved to its
        new cell; the other cells open or close their camera."""
        self.restore()
        old_focus = self._focused
        count = len(layout.grid.cells)
        self._ensure_pool(count)
        playing = {t.camera.id: t for t in self._cells if t.camera is not None
                   and t.feed is not None}
        cells: list[TileWidget | None] = [None] * count
        for index, camera_id in enumerate(layout.cameras):
            if camera_id is not None and camera_id in playing:
                cells[index] = playing.pop(camera_id)
        spare = [t for t in self._pool if t not in cells]
        # prefer tiles with nothing worth keeping, then the others
        spare.sort(key=lambda t: (t.camera is not None, self._pool.index(t)))
        for index in range(count):
            if cells[index] is None:
                cells[index] = spare.pop(0)
        self._cells = [c for c in cells if c is not None]
        for tile in spare:
            if tile.camera is not None or tile.feed is not None:
                self._close(tile)
        self._layout = layout
        self.service.set_fill([t.tile_id for t in self._cells], layout.fill)
        for tile, camera_id in zip(self._cells, layout.cameras, strict=True):
            current = tile.camera.id if tile.camera is not None else None
            if camera_id is None and (current is not None or tile.feed is not None):
                self._close(tile)
            elif camera_id is not None and (current != camera_id or tile.state is TileState.IDLE):
                self._open(tile, camera_id)
        self._relayout()
        focus = old_focus if old_focus in self._cells else self._cells[0]
        self._focused = focus
        for tile in self._pool:
            tile.set_selected(tile is focus)
        self.focus_changed.emit(focus.tile_id)
        self.sig_wall_changed.emit()

    def set_grid(self, grid: Grid) -> None:
        """Another grid preset, with the same cameras in order (an edit)."""
        self.set_layout(self._layout.regridded(grid))
        self.sig_edited.emit(self.tr("Grid {rows}×{cols}").format(rows=grid.rows, cols=grid.cols))

    # -- operator actions (edits of the layout shown) --------------------------------------

    def open_in_focused(self, camera_id: str) -> None:
        self.open_in_tile(self._focused.tile_id, camera_id)

    def open_in_tile(self, tile_id: str, camera_id: str, *, edit: bool = True) -> None:
        """Show a camera in a tile (``edit=False``: a tour's step, not an edit of the
        layout for the undo list)."""
        tile = self.tile(tile_id)
        if tile.camera is not None and tile.camera.id == camera_id and tile.feed is not None:
            return
        self._open(tile, camera_id)
        self._set_camera(tile, camera_id)
        if not edit:
            return
        name = tile.camera.name if tile.camera is not None else camera_id
        self.sig_edited.emit(self.tr("{camera} in tile {n}").format(
            camera=name, n=self.cell_of(tile_id) + 1))

    def close_tile(self, tile_id: str) -> None:
        tile = self.tile(tile_id)
        if self._maximised is tile:
            self.restore()
        self._close(tile)
        if tile in self._cells:
            self._set_camera(tile, None)
            self.sig_edited.emit(self.tr("Tile {n} emptied").format(n=self.cell_of(tile_id) + 1))

    def swap(self, tile_a: str, tile_b: str) -> None:
        """Exchange two tiles' places: their streams go on playing (no reconnection)."""
        a, b = self.cell_of(tile_a), self.cell_of(tile_b)
        if a == b:
            return
        self._cells[a], self._cells[b] = self._cells[b], self._cells[a]
        self._layout = self._layout.swapped(a, b)
        self._relayout()
        self.sig_edited.emit(self.tr("Tiles {a} and {b} swapped").format(a=a + 1, b=b + 1))
        self.sig_wall_changed.emit()

    def fill_empty(self, camera_ids: Sequence[str], start_tile: str | None = None) -> int:
        """Put cameras in the empty tiles, from ``start_tile`` on then from the top
        (a whole commune dropped). Cameras already on the wall are skipped. Returns the
        number placed."""
        shown = {c for c in self._layout.cameras if c is not None}
        todo = [c for c in camera_ids if c not in shown]
        start = self.cell_of(start_tile) if start_tile is not None else 0
        order = list(range(start, len(self._cells))) + list(range(start))
        placed = 0
        for index in order:
            if not todo:
                break
            if self._layout.cameras[index] is None:
                tile = self._cells[index]
                camera_id = todo.pop(0)
                self._open(tile, camera_id)
                self._set_camera(tile, camera_id)
                placed += 1
        if placed:
            self.sig_edited.emit(self.tr("%n camera(s) added", "", placed))
        elif todo:
            self.sig_message.emit(self.tr("No empty tile left: empty one or choose a larger grid."))
        return placed

    def drop_commune(self, tile_id: str, commune_id: str) -> None:
        self.fill_empty([c.id for c in self.service.cameras_of(commune_id)], tile_id)

    def stop(self) -> None:
        """Stop the render loop (the window is closing)."""
        self.render_loop.timer.stop()

    # -- render loop -----------------------------------------------------------------------

    @property
    def ticks(self) -> int:
        return self.render_loop.ticks

    @property
    def _timer(self) -> QTimer:
        return self.render_loop.timer

    @property
    def _clock(self) -> Callable[[], float]:
        return self.render_loop.clock

    @_clock.setter
    def _clock(self, clock: Callable[[], float]) -> None:
        self.render_loop.clock = clock

    @property
    def _shown(self) -> bool:
        return self.render_loop.shown

    def _on_tick(self) -> None:
        self.render_loop.tick()

    def _on_screen(self) -> bool:
        return self.isVisible() and not self.window().isMinimized()

    def leave_screen(self) -> None:
        """Every tile leaves the screen now (the wall is locked, handed over or closed),
        without waiting for the next tick."""
        self.render_loop.leave_screen()

    def frames_painted(self) -> dict[str, int]:
        """Distinct frames painted per tile (tests, status bar)."""
        return {t.tile_id: t.frames_painted for t in self._cells}

    def live_count(self) -> int:
        """Tiles showing live pictures now (a recording being played is not live)."""
        return sum(1 for t in self._cells if t.state is TileState.LIVE and not t.stale
                   and not t.picture.recording)

    def playback_count(self) -> int:
        """Tiles playing (or paused on) recorded video."""
        return sum(1 for t in self._cells if t.camera is not None and t.picture.recording)

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

    def _relayout(self) -> None:
        maximised = self._maximised
        if maximised is not None:
            for tile in self._pool:
                tile.setVisible(tile is maximised)
            maximised.setGeometry(whole_rect(self.width(), self.height()))
            return
        rects = cell_rects(self._layout.grid, self.width(), self.height())
        for tile, rect in zip(self._cells, rects, strict=True):
            tile.setGeometry(rect)
            tile.show()
        in_use = {id(tile) for tile in self._cells}
        for tile in self._pool:
            if id(tile) not in in_use:
                tile.hide()

    # -- maximise (the service's quality switcher gives a maximised tile the main stream) --

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
        if tile.feed is not None:
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

    # -- keys and mouse --------------------------------------------------------------------

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
        """Arrows move the focus (Ctrl: swap with the neighbour), Enter maximises, Esc
        restores."""
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

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

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
        if isinstance(other, WallWidget) and source.camera is not None:
            other.open_in_tile(target.tile_id, source.camera.id)

    # -- internals -------------------------------------------------------------------------

    def _ensure_pool(self, count: int) -> None:
        while len(self._pool) < count:
            tile = TileWidget(f"{self.prefix}tile-{len(self._pool):02d}", self)
            tile.sig_camera_dropped.connect(self.open_in_tile)
            tile.sig_commune_dropped.connect(self.drop_commune)
            tile.sig_tile_dropped.connect(self.swap)
            tile.sig_tile_clicked.connect(self._on_clicked)
            tile.sig_tile_double_clicked.connect(self.toggle_maximise)
            tile.sig_drag_released.connect(self._on_drag_released)
            tile.sig_context_requested.connect(self.sig_context_requested)
            tile.sig_interacted.connect(self.sig_interacted)
            tile.hide()
            self._pool.append(tile)

    def _set_camera(self, tile: TileWidget, camera_id: str | None) -> None:
        self._layout = self._layout.with_camera(self.cell_of(tile.tile_id), camera_id)
        self.sig_wall_changed.emit()

    def _open(self, tile: TileWidget, camera_id: str) -> None:
        try:
            camera = self.service.site.camera(camera_id)
        except KeyError:
            log.warning("layout names camera %s, absent from the site", camera_id)
            self._close(tile)
            return
        try:
            commune_name = self.service.site.commune(camera.commune_id).name
        except KeyError:
            commune_name = ""
        tile.set_plate(camera_label(camera, commune_name))
        size = tile.physical_size() if tile.width() > 16 else _FALLBACK_SIZE
        if not (self._shown and tile.isVisible()):
            # off the screen (a wall not shown yet, a cell under a maximised tile): the feed
            # connects only once the render tick finds the tile visible
            self.service.feed(tile.tile_id).set_visible(False)
        try:
            feed = self.service.open_camera(tile.tile_id, camera_id, size)
        except AccessDenied as exc:
            tile.set_denied(camera, str(exc))
            self.sig_camera_state_changed.emit(camera_id, TileState.DENIED.value)
            return
        except Exception:  # a driver that cannot give a source must not break the wall
            log.exception("opening camera %s on %s failed", camera_id, tile.tile_id)
            tile.set_failed(camera, TileState.UNREACHABLE, self.tr(
                "This camera cannot be opened. See the log or call commune IT."))
            return
        tile.set_feed(camera, feed)
        if not self._shown:
            tile.set_stream_visible(False)
        self.sig_camera_state_changed.emit(camera_id, feed.state.value)

    def _close(self, tile: TileWidget) -> None:
        self.service.close_tile(tile.tile_id)
        tile.clear()

    def tr_status(self) -> str:
        text = self.tr("%n of {total} tiles live", "", self.live_count()).format(
            total=len(self._cells)
        )
        if playback := self.playback_count():
            text += " · " + self.tr("%n in playback", "", playback)
        return text
