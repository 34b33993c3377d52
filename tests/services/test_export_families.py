"""Evidence export from each recorder family's loopback server, through the real drivers:
Hikvision and Dahua HTTP download APIs (``ContentMgmt/download``, ``loadfile.cgi``; a cut in
the middle resumed with ``Range:``), Dahua's RTSP playback when it has no download API, Axis
edge storage (``Range: npt=`` from the recording's start; a cut resumed by a new PLAY from the
last image), a generic RTSP recorder's playback template; the recorder's clock offset in the
manifest; a masked camera re-encoded with its masks (and the caption) burned in. The clips
carry their UTC time in their pixels: every check is against the pictures themselves."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from csu_wall.core.model import Camera, PrivacyMask, Recorder
from csu_wall.recorders.axis import AxisDriver
from csu_wall.recorders.dahua import DahuaDriver
from csu_wall.recorders.hikvision import HikvisionDriver
from csu_wall.recorders.rtsp import GenericRtspDriver
from csu_wall.services.export import ExportCancelled, ExportProgress
from csu_wall.services.export_encode import masks_version
from csu_wall.storage import extraction_repo as repo
from tests.recorders.vendor_http import VendorConfig, VendorHttpServer
from tests.rtsp.cut_proxy import cut_proxy
from tests.rtsp.download_store import ClipStore
from tests.rtsp.fixture import RECORDED_FPS, RECORDED_SECONDS, RECORDED_START, RtspServer
from tests.rtsp.onvif_replay_server import Modes, recording_from_clip, replay_server
from tests.rtsp.playback_env import CAMERA, RECORDER, LoopbackDriver, at
from tests.services.export_env import frame_times
from tests.services.export_families_env import CRED, check_delivered, family_env

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(120)]

END = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)
CAM = Camera("cam-101", "Parvis de la mairie", "roncq", "nvr", channel=1)


@pytest.fixture()
def vendor(tmp_path: Path, recorded_clip: Path) -> Iterator[VendorHttpServer]:
    """Filled in by each test through ``vendor.config`` before the first request."""
    cache = tmp_path / "downloads"
    cache.mkdir()
    store = ClipStore(recorded_clip, RECORDED_START, RECORDED_FPS, cache)
    srv = VendorHttpServer(VendorConfig("dahua", download=store,
                                        dahua_files=[(1, RECORDED_START, END)],
                                        hik_segments=[(101, RECORDED_START, END)]))
    yield srv
    srv.close()


def _recorder(driver: str, vendor: VendorHttpServer, rtsp_port: int = 554, **kw: object
              ) -> Recorder:
    return Recorder("nvr", "roncq", driver, "127.0.0.1", rtsp_port=rtsp_port,
                    http_port=vendor.port, **kw)  # type: ignore[arg-type]


def test_export_from_the_hikvision_download_api_is_delivered_at_full_speed(
        tmp_path: Path, vendor: VendorHttpServer) -> None:
    vendor.config.family = "hikvision"
    vendor.config.download_fast = True
    rec = _recorder("hikvision", vendor)
    e = family_env(tmp_path, CAM, rec, HikvisionDriver(rec, lambda ref: CRED))
    start, end = at(10.48), at(13)
    result = e.service.run(e.request(start, end, tmp_path / "out"))
    manifest = check_delivered(result.folder, start, end)
    cam = manifest["cameras"][0]
    assert cam["fetched_by"] == "http" and cam["time_basis"] == "download-end"
    assert cam["reencoded"] is False and cam["gaps"] == []
    [asked] = vendor.downloads
    assert (asked["start"], asked["end"]) == (at(10).timestamp(), at(13).timestamp())
    assert any(p == "/ISAPI/ContentMgmt/download" for p, _auth in vendor.requests)


def test_export_from_the_dahua_download_api_records_the_offset_clock(
        tmp_path: Path, vendor: VendorHttpServer) -> None:
    """The recorder's clock is 37 s ahead: measured (global.cgi) and written per camera; the
    period is asked on its wall clock (Paris time) and delivered right."""
    vendor.config.clock_offset = 37.0
    vendor.config.download_fast = True
    rec = _recorder("dahua", vendor)
    e = family_env(tmp_path, CAM, rec, DahuaDriver(rec, lambda ref: CRED))
    start, end = at(20.2), at(23)
    result = e.service.run(e.request(start, end, tmp_path / "out"))
    manifest = check_delivered(result.folder, start, end)
    cam = manifest["cameras"][0]
    assert cam["fetched_by"] == "http"
    assert cam["clock_offset_s"] == pytest.approx(37.0, abs=1.5)
    assert cam["clock_offset_from"] == "api"
    assert "+3" in (result.folder / "proces-verbal.html").read_text("utf-8")
    loads = [p for p, _a in vendor.requests if p.startswith("/cgi-bin/loadfile.cgi")]
    assert loads and "startTime=2026-10-25%2002%3A59%3A50" in loads[-1], loads


def test_a_network_cut_in_the_middle_of_a_download_resumes_with_a_range(
        tmp_path: Path, vendor: VendorHttpServer) -> None:
    store = vendor.config.download
    assert store is not None
    path, _s = store.file(at(10).timestamp(), at(16).timestamp())
    vendor.config.download_cut_after = path.stat().st_size // 2  # in the middle of the file
    vendor.config.download_fast = True
    rec = _recorder("dahua", vendor)
    e = family_env(tmp_path, CAM, rec, DahuaDriver(rec, lambda ref: CRED))
    start, end = at(10), at(16)
    result = e.service.run(e.request(start, end, tmp_path / "out"))
    cam = result.manifest["cameras"][0]
    assert vendor.download_cut_done and cam["resumed_after_cut"] == 1
    assert [d["from"] for d in vendor.downloads] == [0, path.stat().st_size // 2]
    times = frame_times(result.folder / cam["file"])
    assert times == [start + i * (at(1) - at(0)) / RECORDED_FPS for i in range(len(times))]
    check_delivered(result.folder, start, end)


def test_export_from_dahua_rtsp_playback_when_it_has_no_download_api(
        tmp_path: Path, vendor: VendorHttpServer, playback_server: RtspServer) -> None:
    vendor.config.download = None  # loadfile.cgi answers 404
    rec = _recorder("dahua", vendor, playback_server.port)
    e = family_env(tmp_path, CAM, rec, DahuaDriver(rec, lambda ref: CRED))
    start, end = at(26.3), at(28)
    result = e.service.run(e.request(start, end, tmp_path / "out"))
    cam = check_delivered(result.folder, start, end)["cameras"][0]
    assert cam["fetched_by"] == "rtsp" and cam["time_basis"] == "rtp-fin"
    [asked] = [r for r in playback_server.playback_requests() if r["mount"] == "dahua"]
    assert asked["end"] == at(28).timestamp()  # asked on the wall clock, to the end


AXIS_RECORDINGS = [("20261025_005930_1A2B_ACCC8E000001", 1, RECORDED_START, END)]


@pytest.mark.parametrize("cut", [False, True], ids=["whole", "cut-and-resumed"])
def test_export_from_axis_edge_storage(tmp_path: Path, vendor: VendorHttpServer,
                                       recorded_clip: Path, cut: bool) -> None:
    vendor.config.family = "axis"
    vendor.config.axis_recordings = AXIS_RECORDINGS
    recording = recording_from_clip(recorded_clip, RECORDED_START, RECORDED_FPS)
    modes = Modes(extension=False, cut_after=40 if cut else 0)
    with replay_server(recording, RECORDED_FPS, modes) as rtsp:
        rec = _recorder("axis", vendor, rtsp.port)
        e = family_env(tmp_path, CAM, rec, AxisDriver(rec, lambda ref: CRED))
        start, end = at(18.4), at(21)
        result = e.service.run(e.request(start, end, tmp_path / "out"))
        cam = check_delivered(result.folder, start, end)["cameras"][0]
        assert cam["time_basis"] == "npt" and cam["gaps"] == []
        assert rtsp.plays[0]["asked"] == "npt=18.400-21.000"
        assert cam["resumed_after_cut"] == (1 if cut else 0)
        if cut:
            assert rtsp.cut_done and len(rtsp.plays) == 2
            assert str(rtsp.plays[1]["asked"]).startswith("npt=19.")  # from the last image


def test_export_from_a_generic_rtsp_recorder_with_a_playback_template(
        tmp_path: Path, playback_server: RtspServer) -> None:
    """Plain RTSP has no clock API: the offset is read from the PLAY answer's ``Date:`` (its
    clock 90 s behind here, through a relay that moves the header), to the second."""
    with cut_proxy(playback_server.port, date_shift=-90.0) as proxy:
        rec = Recorder("nvr", "roncq", "rtsp", "127.0.0.1", rtsp_port=proxy.port,
                       playback_path="/Streaming/tracks/{channel}01"
                                     "?starttime={start:%Y%m%dT%H%M%SZ}"
                                     "&endtime={end:%Y%m%dT%H%M%SZ}")
        e = family_env(tmp_path, CAM, rec, GenericRtspDriver(rec))
        start, end = at(40.5), at(42)
        result = e.service.run(e.request(start, end, tmp_path / "out"))
    cam = check_delivered(result.folder, start, end)["cameras"][0]
    assert cam["clock_offset_s"] == pytest.approx(-90.0, abs=1.0)
    assert cam["clock_offset_from"] == "date-header"
    # the PV states the offset measured (the Date header's second makes it -89.x to -90.x)
    assert f"{cam['clock_offset_s']:+.1f} s" in (result.folder / "proces-verbal.html"
                                                  ).read_text("utf-8")
    [asked] = [r for r in playback_server.playback_requests() if r["mount"] == "hik"]
    assert (asked["start"], asked["end"]) == (at(40).timestamp(), at(42).timestamp())


# -- privacy masks ---------------------------------------------------------------------------

MASKS = (PrivacyMask(((0.02, 0.05), (0.6, 0.05), (0.6, 0.3), (0.02, 0.3))),  # the moving square
         PrivacyMask(((0.62, 0.02), (0.98, 0.02), (0.98, 0.36))))
MASKED = Camera(CAMERA.id, CAMERA.name, "roncq", "nvr", channel=1, masks=MASKS)
DARK = 64  # the mask's grey is 48; the clip's background 96, its moving square 240


def _inner_masks(width: int, height: int) -> list[np.ndarray]:
    """Each mask's pixels shrunk by 2 px (re-encoding blurs the edges)."""
    out = []
    for m in MASKS:
        canvas = np.zeros((height, width), np.uint8)
        pts = np.round(np.array(m.points) * [width, height]).astype(np.int32)
        cv2.fillPoly(canvas, [pts.reshape(-1, 1, 2)], 255)
        out.append(cv2.erode(canvas, np.ones((5, 5), np.uint8)) > 0)
    return out


