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
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import av
import av.error
import numpy as np
from av.video.reformatter import VideoReformatter

from csu_wall.core.frames import Frame
from csu_wall.media.decode import (
    Converter,
    DecoderSpec,
    fit_size,
    gop_capacity,
    make_decoder,
    tile_width,
)
from csu_wall.media.decoder_base import DecoderBase
from csu_wall.media.mailbox import Mailbox
from csu_wall.media.masks import Masker
from csu_wall.media.pacer import FilePump
from csu_wall.media.views import (
    SnapshotRequest,
    View,
    crop_rect,
    full_bgra,
    normalise_view,
    zoomed_bgra,
)

if TYPE_CHECKING:
    from csu_wall.media.procpool import ProcessDecodePool

log = logging.getLogger(__name__)

# Workers' busy time is their CPU time, not the wall time of a turn: a worker waiting for
# the GIL or for a core taken by another process is not short of decoding capacity, and
# counting that wait made the ladder step tiles down at 64 streams with the process at 90 %
# of 200 % CPU (measured). Real shortage shows as packet lag and drops, which it also reads.
_cpu_time = time.thread_time
MAX_BACKLOG = 25  # packets (1 s at 25 fps): beyond, skip to a keyframe rather than lag
BATCH = 8  # packets per turn, so one busy stream cannot starve the others


