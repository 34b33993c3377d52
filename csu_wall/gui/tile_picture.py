"""The picture a tile shows: the newest frame wrapped as a QImage (no copy), where it sits in
the tile (already at tile size: never scaled, only centred while a resize lags one frame), how
old it is, whether it is resuming after the tile was hidden, and the overload ladder's rung.
:meth:`TilePicture.pull` is the render loop's per-tile step; the tile paints what it holds."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage

from csu_wall.core.feed import Rung
from csu_wall.core.frames import Frame
from csu_wall.gui.tile_overlay import rung_text

if TYPE_CHECKING:
    from csu_wall.core.feed import TileFeed

_RGB32 = QImage.Format.Format_RGB32
STALE_AFTER_S = 2.0  # a frame older than this is shown with its age, never as live
# On the ladder's keyframes-only rung a picture comes once a GOP (1-4 s for most cameras):
# it is stale once the next keyframe is STALE_AFTER_S late, the GOP measured between the last
# two pictures of that rung (at most KEYFRAME_GAP_MAX_S; until measured, GOP_UNKNOWN_S).
# Without it, every keyframe that came a few milliseconds after its GOP flashed the veil and
# the age on the tile (measured at twice the capacity: 30 such flashes a second over 230
# tiles, each redrawing the tile's overlay).
GOP_UNKNOWN_S = 4.0
KEYFRAME_GAP_MAX_S = 10.0
_KEYFRAMES_ONLY = Rung.I.label
RUNG_EVERY_TICKS = 10  # the ladder moves every second or so: read it every 200 ms
# A hidden tile decodes nothing; shown again, its decoder waits for the next keyframe. Until
# a new frame (or this long: a long GOP plus a reconnection), the last frame is "resuming",
# not "stream frozen": the stream did not stall, the tile was off the screen.
RESUME_GRACE_S = 6.0


class TilePicture:
    """The frame on a tile and what is known about it (GUI thread only)."""

    def __init__(self) -> None:
        self.frame: Frame | None = None  # kept alive while the QImage points into it
        self.qimage: QImage | None = None  # built once per frame in pull(), not per paint
        self.pos = QPoint(0, 0)
        self.covers = False  # the frame covers the whole tile: no background fill
        self.dpr = 1.0
        self.painted_seq = -1
        # the last pull changed what the overlay shows (age, rung, resumption, where the
        # video lies), not only the picture: the tile then redraws its overlay too
        self.overlay_changed = False
        self.age_s: int | None = None  # whole seconds, set once the frame is stale
        self.rung = ""  # the overload ladder's rung label (HQ / SD / I / pause)
        self.recording = False  # the feed plays recorded video (read with the rung)
        self.resuming = False
        self._rung_wait = 0  # pulls left before the rung is read again
        self._stale_at = 0.0  # monotonic instant the frame on screen becomes stale
        self._gop = GOP_UNKNOWN_S  # keyframes only: the time between two pictures
        self._keyframes_only = False  # the last picture came on the keyframes-only rung
        self._resume_until = 0.0  # shown again after being hidden: resuming until then
        self._resume_from = 0.0  # ... since then: a frame decoded later ends the resumption

    def reset(self) -> None:
        """Nothing plays any more (or something new): no frame, no age, no rung."""
        self.recording = False
        self._resume_until = 0.0
        self.resuming = False
        self.frame = None
        self.qimage = None
        self.painted_seq = -1
        self.age_s = None
        self.rung = ""
        self._rung_wait = 0
        self._gop = GOP_UNKNOWN_S  # another camera's GOP is not this one's
        self._keyframes_only = False

    def shown_again(self, now: float | None) -> None:
        """The tile is back on the screen with an old frame: it resumes until a new one."""
        if self.frame is not None:
            self._resume_from = time.monotonic() if now is None else now
            self._resume_until = self._resume_from + RESUME_GRACE_S

    def pull(self, feed: TileFeed | None, now: float, held: bool,
             geometry: Callable[[], tuple[tuple[int, int], float]]) -> bool:
        """Take the newest frame; True when the frame, the age label or the rung changed
        (:attr:`overlay_changed` says whether more than the picture did).

        Called for every visible tile every 20 ms, mostly finding no new frame: an idle tile
        returns at once, a playing one reads its mailbox (one lock) only when the feed has
        news, and compares the frame object; the rung is read with each new frame and every
        ``RUNG_EVERY_TICKS``; the age is worked out only once the frame has passed its stale
        instant. ``held``: a recording the operator paused holds its picture on purpose (no
        age, no veil). ``geometry``: the tile's logical size and pixel ratio, asked only when
        a frame's size changes."""
        frame = self.frame
        self.overlay_changed = False
        if feed is None and frame is None:
            return False  # nothing plays: no age, no rung (cleared by reset)
        changed = False
        overlay = False
        if feed is not None:
            latest = feed.next_frame() if feed.news else None
            changed = latest is not None and latest is not frame
            # the rung first: a new picture's stale instant depends on it
            overlay = self._read_rung(feed, changed)
            if latest is not None and changed:
                overlay = self._set_frame(latest, geometry) or overlay
                if latest.decoded_at >= self._resume_from:  # not one decoded before hiding
                    self._resume_until = 0.0
                frame = latest
        resuming = now < self._resume_until
        if resuming != self.resuming:
            self.resuming = resuming
            overlay = True
        age: int | None = None
        if frame is not None and now > self._stale_at and not resuming and not held:
            age = int(now - frame.decoded_at)
        if age != self.age_s:
            self.age_s = age
            overlay = True
        self.overlay_changed = overlay
        return changed or overlay

    def _read_rung(self, feed: TileFeed, new_frame: bool) -> bool:
        self._rung_wait -= 1
        if not new_frame and self._rung_wait > 0:
            return False
        self._rung_wait = RUNG_EVERY_TICKS
        rung = rung_text(feed)
        recording = feed.recording
        if rung == self.rung and recording == self.recording:
            return False
        self.rung = rung
        self.recording = recording
        return True

    def _set_frame(self, frame: Frame,
                   geometry: Callable[[], tuple[tuple[int, int], float]]) -> bool:
        """Wrap the new frame's pixels in a QImage (no copy); ``frame`` keeps the buffer
        alive as long as the QImage points into it. True when the video now lies elsewhere
        in the tile (first frame, another size, another fitted picture)."""
        image = frame.image
        height, width = image.shape[0], image.shape[1]
        qimage = QImage(image.data, width, height, image.strides[0], _RGB32)
        previous, previous_frame = self.qimage, self.frame
        self.frame = frame
        self._stale_at = frame.decoded_at + STALE_AFTER_S
        keyframes_only = self.rung == _KEYFRAMES_ONLY
        if not keyframes_only:
            self._gop = GOP_UNKNOWN_S
        elif previous_frame is not None and self._keyframes_only:
            gap = frame.decoded_at - previous_frame.decoded_at
            self._gop = min(max(0.0, gap), KEYFRAME_GAP_MAX_S)
        self._keyframes_only = keyframes_only
        if keyframes_only:
            self._stale_at += self._gop
        self.qimage = qimage
        moved = (previous is None or previous.width() != width or previous.height() != height)
        if moved:
            size, self.dpr = geometry()
            self.place(size)
        if self.dpr != 1.0:
            qimage.setDevicePixelRatio(self.dpr)
        return moved or previous_frame is None or previous_frame.fitted != frame.fitted

    def place(self, size: tuple[int, int]) -> None:
        """Frames come at tile size; during a resize they may lag one size behind: centre
        them (letterbox or crop), never scale. ``size``: the tile's logical size."""
        qimage = self.qimage
        if qimage is None:
            return
        tile_w, tile_h = size
        width, height = qimage.width() / self.dpr, qimage.height() / self.dpr
        x = int((tile_w - width) / 2)
        y = int((tile_h - height) / 2)
        self.pos = QPoint(x, y)
        self.covers = x <= 0 and y <= 0 and x + width >= tile_w and y + height >= tile_h

    def video_rect(self, bounds: QRect) -> QRect:
        """Where the frame's pixels are painted inside ``bounds`` (empty: no frame)."""
        qimage, frame = self.qimage, self.frame
        if qimage is None or frame is None:
            return QRect()
        dpr = self.dpr or 1.0
        x, y, w, h = frame.fitted or (0, 0, qimage.width(), qimage.height())
        rect = QRect(self.pos.x() + int(x / dpr), self.pos.y() + int(y / dpr),
                     int(w / dpr), int(h / dpr))
        return rect.intersected(bounds)
