"""The wall says when the shared database is unreachable, and replays the audit spool when it
answers again (issue "security", point 5). Real databases: SQLite, and a PostgreSQL URL on a
loopback port where nothing listens."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.core.errors import StorageError
from csu_wall.services.db_health import DatabaseHealth, DbStatus
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.audit_spool import SpoolingAuditLog
from csu_wall.storage.db import Database

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_reachable_sqlite_reports_nothing(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "db.sqlite3", create=True)
    health = DatabaseHealth(db)
    seen: list[DbStatus] = []
    health.add_listener(seen.append)
    assert health.poll().reachable and seen == []  # no change, no message
    db.close()


def test_unreachable_server_is_reported_once(tmp_path: Path) -> None:
    engine = create_engine(
        f"postgresql+psycopg://csu:x@127.0.0.1:{_free_port()}/csu?connect_timeout=2")
    db = Database(engine)
    health = DatabaseHealth(db)
    seen: list[DbStatus] = []
    health.add_listener(seen.append)
    first = health.poll()
    assert not first.reachable
    health.poll()
    assert len(seen) == 1 and not seen[0].reachable  # told once, not at every probe
    db.close()


class _Down(DbAuditLog):
    down = True

    def append(self, entry: AuditEntry) -> int:
        if self.down:
            raise StorageError("base injoignable")
        return super().append(entry)


def test_spool_is_replayed_when_the_database_answers(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "db.sqlite3", create=True)
    down = _Down(db)
    spool = SpoolingAuditLog(down, tmp_path / "audit-spool.jsonl", workstation="p")
    assert spool.append(AuditEntry(T0, "p", "alice", AuditAction.LIVE_VIEW, "t", "c1")) < 0
    health = DatabaseHealth(db, spool=spool)
    seen: list[DbStatus] = []
    health.add_listener(seen.append)
    down.down = False
    status = health.poll()
    assert status.reachable and status.pending_audit == 0
    assert [r.entry.camera_id for r in entries(db, limit=None)] == ["c1"]
    db.close()


def test_postgresql_stopped_mid_shift_then_back(tmp_path: Path, private_pg) -> None:  # type: ignore[no-untyped-def]
    """A real server stopped and started again: the outage is reported with the audit records
    waiting on this workstation, then the spool is replayed and the banner clears."""
    from csu_wall.storage.db import upgrade

    upgrade(private_pg.url)
    db = Database.open(private_pg.url)
    spool = SpoolingAuditLog(DbAuditLog(db), tmp_path / "audit-spool.jsonl", workstation="p")
    health = DatabaseHealth(db, spool=spool)
    seen: list[DbStatus] = []
    health.add_listener(seen.append)
    assert health.poll().reachable
    private_pg.stop()
    assert spool.append(AuditEntry(T0, "p", "alice", AuditAction.LIVE_VIEW, "t", "c1")) < 0
    down = health.poll()
    assert not down.reachable and down.pending_audit == 1
    private_pg.start()
    back = health.poll()
    assert back.reachable and back.pending_audit == 0
    assert [s.reachable for s in seen] == [False, True]
    assert [r.entry.camera_id for r in entries(db, limit=None)] == ["c1"]
    db.close()
