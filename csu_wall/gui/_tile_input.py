"""A tile's input: mouse (click, double-click, drag to swap or to another wall, pan when
zoomed), wheel zoom, context menu, drops from the camera tree; and the digital zoom itself.
Mixed into :class:`~csu_wall.gui.tile.TileWidget` (which declares the signals emitted here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import Signal

    from csu_wall.core.feed import TileFeed
    from csu_wall.core.model import Camera

    _Base = QWidget
else:
    _Base = object

CAMERA_MIME = "application/x-csu-camera"
COMMUNE_MIME = "application/x-csu-commune"  # a whole commune: fills the empty tiles
TILE_MIME = "application/x-csu-tile"  # another tile of the wall: swap
DROP_MIMES = (CAMERA_MIME, COMMUNE_MIME, TILE_MIME)
ZOOM_STEP = 1.25  # per wheel notch
MAX_ZOOM = 8.0
View = tuple[float, float, float, float]  # normalised x, y, w, h of the source shown


class TileInput(_Base):
    """Input handling and digital zoom of a tile (a mixin: TileWidget holds the state)."""

    if TYPE_CHECKING:  # declared by TileWidget
        tile_id: str
        camera: Camera | None
        feed: TileFeed | None
        view: View | None
        _press: QPoint | None
        _dragging: bool
        _drop_hover: bool
        sig_camera_dropped = Signal(str, str)
        sig_commune_dropped = Signal(str, str)
        sig_tile_dropped = Signal(str, str)
        sig_tile_clicked = Signal(str)
        sig_tile_double_clicked = Signal(str)
        sig_context_requested = Signal(str, QPoint)
        sig_drag_released = Signal(str, QPoint)
        sig_interacted = Signal(str)

    # -- digital zoom ----------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return 1.0 if self.view is None else 1.0 / self.view[2]

    def set_view(self, view: View | None) -> None:
        """Show part of the picture (normalised x, y, w, h), or all of it (None). The engine
        crops at the source when it can (``TileFeed.set_view``); otherwise the tile scales
        the part of the frame it has."""
        if view is not None:
            x, y, w, h = view
            w = min(1.0, max(1.0 / MAX_ZOOM, w))
            h = min(1.0, max(1.0 / MAX_ZOOM, h))
            x = min(max(0.0, x), 1.0 - w)
            y = min(max(0.0, y), 1.0 - h)
            view = None if w >= 0.999 and h >= 0.999 else (x, y, w, h)
        self.view = view
        feed = self.feed
        if feed is not None:
            feed.set_view(view)
        self.update()

    def zoom_at(self, factor: float, anchor: QPointF) -> None:
        """Zoom by ``factor`` keeping the picture point under ``anchor`` (widget px) fixed."""
        x, y, w, h = self.view or (0.0, 0.0, 1.0, 1.0)
        fx = min(max(anchor.x() / max(1, self.width()), 0.0), 1.0)
        fy = min(max(anchor.y() / max(1, self.height()), 0.0), 1.0)
        px, py = x + fx * w, y + fy * h
        nw, nh = w / factor, h / factor
        self.set_view((px - fx * nw, py - fy * nh, nw, nh))

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the zoomed view by a drag of (dx, dy) widget pixels."""
        if self.view is None:
            return
        x, y, w, h = self.view
        self.set_view((x - dx / max(1, self.width()) * w, y - dy / max(1, self.height()) * h,
                       w, h))

    def _engine_crops(self) -> bool:
        return self.feed is not None

    # -- Qt input overrides ----------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.sig_tile_clicked.emit(self.tile_id)
        self.sig_interacted.emit(self.tile_id)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._dragging = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        press = self._press
        if press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        pos = event.position().toPoint()
        if self.view is not None:  # zoomed: a drag pans
            self.pan_by(pos.x() - press.x(), pos.y() - press.y())
            self._press = pos
            return
        if (pos - press).manhattanLength() >= _drag_distance() and self.camera is not None:
            if not self._dragging:
                self._dragging = True
                self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging and event.button() == Qt.MouseButton.LeftButton:
            self.unsetCursor()
            self.sig_drag_released.emit(self.tile_id, event.globalPosition().toPoint())
        self._press = None
        self._dragging = False
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.sig_interacted.emit(self.tile_id)
            self.sig_tile_double_clicked.emit(self.tile_id)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps == 0 or self.camera is None:
            event.ignore()
            return
        self.sig_interacted.emit(self.tile_id)
        self.zoom_at(ZOOM_STEP ** steps, event.position())
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.sig_tile_clicked.emit(self.tile_id)
        self.sig_interacted.emit(self.tile_id)
        self.sig_context_requested.emit(self.tile_id, event.globalPos())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(event.mimeData().hasFormat(m) for m in DROP_MIMES):
            event.acceptProposedAction()
            self._set_drop_hover(True)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if any(event.mimeData().hasFormat(m) for m in DROP_MIMES):
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop_hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop_hover(False)
        mime = event.mimeData()
        for kind in DROP_MIMES:
            if mime.hasFormat(kind):
                value = bytes(mime.data(kind).data()).decode("utf-8").strip()
                break
        else:
            event.ignore()
            return
        event.acceptProposedAction()
        if not value:
            return
        self.sig_interacted.emit(self.tile_id)
        if kind == CAMERA_MIME:
            self.sig_camera_dropped.emit(self.tile_id, value)
        elif kind == COMMUNE_MIME:
            self.sig_commune_dropped.emit(self.tile_id, value)
        elif value != self.tile_id:
            self.sig_tile_dropped.emit(value, self.tile_id)

    def _set_drop_hover(self, on: bool) -> None:
        if on != self._drop_hover:
            self._drop_hover = on
            self.update()


def _drag_distance() -> int:
    return max(4, QApplication.startDragDistance())
