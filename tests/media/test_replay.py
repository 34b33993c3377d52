"""Recorded video from a given time, against the real loopback gst-rtsp-server:
the Hikvision URL shape (read by FFmpeg and by our client),
the ONVIF replay shape (``Range: clock=``, ``Require: onvif-replay``: our client only), the
Dahua local-time shape, and a request across the end of summer time in Paris."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import av
import pytest

from csu_wall.core.frames import Frame
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine
from csu_wall.media.replay import clock_range
from csu_wall.recorders.dahua import dahua_time, parse_dahua_time
from csu_wall.recorders.hikvision import isapi_time as hikvision_time
from tests.media.helpers import RECORDER, wait_until
from tests.rtsp.fixture import RECORDED_FPS, RECORDED_GOP, RtspServer
from tests.rtsp.timecode import read_time

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(60)]

GOP_S = RECORDED_GOP / RECORDED_FPS
FRAME_S = 1 / RECORDED_FPS
SIZE = (320, 192)


def utc(h: int, m: int, s: int, ms: int = 0) -> datetime:
    return datetime(2026, 10, 25, h, m, s, ms * 1000, tzinfo=timezone.utc)


def first_frame(engine: MediaEngine, source: StreamSource) -> Frame:
    handle = engine.open("t1", source, size=SIZE)
    assert wait_until(lambda: handle.latest() is not None, 20), handle.detail
    frame = handle.latest()
    assert frame is not None
    return frame


def assert_within_gop(shown: datetime, asked: datetime) -> None:
    # The recorder starts at the IDR at or before the asked time; the tile shows the newest
    # decoded frame, a few frames later at most.
    assert abs((shown - asked).total_seconds()) <= GOP_S + FRAME_S, (shown, asked)


def onvif_source(server: RtspServer, start: datetime, speed: float = 1.0) -> StreamSource:
    return StreamSource(url=f"rtsp://127.0.0.1:{server.port}/onvif/replay/rec1",
                        kind=SourceKind.RTSP_REPLAY, camera_id="cam", recorder_id=RECORDER.id,
                        options={"onvif": "1"}, playback_start=start, speed=speed)


def test_onvif_replay_first_frame_within_one_gop(
        playback_server: RtspServer, make_engine: Callable[..., MediaEngine]) -> None:
    asked = utc(0, 59, 48, 400)  # 02:59:48.4 summer time
    frame = first_frame(make_engine(ladder=False), onvif_source(playback_server, asked))
    assert_within_gop(read_time(frame.image), asked)
    (req,) = playback_server.playback_requests()
    assert req["how"] == "clock" and req["start"] == pytest.approx(asked.timestamp(), abs=1e-3)


def test_onvif_replay_after_the_dst_change(
        playback_server: RtspServer, make_engine: Callable[..., MediaEngine]) -> None:
    asked = utc(1, 0, 5)  # 02:00:05 winter time, the second 02:00:05 of the night
    frame = first_frame(make_engine(ladder=False), onvif_source(playback_server, asked))
    assert_within_gop(read_time(frame.image), asked)


def test_hikvision_url_through_ffmpeg(
        playback_server: RtspServer, make_engine: Callable[..., MediaEngine]) -> None:
    asked = utc(0, 59, 59, 500)
    source = StreamSource(
        url=f"rtsp://127.0.0.1:{playback_server.port}/Streaming/tracks/101"
            f"?starttime={hikvision_time(asked)}",
        kind=SourceKind.RTSP, camera_id="cam", recorder_id=RECORDER.id, playback_start=asked)
    frame = first_frame(make_engine(ladder=False), source)
    # The URL carries whole seconds: the recorder starts at 00:59:59 at the latest.
    assert_within_gop(read_time(frame.image), asked.replace(microsecond=0))


def test_hikvision_url_through_our_client(
        playback_server: RtspServer, make_engine: Callable[..., MediaEngine]) -> None:
    asked = utc(1, 0, 2)
    source = StreamSource(
        url=f"rtsp://127.0.0.1:{playback_server.port}/Streaming/tracks/101"
            f"?starttime={hikvision_time(asked)}",
        kind=SourceKind.RTSP_REPLAY, camera_id="cam", recorder_id=RECORDER.id,
        playback_start=asked)
    frame = first_frame(make_engine(ladder=False), source)
    assert_within_gop(read_time(frame.image), asked)


def _all_frame_times(url: str) -> list[datetime]:
    times = []
    with av.open(url, options={"rtsp_transport": "tcp", "probesize": "32768"},
                 timeout=(5.0, 5.0)) as container:
        for frame in container.decode(video=0):
            times.append(read_time(frame.to_ndarray(format="rgb24")))
    return times


def test_hikvision_request_across_dst_is_exact(playback_server: RtspServer) -> None:
    """02:59:56 summer time to 02:00:04 winter time is 8 s, not 1 h 8 s nor −59 min 52 s."""
    start, end = utc(0, 59, 56), utc(1, 0, 4)
    times = _all_frame_times(
        f"rtsp://127.0.0.1:{playback_server.port}/Streaming/tracks/101"
        f"?starttime={hikvision_time(start)}&endtime={hikvision_time(end)}")
    assert_within_gop(times[0], start)
    assert times[-1] == end
    assert (times[-1] - times[0]).total_seconds() == pytest.approx(8, abs=GOP_S)
    (req,) = playback_server.playback_requests()
    assert req["end"] - req["start"] == 8


def test_dahua_local_time_request_across_dst_is_exact(playback_server: RtspServer) -> None:
    start, end = utc(0, 59, 56), utc(1, 0, 4)
    a, b = dahua_time(start, "Europe/Paris"), dahua_time(end, "Europe/Paris")
    assert (a, b) == ("2026_10_25_02_59_56", "2026_10_25_02_00_04")
    times = _all_frame_times(
        f"rtsp://127.0.0.1:{playback_server.port}/cam/playback?channel=1"
        f"&starttime={a}&endtime={b}")
    assert_within_gop(times[0], start)
    assert times[-1] == end
    (req,) = playback_server.playback_requests()
    assert req["end"] - req["start"] == 8


def test_dahua_local_time_conversion_across_dst() -> None:
    paris = "Europe/Paris"
    # The hour 02:00-03:00 happens twice: 00:xxZ (CEST, UTC+2) then 01:xxZ (CET, UTC+1).
    assert dahua_time(utc(0, 30, 0), paris) == dahua_time(utc(1, 30, 0), paris) \
        == "2026_10_25_02_30_00"
    assert parse_dahua_time("2026_10_25_02_30_00", paris) == utc(0, 30, 0)
    # An end that would come before its start is the second 02:xx.
    start = parse_dahua_time("2026_10_25_02_59_56", paris)
    end = parse_dahua_time("2026_10_25_02_00_04", paris, after=start)
    assert (start, end) == (utc(0, 59, 56), utc(1, 0, 4))
    assert (end - start).total_seconds() == 8
    # Outside the repeated hour nothing is ambiguous; the spring change skips 02:xx.
    assert parse_dahua_time("2026_10_25_04_00_00", paris) == utc(3, 0, 0)
    assert dahua_time(datetime(2026, 3, 29, 1, 0, tzinfo=timezone.utc), paris) \
        == "2026_03_29_03_00_00"


def test_time_formats_of_the_requests() -> None:
    assert hikvision_time(utc(0, 59, 56, 700)) == "20261025T005956Z"
    assert clock_range(utc(0, 59, 56, 700)) == "clock=20261025T005956.700Z-"
