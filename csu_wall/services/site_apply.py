"""Applying a site to the database: the one path every caller takes — ``csu-wall site
apply`` and the first-run window (:func:`apply_site_file`), the machine site file an installer
provisioned (:mod:`csu_wall.services.provisioning`) and the embedded demo site
(:func:`apply_demo_site`). Each writes through :func:`write_site`: the whole site in one
transaction with its audit record (:func:`csu_wall.storage.site_repo.apply_site`), then the
file's warnings and the application in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from csu_wall.core.errors import SiteFileError, SiteIssue
from csu_wall.core.model import Site
from csu_wall.core.sitefile import load_demo_site, load_site, site_file_hash
from csu_wall.storage.db import Database
from csu_wall.storage.settings import workstation_of
from csu_wall.storage.site_repo import apply_site
from csu_wall.storage.site_repo import load_site as load_applied_site

log = logging.getLogger(__name__)

DEMO_FILE_NAME = "<démo intégrée>"


def write_site(db: Database, site: Site, *, file_name: str, sha256: str, applied_by: str,
               workstation: str | None = None, warnings: Iterable[SiteIssue] = (),
               what: str = "site file") -> None:
    """Write ``site`` into ``db`` (refused as a whole, nothing written, by a
    :class:`~csu_wall.core.errors.CsuWallError`), then log its file's warnings and the
    application; ``what`` names the file in the log."""
    apply_site(db, site, file_name=file_name, sha256=sha256, applied_by=applied_by,
               workstation=workstation)
    for w in warnings:
        log.warning("%s warning: %s", what, w.format())
    log.info("%s %s applied by %s (%d cameras)", what, file_name, applied_by, len(site.cameras))


def apply_site_file(database_url: str, data_dir: Path, file: Path, *,
                    applied_by: str) -> list[str]:
    """Validate then write a site file into the database, audited under this workstation's
    name. Returns the formatted problems ([] when applied). Nothing is written when the file
    has an error."""
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
        write_site(db, site, file_name=str(file), sha256=site_file_hash(data),
                   applied_by=applied_by, workstation=workstation_of(data_dir),
                   warnings=warnings)
    finally:
        db.close()
    return []


def apply_demo_site(db: Database, *, applied_by: str) -> Site:
    """The embedded demo site, written into the (demo) database when it differs."""
    site = load_demo_site()
    if load_applied_site(db) != site:
        write_site(db, site, file_name=DEMO_FILE_NAME, sha256="demo", applied_by=applied_by,
                   what="demo site")
    return site
