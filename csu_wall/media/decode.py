"""Decoder contexts and the one conversion from a decoded picture to a tile's BGRA image."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np
from av.video.reformatter import Interpolation, VideoReformatter

# Sources at least this wide are scaled with FAST_BILINEAR (PEERS: 0.69 ms instead of
# 1.1-1.6 ms for 1080p); the difference is invisible once shrunk to a tile.
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
    streams than cores, frame threading costs 8-35 % more CPU per frame (PEERS)."""
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


def tile_width(width: int) -> int:
    """Widths are kept multiples of 4 so BGRA rows are never padded (PEERS: a padded array
    makes QImage fail silently)."""
    return max(4, int(width) - int(width) % 4)


class Converter:
    """Scale in the source's pixel format, then convert to BGRA without scaling: the cheapest
    order measured (PEERS). Reformatters are kept so their swscale contexts are reused."""

    def __init__(self) -> None:
        self._scale = VideoReformatter()
        self._bgra = VideoReformatter()

    def to_bgra(self, frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
        width = tile_width(width)
        height = max(2, int(height))
        if (frame.width, frame.height) != (width, height):
            interp = Interpolation.FAST_BILINEAR if frame.width >= _FAST_SCALE_WIDTH else None
            frame = self._scale.reformat(frame, width=width, height=height,
                                         interpolation=interp, threads=1)
        image: np.ndarray = self._bgra.reformat(frame, format="bgra", threads=1).to_ndarray()
        if not image.flags["C_CONTIGUOUS"] or not image.flags["WRITEABLE"]:
            image = np.ascontiguousarray(image).copy()
        return image