def _mask_means(path: Path) -> list[list[float]]:
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        inner = _inner_masks(stream.codec_context.width, stream.codec_context.height)
        return [[float(img[m].mean()) for m in inner]
                for img in (f.to_ndarray(format="gray") for f in c.decode(stream))]


def test_a_masked_camera_is_reencoded_dark_inside_every_mask_in_every_frame(
        tmp_path: Path, playback_server: RtspServer) -> None:
    e = family_env(tmp_path, MASKED, RECORDER, LoopbackDriver(playback_server))
    start, end = at(10.48), at(13)
    seen: list[float] = []
    result = e.service.run(e.request(start, end, tmp_path / "out", caption=True),
                           progress=lambda p: seen.append(p.camera_fraction))
    manifest = check_delivered(result.folder, start, end)  # time codes survive re-encoding
    # the fetch fills the first half of the camera's progress, the re-encoding the second
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert any(0.5 < f < 1.0 for f in seen) and any(0.0 < f <= 0.5 for f in seen)
    cam = manifest["cameras"][0]
    video = result.folder / cam["file"]
    means = _mask_means(video)
    assert len(means) == cam["images"] and all(v < DARK for row in means for v in row), means
    version = masks_version(MASKS)
    assert cam["reencoded"] is True and cam["masks"]["version"] == version
    assert cam["treatment"] == f"réencodé avec masques, version {version}"
    assert f"réencodé avec masques, version {version}" in (
        result.folder / "proces-verbal.html").read_text("utf-8")
    with av.open(str(video)) as c:  # the caption: white text in the bottom-left corner
        first = next(c.decode(c.streams.video[0])).to_ndarray(format="gray")
    assert first[-14:, :120].max() > 200
    # the same period without masks: bright inside the same polygons (the check can fail)
    (tmp_path / "plain").mkdir()
    plain = family_env(tmp_path / "plain", CAMERA, RECORDER, LoopbackDriver(playback_server))
    other = plain.service.run(plain.request(start, end, tmp_path / "out-plain"))
    cam2 = other.manifest["cameras"][0]
    assert cam2["reencoded"] is False and cam2["masks"] == "aucun"
    assert max(row[0] for row in _mask_means(other.folder / cam2["file"])) > DARK


