"""The decoder process's side of csu_wall/media/procpool.py: reads commands and packets from
its pipe, keeps a decoder per stream, writes finished frames into the streams' shared memory
and says which slot holds which frame (in one batch per batch of packets).

A live RTSP stream may also be read here (``read``): one reader thread per stream connects
and demuxes (bounded by the open and read timeouts, with the same stall watchdog as the GUI
process's sessions), drops what would not be shown, and hands its packets to the main loop
in memory; it says only small things back (``rd``: opened, open failed, ended or failed with
the error's kind and French text and the seconds since its last packet)."""

from __future__ import annotations

import collections
import functools
import itertools
import mmap
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from multiprocessing.connection import Connection
from typing import Any

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from csu_wall.media.decode import (
    Converter,
    DecoderSpec,
    fit_size,
    gop_capacity,
    make_decoder,
    tile_width,
)
from csu_wall.media.masks import Masker
from csu_wall.media.views import View, crop_rect, full_bgra, zoomed_bgra

# the frame the GUI may still paint, one it holds for its next turn (a burst:
# csu_wall/media/mailbox.py), the newest, and the two of a pair being written (the second is
# said at the stream's next packet)
SLOTS = 5
LOAD_EVERY_S = 0.25  # a decoder process reports its CPU time this often
CONVERTER_GEOMETRIES = 16  # swscale contexts a decoder process keeps (tile and source sizes)
BATCH_ITEMS = 256  # items taken from the inbox per turn of the main loop
READER_INFLIGHT = 25  # packets (1 s at 25 fps) a reader here may have waiting for decoding
# s: the packets decoded now waited this long: readers here skip to their next keyframe
# instead of queueing more. Per stream, 25 packets waiting is 1 s, but a hundred streams
# each within that bound queued several seconds in all (measured at twice the capacity: a
# 2.8 s wait that kept growing after the ladder had shed more than enough, so it shed on).
# Not less: a hundred files opening at once waited up to 0.9 s (measured), and what is
# skipped here waits for its next keyframe.
BEHIND_S = 1.0
# s: after a connection's probing (or a stream closed), once nothing more has opened or
# closed for this long, the process gives its allocator's free pages back to the system.
# FFmpeg's probing decodes a first picture with a decoder of its own and frees it, in the
# reader thread's malloc arena, under what the reader allocates next: that arena never
# shrank by itself (measured: 4.17 MiB per RTSP stream at 64 streams, 3.23-3.31 trimmed).
TRIM_AFTER_S = 0.5
# Under load, a stream's packets are decoded two at a time, back to back: the second decode
# then finds its reference picture still in the core's cache instead of reading it back from
# memory after the other streams' decodes (measured with 75 streams a process: 10 % less CPU
# a frame in the pipeline, four alternating runs). The first packet of a pair waits for the
# second; the second picture is converted at once (while it is in the cache) into its slot,
# and said when the stream's next packet comes (which then waits for its own pair), so the
# pictures still come one per packet interval, each one interval later (40 ms at 25 fps).
# Urgent streams, keyframes only and streams slower than one packet in PAIR_WITHIN_S are
# not paired.
PAIR_FROM = 0.75  # the process's CPU (share of one core) from which it decodes in pairs
PAIR_UNTIL = 0.5  # ... and below which it stops
PAIR_WITHIN_S = 0.06  # s: a packet waits for its pair if the stream's last came this soon
# s: a packet held this long without its pair is decoded alone, and a second picture left
# unsaid this long (nothing came after it: the stream ended, stalled or was hidden) is said.
# Generous: a pair's packet late by a few tens of milliseconds still pairs, instead of two
# pictures said at once (the render loop would show one of them only).
PAIR_WAIT_S = 0.12
# s: within a long turn of the main loop (a backlog: up to BATCH_ITEMS packets), what it has
# to say is sent at least this often, not only at the turn's end, so a picture is said when
# it is ready, whatever else the turn holds (measured at twice the capacity, where turns held
# up to two packets of every stream: the maximised tile's pictures came up to 155 ms apart).
# An urgent stream's picture is sent at once.
SEND_EVERY_S = 0.01


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, found once among the process's own symbols; None elsewhere
    (other allocators return memory by themselves or offer no such call)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl)
        return None
    return trim


