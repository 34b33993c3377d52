from __future__ import annotations

from pathlib import Path

import pytest

from csu_wall.core.errors import RecorderBadAnswer, RecorderNotSupported
from csu_wall.core.model import Camera, Recorder, StreamKind, StreamProfile
from csu_wall.core.ports import SourceKind
from csu_wall.recorders.demo import DemoDriver
from csu_wall.recorders.registry import driver_for
from csu_wall.recorders.rtsp import GenericRtspDriver

REC = Recorder(id="rcq-nvr1", commune_id="roncq", driver="rtsp", host="10.2.0.7",
               rtsp_port=8554)


def _cam(main: str = "", sub: str = "", transport: str = "tcp") -> Camera:
    return Camera(id="rcq-004", name="Mairie", commune_id="roncq", recorder_id=REC.id,
                  channel=4, main=StreamProfile(path=main),
                  sub=StreamProfile(path=sub, transport=transport))


def test_a_full_url_template_is_filled_in() -> None:
    cam = _cam(main="rtsp://{host}:{port}/Streaming/Channels/{channel}01")
    src = GenericRtspDriver(REC).live_source(cam, StreamKind.MAIN)
    assert src.url == "rtsp://10.2.0.7:8554/Streaming/Channels/401"
    assert src.kind is SourceKind.RTSP
    assert src.credential_ref == "recorder:rcq-nvr1"


def test_a_path_is_appended_to_the_recorder_address_with_its_transport() -> None:
    src = GenericRtspDriver(REC).live_source(_cam(sub="cam/{channel}/sub", transport="udp"),
                                             StreamKind.SUB)
    assert src.url == "rtsp://10.2.0.7:8554/cam/4/sub"
    assert src.transport == "udp"


def test_credentials_or_unknown_placeholders_in_a_path_are_refused() -> None:
    drv = GenericRtspDriver(REC)
    with pytest.raises(RecorderBadAnswer, match="identifiants"):
        drv.live_source(_cam(main="rtsp://admin:pw@{host}/x"), StreamKind.MAIN)
    with pytest.raises(RecorderBadAnswer, match="invalide"):
        drv.live_source(_cam(main="/{user}/x"), StreamKind.MAIN)


def test_registry_picks_the_driver_by_family(tmp_path: Path) -> None:
    assert isinstance(driver_for(REC, clip_dir=tmp_path), GenericRtspDriver)
    demo = Recorder(id="d", commune_id="c", driver="demo", host="127.0.0.1")
    assert isinstance(driver_for(demo, clip_dir=tmp_path), DemoDriver)
    odd = Recorder(id="h", commune_id="c", driver="uniview", host="10.0.0.1")
    with pytest.raises(RecorderNotSupported, match="inconnu"):
        driver_for(odd, clip_dir=tmp_path)


def test_generic_rtsp_has_the_whole_port_and_says_what_it_cannot_do(
        silent_rtsp_server) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timezone

    drv = GenericRtspDriver(REC)
    cam = _cam()
    for call in (drv.list_cameras, lambda: drv.snapshot(cam),
                 lambda: drv.playback_source(cam, datetime.now(timezone.utc))):
        with pytest.raises(RecorderNotSupported, match="pilote « rtsp »"):
            call()
    assert drv.clock_offset() is None
    up = Recorder(id="up", commune_id="c", driver="rtsp", host="127.0.0.1",
                  rtsp_port=silent_rtsp_server.port)
    assert GenericRtspDriver(up).health().reachable
    silent_rtsp_server.sock.close()
    down = GenericRtspDriver(up, timeout=0.5).health()
    assert not down.reachable and "ne répond pas" in down.detail


def test_the_demo_driver_has_the_whole_port(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    demo = DemoDriver(Recorder(id="d", commune_id="c", driver="demo", host="127.0.0.1"),
                      tmp_path)
    cam = _cam()
    assert demo.snapshot(cam).startswith(b"\xff\xd8")
    assert demo.clock_offset() == 0.0 and demo.health().reachable
    start = datetime(2026, 10, 25, 1, 0, tzinfo=timezone.utc)
    play = demo.playback_source(cam, start, speed=4.0)
    assert play.kind is SourceKind.FILE and play.playback_start == start and play.speed == 4.0
    with pytest.raises(RecorderNotSupported):
        demo.list_cameras()
