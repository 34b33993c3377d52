"""Real H.264 for the tests, encoded by csu_wall.recorders.clips (runs in the venv, not in the
server).

Clips are Annex-B elementary streams (``.h264``) that tests/rtsp/server.py loops: every IDR
carries its SPS/PPS (libx264 repeats the headers when the muxer wants no global header), no
B-frames, so the server can cut the stream into access units in a few lines.
"""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np

from csu_wall.recorders import clips
from csu_wall.recorders.clips import encode_h264


def _frame(i: int, width: int, height: int, fps: int, label: str) -> np.ndarray:
    """Moving content: a drifting gradient, a bouncing square, the label and the frame number."""
    x = np.arange(width, dtype=np.uint16)
    y = np.arange(height, dtype=np.uint16)[:, None]
    img = np.empty((height, width, 3), dtype=np.uint8)
    img[..., 0] = ((x + 4 * i) % 256).astype(np.uint8)
    img[..., 1] = ((y + 2 * i) % 256).astype(np.uint8)
    img[..., 2] = 96
    side = max(8, min(width, height) // 6)
    span_x, span_y = max(1, width - side), max(1, height - side)
    px = abs((7 * i) % (2 * span_x) - span_x)
    py = abs((5 * i) % (2 * span_y) - span_y)
    img[py:py + side, px:px + side] = (255, 255, 255)
    scale = max(0.4, height / 360)
    thick = max(1, int(2 * scale))
    cv2.putText(img, label, (10, int(40 * scale)), cv2.FONT_HERSHEY_SIMPLEX, scale,
                (0, 0, 0), thick + 2, cv2.LINE_AA)
    cv2.putText(img, label, (10, int(40 * scale)), cv2.FONT_HERSHEY_SIMPLEX, scale,
                (255, 255, 255), thick, cv2.LINE_AA)
    stamp = f"{i // fps:04d}.{i % fps:02d}"
    cv2.putText(img, stamp, (10, height - 10), cv2.FONT_HERSHEY_SIMPLEX, scale * 0.8,
                (255, 255, 0), thick, cv2.LINE_AA)
    return img


def make_clip(path: str | Path, width: int, height: int, seconds: float, fps: int = 25,
              gop: int = 50, label: str = "CAM 1") -> Path:
    """Encode ``seconds`` of moving content as an Annex-B H.264 file; returns ``path``."""
    frames = (_frame(i, width, height, fps, label) for i in range(int(round(seconds * fps))))
    return encode_h264(path, frames, width, height, fps=fps, gop=gop, fmt="h264",
                       pixel_format="rgb24", low_latency=True)


def concat_clips(path: str | Path, parts: list[Path]) -> Path:
    """Join Annex-B files (each starting with SPS/PPS/IDR): e.g. a mid-stream resolution change."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as out:
        for part in parts:
            out.write(Path(part).read_bytes())
    tmp.replace(path)
    return path


def make_resolution_change(path: str | Path, workdir: str | Path,
                           sizes: tuple[tuple[int, int], ...] = ((640, 360), (320, 240)),
                           seconds: float = 2.0, fps: int = 25, gop: int = 25) -> Path:
    """A clip whose resolution changes every ``seconds`` (one segment per size)."""
    workdir = Path(workdir)
    parts = [make_clip(workdir / f"seg-{w}x{h}-{seconds}-{fps}-{gop}.h264", w, h, seconds,
                       fps=fps, gop=gop, label=f"{w}x{h}") for w, h in sizes]
    return concat_clips(path, parts)


def _nal_spans(data: bytes) -> list[tuple[int, int]]:
    """(payload start, payload end) of each NAL unit of an Annex-B stream."""
    starts = []
    i = data.find(b"\x00\x00\x01")
    while i >= 0:
        starts.append(i + 3)
        i = data.find(b"\x00\x00\x01", i + 3)
    return [(s, (starts[n + 1] - 3) if n + 1 < len(starts) else len(data))
            for n, s in enumerate(starts)]


def corrupt_clip(path: str | Path, src: str | Path, every: int = 7, seed: int = 1234) -> Path:
    """Copy ``src`` overwriting the payload of every ``every``-th slice NAL with random bytes.

    The NAL header and the first slice-header byte stay intact (the server still finds frame
    boundaries, as a real camera's would be), and the random bytes never contain zeros, so no
    fake start code appears: the stream stays well framed but some frames do not decode.
    """
    rng = random.Random(seed)
    data = bytearray(Path(src).read_bytes())
    n_slice = 0
    for start, end in _nal_spans(bytes(data)):
        if end - start < 8 or data[start] & 0x1F not in (1, 5):
            continue
        n_slice += 1
        if n_slice % every == 0:
            body = range(start + 2, end - 1)
            data[body.start:body.stop] = bytes(b or 1 for b in rng.randbytes(len(body)))
    path = Path(path)
    path.write_bytes(bytes(data))
    return path


def to_annexb(path: str | Path, src: str | Path) -> Path:
    """Remux an H.264 file (e.g. .mp4) to an Annex-B elementary stream, without re-encoding."""
    return clips.to_annexb(src, path)
