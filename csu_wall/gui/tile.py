"""One tile of the wall: paints the newest frame as it is (already at tile size) and says, in
French, what the stream is doing. It is composed of its picture (:mod:`tile_picture`: frame,
age, resumption, rung), its overlay (:mod:`tile_overlay`: a value drawn once into a cached
pixmap) and its digital zoom (:mod:`tile_zoom`). It never pulls frames itself: the wall's
render loop calls :meth:`TileWidget.pull`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
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
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from csu_wall.core.frames import Frame, TileState
from csu_wall.core.model import Camera
from csu_wall.gui.tile_overlay import OverlayCache, TileOverlay, rung_text, status_text
from csu_wall.gui.tile_picture import STALE_AFTER_S, TilePicture
from csu_wall.gui.tile_zoom import (
    CAMERA_MIME,
    COMMUNE_MIME,
    DROP_MIMES,
    MAX_ZOOM,
    TILE_MIME,
    ZOOM_STEP,
    View,
    clamp_view,
    panned_view,
    zoomed_view,
)

if TYPE_CHECKING:
    from csu_wall.core.feed import TileFeed

__all__ = ["CAMERA_MIME", "COMMUNE_MIME", "MAX_ZOOM", "TILE_MIME", "ZOOM_STEP", "TileWidget",
           "STALE_AFTER_S", "View", "rung_text", "status_text"]

_BG = QColor(8, 10, 14)
_STALE_VEIL = QColor(0, 0, 0, 110)
_PAUSED = TileState.PAUSED


class TileWidget(QWidget):
    """A tile: what plays on it (camera, feed, state), its picture, overlay and zoom, and the
    operator's input on it (click, double-click, drag to swap or to another wall, pan when
    zoomed, wheel zoom, context menu, drops from the camera tree)."""

    sig_camera_dropped = Signal(str, str)  # tile_id, camera_id
    sig_commune_dropped = Signal(str, str)  # tile_id, commune_id
    sig_tile_dropped = Signal(str, str)  # source tile_id, target tile_id: swap
    sig_tile_clicked = Signal(str)  # tile_id
    sig_tile_double_clicked = Signal(str)  # tile_id: maximise or restore
    sig_context_requested = Signal(str, QPoint)  # tile_id, global position
    sig_drag_released = Signal(str, QPoint)  # tile_id dragged, global release position
    sig_interacted = Signal(str)  # tile_id: the operator touched it (tours pause)

    # The operator's choice for every tile of the window (View ▸ Plates): one operator per
    # application, so one setting for all walls (:meth:`show_plates`).
    plates_shown = True

    @classmethod
    def show_plates(cls, shown: bool) -> None:
        """Show or hide the plates (name, badges, a plainly live status) on every tile."""
        cls.plates_shown = shown
        for widget in QApplication.allWidgets():
            if isinstance(widget, TileWidget):
                widget.update()

    def __init__(self, tile_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tile_id = tile_id
        self.camera: Camera | None = None
        # The tile's feed while a camera plays on it (the same object for the tile's whole
        # life: live, recording, main/sub and zoom are requests on it).
        self.feed: TileFeed | None = None
        self.state = TileState.IDLE
        self.detail = ""
        self.frames_painted = 0  # distinct frames painted (tests and the status bar)
        self.view: View | None = None  # digital zoom: the part of the picture shown
        self.picture = TilePicture()
        self.overlay_cache = OverlayCache()
        self._selected = False
        self._drop_hover = False
        self._touring = False
        self._visible_sent: bool | None = None
        self.on_screen_reported = False  # the wall told the service this tile is on screen
        self._press: QPoint | None = None  # where a left press began (drag or pan)
        self._dragging = False
        self.plate = ""  # the plate's text (camera_label.py), set by the wall
        self._overlay_dirty = True  # something the overlay shows changed since it was drawn
        self._geometry = self._current_geometry  # bound once: the render loop's hot path
        self.setAcceptDrops(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(32, 24)

    # -- what plays here -------------------------------------------------------------------

    def set_plate(self, text: str) -> None:
        """The camera's name as the plate shows it (number, name, commune); also the
        tile's tooltip, since a narrow tile elides it."""
        self.plate = text
        self.setToolTip(text)
        self.update()

    def set_feed(self, camera: Camera, feed: TileFeed) -> None:
        """A camera now plays on the tile, through its feed."""
        self.camera = camera
        self.feed = feed
        self.state = feed.state
        self.detail = feed.detail
        self._visible_sent = None
        self.view = None
        if self.width() > 16 and feed.size != self.physical_size():
            feed.set_size(*self.physical_size())  # resized while the camera was opening
        self._reset_frame()

    def set_denied(self, camera: Camera, detail: str) -> None:
        """Not habilitated: no stream at all, only the words."""
        self.set_failed(camera, TileState.DENIED, detail)

    def set_failed(self, camera: Camera, state: TileState, detail: str) -> None:
        """No stream could be opened; the tile says why."""
        self.camera = camera
        self.feed = None
        self.state = state
        self.detail = detail
        self.view = None
        self._reset_frame()

    def clear(self) -> None:
        self.camera = None
        self.feed = None
        self.state = TileState.IDLE
        self.detail = ""
        self.view = None
        self._reset_frame()

    def apply_state(self, state: TileState, detail: str) -> bool:
        """A state from the bridge (the engine reports only the states of what the feed
        plays now). Returns whether it was applied (False: nothing plays here)."""
        if self.feed is None:
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
        at their physical size); width rounded down to a multiple of 4: for other widths
        PyAV's ``to_ndarray()`` may return padded rows, and a QImage over them paints
        nothing."""
        dpr = self.devicePixelRatioF()
        width = int(self.width() * dpr) // 4 * 4
        return max(width, 4), max(int(self.height() * dpr), 2)

    # -- render loop (called by the wall's timer, GUI thread) -------------------------------

    def set_stream_visible(self, visible: bool, now: float | None = None) -> None:
        """On or off the screen (hidden tiles cost no decoding). Shown again with an old
        frame, the tile says it resumes until a new frame comes."""
        if self.feed is not None and visible != self._visible_sent:
            if visible and self._visible_sent is False:
                self.picture.shown_again(now)
            self.feed.set_visible(visible)
            self._visible_sent = visible

    def pull(self, now: float) -> bool:
        """Take the newest frame (:meth:`TilePicture.pull`); repaint only when the frame,
        the age label or the rung changed. A new picture alone keeps the overlay drawn."""
        picture = self.picture
        changed = picture.pull(self.feed, now, self.state is _PAUSED, self._geometry)
        if changed:
            if picture.overlay_changed:
                self.update()
            else:
                QWidget.update(self)  # the overlay's pixmap stays as it is
        return changed

    def _current_geometry(self) -> tuple[tuple[int, int], float]:
        return (self.width(), self.height()), self.devicePixelRatioF()

    def update(self, *args: Any) -> None:  # type: ignore[override]
        """Repaint, the overlay included: whatever called this may have changed what it
        shows (state, plate, selection, zoom…). Only :meth:`pull` repaints the picture
        alone."""
        self._overlay_dirty = True
        QWidget.update(self, *args)

    @property
    def stale(self) -> bool:
        return self.picture.age_s is not None

    @property
    def rung(self) -> str:
        """The rung badge painted now ("" when nothing plays)."""
        return self.picture.rung

    @property
    def showing_frame(self) -> bool:
        """A frame of the tile's camera is painted (on-screen intervals start there)."""
        return self.picture.frame is not None and self.camera is not None

    @property
    def resuming(self) -> bool:
        """Shown again after being hidden, waiting for the next keyframe."""
        return self.picture.resuming

    @property
    def _frame(self) -> Frame | None:
        return self.picture.frame

    @property
    def _age_s(self) -> int | None:
        return self.picture.age_s

    def overlay(self) -> TileOverlay:
        """What the overlay shows now (a value: equal values paint the same pixels)."""
        picture = self.picture
        return TileOverlay(
            camera_name=None if self.camera is None else (self.plate or self.camera.name),
            state=self.state, detail=self.detail, age_s=picture.age_s,
            resuming=picture.resuming, recording=picture.recording, selected=self._selected,
            rung=picture.rung, drop_hover=self._drop_hover, touring=self._touring,
            zoomed=self.view is not None,
            osd=self.camera.osd if self.camera is not None else "bottom-left",
            video=_rect_tuple(self.video_rect()), plates=TileWidget.plates_shown)

    def _overlay_state(self) -> tuple[object, ...]:
        return self.overlay().as_tuple()

    @property
    def _overlay(self) -> QPixmap | None:
        return self.overlay_cache.pixmap

    @property
    def _overlay_parts(self) -> tuple[tuple[QPoint, QRect], ...]:
        return self.overlay_cache.parts

    @_overlay_parts.setter
    def _overlay_parts(self, parts: tuple[tuple[QPoint, QRect], ...]) -> None:
        self.overlay_cache.parts = parts

    def shown_status(self) -> str:
        """The status words painted now; a stale frame is never called live."""
        return self.overlay().status_words()

    def age_text(self) -> str:
        return self.overlay().age_words()

    def video_rect(self) -> QRect:
        """Where the video's pixels are painted, in widget coordinates (empty: no frame)."""
        if self.view is not None and self.feed is None and self.picture.frame is not None:
            return self.rect()
        return self.picture.video_rect(self.rect())

    def current_image(self) -> QImage | None:
        """The frame on screen now (a copy), for a snapshot when the stream has none."""
        qimage = self.picture.qimage
        return qimage.copy() if qimage is not None else None

    # -- digital zoom ----------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return 1.0 if self.view is None else 1.0 / self.view[2]

    def set_view(self, view: View | None) -> None:
        """Show part of the picture (normalised x, y, w, h), or all of it (None). The engine
        crops at the source when it can (``TileFeed.set_view``); otherwise the tile scales
        the part of the frame it has."""
        view = clamp_view(view)
        self.view = view
        if self.feed is not None:
            self.feed.set_view(view)
        self.update()

    def zoom_at(self, factor: float, anchor: QPointF) -> None:
        """Zoom by ``factor`` keeping the picture point under ``anchor`` (widget px) fixed."""
        self.set_view(zoomed_view(self.view, factor, anchor.x() / max(1, self.width()),
                                  anchor.y() / max(1, self.height())))

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the zoomed view by a drag of (dx, dy) widget pixels."""
        if self.view is not None:
            self.set_view(panned_view(self.view, dx / max(1, self.width()),
                                      dy / max(1, self.height())))

    # -- Qt overrides: painting ------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        # Hot path (every tile, every frame): no Python work beyond two blits.
        painter = QPainter(self)
        picture = self.picture
        qimage = picture.qimage
        if qimage is None or not picture.covers or self.view is not None:
            painter.fillRect(self.rect(), _BG)
        if qimage is not None:
            if self.view is not None and self.feed is None:  # no engine to crop: scale
                x, y, w, h = self.view
                iw, ih = qimage.width(), qimage.height()
                painter.drawImage(QRectF(self.rect()), qimage,
                                  QRectF(x * iw, y * ih, w * iw, h * ih))
            else:
                painter.drawImage(picture.pos, qimage)
            seq = picture.frame.seq  # type: ignore[union-attr]
            if seq != picture.painted_seq:
                picture.painted_seq = seq
                self.frames_painted += 1
            if picture.age_s is not None:
                painter.fillRect(self.rect(), _STALE_VEIL)
        cache = self.overlay_cache
        pixmap = cache.pixmap
        if pixmap is None or self._overlay_dirty:
            self._overlay_dirty = False
            pixmap = cache.pixmap_for(self.overlay(), self.rect(), self.devicePixelRatioF(),
                                      self.font())
        for pos, source in cache.parts:  # only the parts that hold something
            painter.drawPixmap(pos, pixmap, source)
        painter.end()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        self._overlay_dirty = True  # font, style, palette, screen: the overlay is redrawn

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._overlay_dirty = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.overlay_cache.invalidate()
        if self.picture.frame is not None:
            self.picture.place((self.width(), self.height()))
        if self.feed is not None:
            self.feed.set_size(*self.physical_size())

    def _reset_frame(self) -> None:
        self.on_screen_reported = False
        self.picture.reset()
        self.update()

    # -- Qt overrides: input ---------------------------------------------------------------

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


def _rect_tuple(rect: QRect) -> tuple[int, int, int, int] | None:
    return None if rect.isEmpty() else (rect.x(), rect.y(), rect.width(), rect.height())


def _drag_distance() -> int:
    return max(4, QApplication.startDragDistance())
