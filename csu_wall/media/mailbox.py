"""A tile's one-slot mailbox: the newest frame wins; frames of an old generation are dropped.

The render loop reads it with :meth:`Mailbox.next_frame`, which smooths one kind of jitter:
a frame replaced within ``BUNCH_S`` of its arrival, before the render loop took it (a decoder
busy for a moment delivers a stream's frames in pairs, or a frame comes early and the next
late), is kept for one more turn of the render loop instead of being lost unseen, so the
picture moves on one frame per turn rather than skipping one. At most one such frame, so the
delay is at most one turn."""

from __future__ import annotations

import threading
from collections.abc import Callable

from csu_wall.core.frames import Frame

# Two frames delivered closer than this are jitter around a 25 fps stream's 40 ms, which the
# render loop (a turn every 20 ms) absorbs by showing the older one a turn late. Frames
# further apart that the render loop did not take meanwhile mean it missed more than a frame
# interval: the older is dropped, not shown late. Measured at 140 streams with the decoder
# processes decoding in pairs (their pictures' delivery times vary more): 25 ms lost up to 17
# frames in 8 s on some tiles (worst tile 23.99 fps), 45 ms at most 3 (24.87 fps).
BUNCH_S = 0.045


class Mailbox:
    """Written by decoding workers, read (without blocking, without consuming) by the wall's
    render timer. ``generation`` is the tile's current one: a frame tagged with another is
    refused, so a tile never shows a picture of the camera it showed before."""

    def __init__(self, generation: int = 0) -> None:
        self._lock = threading.Lock()
        self._generation = generation
        self._frame: Frame | None = None
        self._held: Frame | None = None  # replaced in a burst before the render loop took it
        self._taken: Frame | None = None  # the frame the render loop took last
        # a frame next_frame() has not given yet waits: read without the lock by the render
        # loop, which asks only mailboxes with news (a stale read costs one turn, 20 ms)
        self.news = False
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
            self._held = self._taken = None
            self.news = False

    def promote(self, frame: Frame, before: Callable[[], None] | None = None) -> None:
        """Move to ``frame``'s (newer) generation with that frame already in the slot, so a
        reader never sees an empty mailbox during a quality switch. ``before`` runs under the
        lock (the handle adopts the new generation at the same instant)."""
        with self._lock:
            if before is not None:
                before()
            self._generation = frame.generation
            self._frame = frame
            self._held = None
            self.news = True

    def put(self, frame: Frame) -> bool:
        """Offer a frame; returns False (and drops it) when its generation is not current."""
        with self._lock:
            if frame.generation != self._generation:
                self.dropped_stale += 1
                return False
            if self._frame is not None and frame.seq < self._frame.seq:
                return False  # an older frame never replaces a newer one
            previous = self._frame
            if previous is not None:
                self.replaced += 1
                if previous is not self._taken and \
                        frame.decoded_at - previous.decoded_at < BUNCH_S:
                    self._held = previous
                else:
                    self._held = None
            self._frame = frame
            self.news = True
            return True

    def next_frame(self) -> Frame | None:
        """The frame for the render loop's turn: the newest, or once, the one a burst
        replaced before it was taken (then the newest at the next turn)."""
        with self._lock:
            frame = self._held
            if frame is None:
                frame = self._frame
                self.news = False
            else:
                self._held = None  # the newest is still news
            self._taken = frame
            return frame

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
            self._held = self._taken = None
            self.news = False
