"""The audit log's retention purge: records older than a year go, by a purge that is itself a
signed audit record in the same transaction; the chain then verifies from the first record
kept. Cutting the head without the key (the triggers dropped by hand, with or without a forged
unsigned purge record) fails verification. Real SQLite and real PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.core.errors import CsuWallError
from csu_wall.storage import audit_verify
from csu_wall.storage.audit import DbAuditLog, chain_hash, entries
from csu_wall.storage.audit_purge import FIRST_KEPT, FIRST_KEPT_PREV, purge
from csu_wall.storage.db import Database
from csu_wall.storage.schema import audit_log

pytestmark = pytest.mark.timeout(120)

KEY = bytes(range(32))
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _entry(when: datetime, n: int) -> AuditEntry:
    return AuditEntry(ts_utc=when, workstation="pupitre-1", operator_id="agent",
                      action=AuditAction.LIVE_VIEW, commune_id="roncq", camera_id=f"cam-{n}")


def _fill(db: Database) -> DbAuditLog:
    log = DbAuditLog(db, key=KEY, first_signed=1)
    for n in range(5):  # two years ago
        log.append(_entry(NOW - timedelta(days=730 - n), n))
    for n in range(5, 8):  # this month
        log.append(_entry(NOW - timedelta(days=8 - n), n))
    return log


@pytest.fixture()
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    db = Database.open(tmp_path / "csu.db", create=True)
    yield db
    db.close()


def test_purge_deletes_old_records_audits_itself_and_the_chain_verifies(
        sqlite_db: Database) -> None:
    log = _fill(sqlite_db)
    result = purge(sqlite_db, log, operator_id="cli:admin", workstation="pupitre-1", now=NOW)
    assert result.purged == 5 and result.first_kept == 6 and result.record_id == 9
    kept = entries(sqlite_db, limit=None)
    assert [r.id for r in kept] == [6, 7, 8, 9]
    assert kept[-1].entry.action is AuditAction.AUDIT_PURGE
    assert "5 enregistrement(s)" in kept[-1].entry.detail
    report = audit_verify.verify(sqlite_db, KEY, first_signed=1)
    assert report.ok and report.signed == 4, report.message()
    assert any("purgés" in limit for limit in report.limits)
    # nothing old enough any more: a second purge writes nothing
    again = purge(sqlite_db, log, operator_id="cli:admin", workstation="pupitre-1", now=NOW)
    assert again.record_id is None and len(entries(sqlite_db, limit=None)) == 4
    # the log is append-only again after the purge
    with pytest.raises(Exception), sqlite_db.write() as conn:  # noqa: B017,PT011
        conn.execute(delete(audit_log).where(audit_log.c.id == 6))


def test_a_purge_needs_the_site_key(sqlite_db: Database) -> None:
    _fill(sqlite_db)
    with pytest.raises(CsuWallError, match="clé de site"):
        purge(sqlite_db, DbAuditLog(sqlite_db), operator_id="x", workstation="p", now=NOW)
    assert len(entries(sqlite_db, limit=None)) == 8


def test_cutting_the_head_without_the_key_fails_verification(
        sqlite_db: Database, tmp_path: Path) -> None:
    _fill(sqlite_db)
    path = str(tmp_path / "csu.db")
    raw = sqlite3.connect(path)  # someone holding the file, not the key
    raw.execute("DROP TRIGGER audit_log_no_delete")
    raw.execute("DELETE FROM audit_log WHERE id <= 5")
    raw.commit()
    report = audit_verify.verify(sqlite_db, KEY, first_signed=1)
    assert not report.ok and "début du journal supprimé" in report.reason
    # ... and a forged purge record, computed without the key, does not help
    first_prev = raw.execute("SELECT prev_hash FROM audit_log WHERE id = 6").fetchone()[0]
    head = raw.execute("SELECT entry_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    forged = AuditEntry(ts_utc=NOW, workstation="pupitre-1", operator_id="cli:admin",
                        action=AuditAction.AUDIT_PURGE, detail="purge",
                        extra={FIRST_KEPT: "6", FIRST_KEPT_PREV: first_prev})
    with sqlite_db.write() as conn:
        conn.execute(audit_log.insert().values(
            ts_utc=NOW, workstation="pupitre-1", operator_id="cli:admin",
            action="audit_purge", commune_id=None, camera_id=None, detail="purge",
            extra=dict(forged.extra), prev_hash=head, entry_hash=chain_hash(forged, head)))
    raw.close()
    report = audit_verify.verify(sqlite_db, KEY, first_signed=1)
    assert not report.ok and "non signé" in report.reason, report.message()


def test_purge_on_postgresql(pg_url: str) -> None:
    db = Database.open(pg_url, create=True)
    try:
        log = _fill(db)
        result = purge(db, log, operator_id="cli:admin", workstation="pupitre-1", now=NOW)
        assert result.purged == 5
        assert audit_verify.verify(db, KEY, first_signed=1).ok
        with pytest.raises(Exception), db.write() as conn:  # noqa: B017,PT011
            conn.execute(text("DELETE FROM audit_log WHERE id = 6"))
        with db.read() as conn:
            assert conn.execute(select(audit_log.c.id).order_by(audit_log.c.id)).scalars() \
                .all() == [6, 7, 8, 9]
    finally:
        db.close()


def test_a_bookmark_under_requisition_holds_back_the_purge(sqlite_db: Database) -> None:
    from csu_wall.storage.schema_shifts import bookmarks

    log = _fill(sqlite_db)
    held_at = NOW - timedelta(days=728)  # between the third and the fourth old record
    with sqlite_db.write() as conn:
        conn.execute(bookmarks.insert().values(
            camera_id="cam-2", commune_id="roncq", at_utc=held_at, pre_seconds=10,
            post_seconds=30, category="rixe", severity=2, note="", status="open",
            operator_id="agent", workstation="pupitre-1", created_utc=held_at,
            updated_utc=held_at, judicial_ref="PV 2024/123"))
    result = purge(sqlite_db, log, operator_id="système", workstation="pupitre-1", now=NOW)
    # only what is older than a day before the held incident goes
    assert result.purged == 1 and result.first_kept == 2
    assert audit_verify.verify(sqlite_db, KEY, first_signed=1).ok
