"""The two image paths besides the tile's whole picture: a zoomed view (digital zoom on a
part of the source picture, in real source pixels) and a snapshot (the full source picture).
Privacy masks are burned at source coordinates on both, before any scaling, so no masked
pixel ever leaks into a neighbour through a scaling filter.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence

import av
import cv2
import numpy as np
from av.video.reformatter import VideoReformatter

from csu_wall.core.errors import StreamError
from csu_wall.core.frames import Frame
from csu_wall.core.model import PrivacyMask
from csu_wall.media.masks import apply_masks, apply_masks_at

View = tuple[float, float, float, float]  # normalised x, y, w, h of the source picture
MIN_VIEW = 1.0 / 64  # the smallest view side (64× zoom): below, a few source pixels

MSG_SNAPSHOT_NO_STREAM = ("Impossible de prendre un instantané : la vignette n'affiche aucun "
                          "flux. Ouvrez une caméra dans la vignette, puis réessayez.")
MSG_SNAPSHOT_TIMEOUT = ("Impossible de prendre un instantané : aucune image n'est arrivée de la "
                        "caméra en {s:.0f} s. Vérifiez que la vignette affiche la vidéo, puis "
                        "réessayez.")


def normalise_view(view: Sequence[float] | None) -> View | None:
    """Clamp a view inside the picture; None (the whole picture) when it covers it all."""
    if view is None:
        return None
    x, y, w, h = (float(v) for v in view)
    if not all(math.isfinite(v) for v in (x, y, w, h)):
        raise ValueError(f"not a view: {view!r}")
    w = min(1.0, max(MIN_VIEW, w))
    h = min(1.0, max(MIN_VIEW, h))
    x = min(max(0.0, x), 1.0 - w)
    y = min(max(0.0, y), 1.0 - h)
    if w >= 0.999 and h >= 0.999:
        return None
    return (x, y, w, h)


def crop_rect(view: View, width: int, height: int) -> tuple[int, int, int, int]:
    """The view in source pixels (x0, y0, x1, y1), on even coordinates (chroma is shared by
    2×2 pixels), at least 2×2."""
    x, y, w, h = view
    x0 = min(int(x * width) & ~1, max(0, width - 2))
    y0 = min(int(y * height) & ~1, max(0, height - 2))
    x1 = min(width, max(x0 + 2, math.ceil((x + w) * width)))
    y1 = min(height, max(y0 + 2, math.ceil((y + h) * height)))
    x1 -= (x1 - x0) % 2
    y1 -= (y1 - y0) % 2
    return x0, y0, x1, y1


def _plane(frame: av.VideoFrame, index: int, rows: int) -> np.ndarray:
    plane = frame.planes[index]
    data = np.frombuffer(memoryview(plane), np.uint8)  # type: ignore[arg-type]
    return data[: plane.line_size * rows].reshape(rows, plane.line_size)


def _crop_bgra(frame: av.VideoFrame, rect: tuple[int, int, int, int],
               reformatter: VideoReformatter) -> np.ndarray:
    """The crop of the picture in BGRA at source resolution. For yuv420p (H.264 cameras)
    only the crop's pixels are copied and converted; other formats convert the whole
    picture first (swscale handles every pixel format and range)."""
    x0, y0, x1, y1 = rect
    cw, ch = x1 - x0, y1 - y0
    if frame.format.name == "yuv420p":
        sh = frame.height
        i420 = np.empty((ch * 3 // 2, cw), np.uint8)
        flat = i420.reshape(-1)
        flat[: cw * ch].reshape(ch, cw)[:] = _plane(frame, 0, sh)[y0:y1, x0:x1]
        quarter = (cw // 2) * (ch // 2)
        for i, start in ((1, cw * ch), (2, cw * ch + quarter)):
            chroma = _plane(frame, i, (sh + 1) // 2)[y0 // 2: y1 // 2, x0 // 2: x1 // 2]
            flat[start: start + quarter].reshape(ch // 2, cw // 2)[:] = chroma
        return cv2.cvtColor(i420, cv2.COLOR_YUV2BGRA_I420)
    full = reformatter.reformat(frame, format="bgra", threads=1).to_ndarray()
    return np.ascontiguousarray(full[y0:y1, x0:x1])


def zoomed_bgra(frame: av.VideoFrame, view: View, width: int, height: int,
                masks: Sequence[PrivacyMask], reformatter: VideoReformatter) -> np.ndarray:
    """The ``view`` part of the picture at ``width``×``height`` BGRA, masked at source
    coordinates first, then scaled (area filter when shrinking, bilinear when enlarging)."""
    rect = crop_rect(view, frame.width, frame.height)
    crop = _crop_bgra(frame, rect, reformatter)
    if masks:
        apply_masks_at(crop, masks, (frame.width, frame.height), (rect[0], rect[1]))
    if crop.shape[1] == width and crop.shape[0] == height:
        return crop
    shrink = crop.shape[1] > width or crop.shape[0] > height
    return cv2.resize(crop, (width, height),
                      interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def full_bgra(frame: av.VideoFrame, masks: Sequence[PrivacyMask],
              reformatter: VideoReformatter) -> np.ndarray:
    """The whole picture at source resolution in BGRA, masked (a snapshot)."""
    image: np.ndarray = reformatter.reformat(frame, format="bgra", threads=1).to_ndarray()
    if not image.flags["C_CONTIGUOUS"] or not image.flags["WRITEABLE"]:
        image = np.ascontiguousarray(image).copy()
    return apply_masks(image, masks)


class SnapshotRequest:
    """One pending snapshot: fulfilled by the first decoder that decodes a picture."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self._lock = threading.Lock()
        self.frame: Frame | None = None

    def fulfil(self, frame: Frame) -> bool:
        with self._lock:
            if self.frame is not None:
                return False
            self.frame = frame
        self.done.set()
        return True

    def wait(self, timeout: float) -> Frame:
        if not self.done.wait(timeout):
            raise StreamError(MSG_SNAPSHOT_TIMEOUT.format(s=max(1.0, timeout)))
        assert self.frame is not None
        return self.frame
