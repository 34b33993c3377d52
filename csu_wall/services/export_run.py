"""An :class:`~csu_wall.services.export.ExportService` wired to a real site: the database's
site, its recorders' drivers and credentials (decrypted only when the export's gate has
authorised and audited the cameras — the service asks for them afterwards), the site's signing
key and this workstation's audit log. Used by ``csu-wall export run``."""

from __future__ import annotations

from pathlib import Path

from csu_wall.core.errors import CsuWallError
from csu_wall.core.model import Recorder
from csu_wall.core.ports import RecorderDriver
from csu_wall.core.security import Operator
from csu_wall.media.redact import register_secret
from csu_wall.recorders.registry import driver_for
from csu_wall.services.export import ExportService, gate_from_db
from csu_wall.storage import extraction_repo, site_key, site_repo
from csu_wall.storage.credentials import get_credential
from csu_wall.storage.db import Database

PREFIX = "recorder:"


def export_service(db: Database, operator: Operator, *, workstation: str, cache_dir: Path
                   ) -> ExportService:
    site = site_repo.load_site(db)
    if site is None:
        raise CsuWallError("Aucun fichier de site appliqué : `csu-wall site apply` d'abord.")
    key = site_key.load_site_key(db)
    if key is None:
        raise CsuWallError("Ce site n'a pas de clé : les exports ne peuvent pas être signés. "
                           "Enrôlez le poste (`csu-wall workstation enroll --new-site`).")
    audit = site_key.audit_log(db)
    gate = gate_from_db(db, site, operator, audit, workstation=workstation)

    def credentials(ref: str) -> tuple[str, str] | None:
        if not ref.startswith(PREFIX):
            return None
        cred = get_credential(db, key, ref[len(PREFIX):])
        if cred is None:
            return None
        register_secret(cred.password)
        return cred.user, cred.password

    def drivers(recorder: Recorder) -> RecorderDriver:
        return driver_for(recorder, clip_dir=cache_dir / "demo-clips", credentials=credentials)

    return ExportService(db, gate, drivers, credentials,
                         lambda: extraction_repo.signing_key(db, key))
