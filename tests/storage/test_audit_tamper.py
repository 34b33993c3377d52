"""Tampering with the audit log (issue "security", point 5): each kind of tampering makes
``audit verify`` fail at the right record; an untouched log verifies. Real SQLite: the
append-only triggers are dropped in the test database, as an intruder with file access would.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.core.errors import StorageError
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.audit_spool import SpoolingAuditLog
from csu_wall.storage.audit_verify import anchor, verify
from csu_wall.storage.db import Database

KEY = bytes(range(32))
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _fill(db: Database, n: int = 10, key: bytes | None = KEY) -> None:
    log = DbAuditLog(db, key=key)
    for i in range(n):
        log.append(AuditEntry(T0 + timedelta(minutes=i), "poste-1", "alice",
                              AuditAction.LIVE_VIEW, "tourcoing", f"cam-{i}", detail=f"vue {i}"))


def _raw(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    return conn


def test_untouched_log_verifies(db: Database) -> None:
    _fill(db)
    kept = anchor(db, anchored_by="it", workstation="poste-1", key=KEY, first_signed=1)
    report = verify(db, KEY)  # the database's own anchor table only: not proof enough
    assert report.ok and report.checked == 10 and report.signed == 10 and report.anchors == 1
    assert not report.complete and "aucune ancre conservée hors de la base" in report.message()
    report = verify(db, KEY, first_signed=1, anchors=[kept])
    assert report.complete and report.anchors == 2
    assert report.message().startswith("journal d'audit intègre : 10 enregistrements")


def test_unkeyed_then_keyed_chain_verifies(db: Database) -> None:
    _fill(db, 3, key=None)  # before the site was enrolled
    _fill(db, 3)
    report = verify(db, KEY)
    assert report.ok and (report.signed, report.unsigned) == (3, 3)
    # Without the key the signed records cannot be checked: the check says it failed, or (when
    # the first signed record is known) that it could not verify them.
    assert not verify(db, None).ok
    unkeyed = verify(db, None, first_signed=4)
    assert unkeyed.ok and unkeyed.unverifiable == 3 and not unkeyed.complete
    assert "ne détient pas la clé de site" in unkeyed.message()


def test_flipped_byte_in_a_detail(db: Database, db_path: Path) -> None:
    _fill(db)
    with _raw(db_path) as conn:
        conn.execute("UPDATE audit_log SET detail = 'vuf 4' WHERE id = 5")
    report = verify(db, KEY)
    assert (report.ok, report.first_bad) == (False, 5)
    assert report.message() == "premier enregistrement altéré : n° 5 (contenu modifié)"


def test_forged_record_rehashed_without_the_key(db: Database, db_path: Path) -> None:
    """An intruder who rewrites a record and recomputes plain SHA-256 hashes from there on
    (without the site key) is caught at that record: nothing unsigned may follow a signed one."""
    _fill(db)
    from csu_wall.storage.audit import chain_hash
    recs = entries(db, limit=None)
    with _raw(db_path) as conn:
        prev = recs[3].entry_hash
        for rec in recs[4:]:
            entry = rec.entry if rec.id != 5 else AuditEntry(
                rec.entry.ts_utc, "poste-1", "alice", AuditAction.LIVE_VIEW, "tourcoing",
                rec.entry.camera_id, detail="rien")
            h = chain_hash(entry, prev, None)
            conn.execute("UPDATE audit_log SET detail=?, prev_hash=?, entry_hash=? WHERE id=?",
                         (entry.detail, prev, h, rec.id))
            prev = h
    report = verify(db, KEY)
    assert not report.ok and report.first_bad == 5
    assert "non signé après un enregistrement signé" in report.message()


def test_unsigned_append_after_signed_entries_is_reported(db: Database) -> None:
    """A writer without the key (a workstation not enrolled, or a forger) appending to a signed
    chain: verify names that record."""
    _fill(db, 3)
    _fill(db, 1, key=None)
    report = verify(db, KEY)
    assert (report.ok, report.first_bad) == (False, 4)


def test_deleted_record(db: Database, db_path: Path) -> None:
    _fill(db)
    with _raw(db_path) as conn:
        conn.execute("DELETE FROM audit_log WHERE id = 4")
    report = verify(db, KEY)
    assert (report.ok, report.first_bad) == (False, 4)
    assert "supprimé" in report.reason


def test_swapped_records(db: Database, db_path: Path) -> None:
    _fill(db)
    cols = "ts_utc, workstation, operator_id, action, commune_id, camera_id, detail, extra, " \
           "prev_hash, entry_hash"
    with _raw(db_path) as conn:
        a = conn.execute(f"SELECT {cols} FROM audit_log WHERE id = 6").fetchone()
        b = conn.execute(f"SELECT {cols} FROM audit_log WHERE id = 7").fetchone()
        sets = ", ".join(f"{c.strip()} = ?" for c in cols.split(","))
        # entry_hash is unique: park one row's hash first.
        conn.execute("UPDATE audit_log SET entry_hash = 'x' WHERE id = 6")
        conn.execute(f"UPDATE audit_log SET {sets} WHERE id = 7", a)
        conn.execute(f"UPDATE audit_log SET {sets} WHERE id = 6", b)
    report = verify(db, KEY)
    assert (report.ok, report.first_bad) == (False, 6)


def test_truncated_tail_against_anchored_head(db: Database, db_path: Path) -> None:
    _fill(db)
    anchor(db, anchored_by="it", workstation="poste-1")
    with _raw(db_path) as conn:
        conn.execute("DELETE FROM audit_log WHERE id > 7")
    report = verify(db, KEY)
    assert (report.ok, report.first_bad) == (False, 8)
    assert "tronquée" in report.reason


def test_truncated_tail_without_anchor_goes_unseen(db: Database, db_path: Path) -> None:
    """Why anchors exist: a cut tail leaves a valid chain."""
    _fill(db)
    with _raw(db_path) as conn:
        conn.execute("DELETE FROM audit_log WHERE id > 7")
    assert verify(db, KEY).ok


def test_spool_when_the_database_is_read_only_then_replay(tmp_path: Path) -> None:
    """The database file is made read-only (a real SQLite failure); records go to the local
    chained spool, durable, and are replayed in order once it is writable again."""
    data = tmp_path / "data"
    db_file = data / "csu-wall.sqlite3"
    Database.open(db_file, create=True).close()
    db = Database.open(db_file)
    try:
        spool = SpoolingAuditLog(DbAuditLog(db, key=KEY), data / "audit-spool.jsonl", key=KEY,
                                 workstation="poste-1")
        assert spool.append(AuditEntry(T0, "poste-1", "alice", AuditAction.LOGIN)) == 1
        db.engine.dispose()
        os.chmod(db_file, 0o444)
        os.chmod(data, 0o555)  # no -wal/-shm/journal can be created either
        try:
            ids = [spool.append(AuditEntry(T0 + timedelta(seconds=i), "poste-1", "alice",
                                           AuditAction.LIVE_VIEW, "tourcoing", f"c{i}"))
                   for i in range(3)]
        finally:
            os.chmod(data, 0o700)
            os.chmod(db_file, 0o600)
        if os.geteuid() == 0:
            pytest.skip("root ignores file modes: the database stayed writable")
        assert ids == [-1, -2, -3] and spool.pending() == 3
        db.engine.dispose()
        assert spool.replay() == 3 and spool.pending() == 0
        recs = entries(db, limit=None)
        assert [r.entry.camera_id for r in recs] == [None, "c0", "c1", "c2"]
        assert recs[1].entry.extra == {"spool": "poste-1#1"}
        assert verify(db, KEY).ok
    finally:
        db.close()


class _DownLog(DbAuditLog):
    """A database that raises as an unreachable server would (StorageError)."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, key=KEY)
        self.down = True

    def append(self, entry: AuditEntry) -> int:
        if self.down:
            raise StorageError("base injoignable")
        return super().append(entry)


