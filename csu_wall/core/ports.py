"""Ports: the protocols the outer layers implement, and the values crossing them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Protocol

from csu_wall.core.model import Camera, Recorder, StreamKind


class SourceKind(str, Enum):
    RTSP = "rtsp"
    HTTP = "http"  # MJPEG over HTTP, or any URL FFmpeg opens
    FILE = "file"  # local file, paced in real time and looped (demo)


@dataclass(frozen=True)
class StreamSource:
    """What ``media`` needs to open one stream. Never holds a password in clear text:
    ``credential_ref`` names the secret, resolved only at connection time."""

    url: str
    kind: SourceKind
    camera_id: str
    recorder_id: str
    stream: StreamKind = StreamKind.SUB
    transport: str = "tcp"
    options: dict[str, str] = field(default_factory=dict)
    credential_ref: str | None = None
    realtime: bool = False  # pace packets by their timestamps (files)
    loop: bool = False  # restart at end of file (demo)
    # Called once in the session's reader thread before opening (e.g. the demo driver
    # encodes its clip there, never on the GUI thread). Excluded from equality.
    prepare: Callable[[], None] | None = field(default=None, compare=False, repr=False)


class RecorderDriver(Protocol):
    """One per recorder family (see DESIGN §5)."""

    recorder: Recorder

    def live_source(self, camera: Camera, stream: StreamKind) -> StreamSource: ...


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def now_utc(self) -> datetime: ...


class SystemClock:
    """The real clock. Tests inject their own."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now_utc(self) -> datetime:
        return datetime.now(timezone.utc)
