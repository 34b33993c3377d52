"""The site in the database: ``site apply`` writes a whole site file in one transaction.

After :func:`apply_site` the communes, recorders and cameras in the database are exactly those
of the file, in the file's order; the application itself (file, hash, who, when) is recorded.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, update

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.errors import StorageError
from csu_wall.core.model import Camera, Commune, PrivacyMask, Recorder, Site, StreamProfile
from csu_wall.storage.audit import append_in
from csu_wall.storage.db import Database, new_id
from csu_wall.storage.schema import (
    cameras,
    commune_detachments,
    communes,
    habilitations,
    recorders,
    site_applications,
)


@dataclass(frozen=True)
class SiteApplication:
    """One ``csu-wall site apply``: which file, its SHA-256, who applied it and when (UTC)."""

    id: int
    site_name: str
    applied_at: datetime
    applied_by: str
    file_name: str
    sha256: str
    camera_count: int


def apply_site(
    db: Database,
    site: Site,
    *,
    file_name: str,
    sha256: str,
    applied_by: str,
    now: datetime | None = None,
    audit: AuditSink | None = None,
    workstation: str | None = None,
) -> SiteApplication:
    """Make the database hold exactly ``site``, and record the application, atomically — its
    ``site_apply`` audit record included (``audit``, by default this workstation's log, which
    refuses a workstation not enrolled in a keyed site before anything is written)."""
    applied_at = now or datetime.now(UTC)
    if audit is None:
        from csu_wall.storage import site_key

        audit = site_key.audit_log(db)
    commune_rows = [_commune_row(c, i) for i, c in enumerate(site.communes)]
    recorder_rows = [_recorder_row(r, i) for i, r in enumerate(site.recorders)]
    camera_rows = [_camera_row(c, i) for i, c in enumerate(site.cameras)]
    with db.write() as conn:
        existing_communes = _ids(conn, communes)
        gone_communes = existing_communes - {r["id"] for r in commune_rows}
        _refuse_if_habilitated(conn, gone_communes)
        # Parents first for inserts/updates, children first for deletes (foreign keys).
        _upsert(conn, communes, commune_rows)
        _upsert(conn, recorders, recorder_rows)
        _delete_missing(conn, cameras, {r["id"] for r in camera_rows})
        _upsert(conn, cameras, camera_rows)
        _delete_missing(conn, recorders, {r["id"] for r in recorder_rows})
        _delete_missing(conn, communes, {r["id"] for r in commune_rows})
        values = {
            "site_name": site.name,
            "applied_at": applied_at,
            "applied_by": applied_by,
            "file_name": file_name,
            "sha256": sha256,
            "camera_count": len(camera_rows),
        }
        result = conn.execute(insert(site_applications).values(**values))
        app_id = new_id(result)
        append_in(audit, conn, AuditEntry(
            ts_utc=applied_at, workstation=(workstation or socket.gethostname())[:200],
            operator_id=applied_by[:64], action=AuditAction.SITE_APPLY,
            detail=f"fichier de site « {file_name} » appliqué : {len(site.communes)} "
                   f"commune(s), {len(camera_rows)} caméra(s)",
            extra={"application_id": str(app_id), "sha256": sha256,
                   "communes": json.dumps({c.id: c.name for c in site.communes},
                                          ensure_ascii=False, sort_keys=True),
                   "removed": ",".join(sorted(gone_communes)),
                   "added": ",".join(sorted({c.id for c in site.communes}
                                            - existing_communes))}))
    return SiteApplication(app_id, site.name, applied_at, applied_by, file_name, sha256,
                           len(camera_rows))


def last_application(db: Database) -> SiteApplication | None:
    """The latest site application, or None when no site was ever applied."""
    with db.read() as conn:
        row = conn.execute(
            select(site_applications).order_by(site_applications.c.id.desc()).limit(1)
        ).mappings().first()
    return SiteApplication(**row) if row is not None else None


def load_site(db: Database) -> Site | None:
    """The site the database holds, or None when no site was ever applied."""
    with db.read() as conn:
        row = conn.execute(
            select(site_applications.c.site_name).order_by(site_applications.c.id.desc()).limit(1)
        ).first()
        if row is None:
            return None
        c_rows = conn.execute(select(communes).order_by(communes.c.position)).mappings().all()
        r_rows = conn.execute(select(recorders).order_by(recorders.c.position)).mappings().all()
        k_rows = conn.execute(select(cameras).order_by(cameras.c.position)).mappings().all()
        # An administrator's detach (detach_repo) outlives site re-applications.
        detached = set(conn.execute(select(commune_detachments.c.commune_id)).scalars())
    return Site(
        name=row[0],
        communes=tuple(
            Commune(id=r["id"], name=r["name"], insee=r["insee"],
                    attached=bool(r["attached"]) and r["id"] not in detached)
            for r in c_rows
        ),
        recorders=tuple(
            Recorder(**{k: v for k, v in r.items() if k != "position"}) for r in r_rows
        ),
        cameras=tuple(_camera_of(r) for r in k_rows),
    )


# --- rows -------------------------------------------------------------------------------------


def _commune_row(c: Commune, position: int) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "insee": c.insee, "attached": c.attached,
            "position": position}


def _recorder_row(r: Recorder, position: int) -> dict[str, Any]:
    return {
        "id": r.id, "commune_id": r.commune_id, "driver": r.driver, "host": r.host,
        "rtsp_port": r.rtsp_port, "http_port": r.http_port, "timezone": r.timezone,
        "tls_pin": r.tls_pin, "session_cap": r.session_cap, "username": r.username,
        "scheme": r.scheme, "playback_path": r.playback_path, "position": position,
    }


def _profile_json(p: StreamProfile) -> dict[str, Any]:
    return {"path": p.path, "width": p.width, "height": p.height, "fps": p.fps,
            "transport": p.transport}


def _profile_of(d: dict[str, Any]) -> StreamProfile:
    return StreamProfile(path=d["path"], width=int(d["width"]), height=int(d["height"]),
                         fps=float(d["fps"]), transport=d["transport"])


def _camera_row(c: Camera, position: int) -> dict[str, Any]:
    return {
        "id": c.id, "name": c.name, "commune_id": c.commune_id, "recorder_id": c.recorder_id,
        "channel": c.channel, "location": c.location, "ptz": c.ptz,
        "main": _profile_json(c.main), "sub": _profile_json(c.sub),
        "masks": [[[x, y] for x, y in m.points] for m in c.masks],
        "purpose": c.purpose, "number": c.number, "position": position, "osd": c.osd,
    }


def _camera_of(r: Any) -> Camera:
    masks = tuple(
        PrivacyMask(tuple((float(x), float(y)) for x, y in polygon)) for polygon in r["masks"]
    )
    return Camera(
        id=r["id"], name=r["name"], commune_id=r["commune_id"], recorder_id=r["recorder_id"],
        channel=r["channel"], location=r["location"], ptz=bool(r["ptz"]),
        main=_profile_of(r["main"]), sub=_profile_of(r["sub"]), masks=masks,
        purpose=r["purpose"], number=r["number"], osd=r["osd"],
    )


# --- bulk writes ------------------------------------------------------------------------------


def _ids(conn: Connection, table: Table) -> set[str]:
    return set(conn.execute(select(table.c.id)).scalars())


def _upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    # Portable upsert: split by existing ids, then one executemany each (500 cameras < 1 s).
    existing = _ids(conn, table)
    new = [r for r in rows if r["id"] not in existing]
    old = [r for r in rows if r["id"] in existing]
    if new:
        conn.execute(insert(table), new)
    if old:
        columns = [c for c in old[0] if c != "id"]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({c: bindparam(f"_{c}") for c in columns})
        )
        conn.execute(stmt, [{f"_{k}": v for k, v in r.items()} for r in old])


def _delete_missing(conn: Connection, table: Table, keep: set[str]) -> None:
    gone = _ids(conn, table) - keep
    if gone:
        conn.execute(delete(table).where(table.c.id.in_(sorted(gone))))


def _refuse_if_habilitated(conn: Connection, gone: Iterable[str]) -> None:
    """Removing a commune that still has bookmarks or habilitations (revoked ones too: the
    record of who could see what) would leave them unreachable: refuse, with the counts and
    what resolves each, never silently. Keeping it with ``attached = false`` always works."""
    from csu_wall.storage.schema_shifts import bookmarks

    gone = sorted(gone)
    if not gone:
        return
    held: list[str] = []
    for commune_id in gone:
        n_bookmarks, n_holds = conn.execute(
            select(func.count(), func.count(bookmarks.c.judicial_ref))
            .where(bookmarks.c.commune_id == commune_id)).one()
        n_active, n_revoked = conn.execute(
            select(func.count().filter(habilitations.c.revoked.is_(False)),
                   func.count().filter(habilitations.c.revoked.is_(True)))
            .where(habilitations.c.commune_id == commune_id)).one()
        parts = []
        if n_bookmarks:
            parts.append(f"{n_bookmarks} signet(s) dont {n_holds} sous réquisition judiciaire"
                         " (conservés tant que la commune est déclarée)")
        if n_active:
            parts.append(f"{n_active} habilitation(s) en cours (à retirer : csu-wall "
                         f"habilitation revoke LOGIN {commune_id})")
        if n_revoked or n_active:
            parts.append(f"{n_revoked} habilitation(s) retirée(s) (à effacer ensuite : "
                         f"csu-wall habilitation purge {commune_id})")
        if parts:
            held.append(f"« {commune_id} » : " + ", ".join(parts))
    if held:
        raise StorageError(
            "Le fichier de site retire des communes qui ont encore un historique — "
            + " ; ".join(held) + ". Gardez plutôt ces communes dans le fichier avec "
            "attached = false (détachées : plus aucune image, leur historique reste "
            "consultable par l'administrateur et dans le relevé du maire). La base n'a pas été "
            "modifiée."
        )
