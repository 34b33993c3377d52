"""Applying a site file to the database: the one path every caller takes (``csu-wall site
apply``, the first-run window, the demo site and the machine site file an installer
provisioned)."""

from __future__ import annotations

import logging
from pathlib import Path

from csu_wall.core.errors import SiteFileError
from csu_wall.core.sitefile import load_site, site_file_hash
from csu_wall.storage.db import Database
from csu_wall.storage.settings import workstation_of
from csu_wall.storage.site_repo import apply_site

log = logging.getLogger(__name__)


def apply_site_file(database_url: str, data_dir: Path, file: Path, *,
                    applied_by: str) -> list[str]:
    """Validate then write a site file into the database. Returns the formatted problems
    ([] when applied). Nothing is written when the file has an error."""
    try:
        site, warnings = load_site(file)  # size-capped: read the bytes once it passed
    except SiteFileError as exc:
        return [issue.format() for issue in exc.issues]
    try:
        data = file.read_bytes()
    except OSError as exc:
        return [f"{file}:0: fichier: illisible ({exc.strerror or exc})"]
    db = Database.open(database_url, create=True)
    try:
        apply_site(db, site, file_name=str(file), sha256=site_file_hash(data),
                   applied_by=applied_by, workstation=workstation_of(data_dir))
    finally:
        db.close()
    for w in warnings:
        log.warning("site file warning: %s", w.format())
    log.info("site %s applied by %s (%d cameras)", file, applied_by, len(site.cameras))
    return []
