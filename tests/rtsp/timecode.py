"""Recorded clips whose pixels carry their own UTC time, and the reader of that time.

Each frame shows two rows of 20 black/white blocks: 32 bits of epoch seconds then 8 bits of
the frame number within the second (most significant bit first). The blocks survive x264 and
any tile scaling, so a test reads the time of the frame a tile shows.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from csu_wall.recorders.clips import encode_h264

WIDTH, HEIGHT = 320, 192
BLOCKS_PER_ROW = 20
BITS = 40
_BLOCK = WIDTH // BLOCKS_PER_ROW  # 16 px


def _bits(epoch_s: int, frame_no: int) -> list[int]:
    value = (epoch_s << 8) | (frame_no & 0xFF)
    return [(value >> (BITS - 1 - k)) & 1 for k in range(BITS)]


def draw(epoch_s: int, frame_no: int, tick: int) -> np.ndarray:
    img = np.full((HEIGHT, WIDTH, 3), 96, dtype=np.uint8)
    for k, bit in enumerate(_bits(epoch_s, frame_no)):
        row, col = divmod(k, BLOCKS_PER_ROW)
        y, x = row * _BLOCK, col * _BLOCK
        img[y:y + _BLOCK, x:x + _BLOCK] = 255 if bit else 0
    # Some motion below the code, so P-frames are not empty.
    x0 = (tick * 4) % (WIDTH - 32)
    img[120:152, x0:x0 + 32] = (200, 60, 60)
    return img


def make_timecoded_clip(path: str | Path, start: datetime, seconds: float, fps: int = 25,
                        gop: int = 25) -> Path:
    """Annex-B H.264 starting at ``start`` (aware, whole second), one IDR every ``gop``."""
    path = Path(path)
    if path.exists():
        return path
    base = int(start.timestamp())
    frames = (draw(base + i // fps, i % fps, i) for i in range(int(round(seconds * fps))))
    return encode_h264(path, frames, WIDTH, HEIGHT, fps=fps, gop=gop, fmt="h264",
                       pixel_format="rgb24", low_latency=True)


def read_time(image: np.ndarray, fps: int = 25) -> datetime:
    """The UTC time a frame (RGB/BGR/BGRA, any size) shows."""
    h, w = image.shape[:2]
    gray = image[..., :3].astype(np.int32).mean(axis=2)
    value = 0
    for k in range(BITS):
        row, col = divmod(k, BLOCKS_PER_ROW)
        y = int((row + 0.5) * _BLOCK * h / HEIGHT)
        x = int((col + 0.5) * _BLOCK * w / WIDTH)
        value = (value << 1) | int(gray[y, x] > 128)
    epoch_s, frame_no = value >> 8, value & 0xFF
    return (datetime.fromtimestamp(epoch_s, timezone.utc)
            + timedelta(seconds=frame_no / fps))
