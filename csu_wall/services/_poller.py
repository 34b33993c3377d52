"""One owned thread that calls ``poll()`` every ``interval`` seconds until stopped.

Shared by the watchers that keep a running wall in step with the database (habilitations,
commune detachments): each subclass only says what one pass does.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class PollingThread:
    thread_name = "poller"

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._stop = threading.Event()
        self._wake = threading.Event()  # set by wake(): the next pass runs now
        self._thread: threading.Thread | None = None

    def poll(self) -> object:  # pragma: no cover - subclasses define the pass
        raise NotImplementedError

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.thread_name,
                                            daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Run the next pass now instead of at the end of the interval (any thread)."""
        self._wake.set()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            self._wake.wait(self._interval)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.poll()
            except Exception as exc:  # one bad pass (e.g. database away) must not end it
                log.warning("%s: pass failed (%s)", self.thread_name, type(exc).__name__,
                            exc_info=True)
