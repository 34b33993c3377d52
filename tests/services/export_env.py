"""What the export tests share: the loopback recorder of tests/rtsp/playback_env.py (Hikvision
-shaped playback from the real RTSP server, or ONVIF replay through the loopback SOAP device),
a real SQLite database with an operator, an extraction habilitation and a site key."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import av

from csu_wall.core.model import Recorder
from csu_wall.core.ports import RecorderDriver
from csu_wall.core.security import Habilitation, Operator
from csu_wall.services.export import ExportRequest, ExportService, ExtractionGate, Requisition
from csu_wall.storage import extraction_repo as repo
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from csu_wall.storage.operators import ensure_operator
from csu_wall.storage.site_key import SiteKey, key_id_of
from tests.rtsp.fixture import RtspServer
from tests.rtsp.onvif_soap import OnvifDevice
from tests.rtsp.playback_env import CAMERA, SITE, LoopbackDriver
from tests.rtsp.timecode import read_time

OPERATOR = Operator("agent1", "Agent Un")
EXTRACTION = Habilitation("agent1", "roncq", "arrêté préfectoral n° 2026-18",
                          "préfet du Nord", valid_from=datetime(2026, 1, 1, tzinfo=timezone.utc))
REQUISITION = Requisition(procedure="PV 2026/001234", opj_name="Martin", opj_rank="Lieutenant",
                          opj_service="Commissariat de Roncq", date="2026-10-26",
                          legal_basis="Code de procédure pénale, art. 77-1-1", note="test")


@dataclass
class ExportEnv:
    db: Database
    service: ExportService
    gate: ExtractionGate
    site_key: SiteKey
    driver_calls: list[str] = field(default_factory=list)

    def actions(self) -> list[tuple[str, str]]:
        return [(r.entry.action.value, r.entry.detail) for r in entries(self.db, limit=200)]

    def request(self, start: datetime, end: datetime, dest: Path) -> ExportRequest:
        return ExportRequest((CAMERA.id,), start, end, REQUISITION, dest)


def make_export_env(tmp_path: Path, server: RtspServer, device: OnvifDevice | None = None, *,
                    habilitations: list[Habilitation] | None = None) -> ExportEnv:
    db = Database.open(tmp_path / "csu.db", create=True)
    ensure_operator(db, OPERATOR)
    key = os.urandom(32)
    site_key = SiteKey("site-test", key_id_of(key), key)
    habs = [EXTRACTION] if habilitations is None else habilitations
    gate = ExtractionGate(SITE, OPERATOR, habs, DbAuditLog(db), workstation="poste-1")
    calls: list[str] = []
    driver = LoopbackDriver(server, device)

    def drivers(recorder: Recorder) -> RecorderDriver:
        calls.append(recorder.id)
        return driver

    service = ExportService(db, gate, drivers, lambda ref: None,
                            lambda: repo.signing_key(db, site_key), timeout=5, read_timeout=3)
    return ExportEnv(db, service, gate, site_key, calls)


def frame_times(path: Path) -> list[datetime]:
    """The time code of every image of a video file (decoded with PyAV)."""
    with av.open(str(path)) as c:
        return [read_time(f.to_ndarray(format="rgb24")) for f in c.decode(c.streams.video[0])]
