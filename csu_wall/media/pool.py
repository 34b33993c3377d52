"""The decoding pool: a few worker threads serving every stream.

Each stream has a :class:`StreamDecoder` with its own bounded packet queue and a "scheduled"
flag: a worker takes a ready stream, decodes its pending packets in order, converts the last
picture to the tile's size and BGRA, masks it, posts it, and releases the stream. No two
workers ever hold the same stream, and no worker ever waits on a socket (readers do).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Callable

import av
import av.error

from csu_wall.media.decode import Converter, DecoderSpec, make_decoder
from csu_wall.media.mailbox import Mailbox
from csu_wall.media.masks import Masker

log = logging.getLogger(__name__)

MAX_BACKLOG = 25  # packets (1 s at 25 fps): beyond, skip to a keyframe rather than lag
BATCH = 8  # packets per turn, so one busy stream cannot starve the others


class DecodePool:
    """Bounded worker threads, started on first use and joined by :meth:`shutdown`."""

    def __init__(self, workers: int | None = None) -> None:
        self.size = max(1, workers or os.cpu_count() or 1)
        self._ready: deque[StreamDecoder] = deque()
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._stopping = False

    def schedule(self, decoder: StreamDecoder) -> None:
        with self._cond:
            if self._stopping:
                return
            if not self._threads:
                self._start()
            self._ready.append(decoder)
            self._cond.notify()

    def queue_depth(self) -> int:
        with self._cond:
            return len(self._ready)

    def threads(self) -> list[threading.Thread]:
        return [t for t in self._threads if t.is_alive()]

    def shutdown(self, deadline: float, clock: Callable[[], float]) -> None:
        with self._cond:
            self._stopping = True
            self._ready.clear()
            self._cond.notify_all()
        for t in self._threads:
            t.join(max(0.0, deadline - clock()))

    def _start(self) -> None:
        for i in range(self.size):
            t = threading.Thread(target=self._run, name=f"csu-media-worker-{i}", daemon=True)
            self._threads.append(t)
            t.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._ready and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                decoder = self._ready.popleft()
            try:
                again = decoder.work()
            except Exception:  # a bad stream must not kill a worker serving the others
                log.exception("decoding worker failed on tile %s", decoder.tile_id)
                again = decoder.release()
            if again:
                self.schedule(decoder)


class StreamDecoder:
    """One stream's decoding state. ``push`` is called by its reader thread, ``work`` by
    whichever worker holds it; settings may change from any thread."""

    def __init__(self, pool: DecodePool, tile_id: str, generation: int, mailbox: Mailbox,
                 size: tuple[int, int], masker: Masker,
                 on_first_frame: Callable[[], None], monotonic: Callable[[], float]) -> None:
        self.pool = pool
        self.tile_id = tile_id
        self.generation = generation
        self.mailbox = mailbox
        self.masker = masker
        self._on_first_frame = on_first_frame
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._queue: deque[tuple[DecoderSpec, av.Packet]] = deque()
        self._scheduled = False
        self._closed = False
        self._size = size
        self._visible = True
        self._keyframes_only = False
        self._need_key = True
        self._flush = False
        self._announce = True
        self._spec: DecoderSpec | None = None
        self._ctx: av.VideoCodecContext | None = None
        self._converter = Converter()
        self._seq = 0
        # counters (read without lock: approximate is fine for stats)
        self.packets_in = 0
        self.packets_dropped = 0
        self.frames_decoded = 0
        self.frames_delivered = 0
        self.decode_errors = 0

    # -- settings (any thread) -------------------------------------------------------------

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    def set_size(self, width: int, height: int) -> None:
        self._size = (width, height)

    def set_visible(self, visible: bool) -> None:
        with self._lock:
            if visible and not self._visible:
                self._need_key = True  # resume on a keyframe, with a clean decoder
                self._flush = True
            self._visible = visible
            if not visible:
                self.packets_dropped += len(self._queue)
                self._queue.clear()

    def set_keyframes_only(self, on: bool) -> None:
        with self._lock:
            if self._keyframes_only and not on:
                self._need_key = True
                self._flush = True
            self._keyframes_only = on

    def new_connection(self) -> None:
        """Called by the reader before the packets of a new connection (or loop)."""
        with self._lock:
            self._need_key = True
            self._announce = True

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._queue.clear()

    def backlog(self) -> int:
        return len(self._queue)

    # -- reader side ------------------------------------------------------------------------

    def push(self, spec: DecoderSpec, packet: av.Packet) -> None:
        key = bool(packet.is_keyframe)
        with self._lock:
            self.packets_in += 1
            if self._closed:
                return
            # Hidden: nothing is queued (set_visible(True) then waits for a keyframe).
            if not self._visible or (self._keyframes_only and not key):
                self.packets_dropped += 1
                return
            if self._need_key:
                if not key:
                    self.packets_dropped += 1
                    return
                self._need_key = False
            if len(self._queue) >= MAX_BACKLOG:
                self._drop_backlog(key)
                if self._need_key:
                    self.packets_dropped += 1
                    return
            self._queue.append((spec, packet))
            if self._scheduled:
                return
            self._scheduled = True
        self.pool.schedule(self)

    def _drop_backlog(self, incoming_key: bool) -> None:
        """The pool is behind: keep only what starts at the newest keyframe."""
        if incoming_key:
            self.packets_dropped += len(self._queue)
            self._queue.clear()
            return
        last_key = None
        for i in range(len(self._queue) - 1, 0, -1):
            if self._queue[i][1].is_keyframe:
                last_key = i
                break
        if last_key is None:
            self.packets_dropped += len(self._queue)
            self._queue.clear()
            self._need_key = True
        else:
            for _ in range(last_key):
                self._queue.popleft()
                self.packets_dropped += 1

    # -- worker side ------------------------------------------------------------------------

    def release(self) -> bool:
        """End of a worker's turn: True when the stream must go back in the ready queue."""
        with self._lock:
            if self._queue and not self._closed:
                return True
            self._scheduled = False
            return False

    def work(self) -> bool:
        with self._lock:
            if self._closed:
                self._scheduled = False
                return False
            n = min(BATCH, len(self._queue))
            items = [self._queue.popleft() for _ in range(n)]
            flush, self._flush = self._flush, False
            skip_nonkey = self._keyframes_only
        last = None
        for spec, packet in items:
            if spec is not self._spec or self._ctx is None:
                self._ctx = make_decoder(spec)
                self._spec = spec
            elif flush:
                self._ctx.flush_buffers()
            flush = False
            if self._ctx.skip_frame != ("NONKEY" if skip_nonkey else "DEFAULT"):
                self._ctx.skip_frame = "NONKEY" if skip_nonkey else "DEFAULT"
            try:
                frames = self._ctx.decode(packet)
            except (av.error.FFmpegError, ValueError) as exc:
                self.decode_errors += 1
                log.debug("tile %s: undecodable packet (%s)", self.tile_id, type(exc).__name__)
                continue
            if frames:
                self.frames_decoded += len(frames)
                last = (frames[-1], packet)
        if last is not None and not self._closed:
            self._deliver(*last)
        return self.release()

    def _deliver(self, frame: av.VideoFrame, packet: av.Packet) -> None:
        from csu_wall.core.frames import Frame

        width, height = self._size
        image = self._converter.to_bgra(frame, width, height)
        if self.masker:
            self.masker.apply(image)
        self._seq += 1
        pts = None
        if frame.pts is not None and self._spec is not None and self._spec.time_base:
            pts = float(frame.pts * self._spec.time_base)
        self.mailbox.put(Frame(image=image, generation=self.generation, seq=self._seq, pts=pts,
                               decoded_at=self._monotonic(), source_width=frame.width,
                               source_height=frame.height, keyframe=bool(frame.key_frame)))
        self.frames_delivered += 1
        with self._lock:
            announce, self._announce = self._announce, False
        if announce:
            self._on_first_frame()
