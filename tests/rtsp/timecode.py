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
    video is painted; the whole image by default); None when no valid code is there."""
    if rect is not None:
        x, y, w, h = rect
        image = image[max(0, y):y + h, max(0, x):x + w]
    h, w = image.shape[:2]
    if h < 2 or w < 2:
        return None
    gray = image[..., :3].astype(np.int32).mean(axis=2) if image.ndim == 3 else image
    bits = []
    for k in range(BITS):
        cx, cy = clockface.block_centre(k)
        # the middle of the block (a third of its width, half its height), scaled to the image
        x0 = int((cx - clockface.BLOCK_W / 6) * w / WIDTH)
        x1 = max(x0 + 1, int((cx + clockface.BLOCK_W / 6) * w / WIDTH))
        y0 = int((cy - clockface.BLOCK_H / 4) * h / HEIGHT)
        y1 = max(y0 + 1, int((cy + clockface.BLOCK_H / 4) * h / HEIGHT))
        bits.append(int(gray[y0:y1, x0:x1].mean() > 128))
    decoded = clockface.decode_bits(bits)
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
