"""Honest pictures: a circle in the camera's picture stays a circle on the tile (within 2 %),
whatever the tile's shape — the decoder scales to fit with the aspect ratio kept and the tile
centres the picture (letterbox). Real H.264 (a 16:9 clip of a white disc), decoded in a decoder
process, painted by the real tile widget, read from what the tile paints."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from csu_wall.core.model import Camera
from csu_wall.gui.tile import TileWidget
from csu_wall.media.engine import MediaEngine
from tests.gui._disc_clip import H, W, encode_disc, play_on_tile

pytestmark = pytest.mark.timeout(90)

DISC = Camera(id="disc", name="", commune_id="x", recorder_id="r")


@pytest.fixture(scope="module")
def disc_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return encode_disc(tmp_path_factory.mktemp("disc") / "disc.mp4", 40, 120)


def _shown(tile: TileWidget) -> bool:
    """What the wall's render tick does: pull the newest frame; True once one is painted."""
    tile.pull(time.monotonic())
    return tile.showing_frame


def _disc_ratio(tile: TileWidget) -> float:
    image = tile.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    raw = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    pixels = raw.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, :image.width(), :3]
    white = pixels.min(axis=2) > 200
    # the focus frame and plates are not white: the disc is the only white there
    ys, xs = np.nonzero(white)
    return (xs.max() - xs.min() + 1) / (ys.max() - ys.min() + 1)


@pytest.mark.parametrize("size", [(400, 400), (600, 200), (300, 500)])
def test_a_circle_stays_a_circle_on_any_tile_shape(
        qtbot: QtBot, engine: MediaEngine, disc_clip: Path, size: tuple[int, int]) -> None:
    tile, _feed = play_on_tile(qtbot, engine, disc_clip, "t0", size, DISC)
    qtbot.waitUntil(lambda: _shown(tile), timeout=20_000)
    ratio = _disc_ratio(tile)
    assert abs(ratio - 1.0) <= 0.02, f"the disc is {ratio:.3f} times as wide as tall"
    rect = tile.video_rect()
    assert abs(rect.width() / rect.height() - W / H) <= 0.03  # the picture, letterboxed


def test_fill_stretches_to_the_tile_when_asked(
        qtbot: QtBot, engine: MediaEngine, disc_clip: Path) -> None:
    tile, feed = play_on_tile(qtbot, engine, disc_clip, "t1", (400, 400), DISC, fill=True)
    qtbot.waitUntil(lambda: (f := feed.latest()) is not None and f.height >= 390,
                    timeout=20_000)
    qtbot.waitUntil(lambda: _shown(tile), timeout=5_000)
    assert _disc_ratio(tile) < 0.7  # 16:9 squeezed into a square: visibly an ellipse
