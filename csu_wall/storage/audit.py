"""The audit log in the database: append-only, hash-chained, appends serialised (DESIGN §7).

Each entry's hash covers a canonical JSON of the entry and the previous entry's hash, so
changing, removing or reordering an entry breaks the chain from there on. The hash is plain
SHA-256 today; :func:`chain_hash` takes a key so it becomes an HMAC without changing callers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, text

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.storage.audit_anchor import Anchor, head_anchor
from csu_wall.storage.db import Database, new_id
from csu_wall.storage.schema import audit_log, site_keys

GENESIS_HASH = "0" * 64  # prev_hash of the first entry
# Key of PostgreSQL's transaction-level advisory lock serialising appends ("csuaudit").
_PG_AUDIT_LOCK = 0x6373756175646974
_BATCH = 1000


@dataclass(frozen=True)
class AuditRecord:
    """A stored entry with its place in the chain."""

    id: int
    entry: AuditEntry
    prev_hash: str
    entry_hash: str


def canonical_bytes(entry: AuditEntry) -> bytes:
    """The entry as canonical JSON: sorted keys, no spaces, UTF-8, UTC time to the microsecond."""
    doc = {
        "ts_utc": entry.ts_utc.astimezone(UTC).isoformat(timespec="microseconds"),
        "workstation": entry.workstation,
        "operator_id": entry.operator_id,
        "action": AuditAction(entry.action).value,
        "commune_id": entry.commune_id,
        "camera_id": entry.camera_id,
        "detail": entry.detail,
        "extra": dict(entry.extra),
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(entry: AuditEntry, prev_hash: str, key: bytes | None = None) -> str:
    """Hex hash of ``entry`` chained to ``prev_hash``; an HMAC-SHA256 when ``key`` is given."""
    message = canonical_bytes(entry) + b"\n" + prev_hash.encode("ascii")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class DbAuditLog(AuditSink):
    """Audit sink writing to the shared database. ``append`` returns once committed."""

    def __init__(self, db: Database, *, key: bytes | None = None, site_id: str = "",
                 first_signed: int | None = None) -> None:
        self._db = db
        self._key = key
        self.site_id = site_id  # "" when the log is not signed, or the site is not known
        self._first_signed = first_signed

    @property
    def key(self) -> bytes | None:
        return self._key

    def first_signed(self) -> int | None:
        """Sequence of the first record signed under this log's key: as given (the keyring's),
        else the database's ``site_key`` record signed under it."""
        if self._first_signed is None and self._key is not None:
            with self._db.read() as conn:
                stmt = select(audit_log).where(
                    audit_log.c.action == AuditAction.SITE_KEY.value).order_by(audit_log.c.id)
                created = conn.execute(select(site_keys.c.created_at).limit(1)).scalar()
                rows: Sequence[Any] = ()
                if created is not None:  # its record has the key's time: use the time index
                    second = timedelta(seconds=1)
                    rows = conn.execute(stmt.where(audit_log.c.ts_utc.between(
                        created - second, created + second))).mappings().all()
                if not rows:
                    rows = conn.execute(stmt).mappings().all()
            for row in rows:
                rec = _record_of(row)
                if rec.entry_hash == chain_hash(rec.entry, rec.prev_hash, self._key):
                    self._first_signed = rec.id
                    break
        return self._first_signed

    def append(self, entry: AuditEntry) -> int:
        with self._db.write() as conn:  # SQLite: BEGIN IMMEDIATE holds the write lock
            return self.append_in(conn, entry)

    def append_in(self, conn: Connection, entry: AuditEntry) -> int:
        """Append inside the caller's open write transaction: the record commits, or rolls
        back, with the change it describes. Returns the record's id."""
        if entry.ts_utc.tzinfo is None:
            raise ValueError("audit timestamps must be aware (UTC)")
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
        prev = _head_hash(conn)
        entry_hash = chain_hash(entry, prev, self._key)
        result = conn.execute(
            insert(audit_log).values(
                ts_utc=entry.ts_utc,
                workstation=entry.workstation,
                operator_id=entry.operator_id,
                action=AuditAction(entry.action).value,
                commune_id=entry.commune_id,
                camera_id=entry.camera_id,
                detail=entry.detail,
                extra=dict(entry.extra),
                prev_hash=prev,
                entry_hash=entry_hash,
            )
        )
        return new_id(result)

    def anchor(self, head: tuple[int, str] | None = None) -> Anchor:
        """``head`` (id, hash; default the current head) as an anchor, signed with this log's
        key if it has one."""
        if self._key is not None and not self.site_id:
            with self._db.read() as conn:
                self.site_id = str(conn.execute(select(site_keys.c.site_id).limit(1))
                                   .scalar() or "")
        return head_anchor(head or self.head(), self._key, self.site_id, self.first_signed())

    def head(self) -> tuple[int, str]:
        """(id, hash) of the last entry — what a shift handover report carries. (0, genesis)
        when the log is empty."""
        with self._db.read() as conn:
            row = conn.execute(
                select(audit_log.c.id, audit_log.c.entry_hash)
                .order_by(audit_log.c.id.desc())
                .limit(1)
            ).first()
        return (int(row[0]), str(row[1])) if row is not None else (0, GENESIS_HASH)

    def verify_chain(self) -> tuple[bool, int | None]:
        """Recompute the whole chain: (True, None), or (False, id of the first bad entry)."""
        prev = GENESIS_HASH
        after = 0
        while True:
            batch = entries(self._db, limit=_BATCH, after_id=after)
            for rec in batch:
                expected = chain_hash(rec.entry, prev, self._key)
                if rec.prev_hash != prev or rec.entry_hash != expected:
                    return False, rec.id
                prev = rec.entry_hash
            if len(batch) < _BATCH:
                return True, None
            after = batch[-1].id


