"""Several screens. The offscreen platform declares two screens (the second
at devicePixelRatio 2, through QT_SCREEN_SCALE_FACTORS) in a child process, since the
platform of this test process is already chosen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.gui.conftest import REPO

TWO_SCREENS = {"screens": [
    {"name": "WALL-A", "x": 0, "y": 0, "width": 1600, "height": 1000,
     "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
    {"name": "WALL-B", "x": 1600, "y": 0, "width": 1280, "height": 720,
     "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
]}


def run_scene(name: str, out: Path, env_extra: dict[str, str]) -> dict[str, object]:
    env = dict(os.environ)
    env.update(env_extra)
    result = subprocess.run(
        ["timeout", "240", sys.executable, "-m", "tests.gui._scenes", name, str(out)],
        cwd=REPO, env=env, capture_output=True, text=True)
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("SCENE ")]
    assert result.returncode == 0 and lines, result.stderr[-3000:]
    return json.loads(lines[-1][len("SCENE "):])  # type: ignore[no-any-return]


def test_point6_wall_on_a_second_screen_full_screen_frameless_high_dpi_and_restored(
    tmp_path: Path, clip_dir: Path
) -> None:
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(TWO_SCREENS))
    found = run_scene("screens", tmp_path / "work", {
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCREEN_SCALE_FACTORS": "WALL-A=1;WALL-B=2",
        "CSU_TEST_CLIPS": str(clip_dir),
    })
    assert found["screens"] == ["WALL-A", "WALL-B"]
    assert found["frameless"] and found["fullscreen"] and found["on_screen"] == "WALL-B"
    assert found["geometry"] == found["screen_geometry"]  # the whole second screen
    # high-DPI: frames come at the physical pixel size of the tile, not its logical size
    assert found["dpr"] == 2.0
    logical = found["tile_logical"]
    physical = found["tile_physical"]
    assert isinstance(logical, list) and isinstance(physical, list)
    logical_w, logical_h = int(logical[0]), int(logical[1])
    physical_w, physical_h = int(physical[0]), int(physical[1])
    assert physical_w == (logical_w * 2) // 4 * 4 and physical_h == logical_h * 2
    # frames fit the tile's physical size (aspect ratio kept: one side fills it)
    frame = found["frame_size"]
    assert isinstance(frame, list)
    frame_w, frame_h = int(frame[0]), int(frame[1])
    assert frame_w <= physical_w and frame_h <= physical_h
    assert frame_w >= physical_w - 4 or frame_h == physical_h
    # a new window on the same database (restart or crash) puts the wall back on WALL-B
    assert found["restored"] and found["restored_on"] == "WALL-B"
    assert found["restored_fullscreen"]
    assert found["restored_cameras"] == [found["camera"], None, None, None]


def test_point6_dragging_a_tile_onto_another_screens_wall_shows_the_camera_there(
    tmp_path: Path, clip_dir: Path
) -> None:
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(TWO_SCREENS))
    found = run_scene("drag_screens", tmp_path / "work", {
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "CSU_TEST_CLIPS": str(clip_dir),
    })
    assert found["screens"] == ["WALL-A", "WALL-B"] and found["other_on"] == "WALL-B"
    camera = found["source_camera"]
    assert camera is not None and found["target_before"] is None
    # released over screen B's wall: the camera plays there too, and stays on screen A
    assert found["target_after"] == camera and found["source_after"] == camera
    assert found["other_layout"] == [None, None, None, camera]
    assert isinstance(found["target_painted"], int) and found["target_painted"] >= 1
    # and back: a tile of screen B released over the main wall
    assert found["back_before"] != camera and found["back_after"] == camera
