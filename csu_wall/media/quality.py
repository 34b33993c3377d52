"""Main or sub stream for a tile, from its size on the screen (the Nx Witness RADASS idea).

Pure logic with an injected clock. A tile taller than ``up_ratio`` times the sub stream's
height wants the main stream; it goes back to the sub stream only below ``down_ratio`` times
that height (hysteresis), and size-driven switches are at least ``min_interval`` seconds apart
so a tile being resized does not reconnect at every step. Maximise and restore are the
operator's explicit request: they switch at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from csu_wall.core.model import StreamKind

DEFAULT_SUB_HEIGHT = 360  # when neither the site nor a decoded frame told us


def initial_kind(height_px: int, sub_height: int, *, up_ratio: float = 1.2) -> StreamKind:
    """The stream to open a tile with (no history yet): main only when clearly larger."""
    sub = sub_height if sub_height > 0 else DEFAULT_SUB_HEIGHT
    return StreamKind.MAIN if height_px > up_ratio * sub else StreamKind.SUB


@dataclass
class _TileQuality:
    kind: StreamKind
    changed_at: float
    maximised: bool


class QualitySwitcher:
    """Remembers, per tile, the stream chosen and when; :meth:`decide` says which to play."""

    def __init__(self, clock: Callable[[], float], *, up_ratio: float = 1.2,
                 down_ratio: float = 0.8, min_interval: float = 5.0) -> None:
        if not down_ratio < up_ratio:
            raise ValueError("down_ratio must be below up_ratio (hysteresis)")
        self._clock = clock
        self.up_ratio = up_ratio
        self.down_ratio = down_ratio
        self.min_interval = min_interval
        self._tiles: dict[str, _TileQuality] = {}

    def start(self, tile_id: str, kind: StreamKind, *, maximised: bool = False) -> None:
        """A tile was opened on ``kind`` now: the interval counts from here."""
        self._tiles[tile_id] = _TileQuality(kind, self._clock(), maximised)

    def forget(self, tile_id: str) -> None:
        self._tiles.pop(tile_id, None)

    def current(self, tile_id: str) -> StreamKind | None:
        state = self._tiles.get(tile_id)
        return state.kind if state else None

    def decide(self, tile_id: str, *, height_px: int, sub_height: int,
               maximised: bool = False) -> StreamKind:
        """The stream the tile should play now (physical pixel height of the tile)."""
        now = self._clock()
        sub = sub_height if sub_height > 0 else DEFAULT_SUB_HEIGHT
        state = self._tiles.get(tile_id)
        if state is None:
            kind = StreamKind.MAIN if maximised else initial_kind(height_px, sub,
                                                                  up_ratio=self.up_ratio)
            self._tiles[tile_id] = _TileQuality(kind, now, maximised)
            return kind
        if maximised:
            wanted = StreamKind.MAIN
        elif state.kind is StreamKind.MAIN:
            wanted = StreamKind.SUB if height_px < self.down_ratio * sub else StreamKind.MAIN
        else:
            wanted = StreamKind.MAIN if height_px > self.up_ratio * sub else StreamKind.SUB
        explicit = maximised != state.maximised  # maximise or restore: immediate
        state.maximised = maximised
        if wanted is not state.kind and (explicit or now - state.changed_at >= self.min_interval):
            state.kind = wanted
            state.changed_at = now
        return state.kind
