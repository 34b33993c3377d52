"""The playback bar: recorded video on the focused tile.

A date-time picker in Europe/Paris (UTC inside), −60 s / −10 s jumps, a timeline with the
camera's bookmarks, play/pause, one-frame step, speed ×1/×2/×4, back to live, the time shown
and a warning when the recorder's clock is off by more than 2 s. ``install_playback`` plugs it
into the main window (tile action + side panel).

Asking the recorder for its recording (start, seek, jump, speed by restart) is a coroutine on
the GUI's event loop (qasync): the recorder is asked on the recorder executor under its own
timeout while the wall keeps playing; the bar says it is searching and offers to cancel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QDateTime, QRectF, Qt, QTimer, QTimeZone, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.errors import CsuWallError
from csu_wall.core.model import Camera
from csu_wall.core.replay import paris_hms
from csu_wall.gui._async import spawn
from csu_wall.gui._latest_call import LatestCall
from csu_wall.services.playback import (
    REVERSE_SPEEDS,
    SPEEDS,
    PlaybackService,
    PlaybackState,
    clock_message,
)

PARIS = QTimeZone(b"Europe/Paris")
WINDOW = timedelta(minutes=10)  # the timeline spans this around the time shown
REFRESH_MS = 250

BookmarksFor = Callable[[str, datetime, datetime], "list[datetime]"]


def to_qt(t: datetime) -> QDateTime:
    """Aware datetime -> QDateTime in Europe/Paris (what the operator reads)."""
    return QDateTime.fromMSecsSinceEpoch(int(round(t.timestamp() * 1000)), PARIS)


def from_qt(q: QDateTime) -> datetime:
    return datetime.fromtimestamp(q.toMSecsSinceEpoch() / 1000, timezone.utc)


def paris_text(t: datetime) -> str:
    """``25/10/2026 02:59:55 CEST``: the zone tells the two 02:xx hours apart."""
    return to_qt(t).toString("dd/MM/yyyy HH:mm:ss t")


class Timeline(QWidget):
    """The time around the image shown, the camera's bookmarks as marks, what was recorded
    (a band) and what was not (none) when the recorder says; a click seeks."""

    RECORDED = QColor("#2f8f5b")
    MISSING = QColor("#5a2f2f")

    sig_seek = Signal(object)  # aware UTC datetime

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playbackTimeline")
        self.setMinimumHeight(28)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.start: datetime | None = None
        self.end: datetime | None = None
        self.marker: datetime | None = None
        self.bookmarks: list[datetime] = []
        self.recorded: list[tuple[datetime, datetime]] = []
        self.known = False  # the recorder said what it holds

    def set_span(self, start: datetime, end: datetime, marker: datetime,
                 bookmarks: list[datetime],
                 recorded: tuple[tuple[datetime, datetime], ...] = ()) -> None:
        self.start, self.end, self.marker = start, end, marker
        self.bookmarks = [b for b in bookmarks if start <= b <= end]
        self.recorded = [(a, b) for a, b in recorded if b > start and a < end]
        self.known = bool(recorded)
        self.update()

    def x_of(self, t: datetime) -> float:
        if self.start is None or self.end is None:
            return 0.0
        span = (self.end - self.start).total_seconds() or 1.0
        return (t - self.start).total_seconds() / span * max(1, self.width() - 1)

    def time_at(self, x: float) -> datetime | None:
        if self.start is None or self.end is None:
            return None
        span = (self.end - self.start).total_seconds()
        return self.start + timedelta(seconds=span * x / max(1, self.width() - 1))

    def bookmark_positions(self) -> list[float]:
        return [self.x_of(b) for b in self.bookmarks]

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#20252b"))
        h = self.height()
        if self.known:  # missing spans, then recorded ones, as a band
            band = QRectF(0, h * 0.55, self.width(), h * 0.45)
            p.fillRect(band, self.MISSING)
            for a, b in self.recorded:
                x0, x1 = self.x_of(max(a, self.start or a)), self.x_of(min(b, self.end or b))
                p.fillRect(QRectF(x0, band.y(), max(1.0, x1 - x0 + 1), band.height()),
                           self.RECORDED)
        p.setPen(QPen(QColor("#f0b030"), 2))
        for x in self.bookmark_positions():
            p.drawLine(int(x), 2, int(x), h - 2)
        if self.marker is not None and self.start is not None:
            p.setPen(QPen(QColor("#ffffff"), 2))
            x = self.x_of(self.marker)
            p.drawLine(int(x), 0, int(x), h)
        if self.start is not None and self.end is not None:
            p.setPen(QColor("#9aa4ad"))
            # Paris time; in the hour repeated in October, with its UTC offset.
            p.drawText(QRectF(4, 0, 130, h), Qt.AlignmentFlag.AlignVCenter,
                       paris_hms(self.start, seconds=False))
            p.drawText(QRectF(self.width() - 134, 0, 130, h),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                       paris_hms(self.end, seconds=False))
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        when = self.time_at(event.position().x())
        if when is not None:
            self.sig_seek.emit(when)


class PlaybackBar(QWidget):
    """Controls recorded video on one tile through :class:`PlaybackService`."""

    sig_message = Signal(str, str)  # French text, level ("info" | "warning" | "error")

    def __init__(self, service: PlaybackService, bookmarks_for: BookmarksFor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playbackBar")
        self.service = service
        self.bookmarks_for = bookmarks_for
        self.tile_id: str | None = None
        self.camera: Camera | None = None

        self.camera_label = QLabel(self.tr("No tile chosen"))
        self.when = QDateTimeEdit()
        self.when.setObjectName("playbackWhen")
        self.when.setTimeZone(PARIS)
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm:ss t")
        self.when.setCalendarPopup(True)
        self.when.setDateTime(to_qt(service.clock.now_utc() - timedelta(minutes=5)))
        self.play_at = self._button("playbackGo", self.tr("Play from this time"), self.go)
        self.back60 = self._button("playbackBack60", self.tr("−60 s"), lambda: self.jump(-60))
        self.back10 = self._button("playbackBack10", self.tr("−10 s"), lambda: self.jump(-10))
        self.pause_button = self._button("playbackPause", self.tr("Pause"), self.toggle_pause)
        self.step_button = self._button("playbackStep", self.tr("Next frame"), self.step)
        self.speed = self._speed_list()
        self.live_button = self._button("playbackLive", self.tr("Back to live"), self.live)
        self.shown_label = QLabel("")
        self.shown_label.setObjectName("playbackShown")
        self.clock_label = QLabel("")
        self.clock_label.setObjectName("playbackClockWarning")
        self.clock_label.setWordWrap(True)
        self.clock_label.setStyleSheet("color: #f0b030;")
        self.clock_label.hide()
        self.timeline = Timeline()
        self.timeline.sig_seek.connect(self.seek)
        # While the recorder is asked for its recording: what is going on, and a way out.
        self.busy_label = QLabel(self.tr("Looking for the recording…"))
        self.busy_label.setObjectName("playbackBusy")
        self.cancel_button = self._button("playbackCancel", self.tr("Cancel"), self.cancel)
        self.task: asyncio.Task[bool] | None = None  # the search under way
        # The last failure, where the operator looks (the status bar says it too).
        self.error_label = QLabel("")
        self.error_label.setObjectName("playbackError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #ff8080;")
        self.sig_message.connect(self._said)

        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("Time (Paris):")), 0, 0)
        grid.addWidget(self.when, 0, 1)
        grid.addWidget(self.play_at, 0, 2)
        buttons = QHBoxLayout()
        for w in (self.back60, self.back10, self.pause_button, self.step_button, self.speed,
                  self.live_button):
            buttons.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(self.camera_label)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        busy = QHBoxLayout()
        busy.addWidget(self.busy_label, 1)
        busy.addWidget(self.cancel_button)
        layout.addLayout(busy)
        layout.addWidget(self.error_label)
        layout.addWidget(self.timeline)
        layout.addWidget(self.shown_label)
        layout.addWidget(self.clock_label)
        layout.addStretch(1)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self._bookmark_span: tuple[datetime, datetime] | None = None
        self._bookmarks: list[datetime] = []
        self.bookmarks_call = LatestCall("timeline bookmarks", self)  # read off the GUI thread
        self._show_busy(False)
        self.error_label.hide()
        self.refresh()

    def _speed_list(self) -> QComboBox:
        """×1, ×2, ×4, then backwards ◀◀ ×1, ◀◀ ×2 (where the recorder can)."""
        speed = QComboBox()
        speed.setObjectName("playbackSpeed")
        for s in SPEEDS:
            speed.addItem(f"×{s:g}", s)
        for s in REVERSE_SPEEDS:
            speed.addItem(f"◀◀ ×{-s:g}", s)
            speed.setItemData(speed.count() - 1, self.tr("Reverse play"),
                              Qt.ItemDataRole.ToolTipRole)
        speed.activated.connect(self._speed_chosen)
        return speed

    def _button(self, name: str, text: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- commands -------------------------------------------------------------------------

    def set_tile(self, tile_id: str, camera: Camera | None) -> None:
        if tile_id != self.tile_id and self.task is not None:
            self.task.cancel()  # a search for another tile: given up
            self.task = None
            self._show_busy(False)
        self.tile_id, self.camera = tile_id, camera
        self._bookmark_span = None
        self._bookmarks = []
        self.bookmarks_call.cancel()
        self.refresh()

    def _run(self, action: Callable[[], object]) -> bool:
        if self.tile_id is None:
            self.sig_message.emit(self.tr("Choose a tile showing a camera first."), "error")
            return False
        self.error_label.hide()
        try:
            action()
        except (CsuWallError, ValueError, KeyError) as exc:
            text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            self.sig_message.emit(str(text), "error")
            return False
        finally:
            self.refresh()
        return True

    @property
    def searching(self) -> bool:
        return self.task is not None

    def _search(self, request: Callable[[], Awaitable[object]]) -> asyncio.Task[bool] | None:
        """Ask the recorder (``request``, a coroutine of the playback service) without
        waiting for it: the newest request replaces one still under way. Returns the task
        (its result: True when the recording plays), None when refused at once."""
        if self.tile_id is None:
            self.sig_message.emit(self.tr("Choose a tile showing a camera first."), "error")
            return None
        if self.task is not None:
            self.task.cancel()
        task = spawn(self._searching(request), name=f"playback-search-{self.tile_id}")
        self.task = task
        self.error_label.hide()
        self._show_busy(True)
        return task

    async def _searching(self, request: Callable[[], Awaitable[object]]) -> bool:
        try:
            await request()
            return True
        except (CsuWallError, ValueError, KeyError) as exc:
            text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            self.sig_message.emit(str(text), "error")
            return False
        finally:
            if self.task is asyncio.current_task():
                self.task = None
                try:
                    self._show_busy(False)
                    self.refresh()
                except RuntimeError:  # the bar was deleted while the recorder was asked
                    pass

    def cancel(self) -> None:
        """The operator gave up waiting for the recorder: the tile stays as it was."""
        task, self.task = self.task, None
        self._show_busy(False)
        if task is not None and task.cancel():
            self.sig_message.emit(self.tr("Search for the recording cancelled."), "info")

    def _said(self, text: str, level: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(level == "error")

    def _show_busy(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)
        self.cancel_button.setVisible(busy)

    def go(self) -> asyncio.Task[bool] | None:
        start = from_qt(self.when.dateTime())
        speed = float(self.speed.currentData())
        tile = self.tile_id or ""
        return self._search(lambda: self.service.start(tile, start, speed))

    def play_from(self, start_utc: datetime) -> asyncio.Task[bool] | None:
        """Recorded video of the bar's tile from ``start_utc`` (a bookmark, say)."""
        self.when.setDateTime(to_qt(start_utc))
        return self.go()

    def seek(self, when: datetime) -> asyncio.Task[bool] | None:
        tile = self.tile_id or ""
        if not self.service.is_playback(tile):
            return self.play_from(when)
        return self._search(lambda: self.service.seek(tile, when))

    def jump(self, seconds: float) -> asyncio.Task[bool] | None:
        tile = self.tile_id or ""
        if not self.service.is_playback(tile):  # from live: that long ago
            return self.play_from(self.service.clock.now_utc() + timedelta(seconds=seconds))
        return self._search(lambda: self.service.jump(tile, seconds))

    def toggle_pause(self) -> bool:
        return self._run(lambda: self.service.toggle_pause(self.tile_id or ""))

    def step(self) -> bool:
        return self._run(lambda: self.service.step(self.tile_id or ""))

    def _speed_chosen(self, _index: int) -> None:
        tile = self.tile_id or ""
        if self.service.is_playback(tile):
            speed = float(self.speed.currentData())
            self._search(lambda: self.service.set_speed(tile, speed))

    def live(self) -> bool:
        if self.task is not None:  # a search under way would take the tile back to playback
            self.cancel()
        return self._run(lambda: self.service.back_to_live(self.tile_id or ""))

    # -- display --------------------------------------------------------------------------

    def refresh(self) -> None:
        state = self.service.state(self.tile_id) if self.tile_id else None
        playing = state is not None
        for w in (self.pause_button, self.step_button, self.live_button):
            w.setEnabled(playing)
        if self.camera is not None:
            self.camera_label.setText(self.camera.name)
        if state is None:
            self.shown_label.setText(self.tr("Live") if self.tile_id else "")
            self.clock_label.hide()
            return
        self._show(state)

    def _show(self, state: PlaybackState) -> None:
        self.pause_button.setText(self.tr("Play") if state.paused else self.tr("Pause"))
        self.step_button.setEnabled(state.steppable)
        index = self.speed.findData(state.speed)
        if index >= 0 and index != self.speed.currentIndex():
            self.speed.setCurrentIndex(index)
        status = self.tr("paused") if state.paused else (
            f"×{state.speed:g}" if state.speed > 0 else f"◀◀ ×{-state.speed:g}")
        self.shown_label.setText(self.tr("Recording of {0} ({1})").format(
            paris_text(state.shown_utc), status))
        if state.clock_warning and state.clock_offset is not None and self.camera is not None:
            self.clock_label.setText(clock_message(self.camera.recorder_id, state.clock_offset))
            self.clock_label.show()
        else:
            self.clock_label.hide()
        start, end = state.shown_utc - WINDOW / 2, state.shown_utc + WINDOW / 2
        if self._bookmark_span is None or not (self._bookmark_span[0] <= state.shown_utc
                                               <= self._bookmark_span[1] - WINDOW / 4):
            self._bookmark_span = (start, end)
            self._read_bookmarks(state.camera_id, start, end)
        self.timeline.set_span(start, end, state.shown_utc, self._bookmarks, state.recorded)


    def _read_bookmarks(self, camera_id: str, start: datetime, end: datetime) -> None:
        """The span's bookmarks read off the GUI thread, marked when they come (the marks
        already shown stay meanwhile); unreadable: said, the timeline goes on without."""
        ask = self.bookmarks_for
        if ask is None:
            return

        def marked(found: list[datetime]) -> None:
            self._bookmarks = found
            self.refresh()

        def failed(exc: Exception) -> None:
            logging.getLogger(__name__).warning("timeline bookmarks not read", exc_info=exc)
            self.sig_message.emit(self.tr("The bookmarks of the time shown cannot be read now "
                                          "(database unreachable)."), "warning")

        self.bookmarks_call.run(lambda: ask(camera_id, start, end), marked, failed)


class PlaybackHost(Protocol):
    """What :func:`install_playback` needs of the main window (its extension points)."""

    def register_tile_action(self, key: str, text: str, shortcut: str | None,
                             callback: Callable[[Any], None]) -> Any: ...

    def add_side_panel(self, key: str, title: str, widget: QWidget) -> QDockWidget: ...

    def status_message(self, text: str, level: str = "info") -> None: ...


def install_playback(window: PlaybackHost, service: PlaybackService,
                     bookmarks_for: BookmarksFor | None = None) -> PlaybackBar:
    """A "Play back" action on every tile (Ctrl+R on the focused one) opening the bar in a
    side panel for that tile."""
    bar = PlaybackBar(service, bookmarks_for)
    bar.sig_message.connect(window.status_message)
    title = QCoreApplication.translate("PlaybackBar", "Playback")
    dock = window.add_side_panel("playback", title, bar)

    def open_for(tile: Any) -> None:
        bar.set_tile(tile.tile_id, tile.camera)
        dock.show()
        dock.raise_()

    window.register_tile_action("playback", QCoreApplication.translate(
        "PlaybackBar", "Play back recordings"), "Ctrl+R", open_for)
    return bar
