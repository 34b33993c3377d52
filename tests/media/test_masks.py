from __future__ import annotations

import numpy as np
import pytest

from csu_wall.core.model import PrivacyMask
from csu_wall.media.masks import MASK_BGRA, apply_masks, scaled_polygons

# A house front on the right: x 0.5..0.9, y 0.2..0.6 (normalised).
HOUSE = PrivacyMask(((0.5, 0.2), (0.9, 0.2), (0.9, 0.6), (0.5, 0.6)))
TRIANGLE = PrivacyMask(((0.0, 0.0), (0.3, 0.0), (0.0, 0.3)))


@pytest.mark.parametrize("size", [(320, 180), (640, 360)])
def test_pixels_inside_the_polygon_take_the_mask_colour_outside_untouched(
        size: tuple[int, int]) -> None:
    w, h = size
    rng = np.random.default_rng(1)
    image = rng.integers(0, 200, size=(h, w, 4), dtype=np.uint8)  # never the mask colour
    original = image.copy()
    apply_masks(image, [HOUSE, TRIANGLE])

    inside = image[int(0.25 * h):int(0.55 * h), int(0.55 * w):int(0.85 * w)]
    assert (inside == np.array(MASK_BGRA, np.uint8)).all()
    assert (image[1, 1] == np.array(MASK_BGRA, np.uint8)).all()  # triangle corner
    # well outside both polygons: untouched
    outside = np.ones((h, w), bool)
    outside[int(0.18 * h):int(0.62 * h) + 1, int(0.48 * w):int(0.92 * w) + 1] = False
    outside[: int(0.32 * h) + 1, : int(0.32 * w) + 1] = False
    assert (image[outside] == original[outside]).all()
    # the masked share matches the polygons' area (0.16 + 0.045 of the frame)
    masked = (image == np.array(MASK_BGRA, np.uint8)).all(axis=2).mean()
    assert masked == pytest.approx(0.16 + 0.045, abs=0.01)


def test_scaled_polygons_are_cached_per_size() -> None:
    a = scaled_polygons((HOUSE,), 320, 180)
    assert scaled_polygons((HOUSE,), 320, 180) is a
    assert scaled_polygons((HOUSE,), 640, 360) is not a


def test_no_masks_leaves_the_image_alone() -> None:
    image = np.full((4, 8, 4), 7, np.uint8)
    assert apply_masks(image, []) is image
    assert (image == 7).all()


def test_masks_work_on_bgr_snapshots_too() -> None:
    image = np.zeros((90, 160, 3), np.uint8)
    apply_masks(image, [HOUSE])
    assert (image[45, 110] == np.array(MASK_BGRA[:3], np.uint8)).all()