class DecodePool:
    """Bounded worker threads, started on first use and joined by :meth:`shutdown`."""

    def __init__(self, workers: int | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.size = max(1, workers or os.cpu_count() or 1)
        self.monotonic = monotonic
        self._ready: deque[StreamDecoder] = deque()
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._stopping = False
        # Feeds every real-time file source (one thread, on first use). While it hands on a
        # round of due packets, workers are woken once at the end, not once per packet.
        self._held = threading.local()
        self.pump = FilePump(around_round=self._holding)
        # load counters for the overload ladder (see ``load_counters``)
        self._stats = threading.Lock()
        self._busy_s = 0.0
        self._backlog_drops = 0
        self._max_lag = 0.0

    def schedule(self, decoder: StreamDecoder) -> None:
        with self._cond:
            if self._stopping:
                return
            if not self._threads:
                self._start()
            if decoder.urgent:  # a maximised or alarmed tile's stream goes first
                self._ready.appendleft(decoder)
            else:
                self._ready.append(decoder)
            held = getattr(self._held, "count", None)
            if held is None:
                self._cond.notify()
            else:
                self._held.count = held + 1

    def _holding(self, run: Callable[[], None]) -> None:
        """Run ``run`` (the pump's round) scheduling streams without waking workers, then
        wake as many workers as streams became ready (a thread wake-up per packet and its GIL
        hand-off cost more than the decoding of small streams)."""
        self._held.count = 0
        try:
            run()
        finally:
            woken, self._held.count = self._held.count, None
            if woken:
                with self._cond:
                    self._cond.notify(min(woken, self.size))

    def decoder(self, tile_id: str, generation: int, mailbox: Mailbox, size: tuple[int, int],
                masker: Masker, on_first_frame: Callable[[], None],
                monotonic: Callable[[], float],
                on_trouble: Callable[[str], None] | None = None) -> StreamDecoder:
        """A stream's decoder in this pool (``on_trouble``: decoder processes only)."""
        return StreamDecoder(self, tile_id, generation, mailbox, size, masker, on_first_frame,
                             monotonic)

    def queue_depth(self) -> int:
        with self._cond:
            return len(self._ready)

    def frames_paired(self) -> int:
        """Pictures decoded two at a time (the decoder processes do, under load); the
        decoding threads decode each packet as it comes."""
        return 0

    def note_lag(self, lag: float) -> None:
        with self._stats:
            self._max_lag = max(self._max_lag, lag)

    def note_backlog_drops(self, n: int) -> None:
        with self._stats:
            self._backlog_drops += n

    def load_counters(self) -> tuple[float, int, float]:
        """(busy CPU seconds of all workers, packets thrown away behind, both cumulative; the
        worst packet wait since the previous call, which it resets)."""
        with self._stats:
            lag, self._max_lag = self._max_lag, 0.0
            return self._busy_s, self._backlog_drops, lag

    def threads(self) -> list[threading.Thread]:
        return [t for t in self._threads if t.is_alive()] + self.pump.threads()

    def shutdown(self, deadline: float, clock: Callable[[], float]) -> None:
        self.pump.shutdown(deadline, clock)
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
            started = _cpu_time()
            try:
                again = decoder.work()
            except Exception:  # a bad stream must not kill a worker serving the others
                log.exception("decoding worker failed on tile %s", decoder.tile_id)
                again = decoder.release()
            with self._stats:
                self._busy_s += _cpu_time() - started
            if again:
                self.schedule(decoder)


class Decoder(Protocol):
    """What a reader, the engine and the ladder use of one stream's decoding, whether its
    pool is threads here (:class:`StreamDecoder`) or decoder processes
    (:class:`~csu_wall.media.procpool.ProcStreamDecoder`)."""

    tile_id: str
    generation: int
    mailbox: Mailbox
    masker: Masker
    packets_in: int
    packets_dropped: int
    frames_decoded: int
    frames_delivered: int
    decode_errors: int
    fit: bool  # aspect kept (letterbox) or the tile filled

    @property
    def pool(self) -> DecodePool | ProcessDecodePool: ...

    @property
    def size(self) -> tuple[int, int]: ...

    def set_size(self, width: int, height: int) -> None: ...

    @property
    def view(self) -> View | None: ...

    def set_view(self, view: View | None) -> None: ...

    def request_snapshot(self, request: SnapshotRequest) -> None: ...

    def cancel_snapshot(self, request: SnapshotRequest) -> None: ...

    def set_visible(self, visible: bool) -> None: ...

    def set_paused(self, paused: bool) -> None: ...

    @property
    def visible(self) -> bool: ...

    @property
    def paused(self) -> bool: ...

    @property
    def keyframes_only(self) -> bool: ...

    def set_keyframes_only(self, on: bool) -> None: ...

    @property
    def urgent(self) -> bool: ...

    def set_urgent(self, on: bool) -> None: ...

    def new_connection(self) -> None: ...

    def close(self) -> None: ...

    def backlog(self) -> int: ...

    def push(self, spec: DecoderSpec, packet: av.Packet, show: bool = True) -> None: ...

    def push_gop(self, spec: DecoderSpec, packets: list[av.Packet], gop: int) -> None:
        """Reverse replay: decode one GOP (keyframe first) into the bounded buffer beside
        the newest-frame slot, its pictures kept by ``packet.pts`` (they replace the previous
        GOP's); nothing is shown."""

    def show_kept(self, gop: int, pts: int) -> None:
        """Reverse replay: the kept picture of ``gop`` with this ``pts`` to the tile."""

    def kept_ready(self, gop: int) -> bool:
        """Reverse replay: ``gop`` is decoded, its pictures kept (showing them may start)."""


class StreamDecoder(DecoderBase):
    """One stream's decoding state. ``push`` is called by its reader thread, ``work`` by
    whichever worker holds it; settings may change from any thread."""

    def __init__(self, pool: DecodePool, tile_id: str, generation: int, mailbox: Mailbox,
                 size: tuple[int, int], masker: Masker,
                 on_first_frame: Callable[[], None], monotonic: Callable[[], float]) -> None:
        super().__init__(tile_id, generation, mailbox, size, masker, on_first_frame, monotonic)
        self.pool = pool
        # (spec, packet, queued at, shown): a packet not shown is decoded (a later frame
        # needs it) but its picture never reaches the mailbox.
        self._queue: deque[tuple[DecoderSpec, av.Packet, float, bool]] = deque()
        self._scheduled = False
        self._flush = False
        self._spec: DecoderSpec | None = None
        self._ctx: av.VideoCodecContext | None = None
        self._converter = Converter()
        self._snaps: list[SnapshotRequest] = []  # fulfilled with the next decoded picture
        self._extra: VideoReformatter | None = None  # zoom and snapshot conversions
        self._skipping = False  # what the decoder's skip_frame is set to
        self._seconds_per_tick = 0.0  # the stream's time base as a float (Fraction is slow)
        self._seq = 0
        # Reverse replay: GOPs to decode and kept pictures to show, in order; the kept
        # pictures of the last GOP decoded (pts -> tile-sized image and its frame).
        self._gop_ops: deque[tuple[object, ...]] = deque()
        self._kept: dict[int, tuple[np.ndarray, av.VideoFrame]] = {}
        self._kept_gop = -1
        self.fit = True  # aspect kept (letterbox); False: the picture fills the tile

    # -- settings (any thread) -------------------------------------------------------------

    def set_size(self, width: int, height: int) -> None:
        self._size = (width, height)

    def set_view(self, view: View | None) -> None:
        """Frames that follow show this part (normalised x, y, w, h) of the source picture,
        in source pixels, at the tile's size; None: the whole picture."""
        self._view = normalise_view(view)

    def request_snapshot(self, request: SnapshotRequest) -> None:
        """The next decoded picture, at source resolution and masked, fulfils ``request``
        (a paused tile lets its next keyframe through for it)."""
        with self._lock:
            self._snaps.append(request)

    def cancel_snapshot(self, request: SnapshotRequest) -> None:
        with self._lock:
            if request in self._snaps:
                self._snaps.remove(request)

    def _resume(self) -> None:
        self._need_key = True  # resume on a keyframe, with a clean decoder
        self._flush = True

    def _drop_queued(self) -> None:
        self.packets_dropped += len(self._queue)
        self._queue.clear()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._queue.clear()
            self._gop_ops.clear()
            self._kept = {}

    def backlog(self) -> int:
        return len(self._queue)

    # -- reader side ------------------------------------------------------------------------

    def push(self, spec: DecoderSpec, packet: av.Packet, show: bool = True) -> None:
        key = bool(packet.is_keyframe)
        with self._lock:
            if not self._arrived():
                return
            # Hidden: nothing is queued (set_visible(True) then waits for a keyframe).
            if not self._visible or self._paused or (self._keyframes_only and not key):
                if not (key and self._snaps and self._visible and not self._queue):
                    self.packets_dropped += 1
                    return
                self._flush = self._flush or self._paused  # decoding resumes after a gap
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
            self._queue.append((spec, packet, self._monotonic(), show))
            if self._scheduled:
                return
            self._scheduled = True
        self.pool.schedule(self)

    def push_gop(self, spec: DecoderSpec, packets: list[av.Packet], gop: int) -> None:
        with self._lock:
            self.packets_in += len(packets)
            if self._closed or not self._visible or self._paused:
                self.packets_dropped += len(packets)
                self._kept, self._kept_gop = {}, gop  # nothing to show: the reader goes on
                return
            if self._keyframes_only:  # the ladder's rung: the keyframe alone
                packets = packets[:1]
            self._gop_ops.append(("gop", spec, packets, gop))
        self._wake()

    def show_kept(self, gop: int, pts: int) -> None:
        with self._lock:
            if self._closed:
                return
            self._gop_ops.append(("show", gop, pts))
        self._wake()

    def _wake(self) -> None:
        with self._lock:
            if self._scheduled:
                return
            self._scheduled = True
        self.pool.schedule(self)

    def _drop_backlog(self, incoming_key: bool) -> None:
        """The pool is behind: keep only what starts at the newest keyframe."""
        self.pool.note_backlog_drops(len(self._queue))  # an upper bound: behind is behind
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
            if (self._queue or self._gop_ops) and not self._closed:
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
            ops: list[tuple[object, ...]] = []
            if not items:
                ops, self._gop_ops = list(self._gop_ops), deque()
        if ops:
            self._gop_work(ops)
            return self.release()
        if items:
            self.pool.note_lag(self._monotonic() - items[0][2])
        last = None
        for spec, packet, _, show in items:
            self._ctx = self._codec(spec, flush)
            flush = False
            if skip_nonkey is not self._skipping:  # PyAV's property is slow to read
                self._ctx.skip_frame = "NONKEY" if skip_nonkey else "DEFAULT"
                self._skipping = skip_nonkey
            try:
                frames = self._ctx.decode(packet)
            except (av.error.FFmpegError, ValueError) as exc:
                self.decode_errors += 1
                log.debug("tile %s: undecodable packet (%s)", self.tile_id, type(exc).__name__)
                continue
            if frames:
                self.frames_decoded += len(frames)
                if show:
                    last = (frames[-1], packet)
        if last is not None and not self._closed:
            self._deliver(*last)
            if self._snaps:
                self._snapshot(last[0])
        return self.release()

    def _codec(self, spec: DecoderSpec, flush: bool) -> av.VideoCodecContext:
        if spec is not self._spec or self._ctx is None:
            self._ctx = make_decoder(spec)
            self._spec = spec
            self._skipping = False
            self._seconds_per_tick = float(spec.time_base) if spec.time_base else 0.0
        elif flush:
            self._ctx.flush_buffers()
        return self._ctx

    def _gop_work(self, ops: list[tuple[object, ...]]) -> None:
        """Reverse replay, in order: GOPs decoded into the kept pictures, kept pictures
        shown."""
        for op in ops:
            if self._closed:
                return
            if op[0] == "gop":
                _, spec, packets, gop = op
                self._decode_gop(spec, packets, gop)  # type: ignore[arg-type]
                continue
            gop, pts = int(op[1]), int(op[2])  # type: ignore[call-overload]
            kept = self._kept.get(pts) if gop == self._kept_gop else None
            if kept is not None:
                self._post(kept[1], kept[0])

    def _decode_gop(self, spec: DecoderSpec, packets: list[av.Packet], gop: int) -> None:
        """Every picture of the GOP, converted to the tile's size and masked, kept by pts
        (at most ``gop_capacity`` of them; beyond, keyframes only)."""
        ctx = self._codec(spec, flush=True)
        if self._skipping:
            ctx.skip_frame = "DEFAULT"
            self._skipping = False
        self._kept = {}
        room = gop_capacity(self._size)
        pictures: list[av.VideoFrame] = []
        for packet in [*packets, None]:
            try:
                pictures += ctx.decode(packet)
            except (av.error.FFmpegError, ValueError, EOFError):
                self.decode_errors += 1
        ctx.flush_buffers()  # drained (decode(None)): ready for the next GOP
        self.frames_decoded += len(pictures)
        for frame in pictures:
            if frame.pts is not None and (len(self._kept) < room or frame.key_frame):
                self._kept[frame.pts] = (self._image(frame), frame)
        self._kept_gop = gop

    def kept_ready(self, gop: int) -> bool:
        return self._kept_gop == gop

    def _snapshot(self, frame: av.VideoFrame) -> None:
        with self._lock:
            requests, self._snaps = self._snaps, []
        if self._extra is None:
            self._extra = VideoReformatter()
        image = full_bgra(frame, self.masker.masks, self._extra)
        snap = self._frame(frame, image)
        for request in requests:
            request.fulfil(snap)

    def _frame(self, frame: av.VideoFrame, image: np.ndarray) -> Frame:
        ticks = frame.pts
        pts = ticks * self._seconds_per_tick if ticks is not None and self._seconds_per_tick \
            else None
        return Frame(image=image, generation=self.generation, seq=self._seq, pts=pts,
                     decoded_at=self._monotonic(), source_width=frame.width,
                     source_height=frame.height, keyframe=bool(frame.key_frame))

    def _deliver(self, frame: av.VideoFrame, packet: av.Packet) -> None:
        self._post(frame, self._image(frame))

    def _image(self, frame: av.VideoFrame) -> np.ndarray:
        """The picture at the tile's size (fitted), zoomed and masked, in BGRA."""
        width, height = self._size
        view = self._view
        if self.fit:  # aspect kept: the picture fits in the tile, which centres it
            crop = (frame.width, frame.height) if view is None else _view_size(frame, view)
            width, height = fit_size(crop[0], crop[1], width, height)
        if view is None:
            image = self._converter.to_bgra(frame, width, height)
            if self.masker:
                self.masker.apply(image)
        else:  # masked at source coordinates, then cropped and scaled (views.py)
            if self._extra is None:
                self._extra = VideoReformatter()
            image = zoomed_bgra(frame, view, tile_width(width), max(2, int(height)),
                                self.masker.masks, self._extra)
        return image

    def _post(self, frame: av.VideoFrame, image: np.ndarray) -> None:
        self._seq += 1
        self.mailbox.put(self._frame(frame, image))
        self.frames_delivered += 1
        if self._announce:  # read without the lock: set again only by new_connection()
            with self._lock:
                announce, self._announce = self._announce, False
            if announce:
                self._on_first_frame()


def _view_size(frame: av.VideoFrame, view: View) -> tuple[int, int]:
    """The source pixels a zoomed view shows (its aspect ratio is what is kept)."""
    x0, y0, x1, y1 = crop_rect(view, frame.width, frame.height)
    return x1 - x0, y1 - y0
