"""Under a real X server (Xvfb): real drags (a tile onto another with the mouse; a camera from
the tree onto a tile with the X server's own pointer through XTEST), and the screenshots of
the wall (a 1+5 layout with live video, a maximised tile, the French UI), written into the
test's temporary folder only: packaging/screenshots.sh makes the README's copies on purpose."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.gui.test_screens_gui import run_scene
from tests.xvfb import xvfb_display  # noqa: F401  (fixture)


def _varied_cells(png: Path, rows: int, cols: int) -> int:
    """Cells of the wall area (right of the tree, below the tabs) whose pixels vary."""
    import cv2

    img = cv2.imread(str(png))
    assert img is not None, png
    h, w = img.shape[:2]
    wall = img[int(h * 0.10):int(h * 0.95), int(w * 0.20):w]
    alive = 0
    for r in range(rows):
        for c in range(cols):
            cell = wall[r * wall.shape[0] // rows:(r + 1) * wall.shape[0] // rows,
                        c * wall.shape[1] // cols:(c + 1) * wall.shape[1] // cols]
            alive += float(np.std(cell)) > 20
    return alive


@pytest.mark.slow
@pytest.mark.xvfb
def test_point3_real_drag_and_issue_screenshots_under_xvfb(
    tmp_path: Path, clip_dir: Path, xvfb_display: str  # noqa: F811
) -> None:
    found = run_scene("xvfb", tmp_path / "work",
                      {"DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb",
                       "CSU_TEST_CLIPS": str(clip_dir)})
    assert found["live_1plus5"], found
    assert found["drag_swapped"] and found["drag_cameras"] == found["expected_cameras"]
    # the X server's own pointer (XTEST) dragged a camera from the tree onto a tile: Qt's
    # QDrag, the tree's mime data and the tile's drop handler, as with a person's mouse
    assert found["xtest_drop"] and found["xtest_tile_camera"] == found["xtest_camera"]
    assert found["maximised_main"] and found["french_live"]
    assert found["french_loaded"] and found["french_title"] == "csu-wall — mur d'images"
    menus = found["french_menus"]
    assert isinstance(menus, list)
    assert {"&Fichier", "&Affichage", "&Vignette", "&Dispositions"} <= set(menus)
    shots = tmp_path / "work" / "shots"
    assert _varied_cells(shots / "wall-1plus5.png", 3, 3) >= 8  # video in every cell
    assert _varied_cells(shots / "wall-maximised.png", 2, 2) == 4  # one picture, everywhere
    assert _varied_cells(shots / "wall-french.png", 4, 4) >= 14
