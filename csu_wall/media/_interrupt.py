"""Interrupt a reader thread blocked inside FFmpeg as soon as its session is stopped.

PyAV's only way out of a blocking ``av.open``/``demux`` is its timeout: FFmpeg polls an
interrupt callback (about every 100 ms) that compares ``time.monotonic()`` in
``av.container.core`` with the call's start. We give that module a ``time`` whose clock, *for
a thread whose session was stopped*, jumps forward on every reading, so the pending call times
out at the next poll: closing a tile on a hung recorder then takes milliseconds instead of the
read timeout (5 s). Other threads see the real clock. Without this (a future PyAV renaming
its internals), stopping still works, bounded by the read timeout.

The same poll serves as the session's stall watchdog: a reader may register an ``overdue``
check (no packet for its read timeout); once it says so the pending call ends the same way,
so a silent source is detected within its read timeout (+ one poll) instead of whenever
FFmpeg's own per-call timeout, restarted by every RTCP packet or retry, happens to expire.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time as _real_time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

_stops: dict[int, tuple[threading.Event, Callable[[], bool] | None]] = {}
_jump = itertools.count(1)
_installed = False
_install_lock = threading.Lock()


class _InterruptingTime:
    """Stands in for the ``time`` module inside av.container.core only."""

    def monotonic(self) -> float:
        now = _real_time.monotonic()
        entry = _stops.get(threading.get_ident())
        if entry is not None and (entry[0].is_set() or (entry[1] is not None and entry[1]())):
            # Strictly increasing leaps: any reading is far past the one taken at the call's
            # start, even when that start was itself taken after the stop.
            return now + 1e6 * next(_jump)
        return now

    def __getattr__(self, name: str) -> Any:
        return getattr(_real_time, name)


def install() -> bool:
    """Install the interrupting clock once; False when PyAV's internals do not allow it."""
    global _installed
    with _install_lock:
        if _installed:
            return True
        try:
            import av.container.core as core
        except ImportError:  # pragma: no cover
            return False
        if getattr(core, "time", None) is not _real_time:
            log.warning("PyAV internals changed: stopping a hung stream waits for its timeout")
            return False
        core.time = _InterruptingTime()  # type: ignore[attr-defined]
        _installed = True
        return True


def register(stop: threading.Event, overdue: Callable[[], bool] | None = None) -> None:
    """Called in the reader thread: its blocking FFmpeg calls end once ``stop`` is set, or
    while ``overdue()`` is true (polled about every 100 ms during a blocking call)."""
    _stops[threading.get_ident()] = (stop, overdue)


def unregister() -> None:
    _stops.pop(threading.get_ident(), None)
