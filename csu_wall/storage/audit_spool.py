"""The local audit spool: where audit records go while the shared database is unreachable.

:class:`SpoolingAuditLog` appends to the database when it can. When it cannot, the record goes
to a JSON-lines file in the data directory, chained like the log (its own genesis) and fsynced
before ``append`` returns, so the access still proceeds only once its record is durable. On the
next append that reaches the database — or :meth:`replay` — the spool is replayed first, in
order, each record marked ``extra["spool"] = "<workstation>#<seq>"``, then emptied. If neither
the database nor the spool can be written, :class:`StorageError`: new accesses are refused.

A crash between a replayed append and the rewrite of the spool can replay that one record
twice; the marker makes the duplicate visible to an auditor.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.exc import SQLAlchemyError

from csu_wall.core.atomic import atomic_write
from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.errors import StorageError
from csu_wall.storage.audit import GENESIS_HASH, DbAuditLog, canonical_bytes, chain_hash
from csu_wall.storage.audit_anchor import Anchor, AnchorFile

log = logging.getLogger(__name__)

SPOOL_FILE = "audit-spool.jsonl"
ANCHOR_EVERY = 5.0  # seconds between two local anchors of this workstation's own appends
_DB_ERRORS = (SQLAlchemyError, StorageError, OSError)


class SpoolingAuditLog(AuditSink):
    def __init__(self, db_log: DbAuditLog, spool_path: Path, *, key: bytes | None = None,
                 workstation: str = "") -> None:
        self._db_log = db_log
        self._path = Path(spool_path)
        self._key = key
        self._workstation = workstation
        self._lock = threading.Lock()
        self._anchored_at = -ANCHOR_EVERY
        self._in_flight = False  # spooled records are being replayed in an open transaction

    @property
    def path(self) -> Path:
        return self._path

    def pending(self) -> int:
        """Records waiting in the spool."""
        with self._lock:
            return len(self._read())

    def append(self, entry: AuditEntry) -> int:
        """Durable when it returns: the database's id (> 0), or minus the spool's sequence."""
        with self._lock:
            if self._path.exists() and self._path.stat().st_size:
                try:
                    self._replay_locked()
                except _DB_ERRORS as exc:
                    log.warning("audit database still unreachable (%s): record spooled",
                                type(exc).__name__)
                    return -self._spool(entry)
            try:
                record_id = self._db_log.append(entry)
            except _DB_ERRORS as exc:
                log.warning("audit database unreachable (%s): record spooled in %s",
                            type(exc).__name__, self._path.name)
                return -self._spool(entry)
            self._keep_anchor()
            return record_id

    def anchor(self, head: tuple[int, str] | None = None) -> Anchor:
        """``head`` (default: the database's current head) as a signed anchor, kept among this
        workstation's anchors."""
        current = self._db_log.anchor(head)
        try:
            AnchorFile.in_dir(self._path.parent).remember(current)
        except (OSError, ValueError) as exc:
            log.warning("audit anchor not kept locally (%s)", type(exc).__name__)
        return current

    def _keep_anchor(self) -> None:
        """Keep the head this workstation just wrote among its anchors (at most every
        :data:`ANCHOR_EVERY` seconds): a later truncation or rollback of the database no longer
        holds it, and ``audit verify`` says so."""
        now = time.monotonic()
        if now - self._anchored_at < ANCHOR_EVERY:
            return
        self._anchored_at = now
        try:
            AnchorFile.in_dir(self._path.parent).remember(self._db_log.anchor())
        except (*_DB_ERRORS, ValueError) as exc:  # the record itself is durable
            log.warning("audit anchor not kept locally (%s)", type(exc).__name__)

    def append_in(self, conn: Connection, entry: AuditEntry) -> int:
        """Inside the caller's database transaction (a state change and its record commit
        together). Nothing to spool: without the database there is no change to record. Records
        waiting in the spool go first, in the same transaction; the spool forgets them only
        once it commits."""
        with self._lock:
            if not self._in_flight and self._path.exists() and self._path.stat().st_size:
                self._replay_in(conn)
        return self._db_log.append_in(conn, entry)

    def _replay_in(self, conn: Connection) -> None:
        lines = self._read()
        try:
            pending = self._verified(lines)
        except StorageError as exc:  # kept for the security officer; the change proceeds
            log.warning("%s", exc)
            return
        for seq, spooled in pending:
            self._db_log.append_in(conn, self._marked(seq, spooled))
        self._in_flight = True

        def committed(_conn: Connection) -> None:
            with self._lock:
                self._in_flight = False
                self._rewrite(self._read()[len(lines):])  # later spooled lines stay
            log.info("audit spool: %d record(s) replayed into the database", len(lines))

        def rolled_back(_conn: Connection) -> None:
            with self._lock:
                self._in_flight = False

        event.listen(conn, "commit", committed, once=True)
        event.listen(conn, "rollback", rolled_back, once=True)

    def replay(self) -> int:
        """Move spooled records into the database, in order; returns how many."""
        with self._lock:
            return self._replay_locked()

    # -- spool file ----------------------------------------------------------------------

    def _read(self) -> list[dict[str, Any]]:
        try:
            text = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def _spool(self, entry: AuditEntry) -> int:
        try:
            lines = self._read()
            prev = lines[-1]["hash"] if lines else GENESIS_HASH
            seq = int(lines[-1]["seq"]) + 1 if lines else 1
            doc = json.loads(canonical_bytes(entry))
            line = {"seq": seq, "entry": doc, "prev": prev,
                    "hash": chain_hash(entry, prev, self._key)}
            fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        except (OSError, ValueError) as exc:
            raise StorageError(
                "Le journal d'audit ne peut être écrit ni dans la base ni sur ce poste "
                f"({type(exc).__name__}) : l'accès est refusé. Vérifiez la base de données et "
                "l'espace disque du dossier de données.") from exc
        return seq

    def _replay_locked(self) -> int:
        if self._in_flight:  # a transaction is replaying them: not twice
            return 0
        lines = self._read()
        if not lines:
            return 0
        done = 0
        try:
            for seq, entry in self._verified(lines):
                self._db_log.append(self._marked(seq, entry))
                done += 1
        finally:
            if done:
                self._rewrite(lines[done:])
        log.info("audit spool: %d record(s) replayed into the database", done)
        return done

    def _verified(self, lines: list[dict[str, Any]]) -> list[tuple[int, AuditEntry]]:
        """The spooled entries, their local chain checked; :class:`StorageError` if altered."""
        prev = GENESIS_HASH
        out = []
        for line in lines:
            entry = _entry_of(line["entry"])
            if line["prev"] != prev or line["hash"] != chain_hash(entry, prev, self._key):
                raise StorageError(
                    f"Le journal d'audit local ({self._path}) est altéré à l'enregistrement "
                    f"n° {line['seq']} : il n'est pas reversé dans la base. Prévenez le "
                    "responsable de la sécurité.")
            prev = line["hash"]
            out.append((int(line["seq"]), entry))
        return out

    def _marked(self, seq: int, entry: AuditEntry) -> AuditEntry:
        marked = dict(entry.extra)
        marked["spool"] = f"{self._workstation}#{seq}"
        return AuditEntry(ts_utc=entry.ts_utc, workstation=entry.workstation,
                          operator_id=entry.operator_id, action=entry.action,
                          commune_id=entry.commune_id, camera_id=entry.camera_id,
                          detail=entry.detail, extra=marked)

    def _rewrite(self, remaining: list[dict[str, Any]]) -> None:
        if not remaining:
            self._path.unlink(missing_ok=True)
            return
        # Remaining records keep their chain only relative to a new genesis: re-chain them.
        prev = GENESIS_HASH
        out = []
        for line in remaining:
            entry = _entry_of(line["entry"])
            h = chain_hash(entry, prev, self._key)
            out.append(json.dumps({"seq": line["seq"], "entry": line["entry"], "prev": prev,
                                   "hash": h}, ensure_ascii=False))
            prev = h
        atomic_write(self._path, ("\n".join(out) + "\n").encode("utf-8"))


def _entry_of(doc: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        ts_utc=datetime.fromisoformat(doc["ts_utc"]), workstation=doc["workstation"],
        operator_id=doc["operator_id"], action=AuditAction(doc["action"]),
        commune_id=doc["commune_id"], camera_id=doc["camera_id"], detail=doc["detail"],
        extra={str(k): str(v) for k, v in doc["extra"].items()})
