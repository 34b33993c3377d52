"""ONVIF Profile G replay: FindRecordings / GetRecordingSummary / GetReplayUri
against a loopback SOAP device, then the replay URI played by our RTSP client against the real
gst-rtsp-server (``Require: onvif-replay``, ``Range: clock=``). No real Profile G device or
simulator was available: see tests/rtsp/onvif_soap.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from csu_wall.core.errors import (
    RecorderAuthError,
    RecorderBadAnswer,
    RecorderNotSupported,
    RecorderUnreachable,
)
from csu_wall.core.frames import TileState
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
from tests.rtsp.onvif_replay_server import recording_from_clip, replay_server
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


# -- recorded spans (FindEvents) and the gaps between them ------------------------------------

HOLE = (RECORDED_START + timedelta(seconds=10), RECORDED_START + timedelta(seconds=14))
SPANS = [(RECORDED_START, HOLE[0]), (HOLE[1], END)]


def test_recorded_spans_from_find_events(device: OnvifDevice) -> None:
    device.spans = SPANS
    spans = replay(device).recorded_spans("rec1", RECORDED_START - timedelta(minutes=5),
                                          END + timedelta(minutes=5))
    assert spans == SPANS
    inside = replay(device).recorded_spans("rec1", HOLE[0] + timedelta(seconds=1), END)
    assert inside == [(HOLE[1], END)]  # the start state says: no data at the start


def test_time_in_a_gap_is_refused_before_any_play_with_the_nearest_times(
        device: OnvifDevice) -> None:
    device.spans = SPANS
    with pytest.raises(RecorderBadAnswer) as err:
        replay(device).playback_source(CAMERA, HOLE[0] + timedelta(seconds=2))
    assert str(err.value) == (
        "Pas d'enregistrement de la caméra Mairie à cette heure (25/10/2026 02:59:42 (UTC+2))."
        " Enregistrement le plus proche : jusqu'au 25/10/2026 02:59:40 (UTC+2) et à partir "
        "du 25/10/2026 02:59:44 (UTC+2).")
    assert "GetReplayUri" not in device.calls


def test_gap_crossed_at_once_with_the_recorded_spans(
        device: OnvifDevice, recorded_clip: Path) -> None:
    """The server would wait the 4 s hole out; knowing the spans, the client asks for the
    next one as soon as the section ends (E): the first image after the gap follows the last
    one before within a second, and the tile says which times are missing."""
    device.spans = SPANS
    recording = recording_from_clip(recorded_clip, RECORDED_START, RECORDED_FPS, [HOLE])
    states: list[tuple[TileState, str]] = []
    engine = MediaEngine(workers=1, ladder=False, read_timeout=1.5,
                         credentials=lambda ref: ("admin", "secret"),
                         on_state=lambda tile, gen, state, detail: states.append((state,
                                                                                  detail)))
    with replay_server(recording, RECORDED_FPS) as srv:
        device.replay_uri = srv.url
        source = replay(device).playback_source(CAMERA, HOLE[0] - timedelta(seconds=1.2))
        assert source.recorded == tuple(SPANS)
        try:
            handle = engine.open("t1", source, size=(320, 192))
            seen: list[tuple[float, datetime]] = []

            def shown_at_least(t: datetime) -> bool:
                frame = handle.latest()
                if frame is not None:
                    seen.append((time.monotonic(), read_time(frame.image)))
                return bool(seen) and seen[-1][1] >= t

            assert wait_until(lambda: shown_at_least(HOLE[0] - timedelta(seconds=1 / 25)), 15)
            before = next(m for m, t in seen if t >= HOLE[0] - timedelta(seconds=1 / 25))
            assert wait_until(lambda: shown_at_least(HOLE[1]), 15)
            after = next(m for m, t in seen if t >= HOLE[1])
        finally:
            engine.shutdown()
    assert after - before < 1.5, after - before  # the hole is 4 s
    assert not any(HOLE[0] <= t < HOLE[1] for _, t in seen)
    assert (TileState.NO_RECORDING, "Pas d'enregistrement de 02:59:40 (UTC+2) à 02:59:44 "
            "(UTC+2) : lecture de la suite de l'enregistrement.") in states
    assert [p["range"] for p in srv.plays][1].startswith("clock=20261025T005944.000Z-")
    assert TileState.STALLED not in [s for s, _ in states]
