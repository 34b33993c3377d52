"""Incident bookmarks: create, edit, search, purge — always behind the access gate.

One transaction per bookmark and its audit record, committed before
:meth:`BookmarkService.create` returns (the UI confirms only then). Nobody lists or opens a
bookmark of a commune they are not habilitated for: searches are restricted in SQL to the
communes :meth:`AccessGate.may_view` allows, and ``get``/``snapshot`` of another commune's
bookmark is refused and audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.changes import ChangeTopic
from csu_wall.core.errors import AccessDenied
from csu_wall.core.model import Camera
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.core.shifts import (
    DEFAULT_CATEGORIES,
    Bookmark,
    BookmarkFilter,
    BookmarkStatus,
    Severity,
)
from csu_wall.services.access import AccessGate
from csu_wall.storage import bookmark_repo as repo
from csu_wall.storage.audit import append_in
from csu_wall.storage.changes import guarded
from csu_wall.storage.db import Database

MAX_RETENTION_DAYS = 30  # CSI L252-5: one month at most, unless a judicial procedure holds it
MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024
# Change-feed topics after which a bookmark list searches again (RESYNC reloads more: the
# categories too).
CHANGE_TOPICS = frozenset({ChangeTopic.BOOKMARK, ChangeTopic.SHIFT, ChangeTopic.HANDOVER})


class BookmarkService:
    def __init__(self, db: Database, audit: AuditSink, access: AccessGate, *, workstation: str,
                 clock: Clock | None = None, retention_days: int = MAX_RETENTION_DAYS) -> None:
        self._db = db
        self._audit = audit
        self._access = access
        self._workstation = workstation
        self._clock = clock or SystemClock()
        self._retention_days = _checked_retention(retention_days)

    # -- site settings --------------------------------------------------------------------

    def categories(self) -> list[str]:
        with guarded(self._db, "liste des catégories non lue"), self._db.read() as conn:
            return _categories(conn)

    def set_categories(self, names: Sequence[str]) -> None:
        cleaned = list(dict.fromkeys(n.strip() for n in names if n.strip()))
        if not cleaned:
            raise ValueError("La liste des catégories ne peut pas être vide.")
        with guarded(self._db, "catégories non enregistrées"), self._db.write() as conn:
            repo.set_setting(conn, repo.CATEGORIES_KEY, cleaned)

    def retention_days(self) -> int:
        with guarded(self._db, "durée de conservation non lue"), self._db.read() as conn:
            value = repo.get_setting(conn, repo.RETENTION_KEY)
        return _checked_retention(int(value)) if value is not None else self._retention_days

    def set_retention_days(self, days: int) -> None:
        days = _checked_retention(days)
        with guarded(self._db, "durée de conservation non enregistrée"), self._db.write() as conn:
            repo.set_setting(conn, repo.RETENTION_KEY, days)

    # -- bookmarks ------------------------------------------------------------------------

    def create(self, camera: Camera, at_utc: datetime, *, category: str, severity: Severity,
               note: str = "", pre_seconds: int = 10, post_seconds: int = 30,
               shift_id: int | None, snapshot_png: bytes | None) -> Bookmark:
        if not self._access.may_view(camera.commune_id):
            self._access.authorise(camera, AuditAction.BOOKMARK)  # audits the denial, raises
        if at_utc.tzinfo is None:
            raise ValueError("at_utc must be an aware UTC datetime")
        if pre_seconds < 0 or post_seconds < 0:
            raise ValueError("Les durées avant et après l'incident doivent être positives.")
        if snapshot_png is not None and len(snapshot_png) > MAX_SNAPSHOT_BYTES:
            raise ValueError("L'instantané est trop volumineux (8 Mo au plus).")
        now = self._clock.now_utc()
        values: dict[str, Any] = dict(
            camera_id=camera.id, commune_id=camera.commune_id, at_utc=at_utc,
            pre_seconds=pre_seconds, post_seconds=post_seconds, category=category,
            severity=int(Severity(severity)), note=note, status=BookmarkStatus.OPEN.value,
            shift_id=shift_id, operator_id=self._operator_id, workstation=self._workstation,
            created_utc=now, updated_utc=now, judicial_ref=None)
        with guarded(self._db, "le signet n'a PAS été enregistré"), self._db.write() as conn:
            if category not in _categories(conn):
                raise ValueError(f"Catégorie inconnue : « {category} ». Choisissez-en une de "
                                 "la liste du site.")
            bookmark_id = repo.insert_bookmark(conn, values, snapshot_png)
            bookmark = repo.get_bookmark(conn, bookmark_id)
            assert bookmark is not None
            self._record(conn, AuditAction.BOOKMARK, bookmark,
                         f"signet n° {bookmark_id} ({category})")
        return bookmark

    def update(self, bookmark_id: int, *, category: str | None = None,
               severity: Severity | None = None, note: str | None = None,
               status: BookmarkStatus | None = None) -> Bookmark:
        current = self.get(bookmark_id)
        changes: dict[str, Any] = {}
        if category is not None and category != current.category:
            if category not in self.categories():
                raise ValueError(f"Catégorie inconnue : « {category} ».")
            changes["category"] = category
        if severity is not None and Severity(severity) != current.severity:
            changes["severity"] = int(Severity(severity))
        if note is not None and note != current.note:
            changes["note"] = note
        if status is not None and BookmarkStatus(status) != current.status:
            changes["status"] = BookmarkStatus(status).value
        if not changes:
            return current
        return self._change(current, changes, "modifié : " + ", ".join(sorted(changes)))

    def mark_judicial(self, bookmark_id: int, reference: str) -> Bookmark:
        reference = reference.strip()
        if not reference:
            raise ValueError("Indiquez la référence de la procédure judiciaire (réquisition, "
                             "numéro de procès-verbal…).")
        current = self.get(bookmark_id)
        return self._change(current, {"judicial_ref": reference},
                            f"conservation judiciaire : {reference}")

    def get(self, bookmark_id: int) -> Bookmark:
        """The bookmark; :class:`AccessDenied` (audited) when its commune is not allowed."""
        with guarded(self._db, "signet non lu"), self._db.read() as conn:
            bookmark = repo.get_bookmark(conn, bookmark_id)
        if bookmark is None:
            raise LookupError(f"Le signet n° {bookmark_id} n'existe pas (ou plus : il a pu "
                              "être supprimé à l'échéance de sa conservation).")
        if not self._access.may_view(bookmark.commune_id):
            self._access.authorise(self._camera_of(bookmark), AuditAction.BOOKMARK)
            if not self._access.may_view(bookmark.commune_id):  # pragma: no cover - raced
                raise AccessDenied("Accès refusé à ce signet.")
        return bookmark

    def search(self, flt: BookmarkFilter) -> list[Bookmark]:
        """Matching bookmarks, newest first, among the habilitated communes only."""
        allowed = [c.id for c in self._access.site.communes if self._access.may_view(c.id)]
        with guarded(self._db, "recherche impossible"), self._db.read() as conn:
            return repo.search(conn, flt, allowed)

    def snapshot(self, bookmark_id: int) -> bytes | None:
        """The snapshot's PNG bytes; viewing it is an access to images, so it is audited."""
        bookmark = self.get(bookmark_id)
        if not bookmark.has_snapshot:
            return None
        self._access.authorise(self._camera_of(bookmark), AuditAction.SNAPSHOT)
        with guarded(self._db, "instantané non lu"), self._db.read() as conn:
            return repo.snapshot_of(conn, bookmark_id)

    def purge_expired(self) -> int:
        """Delete bookmarks (and snapshots) past retention, except judicial holds; audited."""
        cutoff = self._clock.now_utc() - timedelta(days=self.retention_days())
        with guarded(self._db, "purge impossible"), self._db.read() as conn:
            due = repo.expired(conn, cutoff)
        for bookmark in due:
            with guarded(self._db, "purge interrompue"), self._db.write() as conn:
                repo.delete_bookmark(conn, bookmark.id)
                self._record(conn, AuditAction.BOOKMARK_CHANGE, bookmark,
                             f"signet n° {bookmark.id} supprimé à l'échéance de conservation")
        return len(due)

    # -- helpers --------------------------------------------------------------------------

    @property
    def _operator_id(self) -> str:
        return self._access.operator.id

    def _change(self, current: Bookmark, changes: dict[str, Any], detail: str) -> Bookmark:
        changes["updated_utc"] = self._clock.now_utc()
        with guarded(self._db, "modification NON enregistrée"), self._db.write() as conn:
            repo.update_bookmark(conn, current.id, changes)
            bookmark = repo.get_bookmark(conn, current.id)
            assert bookmark is not None
            self._record(conn, AuditAction.BOOKMARK_CHANGE, bookmark,
                         f"signet n° {current.id} {detail}")
        return bookmark

    def _camera_of(self, bookmark: Bookmark) -> Camera:
        try:
            return self._access.site.camera(bookmark.camera_id)
        except KeyError:  # camera since removed from the site file
            return Camera(id=bookmark.camera_id, name=bookmark.camera_id,
                          commune_id=bookmark.commune_id, recorder_id="")

    def _record(self, conn: Connection, action: AuditAction, bookmark: Bookmark,
                detail: str) -> None:
        """In the change's own transaction: no bookmark without its record, nor the reverse."""
        append_in(self._audit, conn, AuditEntry(
            ts_utc=self._clock.now_utc(), workstation=self._workstation,
            operator_id=self._operator_id, action=action, commune_id=bookmark.commune_id,
            camera_id=bookmark.camera_id, detail=detail,
            extra={"bookmark_id": str(bookmark.id)}))


def _categories(conn: Connection) -> list[str]:
    value = repo.get_setting(conn, repo.CATEGORIES_KEY)
    if isinstance(value, list) and value:
        return [str(v) for v in value]
    return list(DEFAULT_CATEGORIES)


def _checked_retention(days: int) -> int:
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise ValueError(f"Durée de conservation invalide ({days} jours) : de 1 à "
                         f"{MAX_RETENTION_DAYS} jours ; au-delà, seule une procédure judiciaire "
                         "permet de garder un signet.")
    return days
