"""A widget's blocking reads (the database, a report to write) off the GUI thread.

The call runs on the one bounded executor of ``csu_wall.services.recorder_calls`` (widgets
start no thread of their own) and its result or error comes back to the GUI thread through a
queued signal, as the bookmark snapshot's does. Only the newest call's answer is delivered:
a search typed over an older one supersedes it (the older one, if not started yet, never runs;
if running, its answer is dropped on arrival).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from csu_wall.services.recorder_calls import executor

log = logging.getLogger(__name__)


class LatestCall(QObject):
    """One kind of blocking call of one widget; ``busy`` while the newest one is under way."""

    sig_busy_changed = Signal(bool)
    _sig_answer = Signal(int, object, object)  # generation, result, exception (worker thread)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._generation = 0
        self._pending: Future[None] | None = None
        self._on_done: Callable[[Any], None] | None = None
        self._on_error: Callable[[Exception], None] | None = None
        self.dropped = 0  # answers of superseded calls, dropped on arrival
        self._sig_answer.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._pending is not None

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
        """``fn()`` on the executor; ``on_done(result)`` or ``on_error(exc)`` later on the GUI
        thread, unless another ``run`` (or ``cancel``) came first."""
        self._supersede()
        generation = self._generation
        self._on_done, self._on_error = on_done, on_error
        was_busy = self.busy
        try:
            self._pending = executor().submit(self._call, generation, fn)
        except RuntimeError as exc:  # the executor was shut down: the application is closing
            self._pending = None
            if was_busy:
                self.sig_busy_changed.emit(False)
            on_error(exc)
            return
        if not was_busy:
            self.sig_busy_changed.emit(True)

    def cancel(self) -> None:
        """Forget the call under way (its answer will be dropped)."""
        was_busy = self.busy
        self._supersede()
        self._pending = None
        if was_busy:
            self.sig_busy_changed.emit(False)

    def _supersede(self) -> None:
        self._generation += 1
        if self._pending is not None:
            self._pending.cancel()  # not started yet: never runs

    def _call(self, generation: int, fn: Callable[[], Any]) -> None:
        """On the executor's thread."""
        result: Any = None
        error: Exception | None = None
        try:
            result = fn()
        except Exception as exc:  # handed to the GUI thread, which says it in French
            error = exc
        try:
            self._sig_answer.emit(generation, result, error)
        except RuntimeError:  # the widget was deleted while the call ran
            log.debug("%s: answer dropped, its widget is gone", self.name)

    def _deliver(self, generation: int, result: Any, error: object) -> None:
        if generation != self._generation:
            self.dropped += 1
            return
        on_done, on_error = self._on_done, self._on_error
        self._pending = None
        self._on_done = self._on_error = None
        self.sig_busy_changed.emit(False)
        if isinstance(error, Exception):
            if on_error is not None:
                on_error(error)
        elif on_done is not None:
            on_done(result)
