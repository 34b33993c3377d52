"""What the operator sees on a tile, read from its pixels: the time code the video carries
(tests/rtsp/timecode.py) read inside the tile's video rectangle, and every status text the
tile paints, sampled while a scenario runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtGui import QImage
from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot

from csu_wall.core.frames import TileState
from csu_wall.gui.tile import TileWidget, status_text
from tests.rtsp.timecode import find_time


def video_rect(tile: TileWidget) -> QRect:
    """Where the tile paints video pixels (widget coordinates): ``TileWidget.video_rect()``
    when the tile has it, else the whole tile (frames then came stretched to tile size)."""
    rect_of = getattr(tile, "video_rect", None)
    rect = rect_of() if callable(rect_of) else None
    return rect if isinstance(rect, QRect) and not rect.isEmpty() else tile.rect()


def tile_pixels(tile: TileWidget) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The tile as painted now (BGRA, device pixels) and its video rectangle in them."""
    image = tile.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    dpr = image.devicePixelRatio() or 1.0
    width, height = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    pixels = raw.reshape(height, image.bytesPerLine() // 4, 4)[:, :width].copy()
    r = video_rect(tile)
    rect = (int(r.x() * dpr), int(r.y() * dpr), int(r.width() * dpr), int(r.height() * dpr))
    return pixels, rect


def shown_time(tile: TileWidget) -> datetime | None:
    """The UTC time the tile's pixels show now; None when no time code can be read there."""
    pixels, rect = tile_pixels(tile)
    return find_time(pixels, rect=rect)


@dataclass
class Sample:
    at: float  # monotonic
    phase: str
    status: str
    age: str


@dataclass
class StatusLog(QObject):
    """Samples a tile's painted status words and age every ``period_ms`` (a Qt timer: the
    GUI thread, like the paint), under the phase the scenario is in."""

    tile: TileWidget
    period_ms: int = 50
    phase: str = ""
    samples: list[Sample] = field(default_factory=list)

    def __post_init__(self) -> None:
        QObject.__init__(self)
        self._timer = QTimer(self)
        self._timer.setInterval(self.period_ms)
        self._timer.timeout.connect(self.sample)

    def start(self, phase: str) -> None:
        self.phase = phase
        self.sample()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def sample(self) -> None:
        status, age = self.tile.shown_status(), self.tile.age_text()
        last = self.samples[-1] if self.samples else None
        if last is None or (last.phase, last.status, last.age) != (self.phase, status, age):
            self.samples.append(Sample(time.monotonic(), self.phase, status, age))

    def stalled(self) -> list[Sample]:
        """Samples where the tile said its stream was frozen (in the current language)."""
        frozen = status_text(TileState.STALLED)
        return [s for s in self.samples if s.status == frozen]

    def statuses(self) -> list[tuple[str, str, str]]:
        return [(s.phase, s.status, s.age) for s in self.samples]


def wait_shown(qtbot: QtBot, tile: TileWidget, accept: Callable[[datetime], bool],
               timeout_s: float, what: str) -> tuple[datetime, float]:
    """Waits until the tile's pixels show a time ``accept`` takes; returns it and the
    monotonic instant it was read. The failure message says what was shown meanwhile."""
    seen: list[datetime | None] = []
    found: list[tuple[datetime, float]] = []

    def check() -> bool:
        when = shown_time(tile)
        if not seen or seen[-1] != when:
            seen.append(when)
        if when is not None and accept(when):
            found.append((when, time.monotonic()))
            return True
        return False

    try:
        qtbot.waitUntil(check, timeout=int(timeout_s * 1000))
    except WaitTimeout as exc:
        shown = [w.isoformat(timespec="milliseconds") if w else None for w in seen[-8:]]
        raise AssertionError(
            f"{what}: not shown on the tile within {timeout_s:.0f} s; the tile's pixels "
            f"showed {shown} (of {len(seen)} distinct reads), its status "
            f"{tile.shown_status()!r} {tile.age_text()!r}") from exc
    return found[0]
