"""Tours on the wall: a QTimer calls :meth:`TourRunner.tick`; the runner (clock injected, no
thread) says when to move on. Touching the toured tile (or the wall, for a layout tour) calls
:meth:`TourRunner.interact`, which holds the tour for a while.

A tile tour says on its tile what it does (:class:`TourBadge`): a « Pause » button while it
runs; « Ronde en pause » and « Reprendre » once paused; « Ronde suspendue (reprise dans N s) »
while a touch of the tile holds it. Stopped, it gives the tile back its layout camera."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from csu_wall.core.layout import Layout, Tour, TourKind
from csu_wall.core.ports import Clock
from csu_wall.services.tours import TourRunner

TICK_MS = 250


class TourWall(Protocol):
    """What a tile tour needs of the wall (WallWidget) to give the tile back."""

    @property
    def layout_value(self) -> Layout: ...

    @property
    def tiles(self) -> Sequence[QWidget]: ...

    def cell_of(self, tile_id: str) -> int: ...

    def open_in_tile(self, tile_id: str, camera_id: str, *, edit: bool = True) -> None: ...

    def close_tile(self, tile_id: str) -> None: ...


class TourBadge(QFrame):
    """On the toured tile: whether the tour runs, is paused or held, and the button to pause
    or resume it."""

    def __init__(self, driver: TourDriver, tile: QWidget) -> None:
        super().__init__(tile)
        self.setObjectName("tourBadge")
        self.setStyleSheet(
            "#tourBadge { background: rgba(16, 18, 22, 200); border-radius: 3px; }"
            " #tourBadge QLabel { color: #f2c14e; }")
        self._driver = driver
        self._tile = tile
        self.label = QLabel(self)
        self.label.setObjectName("tourBadgeText")
        self.button = QPushButton(self)
        self.button.setObjectName("tourPauseButton")
        self.button.clicked.connect(driver.toggle_pause)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 2, 2)
        row.setSpacing(6)
        row.addWidget(self.label)
        row.addWidget(self.button)
        tile.installEventFilter(self)
        self.refresh()
        self.show()

    def refresh(self) -> None:
        runner = self._driver.runner
        if runner.manually_paused:
            text = self.tr("Tour paused")
            button = self.tr("Resume")
        elif runner.paused:
            text = self.tr("Tour held (resumes in {s} s)").format(
                s=math.ceil(runner.held_for()))
            button = self.tr("Resume")
        else:
            text = ""
            button = self.tr("Pause the tour")
        self.label.setText(text)
        self.label.setVisible(bool(text))
        self.button.setText(button)
        self.adjustSize()
        self._place()

    def _place(self) -> None:
        self.move(4, max(0, self._tile.height() - self.height() - 4))
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._tile and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def remove(self) -> None:
        self._tile.removeEventFilter(self)
        self.hide()
        self.deleteLater()


class TourDriver(QObject):
    """Plays one tour: ``show(item)`` puts the item (camera id on a tile, or layout id as str)
    on the wall. A tile tour given its ``tile`` shows a :class:`TourBadge` there; given the
    ``wall``, :meth:`stop` gives the tile back the camera its layout had."""

    sig_step = Signal(str)  # the item just shown
    sig_paused = Signal(bool)  # paused (True) or resumed (False) by the operator

    def __init__(self, tour: Tour, clock: Clock, show: Callable[[str], None], *,
                 tile_id: str | None = None, resume_after: float = 30.0,
                 available: Callable[[str], bool] | None = None, interval_ms: int = TICK_MS,
                 tile: QWidget | None = None, wall: TourWall | None = None,
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
        self._tile = tile if self.tile_id is not None else None
        self.badge: TourBadge | None = None
        self._wall = wall if self.tile_id is not None else None
        # The tile's camera in the layout shown when the tour started (its layout camera).
        self._layout_id: int | None = None
        self._layout_camera: str | None = None
        if self._wall is not None and self.tile_id is not None:
            layout = self._wall.layout_value
            self._layout_id = layout.id
            self._layout_camera = layout.cameras[self._wall.cell_of(self.tile_id)]

    def start(self) -> None:
        self._show(self.runner.current())
        self._timer.start()
        if self._tile is not None:
            self.badge = TourBadge(self, self._tile)

    def stop(self, *, restore: bool = True) -> None:
        """Stop the tour; a tile tour gives its tile back the layout camera (``restore``:
        not when the window closes)."""
        self._timer.stop()
        if self.badge is not None:
            self.badge.remove()
            self.badge = None
        if restore:
            self._restore()

    def _restore(self) -> None:
        wall, tile_id = self._wall, self.tile_id
        if wall is None or tile_id is None:
            return
        if wall.layout_value.id != self._layout_id:
            return  # another layout is shown now: its own camera is already there
        if not any(getattr(t, "tile_id", None) == tile_id for t in wall.tiles):
            return
        if self._layout_camera is not None:
            wall.open_in_tile(tile_id, self._layout_camera, edit=False)
        elif wall.layout_value.cameras[wall.cell_of(tile_id)] is not None:
            wall.close_tile(tile_id)  # the tour began on an empty tile

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    @property
    def paused(self) -> bool:
        """Paused by the operator (:meth:`pause`), not merely held after a touch."""
        return self.runner.manually_paused

    def pause(self) -> None:
        if not self.runner.manually_paused:
            self.runner.pause()
            self._refresh()
            self.sig_paused.emit(True)

    def resume(self) -> None:
        """Resume now (after a pause or a hold): the current item gets a full dwell."""
        was = self.runner.paused
        self.runner.resume()
        self._refresh()
        if was:
            self.sig_paused.emit(False)

    def toggle_pause(self) -> None:
        if self.runner.paused:
            self.resume()
        else:
            self.pause()

    def tick(self) -> str | None:
        item = self.runner.tick()
        if item is not None:
            self.steps += 1
            self._show(item)
            self.sig_step.emit(item)
        self._refresh()
        return item

    def interacted(self, tile_id: str) -> None:
        """The operator touched ``tile_id``: a tile tour holds only for its own tile."""
        if self.tile_id is None or tile_id == self.tile_id:
            self.runner.interact()
            self._refresh()

    def _refresh(self) -> None:
        if self.badge is not None:
            self.badge.refresh()
