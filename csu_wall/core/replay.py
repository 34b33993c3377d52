"""The replay control: what the playback service asks of a running recorded-video reader.

A plain value with a lock, carried by the stream request itself (``StreamSource.replay``):
the playback service (any thread) pauses, steps, changes speed and reads the time shown; the
reader thread (csu_wall.media.replay) carries it out without reconnecting.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class ReplayControl:
    """Shared by the playback service (any thread) and the reader thread."""

    def __init__(self, start_utc: datetime, speed: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._paused = False
        self._steps = 0
        self._back = 0  # steps backward owed (the reader asks again from the frame before)
        self._speed = speed
        self._speed_dirty = False
        self.requested = start_utc
        self.shown: datetime | None = None  # media time of the last access unit shown
        self.frames = 0
        self.reverse_refused = False  # the recorder said it cannot play backwards

    def refuse_reverse(self) -> None:
        """For the reader: the recorder cannot play backwards. Paused at the image shown,
        ×1 from there."""
        with self._lock:
            self._speed, self._speed_dirty = 1.0, False
            self._paused, self._steps, self._back = True, 0, 0
            self.reverse_refused = True

    def pause(self) -> None:
        with self._lock:
            self._paused = True

    def resume(self) -> None:
        with self._lock:
            self._paused, self._steps, self._back = False, 0, 0

    def step(self, frames: int = 1) -> None:
        """Pause and move ``frames`` images on (negative: back)."""
        with self._lock:
            self._paused = True
            if frames >= 0:
                self._steps += frames
            else:
                self._back += -frames

    def take_back(self) -> int:
        """For the reader: the steps backward asked since the last call."""
        with self._lock:
            back, self._back = self._back, 0
            return back

    def set_speed(self, speed: float) -> None:
        """A new speed (negative: backwards, from the image shown)."""
        with self._lock:
            self._speed, self._speed_dirty = speed, True

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def speed(self) -> float:
        return self._speed

    def take(self) -> tuple[bool, bool, float | None]:
        """For the reader: (paused, may show one image now, new speed to request)."""
        with self._lock:
            speed = self._speed if self._speed_dirty else None
            self._speed_dirty = False
            return self._paused, not self._paused or self._steps > 0, speed

    def stepped(self) -> None:
        """For the reader: one image was shown while paused (a step is done)."""
        with self._lock:
            if self._paused and self._steps > 0:
                self._steps -= 1


def paris_hms(t: datetime, *, date: bool = False, seconds: bool = True) -> str:
    """``HH:MM:SS`` (``JJ/MM/AAAA HH:MM:SS`` with ``date``, no ``:SS`` without ``seconds``) in
    Paris time; in the hour that repeats at the October change, with its UTC offset
    (``02:30:00 (UTC+2)``)."""
    local = t.astimezone(PARIS)
    other = local.replace(tzinfo=None, fold=1 - local.fold).replace(tzinfo=PARIS)
    fmt = "%H:%M:%S" if seconds else "%H:%M"
    text = local.strftime("%d/%m/%Y " + fmt if date else fmt)
    if other.utcoffset() != local.utcoffset():
        hours = int((local.utcoffset() or timedelta()).total_seconds() // 3600)
        text += f" (UTC{hours:+d})"
    return text
