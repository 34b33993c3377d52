"""A generic RTSP recorder's recorded video through a ``playback`` template in the site file:
times in UTC or on the recorder's wall clock (across the end of summer time), checked by
``site check`` (unknown placeholders, a time without a format, no start, another host), written
back, and played from the asked time on the loopback RTSP server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from csu_wall.core.errors import RecorderNotSupported, SiteFileError
from csu_wall.core.model import Camera, Recorder
from csu_wall.core.ports import SourceKind
from csu_wall.core.sitefile import dump_site, parse_site_text
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.rtsp import GenericRtspDriver
from tests.media.helpers import wait_until
from tests.rtsp.fixture import RECORDED_FPS, RECORDED_GOP, RtspServer
from tests.rtsp.timecode import read_time

pytestmark = pytest.mark.timeout(60)

HIK_LIKE = ("/Streaming/tracks/{channel}01?starttime={start:%Y%m%dT%H%M%SZ}"
            "&endtime={end:%Y%m%dT%H%M%SZ}")
LOCAL = "rtsp://{host}:{port}/cam/playback?channel={channel}&starttime={start_local:%Y_%m_%d_%H_%M_%S}"
CAMERA = Camera("cam", "Mairie", "c", "nvr", channel=1)

SITE = """[site]
name = "CSU"

[[commune]]
id = "c"
name = "Roncq"
insee = "59508"

[[recorder]]
id = "nvr"
commune = "c"
driver = "rtsp"
host = "10.1.2.3"
playback = {playback}

[[camera]]
id = "cam"
name = "Mairie"
commune = "c"
recorder = "nvr"
"""


def utc(h: int, m: int, s: int) -> datetime:
    return datetime(2026, 10, 25, h, m, s, tzinfo=timezone.utc)


def site_with(playback: str) -> str:
    return SITE.replace("{playback}", '"' + playback.replace('"', '\\"') + '"')


def test_the_template_is_read_and_written_back() -> None:
    site, _ = parse_site_text(site_with(HIK_LIKE), "site.toml")
    (rec,) = site.recorders
    assert rec.playback_path == HIK_LIKE
    again, _ = parse_site_text(dump_site(site), "site.toml")
    assert again == site


@pytest.mark.parametrize(("template", "said"), [
    ("/pb?start={strat:%Y%m%d}", "repère inconnu « {strat} » (repères : start ?"),
    ("/pb?start={start}", "« {start} » sans format d'heure"),
    ("/pb?channel={channel}", "aucune heure de début"),
    ("rtsp://10.9.9.9/pb?start={start:%Y}", "va à l'enregistreur lui-même"),
])
def test_site_check_explains_a_bad_template(template: str, said: str) -> None:
    with pytest.raises(SiteFileError) as err:
        parse_site_text(site_with(template), "site.toml")
    text = str(err.value)
    assert "playback" in text and said.split(" (")[0] in text, text


def test_urls_in_utc_and_on_the_recorder_clock_across_the_change() -> None:
    hik = GenericRtspDriver(Recorder("nvr", "c", "rtsp", "10.1.2.3", playback_path=HIK_LIKE))
    src = hik.playback_source(CAMERA, utc(0, 59, 56), 2.0)
    assert src.url == ("rtsp://10.1.2.3:554/Streaming/tracks/101?starttime=20261025T005956Z"
                       "&endtime=20261025T015956Z")
    assert src.kind is SourceKind.RTSP_REPLAY and src.speed == 2.0
    assert src.credential_ref == "recorder:nvr"
    local = GenericRtspDriver(Recorder("nvr", "c", "rtsp", "10.1.2.3", playback_path=LOCAL))
    assert local.playback_source(CAMERA, utc(0, 59, 56)).url.endswith(
        "starttime=2026_10_25_02_59_56")  # summer time
    assert local.playback_source(CAMERA, utc(1, 0, 4)).url.endswith(
        "starttime=2026_10_25_02_00_04")  # winter time, an hour of wall clock repeated


def test_without_a_template_no_playback() -> None:
    with pytest.raises(RecorderNotSupported, match="modèle « playback »"):
        GenericRtspDriver(Recorder("nvr", "c", "rtsp", "10.1.2.3")).playback_source(
            CAMERA, utc(1, 0, 0))


@pytest.mark.rtsp
def test_the_template_plays_from_the_asked_time(playback_server: RtspServer) -> None:
    rec = Recorder("nvr", "c", "rtsp", "127.0.0.1", rtsp_port=playback_server.port,
                   playback_path=HIK_LIKE)
    asked = utc(0, 59, 50)
    source = GenericRtspDriver(rec).playback_source(CAMERA, asked)
    engine = MediaEngine(workers=1, ladder=False)
    try:
        handle = engine.open("t1", source, size=(320, 192))
        assert wait_until(lambda: handle.latest() is not None, 20), handle.detail
        frame = handle.latest()
        assert frame is not None
        shown = read_time(frame.image)
    finally:
        engine.shutdown()
    assert abs((shown - asked).total_seconds()) <= (RECORDED_GOP + 2) / RECORDED_FPS
    assert shown - asked < timedelta(seconds=2)
