"""Recorded clips whose pixels carry their own UTC time, and the reader of that time.

The code is drawn by tests/rtsp/clockface.py (the live clock mount of tests/rtsp/server.py
draws the same): two rows of 24 black/white blocks in the centre band of the picture — 32 bits
of epoch seconds, 8 bits of the frame number within the second, 8 check bits. The blocks
survive x264 and any tile scaling, and the centre band is left alone by a tile's plates and
badges (top and bottom strips, corners) and by letterboxing, so a test reads the time of the
frame a tile shows inside the tile's video rectangle.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from csu_wall.recorders.clips import encode_h264
from tests.rtsp import clockface
from tests.rtsp.clockface import BITS, HEIGHT, WIDTH

__all__ = ["BITS", "HEIGHT", "WIDTH", "draw", "find_time", "make_timecoded_clip", "read_time"]

Rect = tuple[int, int, int, int]  # x, y, width, height in the image's pixels
MIN_CONTRAST = 48  # grey levels between the code's black and white blocks, at least


def draw(epoch_s: int, frame_no: int, tick: int) -> np.ndarray:
    """One 320×192 RGB picture carrying the code."""
    gray = np.frombuffer(clockface.gray_frame(epoch_s, frame_no, tick), dtype=np.uint8)
    return np.repeat(gray.reshape(HEIGHT, WIDTH, 1), 3, axis=2)


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


def find_time(image: np.ndarray, fps: int = 25, rect: Rect | None = None) -> datetime | None:
    """The UTC time a frame (RGB/BGR/BGRA, any size) shows, read inside ``rect`` (where the
    video is painted, in the image's pixels; it may reach past the image's edges when the
    picture is cropped to fill); the whole image by default. None when no valid code is
    there (a block out of the image, too little contrast, or check bits that do not match)."""
    ih, iw = image.shape[:2]
    x, y, w, h = rect if rect is not None else (0, 0, iw, ih)
    if w < 2 or h < 2:
        return None
    gray = image[..., :3].astype(np.int32).mean(axis=2) if image.ndim == 3 else image
    sx, sy = w / WIDTH, h / HEIGHT
    half_w = max(0.5, clockface.BLOCK_W / 6 * sx)  # the middle third of a block's width
    half_h = max(0.5, clockface.BLOCK_H / 4 * sy)  # ... and half of its height
    levels = []
    for k in range(BITS):
        cx, cy = clockface.block_centre(k)
        px, py = x + cx * sx, y + cy * sy
        if not (0 <= px < iw and 0 <= py < ih):
            return None
        x0, x1 = max(0, int(px - half_w)), min(iw, max(int(px - half_w) + 1, int(px + half_w)))
        y0, y1 = max(0, int(py - half_h)), min(ih, max(int(py - half_h) + 1, int(py + half_h)))
        levels.append(float(gray[y0:y1, x0:x1].mean()))
    # Halfway between the darkest and the brightest block: a picture dimmed as a whole (a
    # tile's veil over an old frame) still reads; the seconds always hold both colours.
    low, high = min(levels), max(levels)
    if high - low < MIN_CONTRAST:
        return None
    decoded = clockface.decode_bits([int(v > (low + high) / 2) for v in levels])
    if decoded is None:
        return None
    epoch_s, frame_no = decoded
    return (datetime.fromtimestamp(epoch_s, timezone.utc)
            + timedelta(seconds=frame_no / fps))


def read_time(image: np.ndarray, fps: int = 25, rect: Rect | None = None) -> datetime:
    """Like :func:`find_time`, but a picture without a valid code is an error."""
    found = find_time(image, fps, rect)
    if found is None:
        raise ValueError("no time code in this picture (check bits do not match)")
    return found