def append_in(sink: AuditSink, conn: Connection, entry: AuditEntry) -> int:
    """Write ``entry`` through ``sink`` inside ``conn``'s transaction (one transaction for a
    state change and its record). A sink that cannot join a database transaction — one kept
    outside the database — gets a plain ``append``, made before the caller commits: its record
    may then outlive a change that rolls back, never the reverse."""
    join = getattr(sink, "append_in", None)
    if callable(join):
        return int(join(conn, entry))
    return sink.append(entry)


def anchor_of(sink: AuditSink, db: Database, head: tuple[int, str] | None = None) -> Anchor:
    """The anchor of ``head`` (default: the current head) as ``sink`` signs it; a sink that
    keeps this workstation's anchors (:class:`~csu_wall.storage.audit_spool.SpoolingAuditLog`)
    keeps it too. A sink without a key (or outside the database) gives an unsigned anchor."""
    make = getattr(sink, "anchor", None)
    if callable(make):
        made = make(head)
        if isinstance(made, Anchor):
            return made
    return DbAuditLog(db).anchor(head)


def entries(
    db: Database,
    *,
    limit: int | None = 100,
    after_id: int = 0,
    commune_id: str | None = None,
) -> list[AuditRecord]:
    """Stored entries in chain order (oldest first), after ``after_id``."""
    stmt = select(audit_log).where(audit_log.c.id > after_id).order_by(audit_log.c.id)
    if commune_id is not None:
        stmt = stmt.where(audit_log.c.commune_id == commune_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with db.read() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [_record_of(r) for r in rows]


def _head_hash(conn: Connection) -> str:
    row = conn.execute(
        select(audit_log.c.entry_hash).order_by(audit_log.c.id.desc()).limit(1)
    ).first()
    return str(row[0]) if row is not None else GENESIS_HASH


def _record_of(r: Any) -> AuditRecord:
    entry = AuditEntry(
        ts_utc=r["ts_utc"],
        workstation=r["workstation"],
        operator_id=r["operator_id"],
        action=AuditAction(r["action"]),
        commune_id=r["commune_id"],
        camera_id=r["camera_id"],
        detail=r["detail"],
        extra=dict(r["extra"]),
    )
    return AuditRecord(id=int(r["id"]), entry=entry, prev_hash=r["prev_hash"],
                       entry_hash=r["entry_hash"])
