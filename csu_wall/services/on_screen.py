"""The on-screen intervals of one wall (the definition: csu_wall/core/viewing.py).

The wall's GUI says when a tile shows a frame and when it leaves the screen; this ledger opens
and closes the intervals and writes their two audit records through the access gate. The
records are written in order on one writer thread, so the GUI thread never waits on the
database for them.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from csu_wall.core.audit import AuditAction
from csu_wall.core.model import Camera

log = logging.getLogger(__name__)

Record = Callable[[Camera, AuditAction, str], object]


@dataclass
class _Open:
    camera: Camera
    interval_id: str


class OnScreenLedger:
    """Per tile: the interval open now, if any. Thread-safe; cheap to call per transition."""

    def __init__(self, record: Record) -> None:
        self._record = record
        self._lock = threading.Lock()
        self._open: dict[str, _Open] = {}
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csu-on-screen")

    def shown(self, tile_id: str, camera: Camera) -> bool:
        """A frame of ``camera`` is on screen in the tile. Opens an interval unless one of
        the same camera is open there (returns whether one was opened)."""
        with self._lock:
            current = self._open.get(tile_id)
            if current is not None and current.camera.id == camera.id:
                return False
            ended = self._open.pop(tile_id, None)
            opened = _Open(camera, uuid.uuid4().hex)
            self._open[tile_id] = opened
        if ended is not None:
            self._write(ended.camera, AuditAction.ON_SCREEN_END, ended.interval_id)
        self._write(camera, AuditAction.ON_SCREEN_START, opened.interval_id)
        return True

    def left(self, tile_id: str) -> bool:
        """The tile's picture is no longer visible (or the tile closed): the interval ends."""
        with self._lock:
            ended = self._open.pop(tile_id, None)
        if ended is None:
            return False
        self._write(ended.camera, AuditAction.ON_SCREEN_END, ended.interval_id)
        return True

    def is_open(self, tile_id: str) -> bool:
        with self._lock:
            return tile_id in self._open

    def open_count(self) -> int:
        with self._lock:
            return len(self._open)

    def close_all(self) -> None:
        with self._lock:
            tiles = list(self._open)
        for tile_id in tiles:
            self.left(tile_id)

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until every record asked so far is written (tests, shutdown)."""
        done = threading.Event()
        try:
            self._writer.submit(done.set)
        except RuntimeError:  # already shut down: nothing left to write
            return
        done.wait(timeout)

    def shutdown(self) -> None:
        self.close_all()
        self._writer.shutdown(wait=True)

    def _write(self, camera: Camera, action: AuditAction, interval_id: str) -> None:
        def write() -> None:
            try:
                self._record(camera, action, interval_id)
            except Exception:  # the spool keeps audit records when the database is away
                log.exception("audit of an on-screen interval failed")

        try:
            self._writer.submit(write)
        except RuntimeError:  # after shutdown (a late GUI tick): write it here
            write()
