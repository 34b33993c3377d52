"""End to end: a site with one recorder of each family (generic RTSP,
ONVIF, Hikvision, Dahua, Axis, MJPEG and snapshot encoders), all on 127.0.0.1, written as a real
TOML site file: channels imported into the file (families with a channel list), live video from
every camera through the real MediaEngine (tile LIVE, frames), and recorded video from an asked
time through PlaybackService on the families that keep recordings — the clips carry their UTC
time in their pixels, the first frame shown is within one GOP of the asked time, across the end
of summer time (2026-10-25 02:00–03:00 Europe/Paris). Families without recordings give
RecorderNotSupported in French. No credential in any log, in the site file or its backup."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from csu_wall.core.errors import RecorderNotSupported
from csu_wall.core.frames import Frame, TileState
from csu_wall.core.model import Recorder
from csu_wall.core.ports import RecorderDriver
from csu_wall.core.security import Habilitation, Operator
from csu_wall.core.sitefile import load_site
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.http import fingerprint
from csu_wall.recorders.import_channels import import_channels
from csu_wall.recorders.registry import driver_for
from csu_wall.services.access import AccessGate
from csu_wall.services.playback import PlaybackService
from csu_wall.services.wall import StateFanout, WallService
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from tests.recorders.conftest import Certs, Start
from tests.recorders.onvif_site_device import OnvifSiteDevice
from tests.rtsp.fixture import (
    RECORDED_FPS,
    RECORDED_GOP,
    RECORDED_SECONDS,
    RECORDED_START,
    RtspServer,
)
from tests.rtsp.onvif_soap import onvif_device
from tests.rtsp.timecode import read_time

pytestmark = [pytest.mark.rtsp, pytest.mark.slow, pytest.mark.timeout(110)]

USER, SECRET = "viewer", "Canary-Site-3b9e"
FRAME = timedelta(seconds=1 / RECORDED_FPS)
GOP = timedelta(seconds=RECORDED_GOP / RECORDED_FPS)
SMALL, CODED = (160, 96), (320, 192)  # CODED: playback tiles, where the time code is read
LIVE = {"kind": "file", "width": 320, "height": 192, "seconds": 2.0, "gop": 25, "label": "LIVE"}
# Live URL shapes of each family; the first component of a path names a mount too, so the
# server answers 401 (FFmpeg then sends its credentials) instead of 404 (tests/rtsp/server.py).
LIVE_MOUNTS = ("live/1/sub", "live", "onvif/live/sub", "Streaming/Channels/102",
               "cam/realmonitor", "axis-media/media.amp", "axis-media")
PLAYBACK = {"Streaming": ("hikvision", "Streaming/tracks/101"),
            "cam": ("dahua", "cam/playback"), "onvif": ("onvif", "onvif/replay/rec1")}
HAS_LIST = ("hik-nvr", "dahua-nvr", "axis-nvr", "onvif-nvr")
NO_LIST = ("rtsp-nvr", "mjpeg-enc", "snap-enc")


def at(seconds: float) -> datetime:
    return RECORDED_START + timedelta(seconds=seconds)


SITE = """\
# Site de test : un enregistreur de chaque famille, tous sur 127.0.0.1.
[site]
name = "CSU de test — toutes familles"

[[commune]]
id = "roncq"
name = "Roncq"
insee = "59508"

[[recorder]]
id = "rtsp-nvr"
commune = "roncq"
driver = "rtsp"
host = "127.0.0.1"
rtsp_port = {rtsp}
username = "viewer"

[[recorder]]
id = "onvif-nvr"
commune = "roncq"
driver = "onvif"
host = "127.0.0.1"
rtsp_port = {rtsp}
http_port = {onvif}

[[recorder]]
id = "hik-nvr"
commune = "roncq"
driver = "hikvision"
host = "127.0.0.1"
rtsp_port = {rtsp}
http_port = {hik}
timezone = "Europe/Paris"
session_cap = 8

[[recorder]]
id = "dahua-nvr"
commune = "roncq"
driver = "dahua"
host = "127.0.0.1"
rtsp_port = {rtsp}
http_port = {dahua}
timezone = "Europe/Paris"

[[recorder]]
id = "axis-nvr"
commune = "roncq"
driver = "axis"
host = "127.0.0.1"
rtsp_port = {rtsp}
http_port = {axis}

[[recorder]]
id = "mjpeg-enc"
commune = "roncq"
driver = "mjpeg"
host = "127.0.0.1"
http_port = {mjpeg}
scheme = "https"
tls_pin = "{pin}"

[[recorder]]
id = "snap-enc"
commune = "roncq"
driver = "snapshot"
host = "127.0.0.1"
http_port = {snap}

[[camera]]
id = "rtsp-cam"
name = "Place (RTSP générique)"
commune = "roncq"
recorder = "rtsp-nvr"
sub = {{ path = "/live/{{channel}}/sub", width = 320, height = 192 }}

[[camera]]
id = "hik-entree"
name = "Entrée — nom gardé"   # already in the file: the import must keep name and mask
commune = "roncq"
recorder = "hik-nvr"
channel = 1
sub = {{ width = 320, height = 192 }}
masks = [
  [[0.8, 0.8], [1.0, 0.8], [1.0, 1.0], [0.8, 1.0]],
]

