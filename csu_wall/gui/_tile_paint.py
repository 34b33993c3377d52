"""How a tile paints: the newest frame as it is (already at tile size: never scaled, except
for a digital zoom the engine cannot crop at the source), the stale veil, and the overlay
pixmap, drawn once per change and blended only where it holds something. Mixed into
:class:`~csu_wall.gui.tile.TileWidget`, which holds the state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QWidget

from csu_wall.core.frames import Frame, TileState

if TYPE_CHECKING:
    from csu_wall.core.model import Camera
    from csu_wall.gui._tile_input import View

    _Base = QWidget
else:
    _Base = object

STALE_AFTER_S = 2.0  # a frame older than this is shown with its age, never as live
_BG = QColor(8, 10, 14)
_STALE_VEIL = QColor(0, 0, 0, 110)


class TilePaint(_Base):
    """Painting of a tile (a mixin)."""

    if TYPE_CHECKING:  # declared by TileWidget
        camera: Camera | None
        state: TileState
        detail: str
        view: View | None
        frames_painted: int
        _frame: Frame | None
        _qimage: QImage | None
        _image_pos: QPoint
        _image_covers: bool
        _dpr: float
        _overlay: QPixmap | None
        _overlay_key: tuple[object, ...] | None
        _overlay_parts: tuple[tuple[QPoint, QRect], ...]
        _painted_seq: int
        _age_s: int | None
        _resuming: bool
        _recording: bool
        _stale_at: float
        _rung: str
        _selected: bool
        _drop_hover: bool
        _touring: bool

        def _engine_crops(self) -> bool: ...
        def _paint_overlays(self, painter: QPainter) -> list[QRect]: ...

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
        overlay = self._overlay_pixmap()
        # only the parts that hold something: blending the whole transparent pixmap over the
        # tile cost ~10 µs per tile and frame (media helper's measure), most of it for nothing
        for pos, source in self._overlay_parts:
            painter.drawPixmap(pos, overlay, source)
        painter.end()

    def _set_frame(self, frame: Frame) -> None:
        """Wrap the new frame's pixels in a QImage (no copy); ``self._frame`` keeps the
        buffer alive as long as the QImage points into it."""
        image = frame.image
        height, width = image.shape[0], image.shape[1]
        qimage = QImage(image.data, width, height, image.strides[0], QImage.Format.Format_RGB32)
        previous = self._qimage
        self._frame = frame
        self._stale_at = frame.decoded_at + STALE_AFTER_S
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
        return (self.camera, self.state, self.detail, self._age_s, self._resuming,
                self._recording, self._selected,
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
            rects = self._paint_overlays(painter)
            painter.end()
            self._overlay_parts = _parts(rects, self.rect(), dpr)
            self._overlay = overlay
            self._overlay_key = key
        return overlay


def _parts(rects: list[QRect], bounds: QRect, dpr: float) -> tuple[tuple[QPoint, QRect], ...]:
    """Where each painted rectangle goes and the pixmap pixels it takes (dpr applied)."""
    parts = []
    for rect in rects:
        r = rect.intersected(bounds)
        if r.isEmpty():
            continue
        source = QRect(int(r.x() * dpr), int(r.y() * dpr), int(round(r.width() * dpr)),
                       int(round(r.height() * dpr)))
        parts.append((r.topLeft(), source))
    return tuple(parts)