def _give_back_free_memory() -> None:
    """Free pages of every malloc arena back to the system, where the allocator can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _attach(name: str, size: int) -> mmap.mmap:
    """Map a segment created by the GUI process, without the resource tracker."""
    if sys.platform == "win32":
        return mmap.mmap(-1, size, tagname=name)
    fd = os.open(f"/dev/shm/{name.lstrip('/')}", os.O_RDWR)
    try:
        return mmap.mmap(fd, size)
    finally:
        os.close(fd)


@dataclass
class _Stream:
    segment: mmap.mmap
    name: str
    slot_bytes: int
    size: tuple[int, int]
    masker: Masker
    view: View | None
    skip: bool
    specs: dict[int, DecoderSpec]
    ctx: Any = None
    spec_number: int = 0
    slot: int = 0
    consumed: int = 0
    decoded: int = 0
    errors: int = 0
    last: Any = None  # the last decoded picture to show in this batch
    sent: bool = False  # a picture of this batch was delivered as soon as decoded
    snaps: list[int] | None = None
    converter: Any = None
    extra: Any = None
    seconds_per_tick: float = 0.0
    fit: bool = True
    kept: dict[int, Any] = field(default_factory=dict)  # reverse replay: pts -> (image, frame)
    kept_gop: int = -1
    # read here (``read``): what the GUI process would have filtered before sending
    visible: bool = True
    paused: bool = False
    urgent: bool = False  # a maximised or alarmed tile's stream: decoded first
    fast: bool = False  # its reader's packets go by the fast lane (set by the reader)
    epoch: int = 0  # bumped by the reader when it takes the fast lane: older packets drop
    need_key: bool = True
    reader: _Reader | None = None
    r_in: int = 0  # packets the reader demuxed
    r_sent: int = 0  # ... handed to the main loop by the inbox
    r_done: int = 0  # ... taken from there by it
    f_sent: int = 0  # ... handed by the fast lane
    f_done: int = 0  # ... taken from there
    dropped: int = 0  # ... thrown away (hidden, paused, keyframes only, behind)
    arrived: float = 0.0  # when the main loop took the stream's last packet
    held: tuple[int, Any, bool] | None = None  # (spec number, packet, flush) awaiting its pair
    held_at: float = 0.0
    unsaid: tuple[Any, ...] | None = None  # the second picture of a pair: in its slot, unsaid
    unsaid_at: float = 0.0


def decoder_main(commands: Connection, results: Connection) -> None:  # pragma: no cover
    """The decoder process (spawned): reads commands and packets, writes frames."""
    # Experiments: the readers' and the pacer's threads hand packets to the main loop in
    # bursts when they wait for the interpreter lock (Python's 5 ms switch interval), and a
    # batch holding two packets of a stream shows only its last picture. 1 ms helped files
    # (128 paced files: 25 fps a tile instead of 16-22) but not 128 RTSP readers (one run
    # each on a loaded machine): not the default until measured on a quiet one.
    switch = os.environ.get("CSU_WALL_DECODER_SWITCH")
    if switch:
        sys.setswitchinterval(float(switch))
    _Child(commands, results).run()


class _Child:  # pragma: no cover - runs in the decoder process
    """The decoder process's state: its streams, its load figures, the results of a batch."""

    def __init__(self, commands: Connection, results: Connection) -> None:
        self.commands, self.results = commands, results
        self.make_decoder = make_decoder
        # one for every stream: streams of one geometry share its swscale context
        self.converter = Converter(keep=CONVERTER_GEOMETRIES)
        # the pipe's batches (its own thread) and the readers' packets and words, in order
        self.inbox: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        # the urgent streams' packets: taken before the inbox's next item, whatever waits
        # there (a "fast" word in the inbox wakes the main loop for them)
        self.fast: collections.deque[tuple[Any, ...]] = collections.deque()
        self.spec_numbers = itertools.count(1_000_000)  # apart from the GUI process's numbers
        self.pump: Any = None  # made with the first real-time file read here
        self.batch = int(os.environ.get("CSU_WALL_DECODER_BATCH", BATCH_ITEMS))
        self.streams: dict[int, _Stream] = {}
        self.drops = 0
        self.max_lag = 0.0
        self.behind = 0.0  # how long the last packet decoded waited (read by the readers)
        self.behind_s = float(os.environ.get("CSU_WALL_DECODER_BEHIND", BEHIND_S))
        self.last_load = time.monotonic()
        self.trim_at = 0.0  # when to give free memory back (0: nothing to give)
        self.out: list[tuple[Any, ...]] = []  # results of one batch, sent together
        self.sent_at = time.monotonic()  # when results were last sent
        self.touched: dict[int, _Stream] = {}
        self.now = 0.0
        # decoding in pairs: "auto" (under load), "on" or "off"
        self.pairs = os.environ.get("CSU_WALL_DECODER_PAIRS", "auto")
        self.pairing = self.pairs == "on"
        self.pending: dict[int, _Stream] = {}  # streams holding a packet or an unsaid picture
        self.pending_due = 0.0  # the first instant one of them may be due
        self.paired = 0  # pictures decoded in pairs (said with the load)
        self.load_cpu = time.process_time()
        self.handlers: dict[str, Callable[[tuple[Any, ...]], None]] = {
                         "pkt": self.on_packet, "spec": self.on_spec, "open": self.on_open,
                         "shm": self.on_shm, "size": self.on_setting, "view": self.on_setting,
                         "fit": self.on_setting, "skip": self.on_setting,
                         "snap": self.on_setting, "close": self.on_close,
                         "gop": self.on_gop, "show": self.on_show,
                         "vis": self.on_setting, "pause": self.on_setting,
                         "urgent": self.on_setting, "fast": self.on_fast,
                         "read": self.on_read, "rstop": self.on_read_stop,
                         "rpkt": self.on_reader_packet, "rspec": self.on_reader_spec,
                         "emit": self.on_emit}

    def _pipe(self) -> None:
        while True:
            try:
                batch = self.commands.recv()
            except (EOFError, OSError):
                self.inbox.put(("eof",))
                return
            self.inbox.put(("batch", batch))

    def run(self) -> None:
        threading.Thread(target=self._pipe, name="csu-decoder-pipe", daemon=True).start()
        held: tuple[Any, ...] | None = None  # taken from the inbox, for the next turn
        while True:
            if held is not None:
                item, held = held, None
            else:
                try:
                    item = self.inbox.get(timeout=LOAD_EVERY_S if not self.pending else
                                          max(0.001, min(LOAD_EVERY_S, self.pending_due
                                                         - time.monotonic())))
                except queue.Empty:
                    if self.pending:  # held packets and unsaid pictures whose time came
                        self.touched = {}
                        self.now = time.monotonic()
                        self.on_time()
                        self.finish_batch()
                        continue
                    self.results.send([self.load()])
                    self.trim_if_due()
                    continue
            self.touched = {}
            self.now = time.monotonic()
            if self.pending and self.now >= self.pending_due:
                self.on_time()
            self.on_fast()
            if item[0] == "eof":
                self.stop_readers()
                return
            if item[0] == "batch":  # one batch of the sender at a time, as it was sent
                if not self.handle(item[1]):
                    return
                self.finish_batch()
                continue
            # the readers' items waiting now, said in one send; up to the sender's next batch,
            # or a second picture of a stream (each decoded picture is shown: none replaced
            # unseen by the next one of the same turn)
            taken = 0
            while True:
                if taken:
                    self.on_fast()
                handler = self.handlers.get(item[0])
                if handler is not None:
                    handler(item)
                if self.out and time.monotonic() - self.sent_at >= SEND_EVERY_S:
                    self.send()
                taken += 1
                if taken >= self.batch:
                    break
                try:
                    item = self.inbox.get_nowait()
                except queue.Empty:
                    break
                if item[0] in ("batch", "eof") or (
                        item[0] == "rpkt" and (s := self.touched.get(item[1])) is not None
                        and (s.last is not None or s.sent)):
                    held = item
                    break
            self.finish_batch()

    def handle(self, messages: list[tuple[Any, ...]]) -> bool:
        """The messages of one batch of the sender; False on "quit" (then said and done)."""
        for message in messages:
            if message[0] == "quit":
                self.stop_readers()
                if self.out:
                    self.results.send(self.out)
                return False
            handler = self.handlers.get(message[0])
            if handler is not None:
                handler(message)
        return True

    def stop_readers(self) -> None:
        for s in self.streams.values():
            if s.reader is not None:
                s.reader.halt()

    def finish_batch(self) -> None:
        for key, s in self.touched.items():
            if s.last is not None:
                self.deliver(key, s)
            elif s.sent:
                s.sent = False
            else:  # nothing to show yet: say what was taken (the backpressure count)
                self.out.append(("frame", key, s.name, -1, 0, 0, None, 0, 0, False,
                                 s.consumed, s.decoded, s.errors, s.dropped, s.r_in))
        if time.monotonic() - self.last_load >= LOAD_EVERY_S:
            self.out.append(self.load())
        self.send()
        self.trim_if_due()

    def send(self) -> None:
        """What this process has to say, in one message (unless it is nothing)."""
        if self.out:
            self.results.send(self.out)
            self.out = []
            self.sent_at = time.monotonic()

    def load(self) -> tuple[Any, ...]:
        """What the GUI process hears of this process's load; under load (or no longer),
        decoding in pairs starts (or stops)."""
        now, cpu = time.monotonic(), time.process_time()
        share = (cpu - self.load_cpu) / max(1e-3, now - self.last_load)
        if self.pairs == "auto":
            if share >= PAIR_FROM:
                self.pairing = True
            elif share < PAIR_UNTIL:
                self.pairing = False
        self.load_cpu, self.last_load = cpu, now
        lag, self.max_lag = self.max_lag, 0.0
        return ("load", cpu, self.drops, lag, self.paired)

    def trim_soon(self) -> None:
        """A connection was probed or a stream closed (any thread): free memory goes back
        once the openings and closings have settled (one trim after a layout opens)."""
        self.trim_at = time.monotonic() + TRIM_AFTER_S

    def trim_if_due(self) -> None:
        if self.trim_at and time.monotonic() >= self.trim_at:
            self.trim_at = 0.0
            _give_back_free_memory()

    # -- pictures --------------------------------------------------------------------------

    def size(self, s: _Stream, frame: Any) -> tuple[int, int]:
        """The picture's size in the tile (fitted unless the tile stretches it)."""
        width, height = s.size
        if s.fit:  # aspect kept: the picture fits in the tile, which centres it
            crop = (frame.width, frame.height) if s.view is None else _view_size(frame, s.view)
            width, height = fit_size(crop[0], crop[1], width, height)
        return width, height

    def image(self, s: _Stream, frame: Any) -> np.ndarray:
        """The picture at the tile's size (fitted), zoomed and masked, in BGRA."""
        width, height = self.size(s, frame)
        if s.view is None:
            image: np.ndarray = s.converter.to_bgra(frame, width, height)
            if s.masker:
                s.masker.apply(image)
            return image
        if s.extra is None:
            s.extra = VideoReformatter()
        return zoomed_bgra(frame, s.view, tile_width(width), max(2, int(height)),
                           s.masker.masks, s.extra)

    def post(self, key: int, s: _Stream, frame: Any, image: np.ndarray | None = None,
             say: bool = True) -> float | None:
        """``image`` into the next slot of the stream's memory, and said (or, with ``say``
        False, kept unsaid until its turn: :meth:`on_time`, or the stream's next packet).
        Without ``image``, ``frame`` itself: unzoomed, it is converted straight into the
        slot and masked there, before the slot is said (``Converter.into``)."""
        if image is None and s.view is not None:  # zoomed: cropped on its own path
            image = self.image(s, frame)
        if image is None:
            w, h = self.size(s, frame)
            w, h = tile_width(w), max(2, int(h))
        else:
            h, w = image.shape[0], image.shape[1]
        slot = -1
        if h * w * 4 <= s.slot_bytes:
            s.slot = (s.slot + 1) % SLOTS
            slot = s.slot
            target = np.ndarray((h, w, 4), dtype=np.uint8, buffer=s.segment,
                                offset=slot * s.slot_bytes)
            if image is None:
                s.converter.into(frame, target)
                if s.masker:
                    s.masker.apply(target)
            else:
                target[...] = image
        pts = frame.pts * s.seconds_per_tick if frame.pts is not None and \
            s.seconds_per_tick else None
        said = ("frame", key, s.name, slot, w, h, pts, frame.width, frame.height,
                bool(frame.key_frame), s.consumed, s.decoded, s.errors, s.dropped, s.r_in)
        if say:
            self.out.append(said)
        else:
            s.unsaid, s.unsaid_at = said, self.now + PAIR_WAIT_S
            self.wait_for(key, s, s.unsaid_at)
        return pts

    def deliver(self, key: int, s: _Stream) -> None:
        frame, s.last = s.last, None
        pts = self.post(key, s, frame)
        if s.snaps:
            if s.extra is None:
                s.extra = VideoReformatter()
            full = full_bgra(frame, s.masker.masks, s.extra)
            for number in s.snaps:
                self.out.append(("snap", key, number, full.tobytes(), full.shape[1],
                                 full.shape[0], pts, bool(frame.key_frame)))
            s.snaps = None

    def codec(self, s: _Stream, number: int, flush: bool) -> Any:
        spec = s.specs.get(number)
        if spec is None:
            return None
        if s.ctx is None or number != s.spec_number:
            s.ctx = self.make_decoder(spec)
            s.spec_number = number
            s.seconds_per_tick = float(spec.time_base) if spec.time_base else 0.0
            s.ctx.skip_frame = "NONKEY" if s.skip else "DEFAULT"
        elif flush:
            s.ctx.flush_buffers()
        return s.ctx

    def decode(self, s: _Stream, number: int, data: bytes, pts: int | None, show: bool,
               flush: bool) -> None:
        ctx = self.codec(s, number, flush)
        if ctx is None:
            return
        if isinstance(data, av.Packet):  # demuxed here by the stream's reader
            packet = data
        else:
            packet = av.Packet(data)
            packet.pts = pts
        try:
            frames = ctx.decode(packet)
        except (av.error.FFmpegError, ValueError):
            s.errors += 1
            return
        if frames:
            s.decoded += len(frames)
            if show:
                s.last = frames[-1]

    # -- messages --------------------------------------------------------------------------

    def on_packet(self, message: tuple[Any, ...]) -> None:
        _, key, number, data, pts, _is_key, show, flush, queued = message
        s = self.streams.get(key)
        if s is None:
            return
        s.consumed += 1
        self.max_lag = max(self.max_lag, self.now - queued)
        self.decode(s, number, data, pts, show, flush)
        self.touched[key] = s

    def on_gop(self, message: tuple[Any, ...]) -> None:
        """Reverse replay: every picture of a GOP decoded, converted and kept by pts (at most
        ``gop_capacity``; beyond, keyframes only), replacing the previous GOP's."""
        _, key, number, gop, packets, queued = message
        s = self.streams.get(key)
        if s is None:
            return
        s.consumed += len(packets)
        self.max_lag = max(self.max_lag, self.now - queued)
        self.touched[key] = s
        ctx = self.codec(s, number, flush=True)
        if ctx is None:
            s.kept, s.kept_gop = {}, gop
            self.out.append(("kept", key, gop))  # nothing to show: the reader goes on
            return
        ctx.skip_frame = "DEFAULT"
        pictures: list[Any] = []
        for data, pts in [*packets, (None, None)]:
            packet = None
            if data is not None:
                packet = av.Packet(data)
                packet.pts = pts
            try:
                pictures += ctx.decode(packet)
            except (av.error.FFmpegError, ValueError, EOFError):
                s.errors += 1
        ctx.flush_buffers()  # drained: ready for the next GOP
        ctx.skip_frame = "NONKEY" if s.skip else "DEFAULT"
        s.decoded += len(pictures)
        room = gop_capacity(s.size)
        s.kept, s.kept_gop = {}, gop
        for frame in pictures:
            if frame.pts is not None and (len(s.kept) < room or frame.key_frame):
                s.kept[frame.pts] = (self.image(s, frame), frame)
        self.out.append(("kept", key, gop))

    def on_show(self, message: tuple[Any, ...]) -> None:
        _, key, gop, pts = message
        s = self.streams.get(key)
        if s is None or gop != s.kept_gop or pts not in s.kept:
            return
        image, frame = s.kept[pts]
        self.post(key, s, frame, image)
        self.touched.pop(key, None)  # said by this frame

    def on_spec(self, message: tuple[Any, ...]) -> None:
        _, key, number, codec, extradata, width, height, tb = message
        s = self.streams.get(key)
        if s is not None:
            s.specs[number] = DecoderSpec(codec, extradata, width, height,
                                          Fraction(*tb) if tb else None)
            for old in [n for n in s.specs if n < number - 4]:
                del s.specs[old]

    def on_open(self, message: tuple[Any, ...]) -> None:
        _, key, name, slot_bytes, size, masks, view, skip = message
        old_stream = self.streams.pop(key, None)
        if old_stream is not None:
            if old_stream.reader is not None:
                old_stream.reader.halt()
            old_stream.segment.close()
        try:
            segment = _attach(name, slot_bytes * SLOTS)
        except OSError:  # closed before this process got to it: nothing to do
            return
        self.streams[key] = _Stream(segment, name, slot_bytes, size, Masker(tuple(masks)),
                                    view, skip, {}, converter=self.converter)

    def on_shm(self, message: tuple[Any, ...]) -> None:
        _, key, name, slot_bytes = message
        s = self.streams.get(key)
        if s is None:
            return
        try:
            segment = _attach(name, slot_bytes * SLOTS)
        except OSError:  # the stream was closed meanwhile
            self.streams.pop(key, None)
            s.segment.close()
            return
        s.segment.close()
        s.segment = segment
        s.name = name
        s.slot_bytes = slot_bytes

    def on_setting(self, message: tuple[Any, ...]) -> None:
        kind, key, value = message[0], message[1], message[2]
        s = self.streams.get(key)
        if s is None:
            return
        was_skip = s.skip
        if kind == "size":
            s.size = value
        elif kind == "view":
            s.view = value
        elif kind == "fit":
            s.fit = value
        elif kind == "skip":
            s.skip = value
            if s.ctx is not None:
                s.ctx.skip_frame = "NONKEY" if s.skip else "DEFAULT"
        elif kind == "snap":
            s.snaps = (s.snaps or []) + [value]
        elif kind == "vis":  # shown again, resumed, all frames again: from a keyframe
            s.need_key = s.need_key or (value and not s.visible)
            s.visible = value
        elif kind == "pause":
            s.need_key = s.need_key or (s.paused and not value)
            s.paused = value
        elif kind == "urgent":
            s.urgent = value
        if kind == "skip" and was_skip and not value:
            s.need_key = True
        if (kind == "pause" and value) or (kind == "vis" and not value):
            # held at the instant it was paused or hidden: a packet waiting for its pair is
            # dropped (it resumes from a keyframe), the picture in its slot is said now
            s.held = None
            if s.unsaid is not None:
                self.touched[key] = s
                self.say_unsaid(s)

    def on_close(self, message: tuple[Any, ...]) -> None:
        s = self.streams.pop(message[1], None)
        self.touched.pop(message[1], None)
        if s is not None:
            if s.reader is not None:
                s.reader.halt()
            s.segment.close()
            self.trim_soon()

    # -- streams read here ------------------------------------------------------------------

    def on_read(self, message: tuple[Any, ...]) -> None:
        _, key, conn, url, fmt, options, open_timeout, read_timeout, how = message
        s = self.streams.get(key)
        if s is None:
            return
        if s.reader is not None:
            s.reader.halt()
        s.reader = _Reader(self, key, conn, url, fmt, options, open_timeout, read_timeout,
                           how)
        s.reader.thread.start()

    def file_pump(self) -> Any:
        """One thread pacing every real-time file read here (csu_wall/media/pacer.py)."""
        if self.pump is None:
            from csu_wall.media.pacer import FilePump

            self.pump = FilePump(name="csu-decoder-pacer")
        return self.pump

    def on_read_stop(self, message: tuple[Any, ...]) -> None:
        s = self.streams.get(message[1])
        if s is not None and s.reader is not None and s.reader.conn == message[2]:
            s.reader.halt()
            s.reader = None

    def on_reader_spec(self, message: tuple[Any, ...]) -> None:
        _, key, number, spec = message
        s = self.streams.get(key)
        if s is not None:
            s.specs[number] = spec
            for old in [n for n in s.specs if n < number - 4]:
                del s.specs[old]

    def on_fast(self, _message: tuple[Any, ...] | None = None) -> None:
        """The urgent streams' packets waiting now, before anything else."""
        fast = self.fast
        if not fast:
            return
        while fast:
            self.on_reader_packet(fast.popleft())
        self.send()  # an urgent stream's picture waits for nothing

    def on_reader_packet(self, message: tuple[Any, ...]) -> None:
        _, key, number, packet, flush, queued, epoch, fast = message
        s = self.streams.get(key)
        if s is None:
            return
        if fast:
            s.f_done += 1
        else:
            s.r_done += 1
        if epoch != s.epoch:  # sent before the stream took the fast lane: decoded there
            s.dropped += 1
            return
        lag = self.now - queued
        if not fast:  # the urgent ones jump the queue: they do not say how long it is
            self.behind = lag
        self.max_lag = max(self.max_lag, lag)
        self.touched[key] = s
        since, s.arrived = self.now - s.arrived, self.now
        if s.held is not None:  # the first of a pair: decoded now, this one right after it
            first = self.decode_held(key, s)
            if not fast:
                self.decode(s, number, packet, None, True, flush)
                if s.last is not None:
                    self.paired += 1 + first
                    frame, s.last = s.last, None
                    # said at its turn, unless it is the pair's only picture
                    self.post(key, s, frame, say=not first)
                    s.sent = True
                return
        elif s.unsaid is not None:
            # the last pair's second picture is said now, in this packet's turn; this packet
            # waits for its own pair (decoded and said now, it would come with that picture)
            self.say_unsaid(s)
            if not fast:
                self.hold(key, s, (number, packet, flush))
                return
        elif self.pairing and not fast and not s.urgent and not s.skip \
                and since < PAIR_WITHIN_S:
            self.hold(key, s, (number, packet, flush))
            return
        self.decode(s, number, packet, None, True, flush)
        if s.last is not None:
            # converted now, while the decoded picture is still in this core's cache (after
            # the batch's other decodes it would be read back from memory); the batch ends
            # before a second picture of the stream, so none is converted unseen
            self.deliver(key, s)
            s.sent = True

    def hold(self, key: int, s: _Stream, packet: tuple[int, Any, bool]) -> None:
        """A packet that waits for the stream's next one (decoded as a pair)."""
        s.held, s.held_at = packet, self.now
        self.wait_for(key, s, self.now + PAIR_WAIT_S)

    def wait_for(self, key: int, s: _Stream, due: float) -> None:
        if not self.pending or due < self.pending_due:
            self.pending_due = due
        self.pending[key] = s

    def decode_held(self, key: int, s: _Stream) -> bool:
        """The packet a stream held for its pair, decoded now and its picture said; False
        when it gave no picture."""
        held, s.held = s.held, None
        if held is None:
            return False
        self.decode(s, held[0], held[1], None, True, held[2])
        if s.last is None:
            return False
        self.deliver(key, s)
        s.sent = True
        return True

    def say_unsaid(self, s: _Stream) -> None:
        said, s.unsaid = s.unsaid, None
        if said is not None:
            self.out.append(said)
            s.sent = True  # said: nothing more to say for it in this batch

    def on_time(self) -> None:
        """Held packets whose pair did not come in time are decoded alone, and unsaid
        pictures whose turn passed (no packet after them) are said."""
        now, due = self.now, self.now + PAIR_WAIT_S
        for key, s in list(self.pending.items()):
            if self.streams.get(key) is not s:  # closed or replaced meanwhile
                del self.pending[key]
                continue
            if s.held is not None:
                if now - s.held_at >= PAIR_WAIT_S:
                    self.touched[key] = s
                    self.decode_held(key, s)
                else:
                    due = min(due, s.held_at + PAIR_WAIT_S)
            if s.unsaid is not None:
                if now >= s.unsaid_at:
                    self.touched[key] = s
                    self.say_unsaid(s)
                else:
                    due = min(due, s.unsaid_at)
            if s.held is None and s.unsaid is None:
                del self.pending[key]
        self.pending_due = due

    def on_emit(self, message: tuple[Any, ...]) -> None:
        self.out.append(message[1])


