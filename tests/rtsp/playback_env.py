"""The loopback recorder used by the playback service and GUI tests: live and Hikvision-shaped
playback from the loopback RTSP server, or ONVIF replay through the loopback SOAP device."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from csu_wall.core.errors import RecorderNotSupported
from csu_wall.core.frames import Frame
from csu_wall.core.model import Camera, Commune, Recorder, Site, StreamKind, StreamProfile
from csu_wall.core.ports import Channel, RecorderHealth, SourceKind, StreamSource
from csu_wall.core.security import Habilitation, Operator
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.hikvision import isapi_time as hikvision_time
from csu_wall.recorders.onvif_replay import OnvifReplay
from csu_wall.services.access import AccessGate
from csu_wall.services.playback import PlaybackService
from csu_wall.services.wall import WallService
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from tests.media.helpers import wait_until
from tests.rtsp.fixture import RECORDED_FPS, RECORDED_GOP, RECORDED_START, RtspServer
from tests.rtsp.onvif_soap import OnvifDevice
from tests.rtsp.timecode import read_time

FRAME = timedelta(seconds=1 / RECORDED_FPS)
GOP = timedelta(seconds=RECORDED_GOP / RECORDED_FPS)
TILE = "s1-t1"
CAMERA = Camera("cam-001", "Mairie de Roncq", "roncq", "nvr", channel=1,
                sub=StreamProfile(width=320, height=192, fps=25))
RECORDER = Recorder("nvr", "roncq", "hikvision", "127.0.0.1")
SITE = Site("test", (Commune("roncq", "Roncq", "59508"),), (RECORDER,), (CAMERA,))
HABILITATION = Habilitation("agent1", "roncq", "arrêté préfectoral", "maire",
                            valid_from=datetime(2026, 1, 1, tzinfo=timezone.utc))


class LoopbackDriver:
    """The recorder of the test: live and Hikvision-shaped playback from the loopback server,
    or ONVIF replay through the loopback SOAP device (whose clock may be off)."""

    def __init__(self, server: RtspServer, device: OnvifDevice | None = None) -> None:
        self.recorder = RECORDER
        self.server = server
        self.onvif = (OnvifReplay(RECORDER.__class__(**{**RECORDER.__dict__,
                                                        "http_port": device.port}),
                                  lambda ref: (device.user, device.password))
                      if device is not None else None)

    def list_cameras(self) -> list[Channel]:
        return []

    def live_source(self, camera: Camera, stream: StreamKind) -> StreamSource:
        return StreamSource(url=self.server.url("live"), kind=SourceKind.RTSP,
                            camera_id=camera.id, recorder_id=RECORDER.id, stream=stream)

    def playback_source(self, camera: Camera, start_utc: datetime,
                        speed: float = 1.0) -> StreamSource:
        if self.onvif is not None:
            return self.onvif.playback_source(camera, start_utc, speed)
        return StreamSource(
            url=f"rtsp://127.0.0.1:{self.server.port}/Streaming/tracks/101"
                f"?starttime={hikvision_time(start_utc)}",
            kind=SourceKind.RTSP, camera_id=camera.id, recorder_id=RECORDER.id,
            playback_start=start_utc, speed=speed)

    def snapshot(self, camera: Camera) -> bytes:
        raise RecorderNotSupported("pas d'instantané")

    def clock_offset(self) -> float | None:
        return self.onvif.clock_offset() if self.onvif is not None else 0.0

    def health(self) -> RecorderHealth:
        return RecorderHealth(reachable=True)


@dataclass
class Env:
    playback: PlaybackService
    wall: WallService
    gate: AccessGate
    db: Database

    def frame(self) -> Frame | None:
        handle = self.wall.engine.tile(TILE)
        return handle.latest() if handle is not None else None

    def next_frame(self, after: Frame | None, timeout: float = 15.0) -> Frame:
        box: list[Frame] = []

        def newer() -> bool:
            f = self.frame()
            if f is not None and (after is None or (f.generation, f.seq) > (after.generation,
                                                                             after.seq)):
                box.append(f)
                return True
            return False

        assert wait_until(newer, timeout), self.wall.engine.tile(TILE)
        return box[-1]

    def shown(self, after: Frame | None = None) -> datetime:
        return read_time(self.next_frame(after).image)

    def actions(self) -> list[str]:
        return [r.entry.action.value for r in entries(self.db, limit=100)]


def make_env(tmp_path: Path, server: RtspServer, device: OnvifDevice | None = None, *,
             open_tile: bool = True) -> Env:
    db = Database.open(tmp_path / "csu.db", create=True)
    gate = AccessGate(SITE, Operator("agent1", "Agent 1"), [HABILITATION], DbAuditLog(db),
                      workstation="poste-1")
    engine = MediaEngine(workers=1, open_timeout=5, read_timeout=5)
    driver = LoopbackDriver(server, device)
    wall = WallService(SITE, gate, engine, lambda r: driver)
    if open_tile:
        wall.open_camera(TILE, CAMERA.id, (320, 192))
    return Env(PlaybackService(wall), wall, gate, db)


def at(seconds: float) -> datetime:
    return RECORDED_START + timedelta(seconds=seconds)
