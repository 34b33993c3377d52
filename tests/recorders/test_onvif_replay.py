"""ONVIF Profile G replay (issue 7, point 2): FindRecordings / GetRecordingSummary / GetReplayUri
against a loopback SOAP device, then the replay URI played by our RTSP client against the real
gst-rtsp-server (``Require: onvif-replay``, ``Range: clock=``). No real Profile G device or
simulator was available: see tests/rtsp/onvif_soap.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from csu_wall.core.errors import (
    RecorderAuthError,
    RecorderBadAnswer,
    RecorderNotSupported,
    RecorderUnreachable,
)
from csu_wall.core.model import Camera, Recorder
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.onvif import OnvifDriver
from csu_wall.recorders.onvif_replay import OnvifReplay
from tests.media.helpers import wait_until
from tests.rtsp.fixture import (
    RECORDED_FPS,
    RECORDED_GOP,
    RECORDED_SECONDS,
    RECORDED_START,
    RtspServer,
)
from tests.rtsp.onvif_soap import OnvifDevice, onvif_device
from tests.rtsp.timecode import read_time

pytestmark = pytest.mark.timeout(60)
CAMERA = Camera("cam-001", "Mairie", "roncq", "nvr-g", channel=1)
END = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)


def recorder(port: int) -> Recorder:
    return Recorder("nvr-g", "roncq", "onvif", "127.0.0.1", http_port=port)


@pytest.fixture()
def device() -> Iterator[OnvifDevice]:
    with onvif_device(OnvifDevice("rtsp://127.0.0.1:9/onvif/replay/rec1", RECORDED_START,
                                  END, clock_offset=7.0)) as dev:
        yield dev


def replay(dev: OnvifDevice, password: str = "secret") -> OnvifReplay:
    return OnvifReplay(recorder(dev.port), lambda ref: ("admin", password), timeout=3)


def test_recording_summary_and_search(device: OnvifDevice) -> None:
    g = replay(device)
    summary = g.recording_summary()
    assert (summary.earliest, summary.latest, summary.count) == (RECORDED_START, END, 1)
    (rec,) = g.find_recordings()
    assert (rec.token, rec.source_id, rec.earliest, rec.latest) == ("rec1", "cam-001",
                                                                  RECORDED_START, END)
    assert g.replay_uri("rec1") == device.replay_uri
    assert device.calls[:2] == ["GetServices", "GetRecordingSummary"]


def test_playback_source_is_an_onvif_replay_source(device: OnvifDevice) -> None:
    start = RECORDED_START + timedelta(seconds=10)
    src = replay(device).playback_source(CAMERA, start, 2.0)
    assert src.kind is SourceKind.RTSP_REPLAY and src.options["onvif"] == "1"
    assert (src.url, src.playback_start, src.speed) == (device.replay_uri, start, 2.0)
    assert src.credential_ref == "recorder:nvr-g" and "secret" not in repr(src)


def test_time_outside_the_recording_is_refused_with_the_nearest_recorded_times(
        device: OnvifDevice) -> None:
    """Before any PLAY, with the recording's ends (Paris time; the repeated hour of the
    October change says its offset)."""
    with pytest.raises(RecorderBadAnswer) as err:
        replay(device).playback_source(CAMERA, END + timedelta(hours=1))
    assert str(err.value) == (
        "Pas d'enregistrement de la caméra Mairie à cette heure (25/10/2026 03:00:30). "
        "L'enregistrement va du 25/10/2026 02:59:30 (UTC+2) au 25/10/2026 02:00:30 (UTC+1) : "
        "choisissez un moment dans cet intervalle.")


def test_wrong_password_is_an_auth_error_without_the_password(device: OnvifDevice) -> None:
    with pytest.raises(RecorderAuthError) as err:
        replay(device, "wrong-pass").find_recordings()
    assert "wrong-pass" not in str(err.value)


def test_device_without_profile_g_says_so(device: OnvifDevice) -> None:
    device.profile_g = False
    with pytest.raises(RecorderNotSupported, match="profil G"):
        replay(device).playback_source(CAMERA, RECORDED_START)


def test_silent_device_is_unreachable() -> None:
    with pytest.raises(RecorderUnreachable):
        OnvifReplay(recorder(9), None, timeout=1).recording_summary()


def test_clock_offset_of_a_device_whose_clock_is_off(device: OnvifDevice) -> None:
    offset = replay(device).clock_offset()
    assert offset is not None and 5.5 <= offset <= 8.5  # whole seconds on the wire


def assert_first_frame_near(source: StreamSource, asked: datetime) -> None:
    """Play ``source`` through the media engine: its first frame shows ``asked`` within a GOP."""
    engine = MediaEngine(workers=1, ladder=False, credentials=lambda ref: ("admin", "secret"))
    try:
        handle = engine.open("t1", source, size=(320, 192))
        assert wait_until(lambda: handle.latest() is not None, 20), handle.detail
        frame = handle.latest()
    finally:
        engine.shutdown()
    assert frame is not None
    shown = read_time(frame.image)
    assert abs((shown - asked).total_seconds()) <= (RECORDED_GOP + 1) / RECORDED_FPS


@pytest.mark.rtsp
def test_replay_uri_plays_from_the_asked_time_on_the_real_server(
            device: OnvifDevice, playback_server: RtspServer) -> None:
    device.replay_uri = f"rtsp://127.0.0.1:{playback_server.port}/onvif/replay/rec1"
    asked = datetime(2026, 10, 25, 0, 59, 57, tzinfo=timezone.utc)  # 02:59:57 CEST
    source = replay(device).playback_source(CAMERA, asked)
    assert_first_frame_near(source, asked)


@pytest.mark.rtsp
def test_onvif_driver_playback_source_plays_recorded_video(
            device: OnvifDevice, playback_server: RtspServer) -> None:
    """The driver's playback_source (not the Profile G client alone): FindRecordings and
    GetReplayUri on the SOAP device, then the first frame shown is within one GOP of the asked
    time, across the autumn change (02:59:58 CEST), on the real RTSP server."""
    device.replay_uri = f"rtsp://127.0.0.1:{playback_server.port}/onvif/replay/rec1"
    driver = OnvifDriver(recorder(device.port), lambda ref: ("admin", "secret"), timeout=3)
    asked = datetime(2026, 10, 25, 0, 59, 58, tzinfo=timezone.utc)
    source = driver.playback_source(CAMERA, asked, 1.0)
    assert source.kind is SourceKind.RTSP_REPLAY and source.playback_start == asked
    assert {"FindRecordings", "GetReplayUri"} <= set(device.calls)
    assert_first_frame_near(source, asked)


def test_onvif_driver_without_profile_g_says_so(device: OnvifDevice) -> None:
    device.profile_g = False
    driver = OnvifDriver(recorder(device.port), lambda ref: ("admin", "secret"), timeout=3)
    with pytest.raises(RecorderNotSupported, match="profil G"):
        driver.playback_source(CAMERA, RECORDED_START)
