"""Decoder contexts and the one conversion from a decoded picture to a tile's BGRA image."""

from __future__ import annotations

import ctypes
import glob
import logging
import os
import re
import sys
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
import numpy as np
from av.video.reformatter import Interpolation, VideoReformatter

log = logging.getLogger(__name__)

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


class _Swscale:
    """The libswscale that PyAV bundles and has loaded, called directly: a picture scaled
    and converted straight into a buffer of ours (a tile's slot of shared memory). PyAV's
    reformatter always writes a new frame of its own, which a decoder process then copied
    into the slot: 130 KB more per frame through the cache, and a frame allocated and freed
    (measured: 110 µs of CPU a 640×360 frame instead of 121).

    The scaler is set up through its options (``av_opt_set_int``, ``sws_init_context``) and
    run with ``sws_scale``, the interface FFmpeg has kept for fifteen years. PyAV's own
    reformatter reads the frame's chroma siting, which PyAV does not expose: the siting is
    chosen by :class:`Converter` as the one whose picture equals PyAV's. Where the library
    cannot be found (another packaging of PyAV), :meth:`load` gives None and pictures go
    through PyAV."""

    _P4 = ctypes.c_void_p * 4
    _I4 = ctypes.c_int * 4

    def __init__(self, scale: ctypes.CDLL, util: ctypes.CDLL) -> None:
        vp, i = ctypes.c_void_p, ctypes.c_int
        self.alloc = scale.sws_alloc_context
        self.alloc.restype = vp
        self.alloc.argtypes = []
        self.init = scale.sws_init_context
        self.init.restype = i
        self.init.argtypes = [vp, vp, vp]
        self.scale = scale.sws_scale
        self.scale.restype = i
        self.scale.argtypes = [vp, self._P4, self._I4, i, i, self._P4, self._I4]
        self.free = scale.sws_freeContext
        self.free.restype = None
        self.free.argtypes = [vp]
        self.coefficients = scale.sws_getCoefficients
        self.coefficients.restype = vp
        self.coefficients.argtypes = [i]
        self.details = scale.sws_setColorspaceDetails
        self.details.restype = i
        self.details.argtypes = [vp, vp, i, vp, i, i, i, i]
        self.set_int = util.av_opt_set_int
        self.set_int.restype = i
        self.set_int.argtypes = [vp, ctypes.c_char_p, ctypes.c_int64, i]
        pix_fmt = util.av_get_pix_fmt
        pix_fmt.restype = i
        pix_fmt.argtypes = [ctypes.c_char_p]
        self.pix_fmt = pix_fmt
        self.bgra = pix_fmt(b"bgra")

    _loaded: _Swscale | None | bool = False

    @classmethod
    def load(cls) -> _Swscale | None:
        """The bundled library (once per process), or None."""
        if cls._loaded is False:
            cls._loaded = None
            if os.environ.get("CSU_WALL_CONVERT") == "pyav":  # to compare, or to rule out
                return None
            try:
                paths = {name: _loaded_library(name) for name in ("swscale", "avutil")}
                if all(paths.values()):
                    cls._loaded = cls(ctypes.CDLL(paths["swscale"]),
                                      ctypes.CDLL(paths["avutil"]))
            except (OSError, AttributeError) as exc:
                log.info("direct conversion unavailable, PyAV converts: %s", exc)
        return cls._loaded if isinstance(cls._loaded, _Swscale) else None

    def context(self, frame: av.VideoFrame, width: int, height: int, flags: int,
                siting: tuple[int, int]) -> int | None:
        """A scaler for ``frame``'s geometry and colours to a ``width``×``height`` BGRA
        picture, its chroma sited at ``siting`` (1/256 of a chroma sample from the top
        left; -513: swscale's default). The caller frees it with :attr:`free`."""
        source = self.pix_fmt(frame.format.name.encode("ascii"))
        if source < 0:
            return None
        ctx = self.alloc()
        if not ctx:
            return None
        options = (("srcw", frame.width), ("srch", frame.height), ("src_format", source),
                   ("dstw", width), ("dsth", height), ("dst_format", self.bgra),
                   ("sws_flags", flags), ("threads", 1), ("src_h_chr_pos", siting[0]),
                   ("src_v_chr_pos", siting[1]))
        if any(self.set_int(ctx, name.encode("ascii"), value, 0) < 0
               for name, value in options) or self.init(ctx, None, None) < 0:
            self.free(ctx)
            return None
        full_range = frame.color_range == 2 or frame.format.name.startswith("yuvj")
        space = _SWS_SPACE.get(int(frame.colorspace), _SWS_CS_DEFAULT)
        if full_range or space != _SWS_CS_DEFAULT:
            table = self.coefficients(space)
            self.details(ctx, table, int(full_range), self.coefficients(_SWS_CS_DEFAULT),
                         1, 0, 1 << 16, 1 << 16)
        return int(ctx)

    def run(self, ctx: int, frame: av.VideoFrame, target: np.ndarray) -> bool:
        planes = frame.planes
        if len(planes) > 4:
            return False
        pointers, strides = self._P4(), self._I4()
        for index, plane in enumerate(planes):
            pointers[index] = plane.buffer_ptr
            strides[index] = plane.line_size
        out = self._P4(target.ctypes.data, None, None, None)
        height = self.scale(ctx, pointers, strides, 0, frame.height, out,
                            self._I4(target.strides[0], 0, 0, 0))
        return bool(height > 0)


