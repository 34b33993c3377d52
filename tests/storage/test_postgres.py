"""The database on a real PostgreSQL server: the whole schema through ``csu-wall db upgrade``,
an in-place upgrade keeping data, a refused schema version, LISTEN/NOTIFY between two
workstations, the services themselves, and an outage of a private cluster stopped mid-way."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError

from csu_wall import app
from csu_wall.benchmark.changes import measure
from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.core.changes import ChangeTopic
from csu_wall.core.errors import SchemaVersionMismatch
from csu_wall.core.shifts import BookmarkFilter, BookmarkStatus, Severity
from csu_wall.storage import db as dbmod
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.audit_spool import SpoolingAuditLog
from csu_wall.storage.changes import ChangeFeed, DatabaseUnreachable
from csu_wall.storage.db import SCHEMA_VERSION, Database
from csu_wall.storage.schema import communes
from csu_wall.storage.schema_shifts import bookmarks
from csu_wall.storage.tables import metadata
from tests.services.shifts_env import PNG, T0, FixedClock, Room, make_room
from tests.storage.pg import PrivatePostgres, pg_server, pg_url, private_pg  # noqa: F401

ENTRY = AuditEntry(T0, "pupitre-1", "alice", AuditAction.LOGIN, detail="avant la mise à jour")


def test_point6_db_upgrade_builds_the_whole_schema_on_postgresql(
        pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    code = app.main(["--data-dir", str(tmp_path), "--database", pg_url, "db", "upgrade"])
    out = capsys.readouterr().out
    assert code == 0 and "base à jour" in out
    assert pg_url.split("@")[0].split(":")[-1] not in out  # the password is never shown
    with Database.open(pg_url) as db:
        assert db.dialect == "postgresql" and db.schema_version() == SCHEMA_VERSION
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        log = DbAuditLog(db)
        log.append(ENTRY)
        with pytest.raises(DBAPIError), db.write() as conn:  # append-only on PG too
            conn.execute(text("DELETE FROM audit_log"))


def _upgrade_to(url: str, revision: str) -> None:
    engine = dbmod.make_engine(dbmod.to_url(url))
    try:
        cfg = dbmod._alembic_config()
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.commit()
    finally:
        engine.dispose()


def test_point6_upgrade_in_place_keeps_the_data(pg_url: str) -> None:  # noqa: F811
    _upgrade_to(pg_url, "0003")
    engine = dbmod.make_engine(dbmod.to_url(pg_url))
    with engine.begin() as conn:
        conn.execute(insert(communes).values(id="tourcoing", name="Tourcoing", insee="59599",
                                             attached=True, position=0))
    engine.dispose()
    with pytest.raises(SchemaVersionMismatch, match="db upgrade"):
        Database.open(pg_url)
    assert dbmod.upgrade(pg_url) == SCHEMA_VERSION
    with Database.open(pg_url) as db, db.read() as conn:
        assert conn.execute(select(communes.c.name)).scalars().all() == ["Tourcoing"]
    dbmod.upgrade(pg_url)  # idempotent


def test_point6_client_refuses_another_schema_version_on_postgresql(
        pg_url: str) -> None:  # noqa: F811
    dbmod.upgrade(pg_url)
    with Database.open(pg_url) as db, db.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaVersionMismatch, match="plus récent que celui de ce poste"):
        Database.open(pg_url)


def test_point6_two_workstations_see_each_others_bookmark_within_a_second(
        pg_url: str) -> None:  # noqa: F811
    delays = measure(pg_url, count=10)
    worst = max(delays)
    print(f"\nPostgreSQL LISTEN/NOTIFY: max {worst * 1000:.1f} ms over {len(delays)} bookmarks")
    assert worst < 1.0  # a second at most; typically a few milliseconds


def test_point6_shift_and_bookmark_services_run_on_postgresql(pg_url: str) -> None:  # noqa: F811
    room = make_room(pg_url)
    try:
        seen: list[tuple[ChangeTopic, str]] = []
        other = Database.open(pg_url)  # the second workstation listens
        feed = ChangeFeed(other, lambda t, k: seen.append((t, k)), poll_seconds=0.05)
        feed.start()
        try:
            shifts = room.shifts()
            shift = shifts.open("alice", ["mur"])
            marks = room.bookmarks("alice")
            b = marks.create(room.camera("tcg-nvr1-001"), T0, category="rixe",
                             severity=Severity.HIGH, note="Rixe gare", shift_id=shift.id,
                             snapshot_png=PNG)
            assert marks.snapshot(b.id) == PNG
            assert [x.id for x in marks.search(BookmarkFilter(text="GARE"))] == [b.id]
            assert room.bookmarks("carol").search(BookmarkFilter()) == []
            report = shifts.close_with_handover(shifts.prepare_handover("RAS"))
            assert report.id is not None
            keys = [i.key for i in report.open_items]
            assert room.shifts().acknowledge(report.id, "bob", keys).operator_id == "bob"
            marks.update(b.id, status=BookmarkStatus.CLOSED)
            room.clock.advance(days=31)
            assert marks.purge_expired() == 1
            deadline = threading.Event()
            for _ in range(100):
                if {(ChangeTopic.BOOKMARK, str(b.id)),
                        (ChangeTopic.HANDOVER, str(report.id))} <= set(seen):
                    break
                deadline.wait(0.05)
            assert {(ChangeTopic.SHIFT, str(shift.id)), (ChangeTopic.BOOKMARK, str(b.id)),
                    (ChangeTopic.HANDOVER, str(report.id))} <= set(seen)
        finally:
            feed.stop()
            other.close()
    finally:
        room.db.close()


def test_point6_outage_reported_nothing_confirmed_lost_and_saves_resume(
        private_pg: PrivatePostgres, tmp_path: Path) -> None:  # noqa: F811
    url = private_pg.url
    db = Database.open(url, create=True)
    spool = SpoolingAuditLog(DbAuditLog(db), tmp_path / "audit-spool.jsonl",
                             workstation="pupitre-1")
    room = Room(db, DbAuditLog(db), FixedClock())
    room.audit = spool  # type: ignore[assignment]
    statuses: list[tuple[bool, str]] = []
    changed = threading.Event()

    def on_status(up: bool, message: str) -> None:
        statuses.append((up, message))
        changed.set()

    resynced = threading.Event()

    def on_change(topic: ChangeTopic, key: str) -> None:
        if topic is ChangeTopic.RESYNC:
            resynced.set()

    feed = ChangeFeed(db, on_change, on_status=on_status, poll_seconds=0.05,
                      retry_seconds=0.2)
    feed.start()
    marks = room.bookmarks("alice")
    camera = room.camera("tcg-nvr1-001")
    try:
        confirmed = [marks.create(camera, T0 + timedelta(seconds=n), category="rixe",
                                  severity=Severity.LOW, shift_id=None, snapshot_png=PNG).id
                     for n in range(5)]
        private_pg.stop()
        with pytest.raises(DatabaseUnreachable) as caught:
            marks.create(camera, T0, category="rixe", severity=Severity.LOW, shift_id=None,
                         snapshot_png=None)
        message = str(caught.value)
        assert "ne répond pas" in message and "PAS été enregistré" in message
        assert private_pg.password not in message
        assert changed.wait(10) and statuses[0][0] is False
        assert "ne répond pas" in statuses[0][1]
        # An access during the outage is still audited: into the local spool.
        gate = room.gate("alice")
        gate.authorise_live(camera)
        assert spool.pending() == 1
        changed.clear()
        private_pg.start()
        assert changed.wait(15) and statuses[-1] == (True, "")
        assert resynced.wait(10)  # listeners reload: notifications sent meanwhile are lost
        after = marks.create(camera, T0, category="accident", severity=Severity.LOW,
                             shift_id=None, snapshot_png=PNG)
        assert spool.pending() == 0  # replayed by the first append that reached the database
        with db.read() as conn:
            ids = set(conn.execute(select(bookmarks.c.id)).scalars())
            count = conn.execute(select(func.count()).select_from(bookmarks)).scalar()
        assert set(confirmed) | {after.id} == ids and count == 6
        replayed = [r.entry for r in entries(db, limit=None) if "spool" in r.entry.extra]
        assert [e.action for e in replayed] == [AuditAction.LIVE_VIEW]
        assert DbAuditLog(db).verify_chain() == (True, None)
    finally:
        feed.stop()
        db.close()
