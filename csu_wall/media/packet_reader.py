"""What a session runs instead of FFmpeg for a source FFmpeg cannot read: recorded video over
our RTSP client (csu_wall/media/replay.py) and snapshot polling
(csu_wall/media/snapshot_poll.py) each implement :class:`PacketReader`; neither imports the
other for it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from csu_wall.media.pool import Decoder


class PacketReader(ABC):
    """A source FFmpeg cannot read: the session opens, pumps and closes it on its thread."""

    @abstractmethod
    def open(self) -> None: ...

    @abstractmethod
    def pump(self, decoder: Decoder, seen: Callable[[], None]) -> str:
        """Hand packets to ``decoder`` (calling ``seen`` for each) until stopped ("stopped")
        or the end ("file-end"); raises on a failure, as the session expects."""

    @abstractmethod
    def close(self) -> None: ...
