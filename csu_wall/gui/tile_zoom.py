"""A tile's digital zoom as a value: the part of the picture shown, normalised (x, y, w, h),
or None for all of it; and the drop formats a tile accepts."""

from __future__ import annotations

CAMERA_MIME = "application/x-csu-camera"
COMMUNE_MIME = "application/x-csu-commune"  # a whole commune: fills the empty tiles
TILE_MIME = "application/x-csu-tile"  # another tile of the wall: swap
DROP_MIMES = (CAMERA_MIME, COMMUNE_MIME, TILE_MIME)
ZOOM_STEP = 1.25  # per wheel notch
MAX_ZOOM = 8.0
View = tuple[float, float, float, float]  # normalised x, y, w, h of the source shown


def clamp_view(view: View | None) -> View | None:
    """The view kept inside the picture and within the zoom limits (None: all of it)."""
    if view is None:
        return None
    x, y, w, h = view
    w = min(1.0, max(1.0 / MAX_ZOOM, w))
    h = min(1.0, max(1.0 / MAX_ZOOM, h))
    x = min(max(0.0, x), 1.0 - w)
    y = min(max(0.0, y), 1.0 - h)
    return None if w >= 0.999 and h >= 0.999 else (x, y, w, h)


def zoomed_view(view: View | None, factor: float, fx: float, fy: float) -> View | None:
    """Zoom by ``factor`` keeping the picture point at (fx, fy) of the tile (0..1) fixed."""
    x, y, w, h = view or (0.0, 0.0, 1.0, 1.0)
    fx = min(max(fx, 0.0), 1.0)
    fy = min(max(fy, 0.0), 1.0)
    px, py = x + fx * w, y + fy * h
    nw, nh = w / factor, h / factor
    return clamp_view((px - fx * nw, py - fy * nh, nw, nh))


def panned_view(view: View, fdx: float, fdy: float) -> View | None:
    """Move the view by a drag of (fdx, fdy) tile widths and heights."""
    x, y, w, h = view
    return clamp_view((x - fdx * w, y - fdy * h, w, h))
