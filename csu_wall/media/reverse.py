"""Reverse replay's bookkeeping (ONVIF replay with a negative ``Scale``): the server sends the
GOPs newest first, the frames of each in forward order, each GOP starting with a clean point
(C) after a jump back (D). The reader (csu_wall.media.replay) collects a GOP compressed, has
the decoder decode it whole into its bounded buffer (csu_wall.media.decode.gop_capacity) and
shows its images newest first, paced by their recorded times at the speed."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from csu_wall.media.rtsp_client import AccessUnit

Unit = tuple[AccessUnit, datetime]  # an access unit and its recorded time
LAST_SHOWN = timedelta(milliseconds=2)  # an image this close before ``limit`` is the last shown


class ReverseGops:
    """The GOP being received, those received whole (at most two, compressed), and the images
    of the GOP in the decoder's buffer still to show."""

    def __init__(self, limit: datetime) -> None:
        self.limit = limit  # only images strictly older than this are shown
        self.collecting: list[Unit] = []
        self.ready: deque[list[Unit]] = deque()
        self.showing: list[tuple[datetime, int]] = []  # (time, pts), oldest first
        self.last_start: datetime | None = None  # the time of the last GOP begun
        self.trimmed = False  # the GOP being received is kept by its keyframe alone
        self.gop = 0  # the number of the GOP in the decoder's buffer
        self.decoded = False  # ... and the decoder has decoded it
        self.anchor: tuple[float, datetime] | None = None  # (monotonic, recorded time)

    def start_gop(self, au: AccessUnit, when: datetime) -> None:
        self.close()
        self.collecting = [(au, when)]
        self.last_start = when
        self.trimmed = False
        self._close_at_limit(when)

    def add(self, au: AccessUnit, when: datetime, room: int) -> bool:
        """A unit of the GOP being received; True when the GOP just went over ``room``
        images (it is then kept by its keyframe alone)."""
        if not self.collecting or self.trimmed:
            return False  # nothing before a clean point; a trimmed GOP's other images
        if when >= self.limit:
            self.close()  # its later images are never shown: whole enough to show at once
            return False
        self.collecting.append((au, when))
        if len(self.collecting) <= room:
            self._close_at_limit(when)
            return False
        del self.collecting[1:]
        self.trimmed = True
        return True

    def _close_at_limit(self, when: datetime) -> None:
        """The image asked first (``limit`` is 1 ms after it) is in: nothing after it is
        shown, the GOP is whole enough to show without waiting for the next image."""
        if when >= self.limit - LAST_SHOWN:
            self.close()

    def close(self) -> None:
        """The GOP being received is whole."""
        if self.collecting:
            self.ready.append(self.collecting)
        self.collecting = []

    def show(self, gop: list[Unit]) -> None:
        """``gop`` is in the decoder's buffer: its images older than ``limit``, to show newest
        first (pts as handed to the decoder: RTP ticks from the GOP's first unit)."""
        first = gop[0][0].rtp_ts
        self.decoded = False
        self.showing = sorted(((when, (au.rtp_ts - first) & 0xFFFFFFFF) for au, when in gop
                               if when < self.limit), key=lambda item: item[0])

    def due(self, when: datetime, speed: float) -> float:
        """The monotonic time the image recorded at ``when`` is due (going backwards)."""
        assert self.anchor is not None
        back = (self.anchor[1] - when).total_seconds()
        return self.anchor[0] + back / max(abs(speed), 0.01)
