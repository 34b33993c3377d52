"""Pre-encoded H.264 clips for the benchmark: no B-frames, one IDR every 50 frames, in two
profiles. ``synthetic``: x264 ultrafast (baseline, CAVLC, no deblocking, quality-driven) —
cheap to decode. ``camera``: what an IP camera sends (main profile, CABAC, deblocking, about
1 Mbit/s at 640×360 and 4 Mbit/s at 1080p), costlier to decode per frame.

Each clip looks a little like a street camera: a fixed textured background (cheap P-frames,
like a static scene), a few moving blocks and a band of sensor-like noise (what makes real
footage cost more than a test pattern to decode). Clips differ by their random seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from csu_wall.recorders import clips
from csu_wall.recorders.clips import FPS, GOP, encode_h264


@dataclass(frozen=True)
class ClipSpec:
    width: int
    height: int
    seconds: float
    count: int
    profile: str = "synthetic"  # or "camera"

    @property
    def label(self) -> str:
        return f"{self.width}x{self.height}"


PROFILES = ("synthetic", "camera")


def camera_kbps(width: int, height: int) -> int:
    """A camera's bitrate (kbit/s) for its size: 1000 at 640×360, 4000 at 1920×1080 (9× the
    pixels for 4× the bits, as cameras' defaults go), rounded to 100."""
    return max(100, round(10 * ((width * height) / (640 * 360)) ** 0.631) * 100)


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


def encode_clip(path: Path, width: int, height: int, seconds: float, seed: int,
                profile: str = "synthetic") -> Path:
    """Write one MP4 clip (atomically); returns its path. Encoder threads as x264 likes:
    ``bench --quick`` encodes its clips within its time budget."""
    if profile not in PROFILES:
        raise ValueError(f"unknown clip profile: {profile}")
    n = max(int(round(seconds * FPS)), 1)
    camera = profile == "camera"
    return encode_h264(path, _frames(width, height, n, seed), width, height, fps=FPS, gop=GOP,
                       fmt="mp4", crf=None if camera else 26, threads=0,
                       camera_kbps=camera_kbps(width, height) if camera else None)


def ensure_clips(folder: Path, spec: ClipSpec) -> list[Path]:
    """Encode ``spec.count`` distinct clips into ``folder`` (reused when already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(spec.count):
        path = folder / f"clip-{spec.profile}-{spec.label}-{spec.seconds:g}s-{index}.mp4"
        if not path.exists() or path.stat().st_size == 0:
            encode_clip(path, spec.width, spec.height, spec.seconds, seed=1000 + index,
                        profile=spec.profile)
        paths.append(path)
    return paths


def to_annexb(src: Path, dst: Path) -> Path:
    """Remux an MP4 clip to an Annex-B elementary stream (reused when already there)."""
    if dst.exists() and dst.stat().st_size:
        return dst
    return clips.to_annexb(src, dst)
