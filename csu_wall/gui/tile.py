"""One tile of the wall: paints the newest frame as it is (already at tile size) and says, in
French, what the stream is doing (the overlay: _tile_overlay.py). It never pulls frames
itself: the wall's timer calls :meth:`TileWidget.pull`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from csu_wall.core.frames import Frame, TileState
from csu_wall.core.model import Camera
from csu_wall.gui._tile_overlay import paint_overlay, rung_text, status_text

if TYPE_CHECKING:
    from csu_wall.media.engine import TileStream

__all__ = ["CAMERA_MIME", "COMMUNE_MIME", "TILE_MIME", "TileWidget", "rung_text", "status_text"]

CAMERA_MIME = "application/x-csu-camera"
COMMUNE_MIME = "application/x-csu-commune"  # a whole commune: fills the empty tiles
TILE_MIME = "application/x-csu-tile"  # another tile of the wall: swap
_DROP_MIMES = (CAMERA_MIME, COMMUNE_MIME, TILE_MIME)
ZOOM_STEP = 1.25  # per wheel notch
MAX_ZOOM = 8.0
View = tuple[float, float, float, float]  # normalised x, y, w, h of the source shown
STALE_AFTER_S = 2.0  # a frame older than this is shown with its age, never as live

_BG = QColor(8, 10, 14)
_STALE_VEIL = QColor(0, 0, 0, 110)


class TileWidget(QWidget):
    sig_camera_dropped = Signal(str, str)  # tile_id, camera_id
    sig_commune_dropped = Signal(str, str)  # tile_id, commune_id
    sig_tile_dropped = Signal(str, str)  # source tile_id, target tile_id: swap
    sig_tile_clicked = Signal(str)  # tile_id
    sig_tile_double_clicked = Signal(str)  # tile_id: maximise or restore
    sig_context_requested = Signal(str, QPoint)  # tile_id, global position
    sig_drag_released = Signal(str, QPoint)  # tile_id dragged, global release position
    sig_interacted = Signal(str)  # tile_id: the operator touched it (tours pause)

    def __init__(self, tile_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tile_id = tile_id
        self.camera: Camera | None = None
        self.stream: TileStream | None = None
        self.state = TileState.IDLE
        self.detail = ""
        self.frames_painted = 0  # distinct frames painted (tests and the status bar)
        self.view: View | None = None  # digital zoom: the part of the picture shown
        self._frame: Frame | None = None  # kept alive while a QImage points into it
        self._qimage: QImage | None = None  # built once per frame in pull(), not per paint
        self._image_pos = QPoint(0, 0)
        self._image_covers = False  # the frame covers the whole tile: no background fill
        self._dpr = 1.0
        # The overlay (name, status, age, words, focus) is drawn once into a pixmap and
        # redrawn only when what it shows changes: a paint is then two blits (PEERS/bench:
        # per-paint text layout was most of the GUI thread's GIL time).
        self._overlay: QPixmap | None = None
        self._overlay_key: tuple[object, ...] | None = None
        self._painted_seq = -1
        self._age_s: int | None = None  # whole seconds, set once the frame is stale
        self._rung = ""  # the overload ladder's rung label (HQ / SD / I / pause)
        self._selected = False
        self._drop_hover = False
        self._touring = False
        self._visible_sent: bool | None = None
        self._press: QPoint | None = None  # where a left press began (drag or pan)
        self._dragging = False
        self.setAcceptDrops(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(32, 24)

    # -- what plays here -------------------------------------------------------------------

    def set_stream(self, camera: Camera, stream: TileStream) -> None:
        self.camera = camera
        self.stream = stream
        self.state = stream.state
        self.detail = stream.detail
        self._visible_sent = None
        self.view = None
        self._reset_frame()

    def set_denied(self, camera: Camera, detail: str) -> None:
        """Not habilitated: no stream at all, only the words."""
        self.set_failed(camera, TileState.DENIED, detail)

    def set_failed(self, camera: Camera, state: TileState, detail: str) -> None:
        """No stream could be opened; the tile says why."""
        self.camera = camera
        self.stream = None
        self.state = state
        self.detail = detail
        self.view = None
        self._reset_frame()

    def clear(self) -> None:
        self.camera = None
        self.stream = None
        self.state = TileState.IDLE
        self.detail = ""
        self.view = None
        self._reset_frame()

    @property
    def generation(self) -> int:
        """The stream's current generation (the engine bumps it on a camera or quality
        change); -1 when nothing plays."""
        return self.stream.generation if self.stream is not None else -1

    def apply_state(self, generation: int, state: TileState, detail: str) -> bool:
        """A state from the bridge. States of another generation (an earlier camera or
        quality on this tile) are ignored. Returns whether it was applied."""
        if self.stream is None or generation != self.generation:
            return False
        self.state = state
        self.detail = detail
        self.update()
        return True

    def set_selected(self, selected: bool) -> None:
        if selected != self._selected:
            self._selected = selected
            self.update()

    @property
    def selected(self) -> bool:
        return self._selected

    def set_touring(self, touring: bool) -> None:
        """A tour drives this tile: the overlay says so."""
        if touring != self._touring:
            self._touring = touring
            self.update()

    def physical_size(self) -> tuple[int, int]:
        """Pixel size on the screen (devicePixelRatio applied: high-DPI screens get frames
        at their physical size); width rounded down to a multiple of 4 (see PEERS)."""
        dpr = self.devicePixelRatioF()
        width = int(self.width() * dpr) // 4 * 4
        return max(width, 4), max(int(self.height() * dpr), 2)

    # -- digital zoom ----------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return 1.0 if self.view is None else 1.0 / self.view[2]

    def set_view(self, view: View | None) -> None:
        """Show part of the picture (normalised x, y, w, h), or all of it (None). The engine
        crops at the source when it can (``TileStream.set_view``); otherwise the tile scales
        the part of the frame it has."""
        if view is not None:
            x, y, w, h = view
            w = min(1.0, max(1.0 / MAX_ZOOM, w))
            h = min(1.0, max(1.0 / MAX_ZOOM, h))
            x = min(max(0.0, x), 1.0 - w)
            y = min(max(0.0, y), 1.0 - h)
            view = None if w >= 0.999 and h >= 0.999 else (x, y, w, h)
        self.view = view
        stream = self.stream
        if stream is not None and hasattr(stream, "set_view"):
            stream.set_view(view)
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
        return self.stream is not None and hasattr(self.stream, "set_view")

    # -- render loop (called by the wall's timer, GUI thread) -------------------------------

    def set_stream_visible(self, visible: bool) -> None:
        if self.stream is not None and visible != self._visible_sent:
            self.stream.set_visible(visible)
            self._visible_sent = visible

    def pull(self, now: float) -> bool:
        """Take the newest frame; repaint only when it, the age label or the rung changed."""
        changed = False
        stream = self.stream
        if stream is not None:
            frame = stream.latest()
            if (
                frame is not None
                and frame.generation == stream.generation
                and (self._frame is None or frame.seq != self._frame.seq)
            ):
                self._set_frame(frame)
                changed = True
            rung = rung_text(stream)
            if rung != self._rung:
                self._rung = rung
                changed = True
        age: int | None = None
        if self._frame is not None:
            seconds = now - self._frame.decoded_at
            if seconds > STALE_AFTER_S:
                age = int(seconds)
        if age != self._age_s:
            self._age_s = age
            changed = True
        if changed:
            self.update()
        return changed

    @property
    def stale(self) -> bool:
        return self._age_s is not None

    @property
    def rung(self) -> str:
        """The rung badge painted now ("" when nothing plays)."""
        return self._rung

    def shown_status(self) -> str:
        """The status words painted now; a stale frame is never called live."""
        if self.state is TileState.LIVE and self.stale:
            return status_text(TileState.STALLED)
        return status_text(self.state)

    def age_text(self) -> str:
        if self._age_s is None:
            return ""
        return QCoreApplication.translate("TileWidget", "{seconds} s ago").format(
            seconds=self._age_s
        )

    def current_image(self) -> QImage | None:
        """The frame on screen now (a copy), for a snapshot when the stream has none."""
        return self._qimage.copy() if self._qimage is not None else None

    # -- Qt overrides ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        # Hot path (every tile, every frame): no Python work beyond two blits.
        painter = QPainter(self)
        qimage = self._qimage
        if qimage is None or not self._image_covers or self.view is not None:
            painter.fillRect(self.rect(), _BG)
        if qimage is not None:
            if self.view is not None and not self._engine_crops():
                x, y, w, h = self.view
                iw, ih = qimage.width(), qimage.height()
                painter.drawImage(QRectF(self.rect()), qimage,
                                  QRectF(x * iw, y * ih, w * iw, h * ih))
            else:
                painter.drawImage(self._image_pos, qimage)
            seq = self._frame.seq  # type: ignore[union-attr]
            if seq != self._painted_seq:
                self._painted_seq = seq
                self.frames_painted += 1
            if self._age_s is not None:
                painter.fillRect(self.rect(), _STALE_VEIL)
        painter.drawPixmap(0, 0, self._overlay_pixmap())
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._overlay_key = None
        if self._frame is not None:
            self._place_image()
        if self.stream is not None:
            self.stream.set_size(*self.physical_size())

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
        if any(event.mimeData().hasFormat(m) for m in _DROP_MIMES):
            event.acceptProposedAction()
            self._set_drop_hover(True)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if any(event.mimeData().hasFormat(m) for m in _DROP_MIMES):
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop_hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop_hover(False)
        mime = event.mimeData()
        for kind in _DROP_MIMES:
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

    # -- painting helpers ------------------------------------------------------------------

    def _set_frame(self, frame: Frame) -> None:
        """Wrap the new frame's pixels in a QImage (no copy); ``self._frame`` keeps the
        buffer alive as long as the QImage points into it."""
        image = frame.image
        height, width = image.shape[0], image.shape[1]
        qimage = QImage(image.data, width, height, image.strides[0], QImage.Format.Format_RGB32)
        previous = self._qimage
        self._frame = frame
        self._qimage = qimage
        if previous is None or previous.width() != width or previous.height() != height:
            self._dpr = self.devicePixelRatioF()
            self._place_image()
        if self._dpr != 1.0:
            qimage.setDevicePixelRatio(self._dpr)

    def _place_image(self) -> None:
        """Frames come at tile size; during a resize they may lag one size behind: centre
        them (letterbox or crop), never scale."""
        qimage = self._qimage
        if qimage is None:
            return
        dpr = self._dpr
        width, height = qimage.width() / dpr, qimage.height() / dpr
        x = int((self.width() - width) / 2)
        y = int((self.height() - height) / 2)
        self._image_pos = QPoint(x, y)
        self._image_covers = (x <= 0 and y <= 0 and x + width >= self.width()
                              and y + height >= self.height())

    def invalidate_overlay(self) -> None:
        """Something the overlay shows changed outside the usual setters: redraw it."""
        self._overlay_key = None
        self.update()

    def _overlay_state(self) -> tuple[object, ...]:
        """What the overlay depends on; compared on each paint (cheap attribute reads)."""
        return (self.camera, self.state, self.detail, self._age_s, self._selected,
                self._rung, self._drop_hover, self._touring, self.view is not None)

    def _overlay_pixmap(self) -> QPixmap:
        key = self._overlay_state()
        overlay = self._overlay
        if overlay is None or key != self._overlay_key:
            dpr = self.devicePixelRatioF()
            overlay = QPixmap(max(1, int(self.width() * dpr)), max(1, int(self.height() * dpr)))
            overlay.setDevicePixelRatio(dpr)
            overlay.fill(Qt.GlobalColor.transparent)
            painter = QPainter(overlay)
            painter.setFont(self.font())
            self._paint_overlays(painter)
            painter.end()
            self._overlay = overlay
            self._overlay_key = key
        return overlay

    def _paint_overlays(self, painter: QPainter) -> None:
        paint_overlay(self, painter)

    def _reset_frame(self) -> None:
        self._frame = None
        self._qimage = None
        self._painted_seq = -1
        self._age_s = None
        self._rung = ""
        self.update()


def _drag_distance() -> int:
    from PySide6.QtWidgets import QApplication

    return max(4, QApplication.startDragDistance())