[[camera]]
id = "mjpeg-cam"
name = "Parvis (MJPEG)"
commune = "roncq"
recorder = "mjpeg-enc"
sub = {{ path = "/video{{channel}}.mjpg" }}

[[camera]]
id = "snap-cam"
name = "Halle (instantanés)"
commune = "roncq"
recorder = "snap-enc"
sub = {{ path = "/snapshot{{channel}}.jpg", fps = 4 }}
"""
# The camera shown for each family once the channels are imported.
TILES = {"rtsp": "rtsp-cam", "onvif": "onvif-nvr-c01", "hik": "hik-entree",
         "dahua": "dahua-nvr-c01", "axis": "axis-nvr-c01", "mjpeg": "mjpeg-cam",
         "snapshot": "snap-cam"}
RECORDS = ("hik", "dahua", "onvif")


@dataclass
class Loopback:
    site_path: Path
    server: RtspServer
    device: OnvifSiteDevice


@pytest.fixture()
def loopback(tmp_path: Path, rtsp_server: Callable[..., RtspServer], recorded_clip: Path,
             vendor_server: Start, certificates: Certs) -> Iterator[Loopback]:
    mounts: dict[str, object] = {name: LIVE for name in LIVE_MOUNTS}
    for name, (shape, url_path) in PLAYBACK.items():
        mounts[name] = {"kind": "playback", "path": recorded_clip, "fps": RECORDED_FPS,
                        "start": RECORDED_START.timestamp(), "shape": shape,
                        "path_in_url": url_path, "tz": "Europe/Paris"}
    server = rtsp_server(mounts, auth=(USER, SECRET))
    port = server.port
    end = at(RECORDED_SECONDS)
    vendors = {f: vendor_server(f, user=USER, password=SECRET)
               for f in ("hikvision", "dahua", "axis", "snapshot")}
    mjpeg = vendor_server("mjpeg", tls="good", user=USER, password=SECRET)
    device = OnvifSiteDevice(f"rtsp://127.0.0.1:{port}/onvif/replay/rec1", RECORDED_START, end,
                             user=USER, password=SECRET,
                             live_uri=f"rtsp://127.0.0.1:{port}/onvif/live/sub")
    with onvif_device(device):
        path = tmp_path / "site.toml"
        path.write_text(SITE.format(
            rtsp=port, onvif=device.port, hik=vendors["hikvision"].port,
            dahua=vendors["dahua"].port, axis=vendors["axis"].port, mjpeg=mjpeg.port,
            snap=vendors["snapshot"].port, pin=fingerprint(certificates["good"][2])),
            encoding="utf-8")
        yield Loopback(path, server, device)


def credentials(ref: str) -> tuple[str, str] | None:
    return (USER, SECRET) if ref.startswith("recorder:") else None


def drivers(recorder: Recorder) -> RecorderDriver:
    return driver_for(recorder, clip_dir=Path("/nonexistent"), credentials=credentials)


def wait(predicate: Callable[[], object], timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return bool(predicate())


def first_frame(wall: WallService, tile: str, timeout: float = 20.0) -> Frame:
    """The first frame of the tile's current stream (the handle is new after each open)."""
    handle = wall.engine.tile(tile)
    assert handle is not None
    box: list[Frame] = []

    def arrived() -> bool:
        frame = handle.latest()
        if frame is not None and frame.generation == handle.generation:
            box.append(frame)
        return bool(box)

    assert wait(arrived, timeout), (tile, handle.state, handle.detail)
    return box[0]


