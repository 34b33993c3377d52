"""Detaching a commune and attaching it again (docs/DESIGN.md §7).

One administrator action: the detach is audited first (refused if the audit cannot be
written), then recorded in the database with the commune's credentials deleted (every
workstation loses them at once), then this workstation's cache files of its cameras are
removed. Running walls learn it from :class:`CommuneWatcher` (every workstation polls the
database) and close the commune's tiles. Its audit records stay.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.errors import CsuWallError
from csu_wall.core.model import Commune, Site
from csu_wall.services._poller import PollingThread
from csu_wall.storage import detach_repo
from csu_wall.storage.db import Database
from csu_wall.storage.site_repo import load_site

log = logging.getLogger(__name__)

DETACHED_DETAIL = "commune détachée"


class CommuneError(CsuWallError, ValueError):
    pass


class CommuneDetached(CommuneError):
    """The commune is detached: nothing new may be given to it (habilitation, credentials,
    camera on a layout or a tour). The message (French) says how to attach it again."""


def detached_message(commune_id: str, refused: str) -> str:
    return (f"La commune « {commune_id} » est détachée : {refused}. Pour la rattacher : "
            f"csu-wall commune attach {commune_id} (et attached = true dans le fichier de "
            "site).")


def refuse_if_detached(db: Database, commune_id: str, refused: str) -> None:
    """Raise :class:`CommuneDetached` when the commune is detached (site file or
    administrator: :func:`detach_repo.is_attached`)."""
    if detach_repo.is_attached(db, commune_id) is False:
        raise CommuneDetached(detached_message(commune_id, refused))


def refuse_detached_cameras(db: Database, camera_ids: Iterable[str | None], what: str) -> None:
    """Raise :class:`CommuneDetached` when ``what`` (a layout, a tour) holds cameras of a
    detached commune, naming them."""
    found = detach_repo.detached_cameras(db, camera_ids)
    if found:
        commune = sorted(set(found.values()))[0]
        names = ", ".join(sorted(found)[:5]) + (" …" if len(found) > 5 else "")
        raise CommuneDetached(detached_message(
            commune, f"{what} ne peut pas contenir ses caméras ({names}) ; retirez-les"))


def find_commune(site: Site, name: str) -> Commune:
    """A commune by id, name or INSEE code (case-insensitive)."""
    wanted = name.strip().casefold()
    for c in site.communes:
        if wanted in (c.id.casefold(), c.name.casefold(), c.insee):
            return c
    raise CommuneError(f"Commune inconnue : « {name} ». Donnez son identifiant, son nom ou son "
                       "code INSEE tels que dans le fichier de site.")


def purge_cache(cache_dir: Path, camera_ids: Iterable[str]) -> list[Path]:
    """Delete every cached file of these cameras under ``cache_dir`` (demo clips, snapshots,
    thumbnails): a file or folder whose name holds the camera id as a whole token."""
    ids = [c for c in camera_ids if c]
    if not ids or not cache_dir.is_dir():
        return []
    token = re.compile(
        r"(?:^|[-_.])(?:" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        + r")(?:$|[-_.])")
    removed: list[Path] = []
    for path in sorted(cache_dir.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if token.search(path.name) or any(token.search(p) for p in path.relative_to(
                cache_dir).parts[:-1]):
            if path.is_file() or path.is_symlink():
                path.unlink(missing_ok=True)
                removed.append(path)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return removed


class CommuneService:
    def __init__(self, db: Database, audit: AuditSink, *, actor: str, workstation: str,
                 cache_dir: Path) -> None:
        self._db = db
        self._audit = audit
        self._actor = actor
        self._workstation = workstation
        self._cache_dir = cache_dir

    def _site(self) -> Site:
        site = load_site(self._db)
        if site is None:
            raise CommuneError("Aucun site dans la base : appliquez d'abord un fichier de site.")
        return site

    def _record(self, action: AuditAction, commune: Commune, detail: str) -> None:
        try:
            self._audit.append(AuditEntry(
                ts_utc=datetime.now(UTC), workstation=self._workstation,
                operator_id=self._actor[:64], action=action, commune_id=commune.id,
                detail=detail))
        except Exception as exc:
            raise CommuneError("Action refusée : le journal d'audit ne peut pas être écrit. "
                               "Vérifiez la base de données.") from exc

    def detach(self, name: str) -> tuple[Commune, int, int]:
        """Detach; returns (commune, credentials deleted, cache files removed)."""
        site = self._site()
        commune = find_commune(site, name)
        self._record(AuditAction.COMMUNE_DETACH, commune, commune.name)
        creds = detach_repo.detach(self._db, commune.id, detached_by=self._actor)
        files = purge_cache(self._cache_dir, [c.id for c in site.cameras_of(commune.id)])
        log.info("commune %s detached by %s: %d credential(s), %d cache file(s) removed",
                 commune.id, self._actor, creds, len(files))
        return commune, creds, len(files)

    def attach(self, name: str) -> Commune:
        commune = find_commune(self._site(), name)
        self._record(AuditAction.COMMUNE_ATTACH, commune, commune.name)
        detach_repo.attach(self._db, commune.id)
        return commune


class DetachTarget(Protocol):
    site: Site

    def detach_commune(self, commune_id: str) -> list[str]: ...

    def attach_commune(self, commune_id: str) -> None: ...


class CommuneWatcher(PollingThread):
    """Polls the detachments and applies them to a running wall (any workstation)."""

    thread_name = "commune-watcher"

    def __init__(self, db: Database, wall: DetachTarget, *, cache_dir: Path | None = None,
                 interval: float = 1.0) -> None:
        self._db = db
        self._wall = wall
        self._cache_dir = cache_dir
        super().__init__(interval)
        self._known: set[str] | None = None

    def poll(self) -> tuple[set[str], set[str]]:
        """One pass: (newly detached, newly attached) commune ids, applied to the wall."""
        now = detach_repo.detached_communes(self._db)
        before = self._known if self._known is not None else {
            c.id for c in self._wall.site.communes if not c.attached} & now
        self._known = now
        gone, back = now - before, before - now
        for commune_id in sorted(gone):
            self._wall.detach_commune(commune_id)
            if self._cache_dir is not None:
                purge_cache(self._cache_dir, [c.id for c in self._wall.site.cameras_of(
                    commune_id)])
        if back:
            fresh = load_site(self._db)  # the site file may itself say "attached = false"
            for commune_id in sorted(back):
                try:
                    attached = fresh is not None and fresh.commune(commune_id).attached
                except KeyError:
                    attached = False
                if attached:
                    self._wall.attach_commune(commune_id)
        return gone, back
