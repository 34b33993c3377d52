"""The one H.264 clip encoder of csu-wall (PyAV's libx264): the demo recorder's clips, the
benchmark's clips and the tests' clips (tests/rtsp) all go through :func:`encode_h264`.

Every clip: yuv420p, no B-frames, one IDR every ``gop`` frames exactly (no scene-cut IDRs),
written atomically (a temporary name in the same folder, then renamed). An Annex-B file
(``fmt="h264"``) repeats SPS/PPS before every IDR (the muxer wants no global header), so a
server can loop it or cut it anywhere at an IDR.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import av
import numpy as np

from csu_wall.core.atomic import replacing

FPS = 25
GOP = 50


def _format_of(path: Path) -> str:
    return "h264" if path.suffix in (".h264", ".264") else "mp4"


def encode_h264(path: str | Path, frames: Iterable[np.ndarray], width: int, height: int, *,
                fps: int = FPS, gop: int = GOP, fmt: str | None = None,
                pixel_format: str = "bgr24", low_latency: bool = False,
                crf: int | None = None, threads: int = 1, camera_kbps: int | None = None
                ) -> Path:
    """Encode ``frames`` (``height`` × ``width`` × 3 arrays in ``pixel_format``) to ``path``.

    ``fmt``: "mp4" or "h264" (Annex-B), by default from the suffix. ``low_latency``: baseline
    profile, zerolatency tune (one slice per frame: what an RTSP camera sends). ``crf``: x264's
    quality (its default when None). ``threads``: encoder threads (0 = x264's choice; 1 keeps
    encoding light on a loaded 2-core machine). ``camera_kbps``: encode as a camera does
    instead (main profile, CABAC, deblocking, at about this bitrate with a camera's VBV
    buffer of one second) rather than x264's ultrafast synthetic profile. Returns ``path``.
    """
    if width % 2 or height % 2:
        raise ValueError("width and height must be even (yuv420p)")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    x264 = f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes=0"
    options: dict[str, object] = {"preset": "ultrafast", "x264-params": x264}
    if camera_kbps is not None:
        rate = f"bitrate={camera_kbps}:vbv-maxrate={camera_kbps}:vbv-bufsize={camera_kbps}"
        options.update({"preset": "veryfast", "profile": "main",
                        "x264-params": f"{x264}:cabac=1:{rate}"})
    if low_latency:
        options.update(tune="zerolatency", profile="baseline")
    if crf is not None:
        options["crf"] = str(crf)
    with replacing(path, mode=None) as tmp:
        with av.open(str(tmp), mode="w", format=fmt or _format_of(path)) as out:
            stream = out.add_stream("libx264", rate=fps)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.codec_context.gop_size = gop
            stream.codec_context.max_b_frames = 0
            stream.codec_context.thread_count = threads
            stream.options = options
            for i, img in enumerate(frames):
                frame = av.VideoFrame.from_ndarray(img, format=pixel_format)
                frame.pts = i
                for packet in stream.encode(frame):
                    out.mux(packet)
            for packet in stream.encode(None):
                out.mux(packet)
    return path


def to_annexb(src: str | Path, dst: str | Path) -> Path:
    """Remux an H.264 file (e.g. .mp4) to an Annex-B elementary stream, without re-encoding
    (what the RTSP test server serves); atomically. Returns ``dst``."""
    dst = Path(dst)
    with replacing(dst, mode=None) as tmp:
        with av.open(str(src)) as inp, av.open(str(tmp), mode="w", format="h264") as out:
            in_stream = inp.streams.video[0]
            out_stream = out.add_stream_from_template(in_stream)
            for packet in inp.demux(in_stream):
                if packet.dts is None:
                    continue
                packet.stream = out_stream
                out.mux(packet)
    return dst