def test_site_of_every_family_imports_shows_live_and_plays_back(
        loopback: Loopback, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    path = loopback.site_path
    original = path.read_text(encoding="utf-8")

    # 1. Channel import, family by family, through the site file's own text.
    for rid in NO_LIST:
        with pytest.raises(RecorderNotSupported, match="déclarez"):
            import_channels(path, rid, drivers)
        assert path.read_text(encoding="utf-8") == original
    plans = {rid: import_channels(path, rid, drivers) for rid in HAS_LIST}
    assert plans["hik-nvr"].kept == ("hik-entree",)
    assert [(c.id, c.name) for c in plans["hik-nvr"].added] == [("hik-nvr-c02", "Parking")]
    assert [c.id for c in plans["dahua-nvr"].added] == ["dahua-nvr-c01", "dahua-nvr-c02"]
    assert [c.id for c in plans["axis-nvr"].added] == ["axis-nvr-c01", "axis-nvr-c02"]
    assert [c.id for c in plans["onvif-nvr"].added] == ["onvif-nvr-c01"]
    site, _warnings = load_site(path)
    kept = site.camera("hik-entree")
    assert kept.name == "Entrée — nom gardé" and len(kept.masks) == 1
    assert site.camera("onvif-nvr-c01").sub.height == 192  # the sub profile's size, imported
    assert {c.id for c in site.cameras} >= set(TILES.values())
    # Appended only: the administrators' text, comments included, is left as it was.
    assert path.read_text(encoding="utf-8").startswith(original.rstrip("\n"))
    for text in (path.read_text(encoding="utf-8"), (tmp_path / "site.toml.bak").read_text()):
        assert SECRET not in text and "password" not in text.lower()

    # 2. Live video from every family through the real engine and the wall's access gate.
    db = Database.open(tmp_path / "csu.db", create=True)
    habilitation = Habilitation("agent1", "roncq", "arrêté préfectoral", "maire",
                                valid_from=datetime(2026, 1, 1, tzinfo=timezone.utc))
    gate = AccessGate(site, Operator("agent1", "Agent 1"), [habilitation], DbAuditLog(db),
                      workstation="poste-1")
    fanout = StateFanout()
    details: list[str] = []
    fanout.add(lambda _t, _g, _s, detail: details.append(detail))
    engine = MediaEngine(workers=2, on_state=fanout, credentials=credentials,
                         open_timeout=5, read_timeout=5, ladder=False)
    wall = WallService(site, gate, engine, drivers, state_events=fanout)
    playback = PlaybackService(wall)
    try:
        for family, camera_id in TILES.items():
            # tiles no taller than the sub stream: the engine chooses the sub stream
            wall.open_camera(family, camera_id, CODED if family in RECORDS else SMALL)

        def all_live() -> bool:
            handles = [engine.tile(t) for t in TILES]
            return all(h is not None and h.state is TileState.LIVE and h.latest() is not None
                       for h in handles)

        assert wait(all_live, 40), {t: (h.state, h.detail) for t in TILES
                                    if (h := engine.tile(t)) is not None}

        # 3. Families without recordings say so, in French, and stay live.
        for family in ("rtsp", "axis", "mjpeg", "snapshot"):
            with pytest.raises(RecorderNotSupported, match="relecture"):
                asyncio.run(playback.start(family, at(27)))
            assert not playback.is_playback(family)
            assert engine.tile(family).state is TileState.LIVE  # type: ignore[union-attr]

        # 4. Recorded video from 02:59:57 CEST (00:59:57Z), across the end of summer time.
        asked = at(27)
        for family in RECORDS:
            asyncio.run(playback.start(family, asked))
        shown = {f: read_time(first_frame(wall, f).image) for f in RECORDS}
        for family, when in shown.items():
            assert abs(when - asked) <= GOP + FRAME, (family, when, asked)
        # It plays on through the change: 02:59:5x CEST, then 02:00:0x CET, without a jump.
        after = at(31)  # 01:00:01Z = 02:00:01 CET
        seen: dict[str, list[datetime]] = {f: [shown[f]] for f in RECORDS}

        def reached() -> bool:  # the three tiles sampled together: they play at once
            for family, times in seen.items():
                handle = engine.tile(family)
                frame = handle.latest() if handle is not None else None
                if frame is not None and read_time(frame.image) != times[-1]:
                    times.append(read_time(frame.image))
            return all(times[-1] >= after for times in seen.values())

        assert wait(reached, 15), {f: t[-3:] for f, t in seen.items()}
        for family, times in seen.items():
            steps = [b - a for a, b in zip(times, times[1:], strict=False)]
            assert len(times) >= 10 and min(steps) > timedelta(0), (family, times)
            assert max(steps) <= GOP, (family, times)  # no jump at the change
        asked_by = {r["mount"]: r for r in loopback.server.playback_requests()
                    if r["how"] in ("url", "clock")}
        assert asked_by["Streaming"]["start"] == asked.timestamp()
        assert asked_by["Streaming"]["end"] - asked.timestamp() == 3600  # exactly an hour
        assert asked_by["cam"]["start"] == asked.timestamp()  # Dahua: Paris wall time
        assert asked_by["cam"]["end"] >= asked.timestamp() + 3600  # never less than asked
        assert abs(asked_by["onvif"]["start"] - asked.timestamp()) < 1.0

        # 5. A time inside the repeated hour (02:00:10 CET, the second one) on the families
        # whose URL or Range says UTC.
        inside = at(40)
        for family in ("hik", "onvif"):
            asyncio.run(playback.seek(family, inside))
            when = read_time(first_frame(wall, family).image)
            assert abs(when - inside) <= GOP + FRAME, (family, when, inside)
        # Dahua's URL carries Paris wall time: "02_00_10" is read as the FIRST 02:00:10 (CEST),
        # an hour early. Refused in French rather than showing the wrong hour as the asked one.
        with pytest.raises(RecorderNotSupported, match="heure d'hiver"):
            asyncio.run(playback.seek("dahua", inside))
        assert playback.is_playback("dahua")  # the recording already shown stays
        actions = [r.entry.action.value for r in entries(db, limit=200)]
        assert actions.count("playback") == 4 + len(RECORDS) + 3  # refusals are audited too
    finally:
        wall.shutdown()
        db.close()
    # 6. No credential in any log line, tile message, server log or file.
    seen_text = caplog.text + "\n".join(details) + loopback.server.log()
    assert SECRET not in seen_text
    assert SECRET not in path.read_text(encoding="utf-8")
