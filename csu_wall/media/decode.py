"""Decoder contexts and the one conversion from a decoded picture to a tile's BGRA image."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np
from av.video.reformatter import Interpolation, VideoReformatter

# Sources at least this wide are scaled with FAST_BILINEAR (measured: 0.69 ms
# instead of 1.1-1.6 ms for 1080p); the difference is invisible once shrunk to a tile.
_FAST_SCALE_WIDTH = 1280


@dataclass(frozen=True, eq=False)
class DecoderSpec:
    """What a worker needs to build a decoder for one connection's video stream.
    Compared by identity: each (re)connection makes a new one, hence a fresh decoder."""

    codec: str
    extradata: bytes | None
    width: int
    height: int
    time_base: Fraction | None

    @staticmethod
    def of(stream: av.video.stream.VideoStream) -> DecoderSpec:
        cc = stream.codec_context
        return DecoderSpec(codec=cc.name, extradata=cc.extradata, width=cc.width,
                           height=cc.height, time_base=stream.time_base)


def make_decoder(spec: DecoderSpec) -> av.VideoCodecContext:
    """A decoder of our own (not the demuxer's): one thread, no frame threading — with more
    streams than cores, frame threading costs 8-35 % more CPU per frame (measured)."""
    ctx = av.CodecContext.create(spec.codec, "r")
    if not isinstance(ctx, av.VideoCodecContext):
        raise ValueError(f"not a video codec: {spec.codec}")
    if spec.extradata:
        ctx.extradata = spec.extradata
    if spec.width and spec.height:
        ctx.width = spec.width
        ctx.height = spec.height
    ctx.thread_count = 1
    ctx.thread_type = "NONE"
    return ctx


def fit_size(source_w: int, source_h: int, box_w: int, box_h: int) -> tuple[int, int]:
    """The largest size with the source's aspect ratio inside the box (letterbox: the tile
    centres it), width a multiple of 4. A street camera's circle stays a circle."""
    if source_w <= 0 or source_h <= 0:
        return tile_width(box_w), max(2, int(box_h))
    scale = min(box_w / source_w, box_h / source_h)
    width = tile_width(min(box_w, int(round(source_w * scale))))
    height = max(2, min(int(box_h), int(round(source_h * scale))))
    return width, height


def tile_width(width: int) -> int:
    """Widths are kept multiples of 4 so BGRA rows are never padded (a QImage over a
    padded array paints nothing, without an error)."""
    return max(4, int(width) - int(width) % 4)


class Converter:
    """Scale and convert to BGRA in ONE swscale pass: each PyAV call drops and retakes the GIL,
    and with a hundred streams every retake may wait. Measured here (CPU per frame, error
    against an area-filtered reference): 640×360 → 240×135 one pass AREA 115 µs / 13.7, one
    pass BILINEAR 150 µs / 19.7, scale-then-convert BILINEAR 132 µs / 30.9. Sources of 1280 px
    and more use FAST_BILINEAR (1080p: 329 µs against 621 µs for AREA; the difference is
    invisible once shrunk to a tile). The reformatter is kept so its swscale context is
    reused.

    One converter may serve every stream of a thread (a decoder process's main loop): it keeps
    a swscale context per geometry (source size, format and colorspace, tile size), the
    ``keep`` last used, so streams of the same geometry share one context whose tables stay in the
    core's cache instead of each stream's own being read back from memory (measured: 90
    streams decoded and converted in turn, 308 µs of CPU a frame shared against 326 µs with
    a context per stream, six alternating runs)."""

    def __init__(self, keep: int = 1) -> None:
        self._keep = max(1, keep)  # beyond, the least recently used context is dropped
        self._reformatters: OrderedDict[tuple[int, int, str, int, int, int],
                                        VideoReformatter] = OrderedDict()

    def _reformatter(self, frame: av.VideoFrame, width: int,
                     height: int) -> VideoReformatter:
        key = (frame.width, frame.height, frame.format.name, frame.colorspace, width, height)
        kept = self._reformatters
        reformatter = kept.get(key)
        if reformatter is None:
            reformatter = kept[key] = VideoReformatter()
            if len(kept) > self._keep:
                kept.popitem(last=False)
        elif len(kept) > 1:
            kept.move_to_end(key)
        return reformatter

    def to_bgra(self, frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
        width = tile_width(width)
        height = max(2, int(height))
        interp = (Interpolation.FAST_BILINEAR if frame.width >= _FAST_SCALE_WIDTH
                  else Interpolation.AREA)
        image: np.ndarray = self._reformatter(frame, width, height).reformat(
            frame, width=width, height=height, format="bgra", interpolation=interp,
            threads=1).to_ndarray()
        if not image.flags["C_CONTIGUOUS"] or not image.flags["WRITEABLE"]:
            image = np.ascontiguousarray(image).copy()
        return image


# Reverse replay: the pictures of one GOP are decoded ahead, converted to the tile's size, and
# kept beside the tile's newest-frame slot until shown (newest first). Bounded in pictures and
# in bytes; a GOP longer than that is shown by its keyframe alone (the reader says so).
GOP_MAX_FRAMES = 250  # 10 s at 25 fps
GOP_MAX_BYTES = 64 * 2**20  # 64 MiB of tile-sized BGRA pictures per tile


def gop_capacity(size: tuple[int, int]) -> int:
    """How many pictures of a tile of ``size`` the reverse buffer keeps."""
    per = max(1, tile_width(size[0]) * max(2, int(size[1])) * 4)
    return max(1, min(GOP_MAX_FRAMES, GOP_MAX_BYTES // per))
