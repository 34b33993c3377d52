"""What each recorder family says it recorded, asked on its loopback device: Dahua's file search
(``mediaFileFind.cgi``, wall-clock times across the end of summer time) and Hikvision's
``ContentMgmt/search`` (UTC, paged), merged into spans; a time between two is refused before
any PLAY with the nearest recorded times. (ONVIF's FindEvents and Axis's edge storage:
tests/recorders/test_onvif_replay.py and test_axis_edge_storage.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from csu_wall.core.errors import RecorderBadAnswer
from csu_wall.core.model import Camera, Recorder
from csu_wall.recorders.dahua import DahuaDriver, merge_spans
from csu_wall.recorders.hikvision import HikvisionDriver
from tests.recorders.conftest import Start

pytestmark = pytest.mark.timeout(30)

CRED = {"recorder:nvr": ("viewer", "Right-Pass-1")}
CAMERA = Camera("cam", "Parking", "c", "nvr", channel=1)


def utc(h: int, m: int, s: int = 0) -> datetime:
    return datetime(2026, 10, 25, h, m, s, tzinfo=timezone.utc)


# 02:00–03:00 happens twice in Paris that night (00:00Z–01:00Z, then 01:00Z–02:00Z).
FILES = [(1, utc(0, 0), utc(0, 59, 30)),  # 02:00 -> 02:59:30 summer time
         (1, utc(0, 59, 30), utc(1, 0, 10)),  # 02:59:30 summer -> 02:00:10 winter time
         (1, utc(1, 20), utc(1, 40)),  # 02:20 -> 02:40 winter time (the second pass)
         (1, utc(2, 30), utc(3, 30)),
         (2, utc(0, 0), utc(4, 0))]  # another channel
SPANS = [(utc(0, 0), utc(1, 0, 10)), (utc(1, 20), utc(1, 40)), (utc(2, 30), utc(3, 30))]


def dahua(vendor_server: Start, files: object = FILES) -> tuple[DahuaDriver, object]:
    srv = vendor_server("dahua", dahua_files=files)
    rec = Recorder("nvr", "c", "dahua", "127.0.0.1", rtsp_port=8554, http_port=srv.port)
    return DahuaDriver(rec, CRED.get), srv


def test_dahua_file_search_across_the_autumn_change(vendor_server: Start) -> None:
    drv, srv = dahua(vendor_server)
    assert drv.recorded_spans(CAMERA, utc(0, 0), utc(4, 0)) == SPANS
    asked = srv.dahua_calls[-1]  # type: ignore[attr-defined]
    assert "condition.Channel=1" in asked and "StartTime=2026-10-25%2002%3A00%3A00" in asked
    paths = [p for p, _ in srv.requests]  # type: ignore[attr-defined]
    assert any("action=close" in p for p in paths) and any("action=destroy" in p
                                                          for p in paths)


def test_dahua_time_between_files_is_refused_with_the_nearest(vendor_server: Start) -> None:
    drv, _ = dahua(vendor_server)
    with pytest.raises(RecorderBadAnswer) as err:
        drv.playback_source(CAMERA, utc(2, 10))
    assert str(err.value) == (
        "Pas d'enregistrement de la caméra Parking à cette heure (25/10/2026 03:10:00). "
        "Enregistrement le plus proche : jusqu'au 25/10/2026 02:40:00 (UTC+1) et à partir du "
        "25/10/2026 03:30:00.")


def test_dahua_time_in_a_file_plays_with_the_spans(vendor_server: Start) -> None:
    drv, _ = dahua(vendor_server)
    src = drv.playback_source(CAMERA, utc(2, 45))
    assert "starttime=2026_10_25_03_45_00" in src.url
    # Asked from an hour before (02:45 winter time on the wall clock, which the recorder reads
    # as the first 02:45): the spans from the first pass on.
    assert src.recorded == tuple(SPANS)


def test_dahua_without_file_search_plays_as_asked(vendor_server: Start) -> None:
    drv, _ = dahua(vendor_server, files=None)
    src = drv.playback_source(CAMERA, utc(2, 10))
    assert src.recorded == () and "starttime=2026_10_25_03_10_00" in src.url


def test_spans_that_touch_are_joined() -> None:
    assert merge_spans([(utc(1, 0), utc(1, 30)), (utc(0, 0), utc(1, 0)),
                        (utc(1, 30, 1), utc(2, 0)), (utc(3, 0), utc(4, 0))]) == [
        (utc(0, 0), utc(2, 0)), (utc(3, 0), utc(4, 0))]


SEGMENTS = [(101, utc(0, 0), utc(0, 30)), (101, utc(0, 30), utc(0, 45)),
            (101, utc(1, 10), utc(2, 0)), (201, utc(0, 0), utc(3, 0))]


def hikvision(vendor_server: Start, segments: object = SEGMENTS
              ) -> tuple[HikvisionDriver, object]:
    srv = vendor_server("hikvision", hik_segments=segments)
    rec = Recorder("nvr", "c", "hikvision", "127.0.0.1", rtsp_port=8554, http_port=srv.port)
    return HikvisionDriver(rec, CRED.get), srv


def test_hikvision_search_merges_segments(vendor_server: Start) -> None:
    drv, srv = hikvision(vendor_server)
    assert drv.recorded_spans(CAMERA, utc(0, 0), utc(3, 0)) == [(utc(0, 0), utc(0, 45)),
                                                                 (utc(1, 10), utc(2, 0))]
    (body,) = srv.hik_searches  # type: ignore[attr-defined]
    assert "<trackID>101</trackID>" in body and "<startTime>2026-10-25T00:00:00Z" in body


def test_hikvision_search_reads_every_page(vendor_server: Start) -> None:
    minutes = [(101, utc(0, 0) + timedelta(minutes=i), utc(0, 0) + timedelta(minutes=i + 1))
               for i in range(95)]
    drv, srv = hikvision(vendor_server, minutes)
    assert drv.recorded_spans(CAMERA, utc(0, 0), utc(3, 0)) == [(utc(0, 0), utc(1, 35))]
    assert len(srv.hik_searches) == 3  # type: ignore[attr-defined]  # 40 + 40 + 15


def test_hikvision_time_in_a_gap_is_refused_with_the_nearest(vendor_server: Start) -> None:
    """Either side of the gap in a different pass of the repeated hour: each says its
    offset."""
    drv, _ = hikvision(vendor_server)
    with pytest.raises(RecorderBadAnswer) as err:
        drv.playback_source(CAMERA, utc(0, 50))
    assert str(err.value) == (
        "Pas d'enregistrement de la caméra Parking à cette heure (25/10/2026 02:50:00 (UTC+2))."
        " Enregistrement le plus proche : jusqu'au 25/10/2026 02:45:00 (UTC+2) et à partir du "
        "25/10/2026 02:10:00 (UTC+1).")
    src = drv.playback_source(CAMERA, utc(1, 20))
    assert "starttime=20261025T012000Z" in src.url and len(src.recorded) == 2


def test_hikvision_without_search_plays_as_asked(vendor_server: Start) -> None:
    drv, _ = hikvision(vendor_server, None)
    src = drv.playback_source(CAMERA, utc(0, 50))
    assert src.recorded == () and "starttime=20261025T005000Z" in src.url
