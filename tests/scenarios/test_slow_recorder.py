"""A slow ONVIF recorder while the wall plays, through the real window (pytest-qt, real widgets
offscreen, the loopback RTSP server, the real ONVIF driver against loopback ONVIF devices).

Three tiles play live RTSP from the loopback server. Two ONVIF recorders are slow to give an
address (tests/scenarios/_slow_onvif.py): one answers after 6 s, one after 10 s; the ONVIF
driver's timeout is 8 s. The operator

1. opens a camera of the 6 s recorder for the first time: the tile says "connexion…" while the
   device is asked (GetStreamUri, in the media session's reader thread), then plays live;
2. plays its recording back from the playback bar: the bar says « Recherche de
   l'enregistrement… » while the device is asked (GetReplayUri, on the recorder executor),
   then the tile shows the recorded time;
3. does the same on the 10 s recorder: the first live open ends at the 8 s timeout with the
   tile saying so, and so does playback, with a French message in the status bar; the
   operator's Cancel gives up a search at once.

Throughout, a 10 ms Qt timer measures how late the GUI thread is (event-loop lag): p99 under
100 ms, and the live tiles keep receiving frames."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from csu_wall.core.frames import TileState
from csu_wall.core.model import Camera, Commune, Recorder, Site, StreamProfile
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.playback_bar import PlaybackBar, to_qt
from csu_wall.gui.tile import TileWidget
from csu_wall.services.playback import PlaybackService
from csu_wall.services.wall import WallService
from tests.rtsp.fixture import (
    RECORDED_FPS,
    RECORDED_GOP,
    RECORDED_SECONDS,
    RECORDED_START,
    RtspServer,
)
from tests.rtsp.timecode import find_time
from tests.scenarios._lag import LagProbe
from tests.scenarios._slow_onvif import SlowOnvifDevice, slow_onvif_device
from tests.scenarios._wired_desk import french, wired_desk  # noqa: F401 - the fixture

pytestmark = [pytest.mark.rtsp, pytest.mark.slow, pytest.mark.timeout(180)]

USER, SECRET = "admin", "secret"
DRIVER_TIMEOUT_S = 8.0  # the ONVIF driver's own (csu_wall/recorders/onvif.py)
LAG_P99_S = 0.100
GOP = timedelta(seconds=RECORDED_GOP / RECORDED_FPS)
FRAME = timedelta(seconds=1 / RECORDED_FPS)
LIVE = ("live-1", "live-2", "live-3")


def credentials(ref: str) -> tuple[str, str] | None:
    return (USER, SECRET) if ref.startswith("recorder:") else None


def make_site(rtsp_port: int, slow_port: int, slower_port: int) -> Site:
    profile = StreamProfile(path="/live", width=320, height=192, fps=25)
    onvif_sub = StreamProfile(width=320, height=192, fps=25)
    recorders = (
        Recorder("nvr-rtsp", "roncq", "rtsp", "127.0.0.1", rtsp_port=rtsp_port),
        Recorder("onvif-6s", "halluin", "onvif", "127.0.0.1", http_port=slow_port),
        Recorder("onvif-10s", "halluin", "onvif", "127.0.0.1", http_port=slower_port),
    )
    cameras = tuple(Camera(cid, f"Direct {n}", "roncq", "nvr-rtsp", channel=n, main=profile,
                           sub=profile) for n, cid in enumerate(LIVE, start=1))
    # In another commune: the window fills its first tiles with the first commune's cameras.
    cameras += (Camera("cam-6s", "Parvis", "halluin", "onvif-6s", sub=onvif_sub),
                Camera("cam-10s", "Halle", "halluin", "onvif-10s", sub=onvif_sub))
    communes = (Commune("roncq", "Roncq", "59508"), Commune("halluin", "Halluin", "59279"))
    return Site("CSU de test — enregistreur lent", communes, recorders, cameras)


@dataclass
class Desk:
    window: MainWindow
    bar: PlaybackBar
    wall: WallService
    playback: PlaybackService
    slow: SlowOnvifDevice  # answers after 6 s
    slower: SlowOnvifDevice  # answers after 10 s

    def tile(self, index: int) -> TileWidget:
        return self.window.wall.tiles[index]


@pytest.fixture()
def desk(qtbot: QtBot, tmp_path: Path, playback_server: RtspServer, french: None,  # noqa: F811
         qasync_loop: asyncio.AbstractEventLoop) -> Iterator[Desk]:
    end = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)
    replay = playback_server.url("onvif/replay/rec1")
    live = playback_server.url("live")

    def device(delay: float) -> SlowOnvifDevice:
        return SlowOnvifDevice(replay, RECORDED_START, end, user=USER, password=SECRET,
                               live_uri=live, delay=delay)

    with slow_onvif_device(device(6.0)) as slow, slow_onvif_device(device(10.0)) as slower:
        site = make_site(playback_server.port, slow.port, slower.port)
        with wired_desk(qtbot, tmp_path, site, credentials) as wired:
            yield Desk(wired.window, wired.bar, wired.wall, wired.playback, slow, slower)


def frames_of(desk: Desk, indexes: range) -> list[int]:
    """How many frames each tile painted so far."""
    return [desk.tile(i).frames_painted for i in indexes]


def recorded_time(tile: TileWidget) -> datetime | None:
    feed = tile.feed
    frame = feed.latest() if feed is not None else None
    return find_time(frame.image, RECORDED_FPS) if frame is not None else None


def test_a_slow_onvif_recorder_never_holds_the_wall(qtbot: QtBot, desk: Desk) -> None:
    window, bar = desk.window, desk.bar
    live_tiles = range(len(LIVE))
    assert [desk.tile(i).camera.id for i in live_tiles] == list(LIVE)  # type: ignore[union-attr]
    assert desk.tile(len(LIVE)).camera is None  # the slow recorders' tiles are empty
    qtbot.waitUntil(lambda: all(n >= 3 for n in frames_of(desk, live_tiles)), timeout=40_000)
    probe = LagProbe()
    probe.start()

    # 1. First live open on the 6 s recorder: "connexion…", then live.
    six = desk.tile(3)
    started = time.monotonic()
    window.wall.open_in_tile(six.tile_id, "cam-6s")
    assert time.monotonic() - started < 1.0  # the device is not asked on the GUI thread (6 s)
    qtbot.waitUntil(lambda: desk.slow.held == 1, timeout=5000)  # GetStreamUri held
    assert six.state is TileState.CONNECTING and six.shown_status() == "connexion…"
    painted = frames_of(desk, live_tiles)
    qtbot.waitUntil(lambda: six.state is TileState.LIVE and six.frames_painted >= 1,
                    timeout=20_000)
    assert time.monotonic() - started >= 5.5  # it did wait for the recorder
    assert all(b > a for a, b in zip(painted, frames_of(desk, live_tiles), strict=True))

    # 2. Playback on the 6 s recorder: the bar searches, then the tile shows the recording.
    asked = RECORDED_START + timedelta(seconds=20)
    bar.set_tile(six.tile_id, six.camera)
    bar.when.setDateTime(to_qt(asked))
    held = desk.slow.held
    started = time.monotonic()
    qtbot.mouseClick(bar.play_at, Qt.MouseButton.LeftButton)
    assert time.monotonic() - started < 1.0  # the click returns at once, not after 6 s
    assert bar.busy_label.isVisibleTo(bar) and bar.cancel_button.isVisibleTo(bar)
    assert bar.busy_label.text() == "Recherche de l'enregistrement…"
    qtbot.waitUntil(lambda: desk.slow.held > held, timeout=5000)  # GetReplayUri held
    painted = frames_of(desk, live_tiles)
    qtbot.waitUntil(lambda: not bar.searching, timeout=20_000)
    assert time.monotonic() - started >= 5.5
    assert desk.playback.is_playback(six.tile_id), window.last_message
    assert not bar.busy_label.isVisibleTo(bar)

    def near_asked() -> bool:
        shown = recorded_time(six)
        return shown is not None and abs(shown - asked) <= GOP + 3 * FRAME

    qtbot.waitUntil(near_asked, timeout=15_000)
    assert all(b > a for a, b in zip(painted, frames_of(desk, live_tiles), strict=True))

    # 3. The 10 s recorder: the first live open times out at 8 s, and the tile says so.
    ten = desk.tile(4)
    started = time.monotonic()
    window.wall.open_in_tile(ten.tile_id, "cam-10s")
    qtbot.waitUntil(lambda: desk.slower.held == 1, timeout=5000)
    assert ten.state is TileState.CONNECTING
    qtbot.waitUntil(lambda: ten.state is TileState.UNREACHABLE, timeout=20_000)
    took = time.monotonic() - started
    assert DRIVER_TIMEOUT_S - 0.5 <= took < 10.0, took  # the driver's 8 s, not the device's 10
    assert "ne répond pas dans le délai" in ten.detail, ten.detail

    # Playback on it: Cancel gives up at once ...
    bar.set_tile(ten.tile_id, ten.camera)
    bar.when.setDateTime(to_qt(asked))
    task = bar.go()
    assert task is not None
    qtbot.wait(1000)
    started = time.monotonic()
    qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(task.done, timeout=2000)
    assert task.cancelled() and time.monotonic() - started < 1.0
    assert window.last_message == ("Recherche de l'enregistrement annulée.", "info")

    # ... and left to itself, it ends at the recorder's 8 s timeout, said in French.
    held = desk.slower.held
    started = time.monotonic()
    task = bar.go()
    assert task is not None
    qtbot.waitUntil(lambda: desk.slower.held > held, timeout=5000)  # the device is asked
    qtbot.waitUntil(task.done, timeout=15_000)
    took = time.monotonic() - started
    assert task.result() is False
    assert DRIVER_TIMEOUT_S - 0.5 <= took < 10.0, took
    text, level = window.last_message
    # The recorder's 8 s: the executor's wait or the driver's own request timeout, whichever
    # fires first (the same 8 s) — both say it in French, naming the recorder.
    assert level == "error" and "onvif-10s" in text, text
    assert "n'a pas répondu dans le délai (8 s)" in text or "ne répond pas" in text, text
    assert bar.error_label.isVisibleTo(bar) and bar.error_label.text() == text  # in the bar too
    assert not bar.busy_label.isVisibleTo(bar)
    assert not desk.playback.is_playback(ten.tile_id)
    assert desk.playback.is_playback(six.tile_id)  # the other tile plays on

    # Closing the tile while its camera's address is being asked again abandons the request:
    # its reader thread ends at once, not when the device answers.
    qtbot.waitUntil(lambda: desk.slower.held >= held + 2, timeout=30_000)  # asked again
    reader = f"csu-media-reader-{ten.tile_id}"
    assert any(t.name == reader for t in threading.enumerate())
    started = time.monotonic()
    window.wall.close_tile(ten.tile_id)
    assert ten.camera is None and ten.state is TileState.IDLE
    qtbot.waitUntil(lambda: all(t.name != reader for t in threading.enumerate()),
                    timeout=2000)
    assert time.monotonic() - started < 1.0

    probe.stop()
    assert len(probe.lateness) > 1000, probe.summary()  # ~30 s of ticks
    assert probe.percentile(99) < LAG_P99_S, probe.summary()
    print("event-loop lag while the recorders were slow:", probe.summary())