def test_spool_replayed_on_reconnect_and_refuses_when_unwritable(db: Database,
                                                                 tmp_path: Path) -> None:
    down = _DownLog(db)
    spool_file = tmp_path / "spool" / "audit-spool.jsonl"
    spool_file.parent.mkdir()
    spool = SpoolingAuditLog(down, spool_file, key=KEY, workstation="p")
    assert spool.append(AuditEntry(T0, "p", "alice", AuditAction.LIVE_VIEW, "t", "c1")) == -1
    assert spool.append(AuditEntry(T0, "p", "alice", AuditAction.LIVE_VIEW, "t", "c2")) == -2
    down.down = False
    new_id = spool.append(AuditEntry(T0, "p", "alice", AuditAction.LIVE_VIEW, "t", "c3"))
    assert new_id == 3 and not spool_file.exists()
    assert [r.entry.camera_id for r in entries(db, limit=None)] == ["c1", "c2", "c3"]
    # Neither the database nor the spool can be written: the access must be refused.
    down.down = True
    spool_file.parent.chmod(0o500)
    try:
        if os.geteuid() != 0:
            with pytest.raises(StorageError, match="accès est refusé"):
                spool.append(AuditEntry(T0, "p", "alice", AuditAction.LIVE_VIEW, "t", "c4"))
    finally:
        spool_file.parent.chmod(0o700)


def test_tampered_spool_is_not_replayed(db: Database, tmp_path: Path) -> None:
    down = _DownLog(db)
    spool_file = tmp_path / "audit-spool.jsonl"
    spool = SpoolingAuditLog(down, spool_file, key=KEY)
    spool.append(AuditEntry(T0, "p", "alice", AuditAction.LIVE_VIEW, "t", "c1"))
    spool_file.write_text(spool_file.read_text().replace('"c1"', '"c9"'))
    down.down = False
    with pytest.raises(StorageError, match="altéré"):
        spool.replay()
    assert entries(db, limit=None) == []
