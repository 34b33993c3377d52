"""Event-loop lag as the operator feels it: a precise 10 ms Qt timer on the GUI thread records
how late each tick comes. Anything that holds the GUI thread (a recorder call, a wait) shows
up as a late tick of the same length."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer

PERIOD_MS = 10


class LagProbe(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lateness: list[float] = []  # seconds, one per tick after the first
        self._last: float | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(PERIOD_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = None
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.monotonic()
        if self._last is not None:
            self.lateness.append(max(0.0, now - self._last - PERIOD_MS / 1000))
        self._last = now

    def percentile(self, q: float) -> float:
        if not self.lateness:
            return float("inf")
        ordered = sorted(self.lateness)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    def worst(self) -> float:
        return max(self.lateness, default=float("inf"))

    def summary(self) -> str:
        return (f"{len(self.lateness)} ticks, p50 {self.percentile(50) * 1000:.1f} ms, "
                f"p99 {self.percentile(99) * 1000:.1f} ms, worst {self.worst() * 1000:.1f} ms")
