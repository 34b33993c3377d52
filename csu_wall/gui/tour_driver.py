"""Tours on the wall: a QTimer calls :meth:`TourRunner.tick`; the runner (clock injected, no
thread) says when to move on. Touching the toured tile (or the wall, for a layout tour) calls
:meth:`TourRunner.interact`, which holds the tour for a while."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from csu_wall.core.layout import Tour, TourKind
from csu_wall.core.ports import Clock
from csu_wall.services.tours import TourRunner

TICK_MS = 250


class TourDriver(QObject):
    """Plays one tour: ``show(item)`` puts the item (camera id on a tile, or layout id as str)
    on the wall."""

    sig_step = Signal(str)  # the item just shown

    def __init__(self, tour: Tour, clock: Clock, show: Callable[[str], None], *,
                 tile_id: str | None = None, resume_after: float = 30.0,
                 available: Callable[[str], bool] | None = None, interval_ms: int = TICK_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tour = tour
        self.tile_id = tile_id if tour.kind is TourKind.TILE else None
        self.runner = TourRunner(tour, clock, resume_after=resume_after, available=available)
        self._show = show
        self.steps = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)

    def start(self) -> None:
        self._show(self.runner.current())
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def tick(self) -> str | None:
        item = self.runner.tick()
        if item is not None:
            self.steps += 1
            self._show(item)
            self.sig_step.emit(item)
        return item

    def interacted(self, tile_id: str) -> None:
        """The operator touched ``tile_id``: a tile tour holds only for its own tile."""
        if self.tile_id is None or tile_id == self.tile_id:
            self.runner.interact()
