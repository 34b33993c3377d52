"""``--screenshot`` of the demo wall as a real process, offscreen and under Xvfb: taken
as soon as every tile shows live video, into the test's temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.xvfb import xvfb_display  # noqa: F401  (fixture)

CSU_WALL = str(Path(sys.executable).parent / "csu-wall")


def _run(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update({"LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"})
    env.update(env_extra)
    # --quit-after is only the limit: the screenshot is taken once every tile is live.
    return subprocess.run(["timeout", "150", CSU_WALL, *args], capture_output=True,
                          text=True, env=env)


def _tiles_with_video_content(png: Path) -> int:
    """Counts 4×4 grid cells of the wall area whose pixels vary (video, not a flat colour)."""
    import cv2

    img = cv2.imread(str(png))
    assert img is not None
    h, w = img.shape[:2]
    # the wall is right of the camera tree (about 300 px) and below the banner (about 60 px)
    wall = img[int(h * 0.08):int(h * 0.97), int(w * 0.20):w]
    alive = 0
    for r in range(4):
        for c in range(4):
            cell = wall[r * wall.shape[0] // 4:(r + 1) * wall.shape[0] // 4,
                        c * wall.shape[1] // 4:(c + 1) * wall.shape[1] // 4]
            if float(np.std(cell)) > 20:
                alive += 1
    return alive


@pytest.mark.slow
@pytest.mark.xvfb
def test_demo_screenshot_under_xvfb_shows_16_tiles_with_video(
    tmp_path: Path, xvfb_display: str  # noqa: F811
) -> None:
    shot = tmp_path / "wall-xvfb.png"
    result = _run(["--data-dir", str(tmp_path / "d"), "--demo", "--screenshot", str(shot),
                   "--quit-after", "100"],
                  {"DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert _tiles_with_video_content(shot) == 16


@pytest.mark.slow
def test_demo_screenshot_offscreen_shows_16_tiles_with_video(tmp_path: Path) -> None:
    shot = tmp_path / "wall.png"
    start = time.monotonic()
    result = _run(["--data-dir", str(tmp_path / "d"), "--demo", "--screenshot", str(shot),
                   "--quit-after", "100"], {"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert time.monotonic() - start < 90  # ended on "all live", not on the 100 s limit
    assert _tiles_with_video_content(shot) == 16
