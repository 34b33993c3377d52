"""Issue 6 point 6 (SQLite side): the change feed reads only the new rows of change_log."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import event, func, select

from csu_wall.storage import changes
from csu_wall.storage.changes import ChangeFeed, publish
from csu_wall.storage.db import Database
from csu_wall.storage.schema_shifts import change_log


class Collector:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self._cond = threading.Condition()

    def __call__(self, topic: str, key: str) -> None:
        with self._cond:
            self.seen.append((topic, key))
            self._cond.notify_all()

    def wait_for(self, n: int, timeout: float = 10.0) -> list[tuple[str, str]]:
        with self._cond:
            self._cond.wait_for(lambda: len(self.seen) >= n, timeout=timeout)
            return list(self.seen)


def test_point6_sqlite_feed_reads_only_new_change_log_rows(db: Database, db_path: Path) -> None:
    with db.write() as conn:
        publish(conn, "bookmark", "old")  # before the feed started: not delivered
    other = Database.open(db_path)  # another workstation on the same file
    statements: list[str] = []
    got = Collector()
    feed = ChangeFeed(other, got, poll_seconds=0.02)
    feed.start()

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(other.engine, "before_cursor_execute", record)
    try:
        with db.write() as conn:
            publish(conn, "bookmark", "1")
            publish(conn, "shift", "7")
        try:
            with db.write() as conn:
                publish(conn, "bookmark", "rolled-back")
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
        with db.write() as conn:
            publish(conn, "handover", "2")
        assert got.wait_for(3) == [("bookmark", "1"), ("shift", "7"), ("handover", "2")]
    finally:
        feed.stop()
        event.remove(other.engine, "before_cursor_execute", record)
        other.close()
    reads = [s for s in statements if "FROM" in s]
    assert reads and all("FROM change_log" in s and "change_log.id >" in s for s in reads)
    assert not any("bookmarks" in s for s in statements)


def test_point6_change_log_is_pruned(db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(changes, "_KEEP_ROWS", 10)
    monkeypatch.setattr(changes, "_PRUNE_EVERY", 5)
    for n in range(40):
        with db.write() as conn:
            publish(conn, "bookmark", str(n))
    with db.read() as conn:
        kept = conn.execute(select(func.count()).select_from(change_log)).scalar()
    assert kept is not None and kept <= 15


def test_point6_feed_stops_quickly(db: Database) -> None:
    feed = ChangeFeed(db, lambda t, k: None, poll_seconds=0.2)
    feed.start()
    started = time.monotonic()
    feed.stop()
    assert time.monotonic() - started < 2.0


def test_point6_sqlite_workstations_see_each_others_bookmarks_and_shifts(
        db_path: Path) -> None:
    from csu_wall.core.shifts import Severity
    from tests.services.shifts_env import T0, make_room

    a, b = make_room(db_path), make_room(db_path)
    got = Collector()
    feed = ChangeFeed(b.db, got, poll_seconds=0.02)
    feed.start()
    try:
        shift = a.shifts().open("alice", ["mur"])
        mark = a.bookmarks("alice").create(a.camera("tcg-nvr1-001"), T0, category="rixe",
                                           severity=Severity.LOW, shift_id=shift.id,
                                           snapshot_png=None)
        assert got.wait_for(2) == [("shift", str(shift.id)), ("bookmark", str(mark.id))]
    finally:
        feed.stop()
        a.db.close()
        b.db.close()