def test_a_network_cut_in_the_middle_of_a_vendor_rtsp_replay_resumes_where_it_stopped(
        tmp_path: Path, playback_server: RtspServer) -> None:
    """The generic template's URL (Hikvision-shaped here) through a relay that drops the
    first connection mid-way: a new replay from before the last image received, placed on
    the first by a keyframe both sent; every image once, in order, to the end."""
    with cut_proxy(playback_server.port, cut_after=20_000) as proxy:
        rec = Recorder("nvr", "roncq", "rtsp", "127.0.0.1", rtsp_port=proxy.port,
                       playback_path="/Streaming/tracks/{channel}01"
                                     "?starttime={start:%Y%m%dT%H%M%SZ}"
                                     "&endtime={end:%Y%m%dT%H%M%SZ}")
        e = family_env(tmp_path, CAM, rec, GenericRtspDriver(rec))
        start, end = at(20), at(25)
        result = e.service.run(e.request(start, end, tmp_path / "out"))
        cam = result.manifest["cameras"][0]
        assert proxy.cut_done and proxy.connections == 2 and cam["resumed_after_cut"] == 1
        times = frame_times(result.folder / cam["file"])
        assert times == [start + i * (at(1) - at(0)) / RECORDED_FPS for i in range(len(times))]
        check_delivered(result.folder, start, end)
        first, again = [r for r in playback_server.playback_requests() if r["mount"] == "hik"]
        assert first["start"] == at(20).timestamp() < again["start"] < at(25).timestamp()


def test_a_cancelled_download_leaves_no_complete_looking_folder(
        tmp_path: Path, vendor: VendorHttpServer) -> None:
    """The loopback download API in real time: cancelled at a fifth, nothing is left."""
    rec = _recorder("dahua", vendor)
    e = family_env(tmp_path, CAM, rec, DahuaDriver(rec, lambda ref: CRED))
    cancel = threading.Event()
    seen: list[float] = []

    def progress(p: ExportProgress) -> None:
        seen.append(p.camera_fraction)
        if p.camera_fraction > 0.2:
            cancel.set()

    out = tmp_path / "out"
    with pytest.raises(ExportCancelled):
        e.service.run(e.request(at(5), at(15), out), cancel=cancel, progress=progress)
    assert seen and max(seen) < 0.6  # real time: cancelled long before the end
    assert list(out.iterdir()) == []
    assert [r.state for r in repo.list_extractions(e.db)] == [repo.CANCELLED]
