"""A tile's feed: the one port the GUI holds for a tile, for the tile's whole life.

Live video, recorded video, the main/sub choice, digital zoom and snapshots are all requests on
the same feed and are carried out behind it (today by the media engine's threads; the contract
is the same for decoder processes writing into shared memory). Generations — the engine's way
of dropping frames and states of a source that was replaced — stay behind the feed: whatever
plays, :meth:`TileFeed.latest` returns the newest frame of what the tile plays now.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Protocol

from csu_wall.core.frames import Frame, TileState
from csu_wall.core.model import StreamKind
from csu_wall.core.ports import StreamSource

View = tuple[float, float, float, float]  # normalised x, y, w, h of the source picture


class Rung(IntEnum):
    """Where the overload ladder holds a tile (what it really decodes)."""

    PAUSE = 0  # no decoding; the last frame is shown with its age
    I = 1  # noqa: E741 - the operators' name: sub stream, keyframes only
    SD = 2  # sub stream, every frame
    HQ = 3  # main stream

    @property
    def label(self) -> str:
        return {Rung.PAUSE: "pause", Rung.I: "I", Rung.SD: "SD", Rung.HQ: "HQ"}[self]


class StreamChoice(Protocol):
    """Given with a live source, so the one place that chooses streams (the quality switcher
    and the overload ladder, behind the feed) can ask for the camera's other stream. Raises
    :class:`~csu_wall.core.errors.AccessDenied` when the operator may no longer view it."""

    def source_for(self, kind: StreamKind) -> StreamSource: ...


class TileFeed(Protocol):
    """What the GUI holds for one tile. Thread-safe; :meth:`latest` never blocks."""

    tile_id: str

    @property
    def state(self) -> TileState: ...

    @property
    def detail(self) -> str: ...

    @property
    def active(self) -> bool:
        """Something plays (or is being connected) on this feed."""
        ...

    @property
    def kind(self) -> StreamKind: ...

    @property
    def recording(self) -> bool:
        """Recorded video plays on the feed (not live)."""
        ...

    @property
    def rung(self) -> Rung | None:
        """What the overload ladder lets this tile decode now; None when nothing plays."""
        ...

    def latest(self) -> Frame | None:
        """The newest frame of what the tile plays now (masked, fitted to the tile)."""
        ...

    def next_frame(self) -> Frame | None:
        """The frame the wall's render loop shows at this turn: the newest, or once, one
        that a burst of frames replaced before it was shown (at most one turn late)."""
        ...

    @property
    def news(self) -> bool:
        """A frame :meth:`next_frame` has not given yet waits. Read without a lock, every
        turn, for every tile on the screen: the render loop asks only feeds with news for
        their frame (most turns find none: 25 fps against 50 turns a second)."""
        ...

    def set_size(self, width: int, height: int) -> None: ...

    @property
    def size(self) -> tuple[int, int]: ...

    def set_visible(self, visible: bool) -> None:
        """A tile off the screen costs no decoding (it resumes at the next keyframe)."""
        ...

    def set_paused(self, paused: bool) -> None:
        """Hold the picture (a recording paused): no decoding, the last frame stays."""
        ...

    def set_fill(self, fill: bool) -> None:
        """False (the default): aspect ratio kept, letterboxed; True: the tile is filled."""
        ...

    def set_view(self, view: View | None) -> None:
        """Digital zoom on source pixels; None shows the whole picture."""
        ...

    @property
    def view(self) -> View | None: ...

    def snapshot(self, timeout: float = 3.0) -> Frame:
        """The next picture at full source resolution, masked. Blocks up to ``timeout``."""
        ...


FeedListener = Callable[[str], None]  # tile_id whose feed state changed (any thread)
