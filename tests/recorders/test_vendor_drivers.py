"""Each recorder family's channel list, stream URLs, snapshot, clock offset
and health against the vendor HTTP server on loopback."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from csu_wall.core.errors import RecorderAuthError, RecorderNotSupported
from csu_wall.core.model import Camera, Recorder, StreamKind, StreamProfile
from csu_wall.core.ports import Channel, SourceKind
from csu_wall.recorders.axis import AxisDriver
from csu_wall.recorders.dahua import DahuaDriver, dahua_range
from csu_wall.recorders.errors import RecorderCertificateError, UnknownChannel
from csu_wall.recorders.hikvision import HikvisionDriver
from csu_wall.recorders.http import fingerprint
from csu_wall.recorders.mjpeg import MjpegDriver
from csu_wall.recorders.registry import driver_for
from tests.recorders.conftest import Certs, Start
from tests.recorders.vendor_http import SilentHttpServer

GOOD = {"recorder:nvr": ("viewer", "Right-Pass-1")}
UTC = timezone.utc


def _rec(driver: str, port: int, **kw: object) -> Recorder:
    return Recorder("nvr", "c", driver, "127.0.0.1", rtsp_port=8554, http_port=port, **kw)  # type: ignore[arg-type]


def _cam(channel: int = 2, **kw: object) -> Camera:
    return Camera("cam", "Caméra", "c", "nvr", channel=channel, **kw)  # type: ignore[arg-type]


def test_hikvision_lists_its_channels_and_builds_isapi_urls(vendor_server: Start) -> None:
    srv = vendor_server("hikvision", clock_offset=-7.0)
    drv = HikvisionDriver(_rec("hikvision", srv.port), GOOD.get)
    assert drv.list_cameras() == [Channel("1", "Entrée", has_recordings=True),
                                  Channel("2", "Parking", has_recordings=True)]
    main = drv.live_source(_cam(), StreamKind.MAIN)
    assert main.url == "rtsp://127.0.0.1:8554/Streaming/Channels/201"
    assert main.kind is SourceKind.RTSP and main.credential_ref == "recorder:nvr"
    assert drv.live_source(_cam(), StreamKind.SUB).url.endswith("/Streaming/Channels/202")
    start = datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo("Europe/Paris"))  # 00:30 UTC
    play = drv.playback_source(_cam(), start, speed=2.0)
    assert play.url == ("rtsp://127.0.0.1:8554/Streaming/tracks/201?"
                        "starttime=20261025T003000Z&endtime=20261025T013000Z")
    # Compared in UTC: Python never finds a repeated wall time equal to another zone's time.
    assert play.playback_start == start.astimezone(UTC) and play.speed == 2.0
    assert play.kind is SourceKind.RTSP_REPLAY  # ×2 needs a Scale: header FFmpeg cannot send
    assert drv.playback_source(_cam(), start).kind is SourceKind.RTSP
    assert drv.snapshot(_cam()).startswith(b"\xff\xd8")
    with pytest.raises(UnknownChannel, match="pas de canal 9"):
        drv.snapshot(_cam(9))
    offset = drv.clock_offset()
    assert offset is not None and -9.5 < offset < -4.5  # whole seconds on the wire
    health = drv.health()
    assert health.reachable and health.model == "DS-7608NI-K2"
    assert health.firmware == "V4.30.085 build 200916"


def test_dahua_channel_titles_realmonitor_and_local_time_playback(vendor_server: Start) -> None:
    srv = vendor_server("dahua", auth="basic", clock_offset=30.0)
    drv = DahuaDriver(_rec("dahua", srv.port), GOOD.get)
    assert [(c.channel, c.name) for c in drv.list_cameras()] == [("1", "Entrée"),
                                                                 ("2", "Parking")]
    assert drv.live_source(_cam(), StreamKind.MAIN).url == (
        "rtsp://127.0.0.1:8554/cam/realmonitor?channel=2&subtype=0")
    assert drv.live_source(_cam(), StreamKind.SUB).url.endswith("channel=2&subtype=1")
    start = datetime(2026, 7, 14, 20, 0, tzinfo=UTC)  # 22:00 in Paris (summer)
    assert drv.playback_source(_cam(), start).url == (
        "rtsp://127.0.0.1:8554/cam/playback?channel=2&starttime=2026_07_14_22_00_00"
        "&endtime=2026_07_14_23_00_00")
    assert drv.snapshot(_cam()).startswith(b"\xff\xd8")
    with pytest.raises(UnknownChannel):
        drv.snapshot(_cam(7))
    offset = drv.clock_offset()
    assert offset is not None and 27.5 < offset < 32.5
    assert drv.health().model == "DHI-NVR4104HS-P-4KS2"


def test_dahua_times_across_the_autumn_change_keep_the_asked_interval() -> None:
    def utc(*a: int) -> datetime:
        y, mo, d, h, mi = a
        return datetime(y, mo, d, h, mi, tzinfo=UTC)

    paris = "Europe/Paris"
    # 2026-10-25: 03:00 CEST becomes 02:00 CET (01:00 UTC). Three real hours across it:
    assert dahua_range(utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 2, 30), paris) == (
        "2026_10_25_01_30_00", "2026_10_25_03_30_00")
    # Start in the first 02:xx, end in the repeated one: the end goes to 03:00, never before
    # the start (the recorder reads a repeated wall time as the first one).
    assert dahua_range(utc(2026, 10, 25, 0, 50), utc(2026, 10, 25, 1, 10), paris) == (
        "2026_10_25_02_50_00", "2026_10_25_03_00_00")
    # Spring: 02:00 CET becomes 03:00 CEST; 20 real minutes span 80 wall-clock minutes.
    assert dahua_range(utc(2026, 3, 29, 0, 50), utc(2026, 3, 29, 1, 10), paris) == (
        "2026_03_29_01_50_00", "2026_03_29_03_10_00")
    # Each wall time, read back in the zone, is exactly the asked instant (outside the repeat).
    for start, end in ((utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 2, 30)),
                       (utc(2026, 3, 29, 0, 50), utc(2026, 3, 29, 1, 10))):
        s, e = dahua_range(start, end, paris)
        back = [datetime.strptime(v, "%Y_%m_%d_%H_%M_%S").replace(tzinfo=ZoneInfo(paris))
                for v in (s, e)]
        assert [b.astimezone(UTC) for b in back] == [start, end]


def test_axis_views_and_resolution_sub_stream(vendor_server: Start) -> None:
    srv = vendor_server("axis")
    drv = AxisDriver(_rec("axis", srv.port), GOOD.get)
    chans = drv.list_cameras()
    assert chans[0] == Channel("1", "Entrée", main=(1280, 720), sub=(640, 360))
    assert drv.live_source(_cam(), StreamKind.SUB).url == (
        "rtsp://127.0.0.1:8554/axis-media/media.amp?camera=2&resolution=640x360")
    cam = _cam(main=StreamProfile(width=1920, height=1080))
    assert drv.live_source(cam, StreamKind.MAIN).url.endswith("camera=2&resolution=1920x1080")
    assert drv.snapshot(_cam()).startswith(b"\xff\xd8")
    with pytest.raises(UnknownChannel):
        drv.snapshot(_cam(5))
    with pytest.raises(RecorderNotSupported, match="relecture"):
        drv.playback_source(_cam(), datetime.now(UTC))
    assert abs(drv.clock_offset() or 99) < 3
    assert drv.health().firmware == "5.51.7.4"


def test_mjpeg_and_snapshot_encoders(vendor_server: Start, certificates: Certs) -> None:
    srv = vendor_server("mjpeg", tls="good")
    pin = fingerprint(certificates["good"][2])
    mjpeg = MjpegDriver(_rec("mjpeg", srv.port, tls_pin=pin), GOOD.get)
    src = mjpeg.live_source(_cam(), StreamKind.SUB)
    assert src.kind is SourceKind.HTTP and src.url == f"https://127.0.0.1:{srv.port}/video2.mjpg"
    assert src.tls_pin == pin and src.prepare is not None
    src.prepare()  # the pin check the reader thread runs before FFmpeg connects
    snap = MjpegDriver(_rec("mjpeg", srv.port, tls_pin=pin), GOOD.get)  # a .jpg path: snapshots
    cam = _cam(sub=StreamProfile(path="/snapshot{channel}.jpg", fps=2))
    s = snap.live_source(cam, StreamKind.SUB)
    assert s.kind is SourceKind.SNAPSHOT and s.poll_hz == 2.0
    assert snap.snapshot(cam).startswith(b"\xff\xd8")
    assert snap.clock_offset() is None and snap.health().reachable
    impostor = vendor_server("mjpeg", tls="other")
    bad = MjpegDriver(_rec("mjpeg", impostor.port, tls_pin=pin), GOOD.get)
    source = bad.live_source(_cam(), StreamKind.SUB)
    with pytest.raises(RecorderCertificateError):
        source.prepare()  # type: ignore[misc]


def test_wrong_credentials_are_terminal_and_health_says_so(vendor_server: Start) -> None:
    srv = vendor_server("hikvision")
    drv = HikvisionDriver(_rec("hikvision", srv.port), {"recorder:nvr": ("viewer", "nope")}.get)
    with pytest.raises(RecorderAuthError):
        drv.list_cameras()
    health = drv.health()
    assert health.reachable and "identifiant" in health.detail


def test_an_absent_recorder_is_unhealthy_and_says_so(silent_http: SilentHttpServer) -> None:
    silent_http.close()  # nothing listens there any more
    for driver in (HikvisionDriver, DahuaDriver, AxisDriver, MjpegDriver):
        health = driver(_rec(driver.family, silent_http.port), GOOD.get, timeout=0.5).health()
        assert not health.reachable and "injoignable" in health.detail


def test_the_registry_builds_every_family(tmp_path: Path) -> None:
    for family in ("hikvision", "dahua", "axis", "mjpeg", "snapshot", "onvif", "rtsp", "demo"):
        drv = driver_for(_rec(family, 80), clip_dir=tmp_path, credentials=GOOD.get)
        assert drv.recorder.driver == family
    with pytest.raises(RecorderNotSupported, match="inconnu"):
        driver_for(_rec("uniview", 80), clip_dir=tmp_path)
