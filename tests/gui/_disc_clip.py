"""A 16:9 H.264 clip of a white disc on grey: what the tile tests that read the tile's pixels
play (tests/gui/test_aspect_ratio.py, test_tile_plates.py)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from csu_wall.recorders.clips import encode_h264

W, H = 640, 360


def encode_disc(path: Path, grey: int, radius: int) -> Path:
    """Two seconds at 25 images a second, a keyframe a second: a white disc of ``radius``
    pixels in the middle of a ``grey`` picture."""
    frame = np.full((H, W, 3), grey, np.uint8)
    cv2.circle(frame, (W // 2, H // 2), radius, (255, 255, 255), thickness=-1)
    return encode_h264(path, (frame for _ in range(50)), W, H, gop=25)
