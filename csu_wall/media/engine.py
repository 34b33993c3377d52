"""The media engine: one session per tile, one decoding pool for all, one mailbox per tile.

The GUI pulls frames with :meth:`TileStream.latest`; only state changes are pushed, through
``on_state`` (called from reader or worker threads: the caller bridges to its own thread).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from csu_wall.core.frames import Frame, TileState
from csu_wall.core.model import PrivacyMask
from csu_wall.core.ports import Clock, StreamSource, SystemClock
from csu_wall.media import _interrupt
from csu_wall.media.backoff import Backoff
from csu_wall.media.decode import tile_width
from csu_wall.media.mailbox import Mailbox
from csu_wall.media.masks import Masker
from csu_wall.media.pool import DecodePool, StreamDecoder
from csu_wall.media.redact import route_ffmpeg_logs
from csu_wall.media.session import StreamSession

log = logging.getLogger(__name__)

StateCallback = Callable[[str, int, TileState, str], None]
CLOSE_WAIT = 3.0  # s: close() never waits longer for a reader thread


class TileStream:
    """The GUI's handle on one tile's stream, for one generation."""

    def __init__(self, tile_id: str, generation: int, mailbox: Mailbox,
                 decoder: StreamDecoder) -> None:
        self.tile_id = tile_id
        self.generation = generation
        self.state = TileState.CONNECTING
        self.detail = ""
        self._mailbox = mailbox
        self._decoder = decoder
        self._session: StreamSession | None = None

    def latest(self) -> Frame | None:
        """The newest frame of this generation, or None; never blocks."""
        return self._mailbox.latest(self.generation)

    def set_size(self, width: int, height: int) -> None:
        """Frames that follow come at this size (width rounded down to a multiple of 4)."""
        self._decoder.set_size(tile_width(width), max(2, int(height)))

    @property
    def size(self) -> tuple[int, int]:
        return self._decoder.size

    def set_visible(self, visible: bool) -> None:
        """A hidden tile costs no decoding; shown again, it resumes at the next keyframe."""
        self._decoder.set_visible(visible)

    def set_keyframes_only(self, on: bool) -> None:
        """Decode keyframes only (about 1 frame in 50 with a 2 s GOP): the pool's last step
        before pausing a tile under load."""
        self._decoder.set_keyframes_only(on)

    def stats(self) -> dict[str, float]:
        d = self._decoder
        return {"packets_in": d.packets_in, "packets_dropped": d.packets_dropped,
                "frames_decoded": d.frames_decoded, "frames_delivered": d.frames_delivered,
                "decode_errors": d.decode_errors, "backlog": d.backlog(),
                "attempts": s.attempts if (s := self._session) else 0,
                "connections": s.connections if (s := self._session) else 0}

    def _set_state(self, state: TileState, detail: str) -> bool:
        changed = (state, detail) != (self.state, self.detail)
        self.state, self.detail = state, detail
        return changed


class MediaEngine:
    def __init__(self, workers: int | None = None, *, clock: Clock | None = None,
                 on_state: StateCallback | None = None,
                 credentials: Callable[[str], tuple[str, str] | None] | None = None,
                 open_timeout: float = 5.0, read_timeout: float = 5.0,
                 backoff: Backoff | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.pool = DecodePool(workers)
        self.on_state = on_state
        self.credentials = credentials
        self.open_timeout = open_timeout
        self.read_timeout = read_timeout
        self.backoff = backoff or Backoff()
        self._lock = threading.RLock()
        self._sessions: dict[str, StreamSession] = {}
        self._handles: dict[str, TileStream] = {}
        self._mailboxes: dict[str, Mailbox] = {}
        self._generations: dict[str, int] = {}
        self._retired: list[threading.Thread] = []  # closed readers not yet finished
        self._closed_totals = {"frames_decoded": 0, "frames_delivered": 0, "packets_dropped": 0}
        self._shut = False
        route_ffmpeg_logs()
        _interrupt.install()

    def open(self, tile_id: str, source: StreamSource, *, size: tuple[int, int],
             masks: Sequence[PrivacyMask] = ()) -> TileStream:
        """Play ``source`` on the tile, replacing what it played (new generation)."""
        with self._lock:
            if self._shut:
                raise RuntimeError("media engine is shut down")
            self._stop(tile_id)
            generation = self._generations.get(tile_id, 0) + 1
            self._generations[tile_id] = generation
            mailbox = self._mailboxes.setdefault(tile_id, Mailbox())
            mailbox.reset(generation)
            handle_box: list[TileStream] = []

            def first_frame() -> None:
                self._report(handle_box[0], TileState.LIVE, "En direct.")

            decoder = StreamDecoder(self.pool, tile_id, generation, mailbox,
                                    (tile_width(size[0]), max(2, int(size[1]))),
                                    Masker(masks), first_frame, self.clock.monotonic)
            handle = TileStream(tile_id, generation, mailbox, decoder)
            handle_box.append(handle)
            session = StreamSession(
                tile_id, source, decoder, clock=self.clock,
                on_state=lambda state, detail: self._report(handle, state, detail),
                credentials=self.credentials, open_timeout=self.open_timeout,
                read_timeout=self.read_timeout, backoff=self.backoff)
            handle._session = session
            self._sessions[tile_id] = session
            self._handles[tile_id] = handle
            session.start()
            return handle

    def close(self, tile_id: str) -> None:
        """Stop the tile's stream; waits at most ~3 s for its reader (a hung recorder's call
        is interrupted within ~0.1 s)."""
        with self._lock:
            thread = self._stop(tile_id)
            mailbox = self._mailboxes.get(tile_id)
            if mailbox is not None:
                mailbox.reset(self._generations.get(tile_id, 0) + 1)
                self._generations[tile_id] = mailbox.generation
        if thread is not None and thread is not threading.current_thread():
            thread.join(CLOSE_WAIT)

    def shutdown(self, timeout: float = 3.0) -> None:
        """Stop everything and join every thread started, within ``timeout`` overall."""
        deadline = self.clock.monotonic() + timeout
        with self._lock:
            self._shut = True
            for tile_id in list(self._sessions):
                self._stop(tile_id)
            threads = list(self._retired)
        for t in threads:
            if t is not threading.current_thread():
                t.join(max(0.0, deadline - self.clock.monotonic()))
        self.pool.shutdown(deadline, self.clock.monotonic)
        still = self.live_threads()
        if still:
            log.warning("media threads still running after shutdown: %s",
                        ", ".join(t.name for t in still))

    def tile(self, tile_id: str) -> TileStream | None:
        with self._lock:
            return self._handles.get(tile_id)

    def stats(self) -> dict[str, float]:
        with self._lock:
            decoders = [s.decoder for s in self._sessions.values()]
            totals = dict(self._closed_totals)
            reconnects = sum(max(0, s.connections - 1) for s in self._sessions.values())
        return {
            "sessions": len(decoders),
            "workers": self.pool.size,
            "frames_decoded": totals["frames_decoded"] + sum(d.frames_decoded for d in decoders),
            "frames_delivered": totals["frames_delivered"]
            + sum(d.frames_delivered for d in decoders),
            "packets_dropped": totals["packets_dropped"]
            + sum(d.packets_dropped for d in decoders),
            "decode_errors": sum(d.decode_errors for d in decoders),
            "queue_depth": sum(d.backlog() for d in decoders),
            "ready_streams": self.pool.queue_depth(),
            "reconnects": reconnects,
        }

    def live_threads(self) -> list[threading.Thread]:
        with self._lock:
            readers = [t for t in self._retired if t.is_alive()]
            readers += [s.thread for s in self._sessions.values() if s.thread.is_alive()]
            self._retired = [t for t in self._retired if t.is_alive()]
        return readers + self.pool.threads()

    # -- internals ---------------------------------------------------------------------------

    def _stop(self, tile_id: str) -> threading.Thread | None:
        session = self._sessions.pop(tile_id, None)
        self._handles.pop(tile_id, None)
        if session is None:
            return None
        session.stop()
        d = session.decoder
        self._closed_totals["frames_decoded"] += d.frames_decoded
        self._closed_totals["frames_delivered"] += d.frames_delivered
        self._closed_totals["packets_dropped"] += d.packets_dropped
        if session.thread.ident is not None:
            self._retired.append(session.thread)
            return session.thread
        return None

    def _report(self, handle: TileStream, state: TileState, detail: str) -> None:
        with self._lock:
            current = self._handles.get(handle.tile_id) is handle
            changed = current and handle._set_state(state, detail)
        if not changed or self.on_state is None:
            return
        try:
            self.on_state(handle.tile_id, handle.generation, state, detail)
        except Exception:  # a listener must not kill the reader or worker reporting
            log.exception("on_state callback failed")
