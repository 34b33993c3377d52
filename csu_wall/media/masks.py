"""Privacy masks (CSI L251-3) burned into the pixels before a frame leaves the decoding pool.

Masks are polygons in normalised coordinates; they are scaled to the frame size once per
(size, masks) and cached, so masking a frame costs one ``cv2.fillPoly``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import cv2
import numpy as np

from csu_wall.core.model import PrivacyMask

# Opaque dark grey (BGRA): clearly a mask, not a black (lost) picture.
MASK_BGRA = (48, 48, 48, 255)
_SHIFT = 4  # fillPoly sub-pixel bits: edges land within 1/16 px of the normalised position


@lru_cache(maxsize=256)
def scaled_polygons(masks: tuple[PrivacyMask, ...], width: int, height: int
                    ) -> tuple[np.ndarray, ...]:
    """Each mask's polygon in fixed-point pixel coordinates for a ``width``×``height`` image."""
    out = []
    scale = np.array([width, height], dtype=np.float64) * (1 << _SHIFT)
    for mask in masks:
        if len(mask.points) < 3:
            continue
        pts = np.clip(np.asarray(mask.points, dtype=np.float64), 0.0, 1.0) * scale
        out.append(np.round(pts).astype(np.int32).reshape(-1, 1, 2))
    return tuple(out)


def apply_masks(image: np.ndarray, masks: Sequence[PrivacyMask],
                colour: tuple[int, ...] = MASK_BGRA) -> np.ndarray:
    """Fill every mask polygon, in place, on a BGRA (or BGR) uint8 image; returns it."""
    if not masks:
        return image
    h, w = image.shape[:2]
    polys = scaled_polygons(tuple(masks), w, h)
    if polys:
        cv2.fillPoly(image, list(polys), colour[: image.shape[2]], lineType=cv2.LINE_8,
                     shift=_SHIFT)
    return image


class Masker:
    """The masks of one tile, bound to it (the cache above serves every size it takes)."""

    def __init__(self, masks: Sequence[PrivacyMask] = ()) -> None:
        self.masks = tuple(masks)

    def __bool__(self) -> bool:
        return bool(self.masks)

    def apply(self, image: np.ndarray) -> np.ndarray:
        return apply_masks(image, self.masks)


def apply_masks_at(image: np.ndarray, masks: Sequence[PrivacyMask],
                   source_size: tuple[int, int], origin: tuple[int, int],
                   colour: tuple[int, ...] = MASK_BGRA) -> np.ndarray:
    """Fill the masks, in place, on ``image``, a crop at ``origin`` (x, y, source pixels) of
    a ``source_size`` picture: the masks stay at their place in the source picture."""
    if not masks:
        return image
    polys = scaled_polygons(tuple(masks), source_size[0], source_size[1])
    if polys:
        offset = np.array(origin, dtype=np.int32) * (1 << _SHIFT)
        cv2.fillPoly(image, [p - offset for p in polys], colour[: image.shape[2]],
                     lineType=cv2.LINE_8, shift=_SHIFT)
    return image