class _Reader:  # pragma: no cover - runs in the decoder process
    """One stream's connection (a live RTSP stream, or a local file played in real time),
    read in this process: the GUI process's session (the gate, the backoff, the tile's
    states) decides when it starts and what its end means."""

    def __init__(self, child: _Child, key: int, conn: int, url: str, fmt: str | None,
                 options: dict[str, str], open_timeout: float, read_timeout: float,
                 how: dict[str, bool]) -> None:
        self.child, self.key, self.conn = child, key, conn
        self.url, self.fmt, self.options = url, fmt, options
        self.open_timeout, self.read_timeout = open_timeout, read_timeout
        self.file = how.get("file", False)
        self.realtime = how.get("realtime", False)
        self.loop = how.get("loop", False)
        self.job: Any = None  # the file being paced by the process's pump
        self.stop = threading.Event()
        self.last = time.monotonic()  # the last packet (or the probing's start)
        self.watching = False
        self.tripped = False
        self.thread = threading.Thread(target=self.run, name=f"csu-reader-{key}", daemon=True)

    def halt(self) -> None:
        self.stop.set()
        job = self.job
        if job is not None:
            self.child.file_pump().cancel(job)

    def overdue(self) -> bool:
        """The stall watchdog (csu_wall/media/session.py's, polled by FFmpeg the same way)."""
        if not self.watching:
            return False
        if not self.tripped and time.monotonic() - self.last >= self.read_timeout:
            self.tripped = True
        return self.tripped

    def say(self, *words: Any) -> None:
        if not self.stop.is_set():
            self.child.inbox.put(("emit", ("rd", self.key, self.conn, *words)))

    def run(self) -> None:
        from urllib.parse import unquote, urlsplit

        from csu_wall.media import _interrupt
        from csu_wall.media.redact import register_secret, route_ffmpeg_logs

        route_ffmpeg_logs()
        _interrupt.install()
        password = urlsplit(self.url).password
        if password:
            register_secret(unquote(password))
        _interrupt.register(self.stop, None if self.file else self.overdue)
        try:
            self.read()
        except Exception as exc:  # last resort: said like any failure
            self.fail("failed", exc, time.monotonic() - self.last)
        finally:
            _interrupt.unregister()
            # always, once the connection is closed: the session frees its gate slot then
            self.child.inbox.put(("emit", ("rd", self.key, self.conn, "gone")))

    def fail(self, word: str, exc: BaseException, silent: float,
             timed_out: bool = False) -> None:
        from csu_wall.core.errors import RecorderAuthError, RecorderUnreachable
        from csu_wall.media import _errors

        err = _errors.translate(exc, timed_out=timed_out)
        kind = ("auth" if isinstance(err, RecorderAuthError)
                else "unreachable" if isinstance(err, RecorderUnreachable) else "stream")
        self.say(word, kind, str(err), _errors.describe(exc), silent)

    def read(self) -> None:
        started = time.monotonic()
        try:
            if self.file:
                container = av.open(self.url, mode="r", format=self.fmt, options=self.options)
            else:
                container = av.open(self.url, mode="r", format=self.fmt, options=self.options,
                                    timeout=(self.open_timeout, self.read_timeout))
        except Exception as exc:
            if not self.stop.is_set():
                timed_out = time.monotonic() - started >= 0.9 * self.open_timeout
                self.fail("open_failed", exc, 0.0, timed_out)
            return
        failure: Exception | None = None
        outcome = "stopped"
        try:
            outcome = self.pump(container, started)
        except Exception as exc:
            failure = exc
        silent = time.monotonic() - self.last
        container.close()  # before the end is said: the recorder sees it closed first
        if failure is not None:
            self.fail("failed", failure, silent)
        else:
            self.say("ended", outcome, silent)

    def pump(self, container: Any, started: float) -> str:
        from csu_wall.core.errors import StreamError
        from csu_wall.media import _errors

        if not container.streams.video:
            raise StreamError(_errors.MSG_NO_VIDEO)
        stream = container.streams.video[0]
        spec = DecoderSpec.of(stream)
        number = next(self.child.spec_numbers)
        self.child.inbox.put(("rspec", self.key, number, spec))
        self.say("opened")
        self.child.trim_soon()  # what the probing freed
        s = self.child.streams.get(self.key)
        if s is not None:
            s.need_key = True
        # probing decoded nothing: silent since (at most) the probing's start
        self.last = time.monotonic() if spec.width or self.file else started
        self.tripped = False
        self.watching = not self.file
        if self.file and self.realtime:
            return self.paced(container, stream, number)
        while True:
            for packet in container.demux(stream):
                if self.stop.is_set():
                    return "stopped"
                if packet.size == 0:
                    continue
                if self.tripped:  # held back by FFmpeg, handed on when interrupted
                    raise StreamError("stalled: no packet within the read timeout")
                if not self.hand(number, packet):
                    return "stopped"
            if self.stop.is_set():
                return "stopped"
            if not self.file:
                return "ended"
            if not self.loop:
                return "file-end"
            container.seek(0)

    def paced(self, container: Any, stream: Any, number: int) -> str:
        """A real-time file: played by the process's one pacing thread, waited for here."""
        from csu_wall.core.ports import SystemClock
        from csu_wall.media.pacer import PacedFile, Pacer

        pump = self.child.file_pump()

        def push(packet: av.Packet) -> None:
            if not self.hand(number, packet):
                self.halt()

        job = PacedFile(container, stream, Pacer(SystemClock(), self.stop, stream), self.loop,
                        push)
        self.job = job
        pump.play(job)
        if self.stop.is_set():  # halted before the job was known
            pump.cancel(job)
        job.done.wait()
        self.job = None
        if job.error is not None:
            raise job.error
        return "stopped" if self.stop.is_set() else str(job.outcome)

    def hand(self, number: int, packet: av.Packet) -> bool:
        """A demuxed packet to the main loop, unless it would not be shown (hidden, paused,
        keyframes only) or decoding is behind (then on from the next keyframe, as the GUI
        process's side does); False once the stream is closed."""
        self.last = time.monotonic()
        s = self.child.streams.get(self.key)
        if s is None:
            return False
        s.r_in += 1
        is_key = bool(packet.is_keyframe)
        if not (s.visible and not s.paused and (is_key or not s.skip)) \
                and not (is_key and s.snaps and s.visible):
            s.dropped += 1
            return True
        flush = False
        if s.need_key:
            if not is_key:
                s.dropped += 1
                return True
            s.need_key, flush = False, True
        fast = self.lane(s, is_key)
        if fast and not s.fast:
            if s.r_sent != s.r_done:  # from this keyframe on: what waits in the inbox drops
                s.epoch += 1
                flush = True
            s.fast = True
        waiting = s.f_sent - s.f_done if fast else s.r_sent - s.r_done
        if waiting >= READER_INFLIGHT or (
                not fast and self.child.behind > self.child.behind_s and waiting):
            # decoding is behind (this stream's or everybody's): skip ahead
            s.dropped += 1
            self.child.drops += 1
            s.need_key = True
            return True
        message = ("rpkt", self.key, number, packet, flush, self.last, s.epoch, fast)
        if fast:
            s.f_sent += 1
            self.child.fast.append(message)
            self.child.inbox.put(("fast",))
        else:
            s.r_sent += 1
            self.child.inbox.put(message)
        return True

    @staticmethod
    def lane(s: _Stream, is_key: bool) -> bool:
        """True: this packet goes by the fast lane. An urgent stream takes it once nothing of
        it waits in the inbox, or at a keyframe (what waits there is then dropped: decoded
        after newer packets, it would break the picture); it leaves it at once (the main
        loop empties the fast lane before each item of the inbox, so order holds)."""
        if not s.urgent:
            s.fast = False
            return False
        return s.fast or s.r_sent == s.r_done or is_key


def _view_size(frame: Any, view: View) -> tuple[int, int]:
    x0, y0, x1, y1 = crop_rect(view, frame.width, frame.height)
    return x1 - x0, y1 - y0
