"""An export service over any recorder driver (the real Hikvision, Dahua, Axis and generic RTSP
drivers against the loopback servers, or the loopback driver of tests/rtsp/playback_env.py),
with a real SQLite database, an operator holding the extraction habilitation and a site key;
and the checks every family's export shares."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import av

from csu_wall.core.model import Camera, Commune, Recorder, Site
from csu_wall.core.ports import RecorderDriver
from csu_wall.services.export import ExportRequest, ExportService, ExtractionGate
from csu_wall.services.export_proof import verify_folder
from csu_wall.storage import extraction_repo as repo
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from csu_wall.storage.operators import ensure_operator
from csu_wall.storage.site_key import SiteKey, key_id_of
from tests.rtsp.playback_env import FRAME, GOP
from tests.services.export_env import EXTRACTION, OPERATOR, REQUISITION, frame_times

CRED = ("viewer", "Right-Pass-1")  # the loopback vendor server's user


@dataclass
class FamilyEnv:
    db: Database
    service: ExportService
    camera: Camera
    connections: list[str]

    def request(self, start: datetime, end: datetime, dest: Path, *, caption: bool = False
                ) -> ExportRequest:
        return ExportRequest((self.camera.id,), start, end, REQUISITION, dest, caption=caption)


def family_env(tmp_path: Path, camera: Camera, recorder: Recorder, driver: RecorderDriver
               ) -> FamilyEnv:
    db = Database.open(tmp_path / "csu.db", create=True)
    ensure_operator(db, OPERATOR)
    key = os.urandom(32)
    site_key = SiteKey("site-test", key_id_of(key), key)
    site = Site("test", (Commune("roncq", "Roncq", "59508"),), (recorder,), (camera,))
    gate = ExtractionGate(site, OPERATOR, [EXTRACTION], DbAuditLog(db), workstation="poste-1")
    calls: list[str] = []

    def drivers(rec: Recorder) -> RecorderDriver:
        calls.append(rec.id)
        return driver

    service = ExportService(db, gate, drivers, lambda ref: CRED,
                            lambda: repo.signing_key(db, site_key), timeout=5, read_timeout=3)
    return FamilyEnv(db, service, camera, calls)


def check_delivered(folder: Path, start: datetime, end: datetime) -> dict[str, Any]:
    """The file opens with PyAV; its first image's time code lies between the start minus one
    GOP and the start, its last one within an image of the end, in order; the manifest (and
    so the PV) states that period; the folder verifies."""
    manifest = json.loads((folder / "manifest.json").read_bytes())
    cam = manifest["cameras"][0]
    with av.open(str(folder / cam["file"])) as c:
        assert c.streams.video[0].codec_context.name == "h264"
    times = frame_times(folder / cam["file"])
    assert start - GOP <= times[0] <= start, (times[0], start)
    assert abs(times[-1] - end) <= FRAME, (times[-1], end)
    assert times == sorted(times) and len(times) == cam["images"]
    assert all(b - a == FRAME for a, b in zip(times, times[1:], strict=False)), "a hole"
    slack = timedelta(0) if cam["time_basis"] == "onvif-ntp" else FRAME / 2
    for key, t in (("first_utc", times[0]), ("last_utc", times[-1])):
        stated = datetime.fromisoformat(cam["delivered"][key].replace("Z", "+00:00"))
        assert abs(stated - t) <= slack, (key, stated, t)
    pv = (folder / "proces-verbal.html").read_text("utf-8")
    assert cam["delivered"]["first_paris"] in pv and cam["delivered"]["last_paris"] in pv
    verdict = verify_folder(folder)
    assert verdict.ok, verdict.message
    return manifest
