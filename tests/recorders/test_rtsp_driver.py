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
    hik = Recorder(id="h", commune_id="c", driver="hikvision", host="10.0.0.1")
    with pytest.raises(RecorderNotSupported, match="pas encore"):
        driver_for(hik, clip_dir=tmp_path)
