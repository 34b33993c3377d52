"""Ports: the protocols the outer layers implement, and the values crossing them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Protocol

from csu_wall.core.model import Camera, Recorder, StreamKind
from csu_wall.core.replay import ReplayControl


class SourceKind(str, Enum):
    RTSP = "rtsp"
    HTTP = "http"  # MJPEG over HTTP, or any URL FFmpeg opens
    FILE = "file"  # local file, paced in real time and looped (demo)
    # RTSP that FFmpeg cannot speak: ONVIF replay (``Range: clock=``, ``Require: onvif-replay``)
    # or a ``Scale:`` header for fast playback; read by an RTSP client that can (aiortsp).
    RTSP_REPLAY = "rtsp-replay"
    SNAPSHOT = "snapshot"  # JPEG snapshots polled at ``poll_hz`` (older analog encoders)


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
    # Recorded video: the asked start (aware UTC) and speed; None for live.
    playback_start: datetime | None = None
    speed: float = 1.0
    poll_hz: float = 0.0  # SNAPSHOT sources: polls per second
    tls_pin: str | None = None  # sha256 fingerprint the server certificate must have
    # Called in the session's reader thread before opening — once for a file (the demo
    # driver encodes its clip there, never on the GUI thread), before EVERY connection for a
    # network source (an HTTPS recorder's certificate pin is checked again each time).
    # Excluded from equality.
    prepare: Callable[[], None] | None = field(default=None, compare=False, repr=False)
    # Called in the session's reader thread before the first connection when the address is
    # not known yet (an ONVIF device is asked for it: GetStreamUri): returns the URL. It may
    # take the recorder's timeout, never on the GUI thread; the session's stop event set
    # abandons it (the tile was closed). Excluded from equality.
    resolve: Callable[[threading.Event], str] | None = field(default=None, compare=False,
                                                              repr=False)
    # RTSP_REPLAY sources: the playback service's control of the running reader (pause, step,
    # speed, time shown). None: the reader makes its own, from ``playback_start``/``speed``.
    replay: ReplayControl | None = field(default=None, compare=False, repr=False)
    # Recorded video: the spans the recorder holds around ``playback_start`` (aware UTC
    # [start, end) pairs, sorted) when it says; a reader crosses a gap between two at once.
    recorded: tuple[tuple[datetime, datetime], ...] = ()


@dataclass(frozen=True)
class Channel:
    """A camera as a recorder lists it (channel import keeps site-file names and masks)."""

    channel: str  # the recorder's own channel id / profile token
    name: str
    main: tuple[int, int] | None = None  # width, height when the recorder says
    sub: tuple[int, int] | None = None
    has_recordings: bool = False


@dataclass(frozen=True)
class RecorderHealth:
    """What a recorder says about itself (``health()``)."""

    reachable: bool
    model: str = ""
    firmware: str = ""
    detail: str = ""  # French, for the operator or IT staff


class RecorderDriver(Protocol):
    """One per recorder family (see DESIGN §5). Errors are the typed RecorderError family:
    RecorderUnreachable, RecorderAuthError (terminal), RecorderNotSupported,
    RecorderBadAnswer; their messages are French and never hold a credential."""

    recorder: Recorder

    def list_cameras(self) -> list[Channel]: ...

    def live_source(self, camera: Camera, stream: StreamKind) -> StreamSource: ...

    def playback_source(
        self, camera: Camera, start_utc: datetime, speed: float = 1.0
    ) -> StreamSource: ...

    def snapshot(self, camera: Camera) -> bytes:
        """A JPEG image from the recorder (not masked: the caller masks it)."""
        ...

    def clock_offset(self) -> float | None:
        """Recorder clock minus local UTC clock, in seconds (None: cannot tell)."""
        ...

    def health(self) -> RecorderHealth: ...


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def now_utc(self) -> datetime: ...


class SystemClock:
    """The real clock. Tests inject their own."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now_utc(self) -> datetime:
        return datetime.now(timezone.utc)
