"""One tile of the wall: paints the newest frame as it is (already at tile size) and says, in
French, what the stream is doing. It never pulls frames itself: the wall's timer calls
:meth:`TileWidget.pull`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from csu_wall.core.frames import Frame, TileState
from csu_wall.core.model import Camera

if TYPE_CHECKING:
    from csu_wall.media.engine import TileStream

CAMERA_MIME = "application/x-csu-camera"
STALE_AFTER_S = 2.0  # a frame older than this is shown with its age, never as live

_BG = QColor(8, 10, 14)
_PLATE = QColor(0, 0, 0, 200)
_STALE_VEIL = QColor(0, 0, 0, 110)
_FOCUS = QColor(64, 160, 255)
_STATE_COLOURS = {
    TileState.LIVE: QColor(80, 210, 110),
    TileState.CONNECTING: QColor(230, 190, 70),
    TileState.STALLED: QColor(240, 150, 50),
    TileState.LOST: QColor(240, 110, 60),
    TileState.UNAUTHORISED: QColor(235, 70, 70),
    TileState.UNREACHABLE: QColor(235, 70, 70),
    TileState.DENIED: QColor(235, 70, 70),
    TileState.PAUSED: QColor(160, 170, 185),
    TileState.IDLE: QColor(160, 170, 185),
}
_EXPLAINED = {TileState.DENIED, TileState.UNAUTHORISED, TileState.UNREACHABLE, TileState.LOST}


def status_text(state: TileState) -> str:
    """The operator's word for a tile state (source English, shipped French)."""
    translate = QCoreApplication.translate
    if state is TileState.CONNECTING:
        return translate("TileWidget", "connecting…")
    if state is TileState.LIVE:
        return translate("TileWidget", "live")
    if state is TileState.STALLED:
        return translate("TileWidget", "stream frozen")
    if state is TileState.LOST:
        return translate("TileWidget", "lost — reconnecting…")
    if state is TileState.UNAUTHORISED:
        return translate("TileWidget", "credentials refused")
    if state is TileState.UNREACHABLE:
        return translate("TileWidget", "unreachable")
    if state is TileState.DENIED:
        return translate("TileWidget", "not habilitated")
    if state is TileState.PAUSED:
        return translate("TileWidget", "paused")
    return ""


class TileWidget(QWidget):
    sig_camera_dropped = Signal(str, str)  # tile_id, camera_id
    sig_tile_clicked = Signal(str)  # tile_id

    def __init__(self, tile_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tile_id = tile_id
        self.camera: Camera | None = None
        self.stream: TileStream | None = None
        self.state = TileState.IDLE
        self.detail = ""
        self.frames_painted = 0  # distinct frames painted (tests and the status bar)
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
        self._selected = False
        self._visible_sent: bool | None = None
        self.setAcceptDrops(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(64, 48)

    # -- what plays here -------------------------------------------------------------------

    def set_stream(self, camera: Camera, stream: TileStream) -> None:
        self.camera = camera
        self.stream = stream
        self.state = stream.state
        self.detail = stream.detail
        self._visible_sent = None
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
        self._reset_frame()

    def clear(self) -> None:
        self.camera = None
        self.stream = None
        self.state = TileState.IDLE
        self.detail = ""
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

    def physical_size(self) -> tuple[int, int]:
        """Pixel size on the screen; width rounded down to a multiple of 4 (see PEERS)."""
        dpr = self.devicePixelRatioF()
        width = int(self.width() * dpr) // 4 * 4
        return max(width, 4), max(int(self.height() * dpr), 2)

    # -- render loop (called by the wall's timer, GUI thread) -------------------------------

    def set_stream_visible(self, visible: bool) -> None:
        if self.stream is not None and visible != self._visible_sent:
            self.stream.set_visible(visible)
            self._visible_sent = visible

    def pull(self, now: float) -> bool:
        """Take the newest frame; repaint only when it or the age label changed."""
        changed = False
        if self.stream is not None:
            frame = self.stream.latest()
            if (
                frame is not None
                and frame.generation == self.stream.generation
                and (self._frame is None or frame.seq != self._frame.seq)
            ):
                self._set_frame(frame)
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

    # -- Qt overrides ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        # Hot path (every tile, every frame): no Python work beyond two blits.
        painter = QPainter(self)
        qimage = self._qimage
        if qimage is None or not self._image_covers:
            painter.fillRect(self.rect(), _BG)
        if qimage is not None:
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
        super().mousePressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(CAMERA_MIME):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(CAMERA_MIME):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if not mime.hasFormat(CAMERA_MIME):
            event.ignore()
            return
        camera_id = bytes(mime.data(CAMERA_MIME).data()).decode("utf-8").strip()
        event.acceptProposedAction()
        if camera_id:
            self.sig_camera_dropped.emit(self.tile_id, camera_id)

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
        return (self.camera, self.state, self.detail, self._age_s, self._selected)

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
        metrics = painter.fontMetrics()
        line = metrics.height() + 6
        if self.camera is None:
            painter.setPen(QColor(120, 130, 145))
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                QCoreApplication.translate("TileWidget", "Drop a camera here"),
            )
        else:
            name_rect = QRect(4, 4, min(metrics.horizontalAdvance(self.camera.name) + 12,
                                        self.width() - 8), line)
            painter.fillRect(name_rect, _PLATE)
            painter.setPen(QColor(235, 238, 245))
            painter.drawText(name_rect.adjusted(6, 0, -6, 0),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             self.camera.name)
        status = self.shown_status()
        age = self.age_text()
        bottom = " · ".join(t for t in (status, age) if t)
        if bottom:
            width = min(metrics.horizontalAdvance(bottom) + 12, self.width() - 8)
            rect = QRect(4, self.height() - line - 4, width, line)
            painter.fillRect(rect, _PLATE)
            colour = _STATE_COLOURS[TileState.STALLED if self.stale else self.state]
            painter.setPen(colour)
            painter.drawText(rect.adjusted(6, 0, -6, 0),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, bottom)
        if self.state in _EXPLAINED and self.detail:
            painter.setPen(QColor(220, 200, 200))
            painter.drawText(self.rect().adjusted(12, line + 8, -12, -line - 8),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.detail)
        if self._selected:
            painter.setPen(QPen(_FOCUS, 3))
            painter.drawRect(self.rect().adjusted(1, 1, -2, -2))

    def _reset_frame(self) -> None:
        self._frame = None
        self._qimage = None
        self._painted_seq = -1
        self._age_s = None
        self.update()
