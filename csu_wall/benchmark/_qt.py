"""Qt pieces shared by the benchmark's GUI workers: the event-loop lag probe and the walls.

Tiles are 240×135 (an 8×8 wall fills 1920×1080). Above 64 streams the worker opens several
walls, one 1920×1080 window per 64 tiles (as several monitors would), each with its own
render timer in the pipeline worker.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from csu_wall.benchmark import _proc
from csu_wall.benchmark._proc import percentile

TILE_W, TILE_H = _proc.TILE_W, _proc.TILE_H
COLUMNS, ROWS = 8, 8
PER_WALL = COLUMNS * ROWS


def make_app() -> QApplication:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(["csu-wall-bench"])
    assert isinstance(app, QApplication)
    return app


def make_walls(count: int, make_tile: Callable[[int, QWidget], QWidget]) -> list[QWidget]:
    """Top-level 1920×1080 windows holding ``count`` tiles placed on an 8×8 grid."""
    walls: list[QWidget] = []
    for index in range(count):
        if index % PER_WALL == 0:
            wall = QWidget()
            wall.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
            wall.resize(COLUMNS * TILE_W, ROWS * TILE_H)
            walls.append(wall)
        slot = index % PER_WALL
        tile = make_tile(index, walls[-1])
        tile.setGeometry((slot % COLUMNS) * TILE_W, (slot // COLUMNS) * TILE_H, TILE_W, TILE_H)
    for wall in walls:
        wall.show()
    return walls


def spin(seconds: float, abort: Callable[[], bool] | None = None) -> bool:
    """Run the event loop for ``seconds`` (the probe and timers keep firing). ``abort`` is
    asked every 100 ms; returns False when it said stop (e.g. memory running away)."""
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return True
        if abort is not None and abort():
            return False
        loop = QEventLoop()
        QTimer.singleShot(max(int(min(left, 0.1) * 1000), 1), loop.quit)
        loop.exec()


class LagProbe:
    """A 10 ms timer that records how late each tick fires: the GUI event loop's lag."""

    INTERVAL_MS = 10

    def __init__(self) -> None:
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.lags_ms: list[float] = []
        self.recording = False

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def record(self, on: bool) -> None:
        self.recording = on
        if on:
            self.lags_ms.clear()

    def _tick(self) -> None:
        now = time.perf_counter()
        late = (now - self._last) * 1000.0 - self.INTERVAL_MS
        self._last = now
        if self.recording:
            self.lags_ms.append(max(late, 0.0))

    def p99(self) -> float:
        return percentile(self.lags_ms, 99)

    def worst(self) -> float:
        return max(self.lags_ms, default=0.0)
