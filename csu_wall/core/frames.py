"""Decoded frames and tile states: what crosses from media to the wall."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np


class TileState(str, Enum):
    IDLE = "idle"
    CONNECTING = "connecting"
    LIVE = "live"
    STALLED = "stalled"  # connected, no frame within the read timeout
    LOST = "lost"  # connection dropped, reconnecting with backoff
    UNAUTHORISED = "unauthorised"  # recorder refused the credentials (terminal)
    UNREACHABLE = "unreachable"
    DENIED = "denied"  # operator not habilitated: no connection was made
    PAUSED = "paused"
    # Recorded video (the detail says when, in French):
    ENDED = "ended"  # the end of the recording was reached (terminal)
    NO_RECORDING = "no-recording"  # nothing recorded at this time: a gap, or outside it
    REFUSED = "refused"  # the recorder refused the request (terminal, reason in the detail)


@dataclass(frozen=True)
class Frame:
    """A frame ready to paint: BGRA (Qt's Format_RGB32 / ARGB32 byte order on little endian),
    already at tile size, privacy masks applied."""

    image: np.ndarray  # shape (h, w, 4), uint8, C-contiguous
    generation: int
    seq: int  # increasing per stream: distinct frames have distinct seq
    pts: float | None  # seconds, source timestamp
    decoded_at: float  # monotonic seconds
    source_width: int
    source_height: int
    keyframe: bool = False
    # The source's wall-clock time of this picture (UTC epoch seconds) when known: a
    # recording's position, for the playback clock.
    wallclock: float | None = None
    # Where the picture lies inside ``image`` (x, y, w, h) when it does not fill it (fitted
    # with its aspect kept); None: the picture fills the image.
    fitted: tuple[int, int, int, int] | None = None

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])
