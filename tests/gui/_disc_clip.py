"""A 16:9 H.264 clip of a white disc on grey, and a tile playing a clip: what the tile tests
that read the tile's pixels play (tests/gui/test_aspect_ratio.py, test_tile_plates.py)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from pytestqt.qtbot import QtBot

from csu_wall.core.model import Camera
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.gui.tile import TileWidget
from csu_wall.media.engine import MediaEngine, TileStream
from csu_wall.recorders.clips import encode_h264

W, H = 640, 360


def encode_disc(path: Path, grey: int, radius: int) -> Path:
    """Two seconds at 25 images a second, a keyframe a second: a white disc of ``radius``
    pixels in the middle of a ``grey`` picture."""
    frame = np.full((H, W, 3), grey, np.uint8)
    cv2.circle(frame, (W // 2, H // 2), radius, (255, 255, 255), thickness=-1)
    return encode_h264(path, (frame for _ in range(50)), W, H, gop=25)


def play_on_tile(qtbot: QtBot, engine: MediaEngine, clip: Path, tile_id: str,
                 size: tuple[int, int], camera: Camera,
                 fill: bool = False) -> tuple[TileWidget, TileStream]:
    """A tile of ``size`` shown (offscreen), playing ``clip`` in a loop at its own pace as
    ``camera``; ``fill``: the picture stretched to the tile rather than letterboxed."""
    tile = TileWidget(tile_id)
    qtbot.addWidget(tile)
    tile.resize(*size)
    tile.show()
    qtbot.waitExposed(tile)
    source = StreamSource(url=str(clip), kind=SourceKind.FILE, camera_id=camera.id,
                          recorder_id="r", realtime=True, loop=True)
    feed = engine.open(tile_id, source, size=tile.physical_size())
    feed.set_fill(fill)
    tile.set_feed(camera, feed)
    return tile, feed
