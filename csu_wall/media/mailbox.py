"""A tile's one-slot mailbox: the newest frame wins; frames of an old generation are dropped."""

from __future__ import annotations

import threading
from collections.abc import Callable

from csu_wall.core.frames import Frame


class Mailbox:
    """Written by decoding workers, read (without blocking, without consuming) by the wall's
    render timer. ``generation`` is the tile's current one: a frame tagged with another is
    refused, so a tile never shows a picture of the camera it showed before."""

    def __init__(self, generation: int = 0) -> None:
        self._lock = threading.Lock()
        self._generation = generation
        self._frame: Frame | None = None
        self.dropped_stale = 0
        self.replaced = 0  # frames overwritten before anyone read them: harmless, counted

    @property
    def generation(self) -> int:
        return self._generation

    def reset(self, generation: int) -> None:
        """Start a new generation: the held frame is forgotten."""
        with self._lock:
            self._generation = generation
            self._frame = None

    def promote(self, frame: Frame, before: Callable[[], None] | None = None) -> None:
        """Move to ``frame``'s (newer) generation with that frame already in the slot, so a
        reader never sees an empty mailbox during a quality switch. ``before`` runs under the
        lock (the handle adopts the new generation at the same instant)."""
        with self._lock:
            if before is not None:
                before()
            self._generation = frame.generation
            self._frame = frame

    def put(self, frame: Frame) -> bool:
        """Offer a frame; returns False (and drops it) when its generation is not current."""
        with self._lock:
            if frame.generation != self._generation:
                self.dropped_stale += 1
                return False
            if self._frame is not None and frame.seq < self._frame.seq:
                return False  # an older frame never replaces a newer one
            if self._frame is not None:
                self.replaced += 1
            self._frame = frame
            return True

    def latest(self, generation: int | None = None) -> Frame | None:
        """The newest frame, or None; with ``generation``, None unless it is the current one."""
        with self._lock:
            frame = self._frame
            if frame is None:
                return None
            if generation is not None and frame.generation != generation:
                return None
            return frame

    def clear(self) -> None:
        with self._lock:
            self._frame = None
