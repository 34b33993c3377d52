"""The decoder process's side of csu_wall/media/procpool.py: reads commands and packets from
its pipe, keeps a decoder per stream, writes finished frames into the streams' shared memory
and says which slot holds which frame (in one batch per batch of packets)."""

from __future__ import annotations

import mmap
import os
import sys
import time
from dataclasses import dataclass
from fractions import Fraction
from multiprocessing.connection import Connection
from typing import Any

import av
import numpy as np

from csu_wall.media.decode import DecoderSpec, fit_size, tile_width
from csu_wall.media.masks import Masker
from csu_wall.media.views import View

SLOTS = 3  # the newest frame, the one the GUI may still paint, and the one being written
LOAD_EVERY_S = 0.25  # a decoder process reports its CPU time this often


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
    snaps: list[int] | None = None
    converter: Any = None
    extra: Any = None
    seconds_per_tick: float = 0.0
    fit: bool = True


def decoder_main(commands: Connection, results: Connection) -> None:  # pragma: no cover
    """The decoder process (spawned): reads commands and packets, writes frames."""
    from av.video.reformatter import VideoReformatter

    from csu_wall.media.decode import Converter, make_decoder
    from csu_wall.media.views import full_bgra, zoomed_bgra

    streams: dict[int, _Stream] = {}
    drops = 0
    max_lag = 0.0
    last_load = time.monotonic()
    out: list[tuple[Any, ...]] = []  # results of one batch, sent together

    def deliver(key: int, s: _Stream) -> None:
        frame = s.last
        s.last = None
        width, height = s.size
        if s.fit:  # aspect kept: the picture fits in the tile, which centres it
            crop = (frame.width, frame.height) if s.view is None else _view_size(frame, s.view)
            width, height = fit_size(crop[0], crop[1], width, height)
        if s.view is None:
            image = s.converter.to_bgra(frame, width, height)
            if s.masker:
                s.masker.apply(image)
        else:
            if s.extra is None:
                s.extra = VideoReformatter()
            image = zoomed_bgra(frame, s.view, tile_width(width), max(2, int(height)),
                                s.masker.masks, s.extra)
        h, w = image.shape[0], image.shape[1]
        slot = -1
        if h * w * 4 <= s.slot_bytes:
            s.slot = (s.slot + 1) % SLOTS
            slot = s.slot
            target = np.ndarray((h, w, 4), dtype=np.uint8, buffer=s.segment,
                                offset=slot * s.slot_bytes)
            target[...] = image
        pts = frame.pts * s.seconds_per_tick if frame.pts is not None and \
            s.seconds_per_tick else None
        out.append(("frame", key, s.name, slot, w, h, pts, frame.width, frame.height,
                    bool(frame.key_frame), s.consumed, s.decoded, s.errors))
        if s.snaps:
            if s.extra is None:
                s.extra = VideoReformatter()
            full = full_bgra(frame, s.masker.masks, s.extra)
            for number in s.snaps:
                out.append(("snap", key, number, full.tobytes(), full.shape[1],
                            full.shape[0], pts, bool(frame.key_frame)))
            s.snaps = None

    def decode(s: _Stream, number: int, data: bytes, pts: int | None, show: bool,
               flush: bool) -> None:
        spec = s.specs.get(number)
        if spec is None:
            return
        if s.ctx is None or number != s.spec_number:
            s.ctx = make_decoder(spec)
            s.spec_number = number
            s.seconds_per_tick = float(spec.time_base) if spec.time_base else 0.0
            s.ctx.skip_frame = "NONKEY" if s.skip else "DEFAULT"
        elif flush:
            s.ctx.flush_buffers()
        packet = av.Packet(data)
        packet.pts = pts
        try:
            frames = s.ctx.decode(packet)
        except (av.error.FFmpegError, ValueError):
            s.errors += 1
            return
        if frames:
            s.decoded += len(frames)
            if show:
                s.last = frames[-1]

    while True:
        if not commands.poll(LOAD_EVERY_S):
            results.send([("load", time.process_time(), drops, max_lag)])
            max_lag = 0.0
            last_load = time.monotonic()
            continue
        batch: list[tuple[Any, ...]] = []
        try:  # one batch of the sender at a time: each picture is shown as soon as decoded
            batch.extend(commands.recv())
        except (EOFError, OSError):
            return
        touched: dict[int, _Stream] = {}
        now = time.monotonic()
        # the newest keyframe of each stream in this batch: when a stream is behind by more
        # than MAX_INFLIGHT packets, decoding starts there (what came before is dropped)
        counts: dict[int, int] = {}
        for message in batch:
            if message[0] == "pkt":
                counts[message[1]] = counts.get(message[1], 0) + 1
        for message in batch:
            kind = message[0]
            if kind == "pkt":
                _, key, number, data, pts, is_key, show, flush, queued = message
                s = streams.get(key)
                if s is None:
                    continue
                s.consumed += 1
                max_lag = max(max_lag, now - queued)
                decode(s, number, data, pts, show, flush)
                touched[key] = s
            elif kind == "spec":
                _, key, number, codec, extradata, width, height, tb = message
                s = streams.get(key)
                if s is not None:
                    s.specs[number] = DecoderSpec(codec, extradata, width, height,
                                                  Fraction(*tb) if tb else None)
                    for old in [n for n in s.specs if n < number - 4]:
                        del s.specs[old]
            elif kind == "open":
                _, key, name, slot_bytes, size, masks, view, skip = message
                old_stream = streams.pop(key, None)
                if old_stream is not None:
                    old_stream.segment.close()
                try:
                    segment = _attach(name, slot_bytes * SLOTS)
                except OSError:  # closed before this process got to it: nothing to do
                    continue
                streams[key] = _Stream(segment, name, slot_bytes, size,
                                       Masker(tuple(masks)), view, skip, {},
                                       converter=Converter())
            elif kind == "shm":
                _, key, name, slot_bytes = message
                s = streams.get(key)
                if s is not None:
                    try:
                        segment = _attach(name, slot_bytes * SLOTS)
                    except OSError:  # the stream was closed meanwhile
                        streams.pop(key, None)
                        s.segment.close()
                        continue
                    s.segment.close()
                    s.segment = segment
                    s.name = name
                    s.slot_bytes = slot_bytes
            elif kind == "size":
                s = streams.get(message[1])
                if s is not None:
                    s.size = message[2]
            elif kind == "view":
                s = streams.get(message[1])
                if s is not None:
                    s.view = message[2]
            elif kind == "fit":
                s = streams.get(message[1])
                if s is not None:
                    s.fit = message[2]
            elif kind == "skip":
                s = streams.get(message[1])
                if s is not None:
                    s.skip = message[2]
                    if s.ctx is not None:
                        s.ctx.skip_frame = "NONKEY" if s.skip else "DEFAULT"
            elif kind == "snap":
                s = streams.get(message[1])
                if s is not None:
                    s.snaps = (s.snaps or []) + [message[2]]
            elif kind == "close":
                s = streams.pop(message[1], None)
                touched.pop(message[1], None)
                if s is not None:
                    s.segment.close()
            elif kind == "quit":
                if out:
                    results.send(out)
                return
        for key, s in touched.items():
            if s.last is not None:
                deliver(key, s)
            else:  # nothing to show yet: say what was taken (the backpressure count)
                out.append(("frame", key, s.name, -1, 0, 0, None, 0, 0, False, s.consumed,
                            s.decoded, s.errors))
        if time.monotonic() - last_load >= LOAD_EVERY_S:
            out.append(("load", time.process_time(), drops, max_lag))
            max_lag = 0.0
            last_load = time.monotonic()
        if out:
            results.send(out)
            out = []


def _view_size(frame: Any, view: View) -> tuple[int, int]:
    from csu_wall.media.views import crop_rect

    x0, y0, x1, y1 = crop_rect(view, frame.width, frame.height)
    return x1 - x0, y1 - y0
