"""Pre-encoded H.264 clips for the benchmark (x264 ultrafast, no B-frames, fixed GOP).

Each clip looks a little like a street camera: a fixed textured background (cheap P-frames,
like a static scene), a few moving blocks and a band of sensor-like noise (what makes real
footage cost more than a test pattern to decode). Clips differ by their random seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

FPS = 25
GOP = 50


@dataclass(frozen=True)
class ClipSpec:
    width: int
    height: int
    seconds: float
    count: int

    @property
    def label(self) -> str:
        return f"{self.width}x{self.height}"


def _frames(width: int, height: int, n: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    # Smooth texture: low-resolution noise scaled up, so it compresses like a real scene.
    small = rng.integers(0, 255, (height // 8 + 1, width // 8 + 1, 3), dtype=np.uint8)
    background = np.repeat(np.repeat(small, 8, axis=0), 8, axis=1)[:height, :width].copy()
    blocks = [
        (rng.integers(0, width), rng.integers(0, height), rng.integers(-6, 7) or 3,
         rng.integers(-4, 5) or 2, rng.integers(0, 255, 3, dtype=np.uint8))
        for _ in range(4)
    ]
    bw, bh = max(width // 10, 8), max(height // 8, 8)
    band_top = height * 2 // 3
    band = (band_top, min(height, band_top + height // 12))
    frames = []
    for i in range(n):
        img = background.copy()
        for x0, y0, dx, dy, colour in blocks:
            x = int(x0 + dx * i) % max(width - bw, 1)
            y = int(y0 + dy * i) % max(height - bh, 1)
            img[y : y + bh, x : x + bw] = colour
        noise = rng.integers(-12, 13, (band[1] - band[0], width, 3), dtype=np.int16)
        img[band[0] : band[1]] = np.clip(img[band[0] : band[1]] + noise, 0, 255).astype(np.uint8)
        frames.append(img)
    return frames


def encode_clip(path: Path, width: int, height: int, seconds: float, seed: int) -> Path:
    """Write one MP4 clip; returns its path."""
    n = max(int(round(seconds * FPS)), 1)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width = width
        stream.height = height
        stream.pix_fmt = "yuv420p"
        stream.options = {
            "preset": "ultrafast",
            "bf": "0",
            "g": str(GOP),
            "keyint_min": str(GOP),
            "sc_threshold": "0",
            "crf": "26",
        }
        for img in _frames(width, height, n, seed):
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def ensure_clips(folder: Path, spec: ClipSpec) -> list[Path]:
    """Encode ``spec.count`` distinct clips into ``folder`` (reused when already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(spec.count):
        path = folder / f"clip-{spec.label}-{spec.seconds:g}s-{index}.mp4"
        if not path.exists() or path.stat().st_size == 0:
            tmp = path.with_suffix(".part.mp4")
            encode_clip(tmp, spec.width, spec.height, spec.seconds, seed=1000 + index)
            tmp.replace(path)
        paths.append(path)
    return paths


def to_annexb(src: Path, dst: Path) -> Path:
    """Remux an MP4 clip to an Annex-B elementary stream (what the RTSP test server serves)."""
    if dst.exists() and dst.stat().st_size:
        return dst
    with av.open(str(src)) as inp, av.open(str(dst), mode="w", format="h264") as out:
        in_stream = inp.streams.video[0]
        out_stream = out.add_stream_from_template(in_stream)
        for packet in inp.demux(in_stream):
            if packet.dts is None:
                continue
            packet.stream = out_stream
            out.mux(packet)
    return dst
