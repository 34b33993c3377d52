"""The wall: a grid of tiles and its ONE render timer.

Every tick the timer pulls the newest frame of each visible tile's mailbox and repaints only
the tiles whose frame (or age label) changed. Frames never travel through signals; only state
changes arrive, through the :class:`StateBridge`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from csu_wall.core.errors import AccessDenied
from csu_wall.core.frames import TileState
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.tile import TileWidget
from csu_wall.services.wall import WallService

log = logging.getLogger(__name__)

RENDER_INTERVAL_MS = 20
_FALLBACK_SIZE = (640, 360)  # before the first layout; the tile's resizeEvent corrects it


class WallWidget(QWidget):
    # camera_id, TileState value: lets the camera tree show a status icon per camera
    sig_camera_state_changed = Signal(str, str)

    def __init__(
        self,
        service: WallService,
        bridge: StateBridge,
        *,
        rows: int = 4,
        columns: int = 4,
        interval_ms: int = RENDER_INTERVAL_MS,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wall")
        self.service = service
        self.rows = rows
        self.columns = columns
        self.ticks = 0
        self._clock = clock
        self._shown = False
        layout = QGridLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        self.tiles: list[TileWidget] = []
        for index in range(rows * columns):
            tile = TileWidget(f"tile-{index:02d}", self)
            tile.sig_camera_dropped.connect(self.open_in_tile)
            tile.sig_tile_clicked.connect(self.set_focused_tile)
            layout.addWidget(tile, index // columns, index % columns)
            self.tiles.append(tile)
        for r in range(rows):
            layout.setRowStretch(r, 1)
        for c in range(columns):
            layout.setColumnStretch(c, 1)
        self._by_id = {t.tile_id: t for t in self.tiles}
        self._focused = self.tiles[0]
        self._focused.set_selected(True)
        # Queued even when posted from the GUI thread: the engine may report a state inside
        # open(), before the tile knows its new generation.
        bridge.sig_tile_state_changed.connect(
            self._on_tile_state, Qt.ConnectionType.QueuedConnection
        )
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()

    # -- tiles -----------------------------------------------------------------------------

    def tile(self, tile_id: str) -> TileWidget:
        return self._by_id[tile_id]

    @property
    def focused_tile(self) -> TileWidget:
        return self._focused

    def set_focused_tile(self, tile_id: str) -> None:
        tile = self._by_id[tile_id]
        if tile is not self._focused:
            self._focused.set_selected(False)
            self._focused = tile
            tile.set_selected(True)

    def show_commune(self, commune_id: str) -> None:
        """Fill the grid with the commune's first cameras (each open is checked and
        audited by the service; a refused one shows "non habilité" with no connection)."""
        cameras = self.service.cameras_of(commune_id)[: len(self.tiles)]
        for index, tile in enumerate(self.tiles):
            if index < len(cameras):
                self.open_in_tile(tile.tile_id, cameras[index].id)
            else:
                self.close_tile(tile.tile_id)

    def open_in_focused(self, camera_id: str) -> None:
        self.open_in_tile(self._focused.tile_id, camera_id)

    def open_in_tile(self, tile_id: str, camera_id: str) -> None:
        tile = self._by_id[tile_id]
        camera = self.service.site.camera(camera_id)
        size = tile.physical_size() if tile.width() > 16 else _FALLBACK_SIZE
        try:
            stream = self.service.open_camera(tile_id, camera_id, size)
        except AccessDenied as exc:
            tile.set_denied(camera, str(exc))
            self.sig_camera_state_changed.emit(camera_id, TileState.DENIED.value)
            return
        except Exception:  # a driver that cannot give a source must not break the wall
            log.exception("opening camera %s on %s failed", camera_id, tile_id)
            tile.set_failed(camera, TileState.UNREACHABLE, QCoreApplication.translate(
                "WallWidget", "This camera cannot be opened. See the log or call commune IT."))
            return
        tile.set_stream(camera, stream)
        if not self._shown:
            tile.set_stream_visible(False)
        self.sig_camera_state_changed.emit(camera_id, stream.state.value)

    def close_tile(self, tile_id: str) -> None:
        self.service.close_tile(tile_id)
        self._by_id[tile_id].clear()

    def stop(self) -> None:
        """Stop the render loop (the window is closing)."""
        self._timer.stop()

    # -- render loop -----------------------------------------------------------------------

    def _on_tick(self) -> None:
        self.ticks += 1
        visible = self.isVisible() and not self.window().isMinimized()
        if visible != self._shown:
            self._shown = visible
        now = self._clock()
        for tile in self.tiles:
            tile_visible = visible and tile.isVisible()
            tile.set_stream_visible(tile_visible)  # hidden tiles cost no decoding
            if tile_visible:
                tile.pull(now)

    def _on_tile_state(self, tile_id: str, generation: int, state: str, detail: str) -> None:
        tile = self._by_id.get(tile_id)
        if tile is None:
            return  # another wall's tile
        try:
            value = TileState(state)
        except ValueError:
            log.warning("unknown tile state %r", state)
            return
        if tile.apply_state(generation, value, detail) and tile.camera is not None:
            self.sig_camera_state_changed.emit(tile.camera.id, value.value)

    def frames_painted(self) -> dict[str, int]:
        """Distinct frames painted per tile (tests, status bar)."""
        return {t.tile_id: t.frames_painted for t in self.tiles}

    def live_count(self) -> int:
        return sum(1 for t in self.tiles if t.state is TileState.LIVE and not t.stale)

    def tr_status(self) -> str:
        return QCoreApplication.translate("WallWidget", "{live} of {total} tiles live").format(
            live=self.live_count(), total=len(self.tiles)
        )
