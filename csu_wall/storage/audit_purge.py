"""The audit log's retention: records older than the retention period are deleted by a purge
that is itself audited (docs/DEPLOY.md, "Durée de conservation"); the records of an incident
under a judicial requisition are kept as long as it runs.

The log is append-only (database triggers): the purge is the one path that deletes, inside one
write transaction that also appends an ``audit_purge`` record — signed with the site's audit
key, so nobody without the key can make a deletion look like a purge. That record names the
first record kept and the hash it chains to; :mod:`csu_wall.storage.audit_verify` starts the
chain there. Without the site key a purge is refused: an unsigned one would be
indistinguishable from someone cutting the head of the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import Connection

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.core.errors import CsuWallError
from csu_wall.storage.audit import DbAuditLog, _head_hash
from csu_wall.storage.db import Database
from csu_wall.storage.schema import audit_log
from csu_wall.storage.schema_shifts import bookmarks

# One year: the CNIL expects access logs of video protection to be kept between six months
# and one year (docs/DEPLOY.md); the longer bound is kept.
RETENTION = timedelta(days=365)
FIRST_KEPT = "first_kept"  # extra keys of the purge record
FIRST_KEPT_PREV = "first_kept_prev"
PURGED = "purged"
BEFORE = "before"

_SQLITE_NO_DELETE = ("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                     "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")

MSG_NO_KEY = ("Purge refusée : ce poste ne détient pas la clé de site. Une purge non signée "
              "ne se distinguerait pas d'une suppression frauduleuse ; lancez-la depuis un "
              "poste enrôlé (`csu-wall workstation enroll`).")


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    first_kept: int
    record_id: int | None  # the audit_purge record (None: nothing was old enough)


def purge(db: Database, log: DbAuditLog, *, operator_id: str, workstation: str,
          now: datetime | None = None, retention: timedelta = RETENTION) -> PurgeResult:
    """Delete the records older than ``retention`` and append the signed purge record, in
    one transaction. Refused (French) without the site key."""
    if log.key is None:
        raise CsuWallError(MSG_NO_KEY)
    now = now or datetime.now(UTC)
    before = now - retention
    with db.write() as conn:
        # records of an incident under a judicial requisition stay as long as it does: the
        # purge (a prefix of the chain) stops a day before the oldest held bookmark
        held = conn.execute(select(func.min(bookmarks.c.at_utc)).where(
            bookmarks.c.judicial_ref.is_not(None))).scalar()
        if held is not None:
            before = min(before, held - timedelta(days=1))
        last_old = conn.execute(select(func.max(audit_log.c.id))
                                .where(audit_log.c.ts_utc < before)).scalar()
        if last_old is None:
            return PurgeResult(0, _first_id(conn), None)
        kept = conn.execute(select(audit_log.c.id, audit_log.c.prev_hash)
                            .where(audit_log.c.id > last_old)
                            .order_by(audit_log.c.id).limit(1)).first()
        if kept is not None:
            first_kept, first_prev = int(kept[0]), str(kept[1])
        else:  # everything is older: the purge record is the first one kept
            head = conn.execute(select(func.max(audit_log.c.id))).scalar() or 0
            first_kept, first_prev = int(head) + 1, _head_hash(conn)
        count = int(conn.execute(select(func.count()).select_from(audit_log)
                                 .where(audit_log.c.id <= last_old)).scalar() or 0)
        entry = AuditEntry(
            ts_utc=now, workstation=workstation, operator_id=operator_id,
            action=AuditAction.AUDIT_PURGE,
            detail=f"purge du journal d'audit : {count} enregistrement(s) antérieur(s) au "
                   f"{before:%d/%m/%Y} (conservation {retention.days} jours)",
            extra={FIRST_KEPT: str(first_kept), FIRST_KEPT_PREV: first_prev,
                   PURGED: str(count), BEFORE: before.isoformat()})
        record_id = log.append_in(conn, entry)
        _delete_through(conn, last_old)
    return PurgeResult(count, first_kept, record_id)


def _first_id(conn: Connection) -> int:
    return int(conn.execute(select(func.min(audit_log.c.id))).scalar() or 1)


def _delete_through(conn: Connection, last_id: int) -> None:
    """The one deletion the append-only triggers let through, inside the caller's
    transaction (they are back before it commits)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete"))
        conn.execute(delete(audit_log).where(audit_log.c.id <= last_id))
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete"))
        return
    conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
    conn.execute(delete(audit_log).where(audit_log.c.id <= last_id))
    conn.execute(text(_SQLITE_NO_DELETE))
