"""A two-commune site on a loopback RTSP server, stored in a real SQLite database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from csu_wall.core.model import Camera, Commune, Recorder, Site, StreamProfile
from csu_wall.core.security import Habilitation, Operator
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.registry import driver_for
from csu_wall.services.access import AccessGate
from csu_wall.services.vault import CredentialVault
from csu_wall.services.wall import StateFanout, WallService
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from csu_wall.storage.site_key import SiteKey
from csu_wall.storage.site_repo import apply_site, load_site


def make_site(port: int) -> Site:
    communes = (Commune("roncq", "Roncq", "59508"), Commune("halluin", "Halluin", "59279"))
    recorders = tuple(Recorder(f"{c.id}-nvr", c.id, "rtsp", "127.0.0.1", rtsp_port=port,
                               username="viewer") for c in communes)
    cameras = tuple(Camera(f"{c.id}-001", f"Mairie de {c.name}", c.id, f"{c.id}-nvr",
                           sub=StreamProfile(path="/cam1", width=320, height=180, fps=25),
                           main=StreamProfile(path="/cam1", width=320, height=180, fps=25))
                    for c in communes)
    return Site("test", communes, recorders, cameras)


def store_site(db: Database, port: int) -> Site:
    apply_site(db, make_site(port), file_name="t.toml", sha256="0" * 64, applied_by="t")
    site = load_site(db)
    assert site is not None
    return site


def habilitation(commune: str) -> Habilitation:
    return Habilitation(operator_id="agent1", commune_id=commune, legal_basis="arrêté",
                        granted_by="maire", valid_from=datetime.now(UTC) - timedelta(days=1))


def make_wall(db: Database, site: Site, habs: list[Habilitation], key: SiteKey | None,
              tmp_path: Path) -> tuple[WallService, CredentialVault]:
    gate = AccessGate(site, Operator("agent1", "Agent 1"), habs,
                      DbAuditLog(db, key=key.audit_key() if key else None),
                      workstation="poste-1")
    vault = CredentialVault(db, gate, lambda: key)
    events = StateFanout()
    engine = MediaEngine(workers=1, on_state=events, credentials=vault, open_timeout=3,
                         read_timeout=3)
    wall = WallService(site, gate, engine,
                       lambda r: driver_for(r, clip_dir=tmp_path / "cache" / "demo-clips"),
                       state_events=events)
    return wall, vault