# chroma sitings tried, most likely first: swscale's default (what PyAV gives a frame that
# does not say), left (H.264 and H.265 decoders' default), centre, top left
_SITINGS = ((-513, -513), (0, 128), (128, 128), (0, 0))


# AVColorSpace (the frame's) to SWS_CS_* (the scaler's table): BT.709, FCC, BT.470BG,
# SMPTE 170M and 240M; anything else is read as BT.601, as swscale does by default
_SWS_CS_DEFAULT = 5
_SWS_SPACE = {1: 1, 4: 4, 5: 5, 6: 5, 7: 7}


def _loaded_library(name: str) -> str | None:
    """Where PyAV's own copy of FFmpeg's library ``name`` lies: beside the ``av`` package
    (wheels keep them in ``av.libs`` or ``av/.dylibs``, and the frozen build keeps that
    layout), else the one this process has loaded (Linux: PyAV built against the system's
    FFmpeg). Only a copy of the version PyAV reports: OpenCV's wheel bundles an FFmpeg of
    its own (another major version), loaded in the same process once ``cv2`` is imported,
    and whichever the process mapped first must not decide."""
    version = av.library_versions.get(f"lib{name}")
    candidates: list[str] = []
    base = os.path.dirname(os.path.abspath(av.__file__))
    for folder in (os.path.join(base, os.pardir, "av.libs"), os.path.join(base, ".dylibs"),
                   os.path.join(getattr(sys, "_MEIPASS", base), "av.libs")):
        candidates += sorted(glob.glob(os.path.join(folder, f"*{name}*")))
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.rstrip("\n").split(" ")[-1]
                if f"lib{name}" in os.path.basename(path) and ".so" in path:
                    candidates.append(path)
    except OSError:
        pass
    for path in dict.fromkeys(candidates):
        if version is None or _major_version(path) in (None, version[0]):
            return path
    return None


