"""Axis recorded video from the device's edge storage: the recordings ``record/list.cgi`` lists
(the loopback VAPIX device), each played at ``/axis-media/media.amp?recordingid=`` from an
offset in seconds (``Range: npt=``) by our RTSP client against the loopback replay server in
its plain-RTP mode (no ONVIF replay extension): the asked image is the first one shown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from csu_wall.core.errors import RecorderBadAnswer, RecorderNotSupported
from csu_wall.core.model import Camera, Recorder
from csu_wall.core.ports import SourceKind
from csu_wall.core.replay import ReplayControl
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.axis import AxisDriver, EdgeRecording
from tests.media.helpers import wait_until
from tests.recorders.conftest import Start
from tests.rtsp.fixture import RECORDED_FPS, RECORDED_SECONDS, RECORDED_START
from tests.rtsp.onvif_replay_server import (
    Modes,
    ReplayServer,
    recording_from_clip,
    replay_server,
)
from tests.rtsp.timecode import read_time

pytestmark = pytest.mark.timeout(60)

CRED = {"recorder:axis-nvr": ("viewer", "Right-Pass-1")}
CAMERA = Camera("axis-c1", "Parvis", "c", "axis-nvr", channel=1)
END = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)
FRAME = timedelta(seconds=1 / RECORDED_FPS)
RECORDINGS = [("20261025_005930_1A2B_ACCC8E000001", 1, RECORDED_START, END),
              ("20261025_005930_1A2B_ACCC8E000002", 2, RECORDED_START, None)]


def at(seconds: float) -> datetime:
    return RECORDED_START + timedelta(seconds=seconds)


@pytest.fixture()
def rtsp(recorded_clip: Path) -> Iterator[ReplayServer]:
    recording = recording_from_clip(recorded_clip, RECORDED_START, RECORDED_FPS)
    with replay_server(recording, RECORDED_FPS, Modes(extension=False)) as srv:
        yield srv


def driver(vendor_server: Start, rtsp_port: int = 8554,
           recordings: object = RECORDINGS) -> AxisDriver:
    srv = vendor_server("axis", axis_recordings=recordings)
    rec = Recorder("axis-nvr", "c", "axis", "127.0.0.1", rtsp_port=rtsp_port,
                   http_port=srv.port)
    return AxisDriver(rec, CRED.get)


def test_edge_storage_recordings_of_a_view(vendor_server: Start) -> None:
    drv = driver(vendor_server)
    assert drv.recordings(CAMERA) == [EdgeRecording(RECORDINGS[0][0], 1, RECORDED_START, END)]
    assert [r.stop for r in drv.recordings()] == [END, None]  # the second still records


def test_playback_source_is_the_recording_from_its_offset(vendor_server: Start) -> None:
    src = driver(vendor_server).playback_source(CAMERA, at(18.4), 2.0)
    assert src.kind is SourceKind.RTSP_REPLAY and src.speed == 2.0
    assert src.url == ("rtsp://127.0.0.1:8554/axis-media/media.amp?recordingid="
                       "20261025_005930_1A2B_ACCC8E000001")
    assert float(src.options["npt-origin"]) == RECORDED_START.timestamp()
    assert src.recorded == ((RECORDED_START, END),) and src.playback_start == at(18.4)


def test_time_no_recording_holds_is_refused_with_the_nearest(vendor_server: Start) -> None:
    with pytest.raises(RecorderBadAnswer) as err:
        driver(vendor_server).playback_source(CAMERA, END + timedelta(minutes=5))
    assert str(err.value) == ("Pas d'enregistrement de la caméra Parvis à cette heure "
                              "(25/10/2026 02:05:30 (UTC+1)). Enregistrement le plus proche : "
                              "jusqu'au 25/10/2026 02:00:30 (UTC+1).")


def test_device_without_edge_storage_says_no_playback(vendor_server: Start) -> None:
    with pytest.raises(RecorderNotSupported, match="relecture"):
        driver(vendor_server, recordings=None).playback_source(CAMERA, at(5))


@pytest.fixture()
def engine() -> Iterator[MediaEngine]:
    eng = MediaEngine(workers=1, ladder=False, read_timeout=2.0, credentials=CRED.get)
    yield eng
    eng.shutdown()


def _shown(handle: object) -> Callable[[], datetime | None]:
    def read() -> datetime | None:
        frame = handle.latest()  # type: ignore[attr-defined]
        return read_time(frame.image) if frame is not None else None
    return read


def test_plays_from_the_asked_image_by_npt_offset(
        vendor_server: Start, rtsp: ReplayServer, engine: MediaEngine) -> None:
    """0.4 s after a keyframe: the server starts at the keyframe and says so in its
    ``Range: npt=``; without per-frame times the client counts RTP time from there."""
    src = driver(vendor_server, rtsp.port).playback_source(CAMERA, at(18.4))
    handle = engine.open("t1", src, size=(320, 192))
    assert wait_until(lambda: handle.latest() is not None, 15), handle.detail
    frame = handle.latest()
    assert frame is not None
    assert read_time(frame.image) == at(18.4) + (frame.seq - 1) * FRAME
    assert rtsp.plays[0]["asked"] == "npt=18.400-"
    assert rtsp.plays[0]["range"] == "npt=18.000-59.960"


def test_speed_change_goes_on_from_the_image_shown(
        vendor_server: Start, rtsp: ReplayServer, engine: MediaEngine) -> None:
    src = driver(vendor_server, rtsp.port).playback_source(CAMERA, at(30.6))
    control = ReplayControl(at(30.6))
    handle = engine.open("t1", replace(src, replay=control), size=(320, 192))
    read = _shown(handle)
    times: list[datetime] = []

    def past(t: datetime) -> bool:
        now = read()
        if now is not None and (not times or now != times[-1]):
            times.append(now)
        return bool(times) and times[-1] >= t

    assert wait_until(lambda: past(at(31.2)), 15)
    control.set_speed(2.0)
    assert wait_until(lambda: past(at(34.0)), 15)
    assert all(b > a for a, b in zip(times, times[1:], strict=False)), times
    second = rtsp.plays[1]
    assert second["scale"] == "2" and str(second["asked"]).startswith("npt=")
