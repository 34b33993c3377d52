"""The site: communes, recorders, cameras, stream profiles and privacy masks.

Frozen dataclasses; identifiers are short strings chosen by the site file (``tourcoing``,
``tcg-nvr1``, ``tcg-001``). Masks are polygons in normalised coordinates (0..1, origin top-left)
so they apply to any stream resolution.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

# Corners for a camera's ``osd`` (site file): where the wall's plates go on its picture.
# Cameras usually burn their title top-left and their clock top-right (or along the bottom
# edge, right-aligned): bottom-left is the corner most often free.
OSD_CORNERS = ("bottom-left", "bottom-right", "top-left", "top-right")


class StreamKind(str, Enum):
    MAIN = "main"
    SUB = "sub"


@dataclass(frozen=True)
class Commune:
    id: str
    name: str
    insee: str
    attached: bool = True


@dataclass(frozen=True)
class Recorder:
    id: str
    commune_id: str
    driver: str  # "rtsp", "onvif", "hikvision", "dahua", "axis", "mjpeg", "snapshot", "demo"
    host: str
    rtsp_port: int = 554
    http_port: int = 80
    timezone: str = "Europe/Paris"
    tls_pin: str | None = None  # sha256 fingerprint "AA:BB:..." of the recorder's certificate
    session_cap: int = 32  # concurrent streaming sessions the recorder accepts
    username: str | None = None  # a user name may be in the site file; a password never
    # The HTTP API's (and MJPEG/snapshot encoders') scheme: "http" or "https". A pinned
    # certificate always means HTTPS (never a silent downgrade); the port means nothing.
    scheme: str = "http"
    # Generic RTSP recorders: the URL template of recorded video (site file ``playback``),
    # e.g. "/playback/{channel}?start={start:%Y%m%dT%H%M%SZ}"; "" = no playback.
    playback_path: str = ""


@dataclass(frozen=True)
class StreamProfile:
    """One stream of a camera. ``path`` is a driver-specific template or path."""

    path: str = ""
    width: int = 0
    height: int = 0
    fps: float = 0.0
    transport: str = "tcp"  # "tcp" or "udp" for RTSP


@dataclass(frozen=True)
class PrivacyMask:
    """A polygon hidden on every frame before anyone sees it (CSI L251-3)."""

    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Camera:
    id: str
    name: str
    commune_id: str
    recorder_id: str
    channel: int = 1
    location: str = ""
    ptz: bool = False
    main: StreamProfile = field(default_factory=StreamProfile)
    sub: StreamProfile = field(default_factory=StreamProfile)
    masks: tuple[PrivacyMask, ...] = ()
    purpose: str = ""
    number: int | None = None  # call-up number on the keyboard
    # The corner of the picture where the wall puts its plates when the tile has no
    # letterbox band: one the camera leaves free of its own burned-in title and clock.
    osd: str = "bottom-left"

    def profile(self, kind: StreamKind) -> StreamProfile:
        return self.main if kind is StreamKind.MAIN else self.sub


@dataclass(frozen=True)
class Site:
    """A whole site: what a site file describes and what the database holds."""

    name: str
    communes: tuple[Commune, ...] = ()
    recorders: tuple[Recorder, ...] = ()
    cameras: tuple[Camera, ...] = ()

    def commune(self, commune_id: str) -> Commune:
        for c in self.communes:
            if c.id == commune_id:
                return c
        raise KeyError(commune_id)

    def recorder(self, recorder_id: str) -> Recorder:
        for r in self.recorders:
            if r.id == recorder_id:
                return r
        raise KeyError(recorder_id)

    def camera(self, camera_id: str) -> Camera:
        for c in self.cameras:
            if c.id == camera_id:
                return c
        raise KeyError(camera_id)

    def cameras_of(self, commune_id: str) -> list[Camera]:
        return [c for c in self.cameras if c.commune_id == commune_id]

    def attached_communes(self) -> list[Commune]:
        return [c for c in self.communes if c.attached]

    @staticmethod
    def of(name: str, communes: Iterable[Commune], recorders: Iterable[Recorder],
           cameras: Iterable[Camera]) -> Site:
        return Site(name, tuple(communes), tuple(recorders), tuple(cameras))
