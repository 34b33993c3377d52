"""Synthetic street-like H.264 clips for the demo recorder.

Each camera gets its own clip, seeded by its id: a drifting gradient "street", moving "vehicles",
a moving disc, the camera's name and id in large letters and a frame counter, so that two frames
differ visibly everywhere in the tile and two cameras never look alike.
"""

from __future__ import annotations

import unicodedata
import zlib
from pathlib import Path

import cv2
import numpy as np

from csu_wall.recorders.clips import FPS, GOP, encode_h264  # GOP 2 s: keyframe-only = 1 in 50

SECONDS = 5


def _rng(camera_id: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(camera_id.encode("utf-8")))


def _background(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """A gradient twice as wide as the frame: sliding a window over it makes every pixel move."""
    hue = rng.uniform(0, 1, size=3)
    xs = np.linspace(0.0, 4.0 * np.pi, 2 * width, dtype=np.float32)
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    bg = np.empty((height, 2 * width, 3), dtype=np.uint8)
    for c in range(3):
        wave = 0.5 + 0.5 * np.sin(xs + hue[c] * 2 * np.pi)[None, :]
        bg[:, :, c] = (40 + 150 * wave * (0.4 + 0.6 * ys)).astype(np.uint8)
    # facades: fine vertical stripes (windows), so a sliding window changes every pixel
    stripes = (28 * np.sin(2 * np.pi * np.arange(2 * width) / max(8, width // 26)))[None, :]
    rows = (0.6 + 0.4 * np.sin(2 * np.pi * np.arange(height) / max(6, height // 14)))[:, None]
    bg = np.clip(bg.astype(np.int16) + (stripes * rows).astype(np.int16)[:, :, None], 0, 255
                 ).astype(np.uint8)
    # road band, lighter, across the lower third
    road = slice(int(height * 0.62), int(height * 0.9))
    bg[road] = (bg[road] // 3 + 70).astype(np.uint8)
    return bg


def render_frames(camera_id: str, name: str, width: int, height: int,
                  n_frames: int = FPS * SECONDS):  # type: ignore[no-untyped-def]
    """Yield BGR frames (h, w, 3) of the camera's clip."""
    rng = _rng(camera_id)
    bg = _background(width, height, rng)
    n_vehicles = int(rng.integers(3, 6))
    lanes = rng.uniform(0.64, 0.84, size=n_vehicles) * height
    directions = rng.choice([-1, 1], n_vehicles)
    speeds = rng.uniform(2.0, 7.0, size=n_vehicles) * (width / 640) * directions
    starts = rng.uniform(0, width, size=n_vehicles)
    colours = [tuple(int(v) for v in rng.integers(30, 255, size=3)) for _ in range(n_vehicles)]
    sizes = rng.uniform(0.08, 0.16, size=n_vehicles) * width
    disc_phase = rng.uniform(0, 2 * np.pi)
    drift = max(1, width // 160)
    scale = width / 640
    thick = max(2, int(round(3 * scale)))
    for i in range(n_frames):
        off = (i * drift) % width
        img = np.ascontiguousarray(bg[:, off:off + width])
        for k in range(n_vehicles):
            x = int((starts[k] + speeds[k] * i) % (width + sizes[k])) - int(sizes[k])
            y = int(lanes[k])
            w = int(sizes[k])
            h = int(w * 0.45)
            cv2.rectangle(img, (x, y - h), (x + w, y), colours[k], -1)
            cv2.rectangle(img, (x, y - h), (x + w, y), (20, 20, 20), thick)
        t = i / FPS
        cx = int(width * (0.5 + 0.35 * np.sin(2 * np.pi * t / SECONDS + disc_phase)))
        cy = int(height * (0.35 + 0.15 * np.cos(4 * np.pi * t / SECONDS)))
        cv2.circle(img, (cx, cy), int(22 * scale), (0, 215, 255), -1)
        _text(img, name, (int(14 * scale), int(46 * scale)), 1.3 * scale, thick)
        _text(img, camera_id, (int(14 * scale), int(86 * scale)), 0.9 * scale, thick)
        _text(img, f"{i:03d}  {t:05.2f} s", (int(14 * scale), height - int(16 * scale)),
              0.9 * scale, thick)
        yield img


def _ascii(text: str) -> str:
    # OpenCV's Hershey fonts draw ASCII only: "Hôtel de Ville" becomes "Hotel de Ville".
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return plain if plain.strip() else "?"


def _text(img: np.ndarray, text: str, org: tuple[int, int], size: float, thick: int) -> None:
    text = _ascii(text)
    # A dark outline under white letters: readable on any background.
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, size, (0, 0, 0), thick + 3, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, size, (255, 255, 255), thick,
                cv2.LINE_AA)


def encode_clip(path: Path, camera_id: str, name: str, width: int, height: int,
                seconds: int = SECONDS) -> None:
    """Encode the clip to ``path`` (MP4, H.264 yuv420p, no B-frames), atomically."""
    width -= width % 2
    height -= height % 2
    encode_h264(path, render_frames(camera_id, name, width, height, FPS * seconds),
                width, height, fps=FPS, gop=GOP, fmt="mp4")
