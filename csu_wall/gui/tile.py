"""One tile of the wall: paints the newest frame as it is (already at tile size) and says, in
French, what the stream is doing (the overlay: _tile_overlay.py). It never pulls frames
itself: the wall's timer calls :meth:`TileWidget.pull`."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from csu_wall.core.frames import Frame, TileState
from csu_wall.core.model import Camera
from csu_wall.gui._tile_input import (
    CAMERA_MIME,
    COMMUNE_MIME,
    MAX_ZOOM,
    TILE_MIME,
    ZOOM_STEP,
    TileInput,
    View,
)
from csu_wall.gui._tile_overlay import paint_overlay, rung_text, status_text
from csu_wall.gui._tile_paint import STALE_AFTER_S, TilePaint

if TYPE_CHECKING:
    from csu_wall.core.feed import TileFeed

__all__ = ["CAMERA_MIME", "COMMUNE_MIME", "MAX_ZOOM", "TILE_MIME", "ZOOM_STEP", "TileWidget",
           "STALE_AFTER_S", "View", "rung_text", "status_text"]

RUNG_EVERY_TICKS = 10  # the ladder moves every second or so: read it every 200 ms
# A hidden tile decodes nothing; shown again, its decoder waits for the next keyframe. Until
# a new frame (or this long: a long GOP plus a reconnection), the last frame is "resuming",
# not "stream frozen": the stream did not stall, the tile was off the screen.
RESUME_GRACE_S = 6.0


class TileWidget(TileInput, TilePaint, QWidget):
    """Input handling and digital zoom: _tile_input.TileInput; painting: _tile_paint.TilePaint
    (the overlay's content: _tile_overlay)."""

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
        # The tile's feed while a camera plays on it (the same object for the tile's whole
        # life: live, recording, main/sub and zoom are requests on it).
        self.feed: TileFeed | None = None
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
        self._rung_wait = 0  # pulls left before the rung is read again
        self._stale_at = 0.0  # monotonic instant the frame on screen becomes stale
        # the parts of the overlay pixmap that hold something: (where, source rect in px)
        self._overlay_parts: tuple[tuple[QPoint, QRect], ...] = ()
        self._selected = False
        self._drop_hover = False
        self._touring = False
        self._visible_sent: bool | None = None
        self._resume_until = 0.0  # shown again after being hidden: resuming until then
        self._resume_from = 0.0  # ... since then: a frame decoded later ends the resumption
        self._recording = False  # the feed plays recorded video (read with the rung)
        self._resuming = False
        self.on_screen_reported = False  # the wall told the service this tile is on screen
        self._press: QPoint | None = None  # where a left press began (drag or pan)
        self._dragging = False
        self.setAcceptDrops(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(32, 24)

    # -- what plays here -------------------------------------------------------------------

    def set_feed(self, camera: Camera, feed: TileFeed) -> None:
        """A camera now plays on the tile, through its feed."""
        self.camera = camera
        self.feed = feed
        self.state = feed.state
        self.detail = feed.detail
        self._visible_sent = None
        self.view = None
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
        at their physical size); width rounded down to a multiple of 4 (see PEERS)."""
        dpr = self.devicePixelRatioF()
        width = int(self.width() * dpr) // 4 * 4
        return max(width, 4), max(int(self.height() * dpr), 2)

    # -- render loop (called by the wall's timer, GUI thread) -------------------------------

    def set_stream_visible(self, visible: bool, now: float | None = None) -> None:
        """On or off the screen (hidden tiles cost no decoding). Shown again with an old
        frame, the tile says it resumes until a new frame comes."""
        if self.feed is not None and visible != self._visible_sent:
            if visible and self._visible_sent is False and self._frame is not None:
                self._resume_from = time.monotonic() if now is None else now
                self._resume_until = self._resume_from + RESUME_GRACE_S
            self.feed.set_visible(visible)
            self._visible_sent = visible

    def pull(self, now: float) -> bool:
        """Take the newest frame; repaint only when it, the age label or the rung changed.

        Called for every visible tile every 20 ms, mostly finding no new frame: an idle tile
        returns at once, a playing one reads its mailbox (one lock) and compares the frame
        object; the rung is read with each new frame and every ``RUNG_EVERY_TICKS``; the age
        is worked out only once the frame has passed its stale instant."""
        feed = self.feed
        frame = self._frame
        if feed is None and frame is None:
            return False  # nothing plays: no age, no rung (reset by _reset_frame)
        changed = False
        if feed is not None:
            latest = feed.latest()
            if latest is not None and latest is not frame:
                self._set_frame(latest)
                if latest.decoded_at >= self._resume_from:  # not one decoded before hiding
                    self._resume_until = 0.0
                frame = latest
                changed = True
            self._rung_wait -= 1
            if changed or self._rung_wait <= 0:
                self._rung_wait = RUNG_EVERY_TICKS
                rung = rung_text(feed)
                recording = feed.recording
                if rung != self._rung or recording != self._recording:
                    self._rung = rung
                    self._recording = recording
                    changed = True
        age: int | None = None
        resuming = now < self._resume_until
        if resuming != self._resuming:
            self._resuming = resuming
            changed = True
        # a recording the operator paused holds its picture on purpose: no age, no veil
        held = self.state is TileState.PAUSED
        if frame is not None and now > self._stale_at and not resuming and not held:
            age = int(now - frame.decoded_at)
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

    @property
    def showing_frame(self) -> bool:
        """A frame of the tile's camera is painted (on-screen intervals start there)."""
        return self._frame is not None and self.camera is not None

    @property
    def resuming(self) -> bool:
        """Shown again after being hidden, waiting for the next keyframe."""
        return self._resuming

    def shown_status(self) -> str:
        """The status words painted now; a stale frame is never called live."""
        if self._resuming and self.state in (TileState.LIVE, TileState.CONNECTING):
            return QCoreApplication.translate("TileWidget", "resuming…")
        if self.state is TileState.LIVE and self.stale:
            return status_text(TileState.STALLED)
        if self.state is TileState.LIVE and self._recording:
            return QCoreApplication.translate("TileWidget", "recorded video")
        return status_text(self.state)

    def video_rect(self) -> QRect:
        """Where the video's pixels are painted, in widget coordinates (empty: no frame)."""
        qimage, frame = self._qimage, self._frame
        if qimage is None or frame is None:
            return QRect()
        dpr = self._dpr or 1.0
        if self.view is not None and not self._engine_crops():
            return self.rect()
        x, y, w, h = frame.fitted or (0, 0, qimage.width(), qimage.height())
        rect = QRect(self._image_pos.x() + int(x / dpr), self._image_pos.y() + int(y / dpr),
                     int(w / dpr), int(h / dpr))
        return rect.intersected(self.rect())

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

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._overlay_key = None
        if self._frame is not None:
            self._place_image()
        if self.feed is not None:
            self.feed.set_size(*self.physical_size())

    def _paint_overlays(self, painter: QPainter) -> list[QRect]:
        """Paint the overlay; returns the rectangles painted (widget coordinates)."""
        return paint_overlay(self, painter)

    def _reset_frame(self) -> None:
        self._recording = False
        self._resume_until = 0.0
        self._resuming = False
        self.on_screen_reported = False
        self._frame = None
        self._qimage = None
        self._painted_seq = -1
        self._age_s = None
        self._rung = ""
        self._rung_wait = 0
        self.update()
