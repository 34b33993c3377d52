"""What the threads' stream decoder (:class:`csu_wall.media.pool.StreamDecoder`) and the
decoder processes' one (:class:`csu_wall.media.procpool.ProcStreamDecoder`) share: the
settings taken from any thread — shown or hidden, paused (the overload ladder's last rung:
packets dropped, last frame kept), keyframes only (the ladder's rung before), urgent (a
maximised or alarmed tile, decoded first) — and the counters. Turning a setting back on
makes the next packet decoded a keyframe; each decoder adds what a change means for it
through the hooks."""

from __future__ import annotations

import threading
from collections.abc import Callable

from csu_wall.media.mailbox import Mailbox
from csu_wall.media.masks import Masker
from csu_wall.media.views import View


class DecoderBase:
    """A stream decoder's settings, counters and first-frame bookkeeping."""

    _size: tuple[int, int]
    _view: View | None

    def __init__(self, tile_id: str, generation: int, mailbox: Mailbox, size: tuple[int, int],
                 masker: Masker, on_first_frame: Callable[[], None],
                 monotonic: Callable[[], float]) -> None:
        self.tile_id = tile_id
        self.generation = generation
        self.mailbox = mailbox
        self.masker = masker
        self._on_first_frame = on_first_frame
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._size = size
        self._visible = True
        self._paused = False
        self._keyframes_only = False
        self._urgent = False  # maximised or alarmed: decoded before the others
        self._need_key = True  # the next packet decoded must be a keyframe
        self._announce = True  # the first frame (of a connection) is told to the session
        self._closed = False
        self._view = None  # digital zoom: the part of the source picture shown
        # counters (read without lock: approximate is fine for stats)
        self.packets_in = 0
        self.packets_dropped = 0
        self.frames_decoded = 0
        self.frames_delivered = 0
        self.decode_errors = 0

    # -- hooks, called with the lock held --------------------------------------------------

    def _resume(self) -> None:
        """Decoding takes up again after a gap: on a keyframe."""
        self._need_key = True

    def _drop_queued(self) -> None:
        """Hidden or paused: what waits to be decoded will not be."""

    def _keyframes_only_set(self, on: bool) -> None:
        """Keyframes only was just turned ``on`` (or off)."""

    def _urgent_set(self, on: bool) -> None:
        """Urgency was just turned ``on`` (or off)."""

    # -- the settings ----------------------------------------------------------------------

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    @property
    def view(self) -> View | None:
        return self._view

    @property
    def visible(self) -> bool:
        return self._visible

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def keyframes_only(self) -> bool:
        return self._keyframes_only

    def set_visible(self, visible: bool) -> None:
        with self._lock:
            if visible and not self._visible:
                self._resume()
            self._visible = visible
            if not visible:
                self._drop_queued()

    def set_paused(self, paused: bool) -> None:
        """Stop decoding (the overload ladder's last rung); resumed, wait for a keyframe."""
        with self._lock:
            if self._paused and not paused:
                self._resume()
            self._paused = paused
            if paused:
                self._drop_queued()

    def set_keyframes_only(self, on: bool) -> None:
        with self._lock:
            if self._keyframes_only and not on:
                self._resume()
            self._keyframes_only = on
            self._keyframes_only_set(on)

    @property
    def urgent(self) -> bool:
        return self._urgent

    def set_urgent(self, on: bool) -> None:
        """A maximised or alarmed tile's stream: its packets go before the others' and are
        not skipped because the others' are behind (its own backlog still bounds it)."""
        with self._lock:
            if on == self._urgent:
                return
            self._urgent = on
            self._urgent_set(on)

    def new_connection(self) -> None:
        """Called by the reader before the packets of a new connection (or loop)."""
        with self._lock:
            self._need_key = True
            self._announce = True

    def _arrived(self) -> bool:
        """A packet arrives from the reader (lock held): counted in; False once closed."""
        self.packets_in += 1
        return not self._closed
