"""The audit log is append-only, chained and serialised (DESIGN §7, CNIL 2021-122)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DatabaseError

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.storage.audit import GENESIS_HASH, DbAuditLog, chain_hash, entries
from csu_wall.storage.db import Database
from csu_wall.storage.schema import audit_log

T0 = datetime(2025, 11, 25, 7, 0, tzinfo=UTC)


def _entry(i: int, **kw: object) -> AuditEntry:
    values: dict[str, object] = dict(
        ts_utc=T0 + timedelta(seconds=i, microseconds=123),
        workstation="poste-1",
        operator_id="dupont",
        action=AuditAction.LIVE_VIEW,
        commune_id="tourcoing",
        camera_id=f"tcg-{i:03d}",
        detail=f"vue directe n°{i}",
        extra={"tile": str(i), "stream": "sub"},
    )
    values.update(kw)
    return AuditEntry(**values)  # type: ignore[arg-type]


def test_append_returns_increasing_ids_and_keeps_order(db: Database) -> None:
    log = DbAuditLog(db)
    ids = [log.append(_entry(i)) for i in range(5)]
    assert ids == sorted(ids) and len(set(ids)) == 5
    stored = entries(db, limit=None)
    assert [r.id for r in stored] == ids
    assert [r.entry for r in stored] == [_entry(i) for i in range(5)]
    assert stored[0].entry.ts_utc.tzinfo is not None


def test_chain_links_each_entry_to_the_previous(db: Database) -> None:
    log = DbAuditLog(db)
    for i in range(3):
        log.append(_entry(i))
    stored = entries(db)
    assert stored[0].prev_hash == GENESIS_HASH
    for before, after in zip(stored, stored[1:], strict=False):
        assert after.prev_hash == before.entry_hash
    assert stored[2].entry_hash == chain_hash(stored[2].entry, stored[1].entry_hash)
    assert log.verify_chain() == (True, None)
    assert log.head() == (stored[2].id, stored[2].entry_hash)


def test_entries_filter_by_commune_and_page(db: Database) -> None:
    log = DbAuditLog(db)
    for i in range(4):
        log.append(_entry(i, commune_id="roncq" if i % 2 else "tourcoing"))
    roncq = entries(db, commune_id="roncq")
    assert [r.entry.commune_id for r in roncq] == ["roncq", "roncq"]
    assert [r.id for r in entries(db, limit=2, after_id=1)] == [2, 3]


def test_update_of_audit_log_fails(db: Database) -> None:
    DbAuditLog(db).append(_entry(0))
    with pytest.raises(DatabaseError, match="append-only"), db.write() as conn:
        conn.execute(update(audit_log).values(detail="effacé"))
    assert entries(db)[0].entry.detail == "vue directe n°0"


def test_delete_of_audit_log_fails(db: Database) -> None:
    DbAuditLog(db).append(_entry(0))
    with pytest.raises(DatabaseError, match="append-only"), db.write() as conn:
        conn.execute(delete(audit_log))
    assert len(entries(db)) == 1


def test_tampering_detected_at_first_bad_entry(db: Database, db_path: Path) -> None:
    log = DbAuditLog(db)
    ids = [log.append(_entry(i)) for i in range(4)]
    # An attacker with the file drops the trigger and rewrites one entry.
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER audit_log_no_update")
        raw.execute("UPDATE audit_log SET operator_id = 'autre' WHERE id = ?", (ids[2],))
    assert log.verify_chain() == (False, ids[2])


def test_keyed_hash_differs_and_verifies_with_key(db: Database) -> None:
    keyed = DbAuditLog(db, key=b"k" * 32)
    keyed.append(_entry(0))
    assert keyed.verify_chain() == (True, None)
    assert DbAuditLog(db).verify_chain() == (False, 1)  # the wrong (no) key


def test_concurrent_appends_from_two_workstations_stay_chained(db_path: Path) -> None:
    Database.open(db_path, create=True).close()
    databases = [Database.open(db_path) for _ in range(2)]  # two engines, like two clients
    errors: list[BaseException] = []

    def run(n: int) -> None:
        log = DbAuditLog(databases[n])
        try:
            for i in range(40):
                log.append(_entry(i, workstation=f"poste-{n}"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    log = DbAuditLog(databases[0])
    assert log.verify_chain() == (True, None)
    assert [r.id for r in entries(databases[0], limit=None)] == list(range(1, 81))
    for database in databases:
        database.close()


def test_naive_timestamp_refused(db: Database) -> None:
    with pytest.raises(ValueError):
        DbAuditLog(db).append(_entry(0, ts_utc=datetime(2025, 1, 1)))