def _major_version(path: str) -> int | None:
    """The major version in a library's file name (``libswscale.so.9.5.102``, ``.so.9``,
    ``libswscale.9.dylib``, ``swscale-9.dll``; a wheel's hash such as ``-88e9f973`` is not
    one), or None when it names none."""
    for pattern in (r"\.so\.(\d+)", r"\.(\d+)(?:\.\d+)*\.dylib$", r"-(\d+)[-.].*dll$"):
        match = re.search(pattern, os.path.basename(path))
        if match is not None:
            return int(match.group(1))
    return None


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
    a context per stream, six alternating runs).

    :meth:`into` writes the picture straight into a buffer of the caller's (a tile's slot),
    by the bundled libswscale (:class:`_Swscale`), exactly as PyAV would convert it;
    :meth:`to_bgra` into a new array; :meth:`pyav_bgra` by PyAV's reformatter, the reference
    and the way back where the direct one is not available."""

    def __init__(self, keep: int = 1, *, direct: bool = True) -> None:
        self._keep = max(1, keep)  # beyond, the least recently used context is dropped
        self._reformatters: OrderedDict[tuple[int, int, str, int, int, int],
                                        VideoReformatter] = OrderedDict()
        # :meth:`into`: scalers called directly, one per geometry (0: the direct picture
        # did not match PyAV's, this geometry goes through PyAV)
        self._swscale = _Swscale.load() if direct else None
        self._direct: OrderedDict[tuple[Any, ...], int] = OrderedDict()

    def __del__(self) -> None:
        for ctx in getattr(self, "_direct", {}).values():
            if ctx and self._swscale is not None:
                self._swscale.free(ctx)

    @property
    def direct(self) -> bool:
        """Pictures are converted straight into the caller's buffer (:meth:`into`)."""
        return self._swscale is not None

    def into(self, frame: av.VideoFrame, target: np.ndarray) -> None:
        """``frame`` at ``target``'s size in BGRA, written into ``target`` (a C-contiguous
        height × width × 4 array, width a multiple of 4) without a picture in between.

        A geometry's first picture is also converted by PyAV and compared: a library that
        does not convert as PyAV's own reformatter does (colours, another FFmpeg) leaves
        that geometry to PyAV, once and for all."""
        height, width = target.shape[0], target.shape[1]
        swscale = self._swscale
        if swscale is None:
            target[...] = self.pyav_bgra(frame, width, height)
            return
        key = (frame.width, frame.height, frame.format.name, frame.colorspace,
               frame.color_range, width, height)
        ctx = self._direct.get(key)
        if ctx is None:  # the check writes the picture, whichever way is kept
            self._direct[key] = self._checked(swscale, frame, target)
            if len(self._direct) > self._keep:
                dropped = self._direct.popitem(last=False)[1]
                if dropped:
                    swscale.free(dropped)
            return
        if len(self._direct) > 1:
            self._direct.move_to_end(key)
        if not ctx or not swscale.run(ctx, frame, target):
            target[...] = self.pyav_bgra(frame, width, height)

    def _checked(self, swscale: _Swscale, frame: av.VideoFrame, target: np.ndarray) -> int:
        """A direct scaler for this geometry whose picture is PyAV's, else 0."""
        height, width = target.shape[0], target.shape[1]
        expected = self.pyav_bgra(frame, width, height)
        best: tuple[float, int] | None = None
        for siting in _SITINGS:
            ctx = swscale.context(frame, width, height, int(_flags(frame)), siting)
            if ctx is None:
                continue
            error = 255.0
            if swscale.run(ctx, frame, target) and int(target[..., 3].min()) == 255:
                error = float(np.abs(target.astype(np.int16)
                                     - expected.astype(np.int16)).mean())
            if best is None or error < best[0]:
                if best is not None:
                    swscale.free(best[1])
                best = (error, ctx)
            else:
                swscale.free(ctx)
            if error == 0.0:
                break
        target[...] = expected
        # a siting PyAV's frame does not say (another decoder) is half a chroma sample off:
        # about 2 levels of 255 on noise; a wrong table, stride or format is off by tens
        if best is not None and best[0] <= 4.0:
            return best[1]
        if best is not None:
            swscale.free(best[1])
            log.warning("direct conversion differs from PyAV's (mean %.1f levels): PyAV "
                        "converts %dx%d %s", best[0], frame.width, frame.height,
                        frame.format.name)
        return 0

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
        """``frame`` as a new ``width``×``height`` BGRA picture (:meth:`into` a new array)."""
        image = np.empty((max(2, int(height)), tile_width(width), 4), dtype=np.uint8)
        self.into(frame, image)
        return image

    def pyav_bgra(self, frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
        """The same picture by PyAV's reformatter (a frame of its own, then an array)."""
        width = tile_width(width)
        height = max(2, int(height))
        image: np.ndarray = self._reformatter(frame, width, height).reformat(
            frame, width=width, height=height, format="bgra", interpolation=_flags(frame),
            threads=1).to_ndarray()
        if not image.flags["C_CONTIGUOUS"] or not image.flags["WRITEABLE"]:
            image = np.ascontiguousarray(image).copy()
        return image


def _flags(frame: av.VideoFrame) -> Interpolation:
    return (Interpolation.FAST_BILINEAR if frame.width >= _FAST_SCALE_WIDTH
            else Interpolation.AREA)


# Reverse replay: the pictures of one GOP are decoded ahead, converted to the tile's size, and
# kept beside the tile's newest-frame slot until shown (newest first). Bounded in pictures and
# in bytes; a GOP longer than that is shown by its keyframe alone (the reader says so).
GOP_MAX_FRAMES = 250  # 10 s at 25 fps
GOP_MAX_BYTES = 64 * 2**20  # 64 MiB of tile-sized BGRA pictures per tile


def gop_capacity(size: tuple[int, int]) -> int:
    """How many pictures of a tile of ``size`` the reverse buffer keeps."""
    per = max(1, tile_width(size[0]) * max(2, int(size[1])) * 4)
    return max(1, min(GOP_MAX_FRAMES, GOP_MAX_BYTES // per))
