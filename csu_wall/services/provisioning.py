"""The machine-wide site file an installer provisions, imported at start.

IT staff deploy one site file per machine: ``/etc/csu-wall/site.toml`` on Linux (the .deb's
conffile; debconf may record another location in ``/etc/csu-wall/site-location``), on Windows
the path the MSI recorded from its ``SITE_FILE`` property in ``HKLM\\Software\\csu-wall\\SiteFile``,
else ``%ProgramData%\\csu-wall\\site.toml``. ``CSU_WALL_SITE_FILE`` overrides both.

At start the file is applied when it differs from the database's last applied site (SHA-256)
and was written after it, so ten workstations sharing one database apply a new file once and
a site applied later with ``csu-wall site apply`` is not overwritten by an older machine file.
The user's own settings (``settings.json`` in the data directory) are read after and never
written. The site file format refuses passwords; nothing here logs the file's content.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

from csu_wall.core.errors import CsuWallError, SiteFileError
from csu_wall.core.sitefile import parse_site_text, site_file_hash
from csu_wall.services.site_apply import write_site
from csu_wall.storage import paths as storage_paths
from csu_wall.storage.db import Database
from csu_wall.storage.settings import Settings, SettingsError, load_settings
from csu_wall.storage.site_repo import last_application

log = logging.getLogger(__name__)

ENV_SITE_FILE = "CSU_WALL_SITE_FILE"
LINUX_SITE_FILE = Path("/etc/csu-wall/site.toml")
LINUX_LOCATION_FILE = Path("/etc/csu-wall/site-location")
REGISTRY_KEY = r"Software\csu-wall"
REGISTRY_VALUE = "SiteFile"

RegistryReader = Callable[[], str | None]


class Status(str, Enum):
    ABSENT = "absent"  # no machine site file
    EMPTY = "empty"  # only comments (the .deb's template): nothing provisioned yet
    UNCHANGED = "unchanged"  # the database already holds this file (same SHA-256)
    OLDER = "older"  # the database holds a site applied after this file was written
    APPLIED = "applied"
    INVALID = "invalid"  # refused; the database is unchanged


@dataclass(frozen=True)
class Provisioned:
    """What the start-up provisioning did."""

    status: Status
    path: Path | None
    sha256: str | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class StartConfig:
    """The machine's site provisioning, then the user's own settings."""

    provisioned: Provisioned
    settings: Settings


def _windows_registry() -> str | None:
    """``HKLM\\Software\\csu-wall\\SiteFile`` written by the MSI, when present."""
    try:
        import winreg  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    try:
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, REGISTRY_KEY) as key:  # type: ignore[attr-defined,unused-ignore]
            value, _kind = winreg.QueryValueEx(key, REGISTRY_VALUE)  # type: ignore[attr-defined,unused-ignore]
    except OSError:
        return None
    return str(value) if value else None


def machine_site_file(*, platform: str | None = None, environ: Mapping[str, str] | None = None,
                      registry: RegistryReader | None = None,
                      location_file: Path = LINUX_LOCATION_FILE) -> Path | None:
    """Where this machine's site file is (it may not exist); None when there is no place."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if env.get(ENV_SITE_FILE, "").strip():
        return Path(env[ENV_SITE_FILE].strip())
    if plat == "win32":
        recorded = (registry or _windows_registry)()
        if recorded and recorded.strip():
            return Path(recorded.strip().strip('"'))
        program_data = env.get("ProgramData") or env.get("PROGRAMDATA")
        return Path(program_data) / "csu-wall" / "site.toml" if program_data else None
    try:
        recorded_line = location_file.read_text(encoding="utf-8").strip()
    except OSError:
        recorded_line = ""
    return Path(recorded_line) if recorded_line else LINUX_SITE_FILE


def _has_content(text: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())


def provision(db: Database, path: Path | None, *, applied_by: str,
              workstation: str | None = None) -> Provisioned:
    """Apply the machine site file ``path`` to ``db`` when it is new (see the module doc)."""
    if path is None:
        return Provisioned(Status.ABSENT, None)
    try:
        data = path.read_bytes()
        mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return Provisioned(Status.ABSENT, path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _refused(path, None, (f"{path}:0: fichier: enregistrez-le en UTF-8",))
    if not _has_content(text):
        return Provisioned(Status.EMPTY, path)
    digest = site_file_hash(data)
    last = last_application(db)
    if last is not None and last.sha256 == digest:
        return Provisioned(Status.UNCHANGED, path, digest)
    if last is not None and mtime <= last.applied_at:
        log.info("machine site file %s is older than the site applied on %s: kept the database's",
                 path, last.applied_at.isoformat())
        return Provisioned(Status.OLDER, path, digest)
    try:
        site, warnings = parse_site_text(text, str(path))
    except SiteFileError as exc:
        return _refused(path, digest, tuple(issue.format() for issue in exc.issues))
    try:
        write_site(db, site, file_name=str(path), sha256=digest, applied_by=applied_by,
                   workstation=workstation, warnings=warnings, what="machine site file")
    except CsuWallError as exc:  # not enrolled, a commune still habilitated: nothing written
        return _refused(path, digest, (f"{path}:0: fichier: non appliqué — {exc}",))
    return Provisioned(Status.APPLIED, path, digest)


def _refused(path: Path, digest: str | None, problems: tuple[str, ...]) -> Provisioned:
    # Issue lines never quote a value (the site checker's rule), so they are safe to log.
    for line in problems:
        log.warning("machine site file refused: %s", line)
    return Provisioned(Status.INVALID, path, digest, problems)


def at_start(database_url: str, data_dir: Path, *, applied_by: str,
             site_file: Path | None = None) -> StartConfig:
    """The start-up hook: provision the machine site file, then read the user's settings.

    ``site_file`` defaults to :func:`machine_site_file`. Never raises for the site file: a
    refused one is reported in the result and the log, and the wall starts on the database's.
    """
    path = site_file if site_file is not None else machine_site_file()
    try:
        settings = load_settings(storage_paths.settings_path(data_dir))
    except SettingsError as exc:  # never overwritten; the desk defaults meanwhile
        log.warning("user settings unreadable, defaults used: %s", exc)
        settings = Settings()
    db = Database.open(database_url, create=True)
    try:  # audited under this workstation's enrolled name
        provisioned = provision(db, path, applied_by=applied_by,
                                workstation=settings.workstation_name)
    finally:
        db.close()
    return StartConfig(provisioned, settings)
