"""A control-room workstation for the playback scenario, wired as the application wires it
(csu_wall.composition.AppLauncher and the runner's order: sign in, open the wall with the
window's state bridge, MainWindow with the wall's extras, then the features): a real site
file applied to a real SQLite database, a real operator account habilitated for the commune,
a shift opened, and one Hikvision recorder on loopback: RTSP from the loopback RTSP server
(live streams drawing the server's wall clock; a recording made relative to now, so that
"−60 s" and recent bookmarks fall inside it, carrying its own time in its pixels) and ISAPI
over HTTP from the loopback vendor device (clock, search of the recorded segments)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from csu_wall.composition import AppLauncher, Paths
from csu_wall.core.model import Camera
from csu_wall.core.security import Habilitation, Role
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.features import InstalledFeatures
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.playback_bar import PlaybackBar
from csu_wall.gui.shift_features import ShiftFeatures
from csu_wall.services.wall import WallService
from csu_wall.storage.db import Database
from csu_wall.storage.operators import add_habilitation
from tests.recorders.vendor_http import VendorConfig, VendorHttpServer
from tests.rtsp.fixture import CLOCK_FPS, CLOCK_GOP, RtspServer
from tests.rtsp.timecode import make_timecoded_clip
from tests.services.auth_helpers import PASSWORD, add_user

FPS = CLOCK_FPS
GOP_FRAMES = CLOCK_GOP  # the recording too: one IDR a second
RECORDED_BEFORE_S = 600  # the recording starts this long before the session's first test
RECORDED_AFTER_S = 300  # ... and runs on this long after it (a scenario stays inside)
CAMERA_ID = "cam-parvis"
OPERATOR = "agent"

SITE = """\
[site]
name = "CSU de test — relecture"

[[commune]]
id = "roncq"
name = "Roncq"
insee = "59508"

[[recorder]]
id = "nvr-mairie"
commune = "roncq"
driver = "hikvision"
host = "127.0.0.1"
rtsp_port = {rtsp}
http_port = {http}
timezone = "Europe/Paris"

[[camera]]
id = "{camera}"
name = "Parvis de la mairie"
commune = "roncq"
recorder = "nvr-mairie"
channel = 1
main = {{ width = 320, height = 192, fps = 25 }}
sub = {{ width = 320, height = 192, fps = 25 }}
"""


@dataclass(frozen=True)
class Recording:
    path: Path
    start: datetime  # UTC time of its first frame (a whole second)
    seconds: int


@pytest.fixture(scope="session")
def recent_recording(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    """Fifteen minutes of timecoded video around the start of the session (25 fps, one IDR a
    second): about 9 s to encode here, once per session."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=RECORDED_BEFORE_S)
    seconds = RECORDED_BEFORE_S + RECORDED_AFTER_S
    path = make_timecoded_clip(tmp_path_factory.mktemp("recent") / "recent.h264", start,
                               seconds, fps=FPS, gop=GOP_FRAMES)
    return Recording(path, start, seconds)


@pytest.fixture()
def recorder_server(rtsp_server: Callable[..., RtspServer],
                    recent_recording: Recording) -> RtspServer:
    """The recorder's RTSP side, in Hikvision's URL shapes: channel 1's main and sub streams
    live (the server's clock), its recording by ``starttime=`` (UTC)."""
    clock = {"kind": "clock", "fps": FPS, "gop": GOP_FRAMES}
    return rtsp_server({
        "main": {**clock, "path_in_url": "Streaming/Channels/101"},
        "sub": {**clock, "path_in_url": "Streaming/Channels/102"},
        "tracks": {"kind": "playback", "path": recent_recording.path, "fps": FPS,
                   "start": recent_recording.start.timestamp(), "shape": "hikvision",
                   "path_in_url": "Streaming/tracks/101"},
    })


@pytest.fixture()
def recorder_http(recent_recording: Recording) -> Iterator[VendorHttpServer]:
    """The recorder's HTTP side (ISAPI, tests/recorders/vendor_http.py): its clock (ours) and
    the search of its recorded segments (the whole recording, track 101)."""
    end = recent_recording.start + timedelta(seconds=recent_recording.seconds)
    device = VendorHttpServer(VendorConfig("hikvision", auth=None,
                                           hik_segments=[(101, recent_recording.start, end)]))
    yield device
    device.close()


@dataclass
class Desk:
    window: MainWindow
    service: WallService
    installed: InstalledFeatures
    launcher: AppLauncher
    camera: Camera

    @property
    def bar(self) -> PlaybackBar:
        assert self.installed.playback is not None
        return self.installed.playback

    @property
    def shifts(self) -> ShiftFeatures:
        assert self.installed.shifts is not None
        return self.installed.shifts


def open_desk(qtbot: QtBot, tmp_path: Path, server: RtspServer,
              http: VendorHttpServer) -> Desk:
    data = tmp_path / "data"
    site_file = tmp_path / "site.toml"
    site_file.write_text(SITE.format(rtsp=server.port, http=http.port, camera=CAMERA_ID),
                         encoding="utf-8")
    db_file = data / "csu-wall.sqlite3"
    launcher = AppLauncher(Paths(data_dir=data, database_url=str(db_file), demo=False),
                           workstation="pupitre-1")
    assert launcher.apply_site_file(site_file) == []
    db = Database.open(db_file)
    try:
        add_user(db, OPERATOR, Role.OPERATOR)
        add_habilitation(db, Habilitation(OPERATOR, "roncq", "arrêté préfectoral", "maire",
                                          datetime(2020, 1, 1, tzinfo=UTC)))
    finally:
        db.close()
    operator = launcher.sign_in(OPERATOR, PASSWORD)
    bridge = StateBridge()
    service = launcher.open_wall(bridge.post, operator)
    window = MainWindow(service, demo=False, bridge=bridge,
                        **launcher.wall_extras(service))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    installed = launcher.decorate_window(window, service)
    assert installed is not None and installed.shifts is not None
    # Wide enough that, with the playback and bookmark panels open, a 2×2 grid's tiles stay
    # landscape like the camera's picture.
    window.resize(1900, 1000)
    window.show()
    # the shift dialog comes once the shift is read (off the GUI thread); it closes first
    qtbot.waitUntil(lambda: installed.shifts.gate.dialog is not None,  # type: ignore[union-attr]
                    timeout=5_000)
    dialog = installed.shifts.gate.dialog  # no shift yet: the wall waits for one
    assert dialog is not None
    dialog.confirm()  # type: ignore[attr-defined]  # recorded off the GUI thread
    qtbot.waitUntil(window.wall.isVisible, timeout=5000)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    return Desk(window, service, installed, launcher, service.site.camera(CAMERA_ID))


def close_desk(desk: Desk) -> None:
    desk.window.shutdown()
    desk.launcher.auth().sign_out()
