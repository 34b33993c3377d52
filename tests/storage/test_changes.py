"""The change feed on SQLite: it reads only the new rows of change_log, and its topics are
:class:`ChangeTopic` members in and out (a topic this version does not know is skipped)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, func, insert, select

from csu_wall.core.changes import ChangeTopic
from csu_wall.storage import changes
from csu_wall.storage.changes import ChangeFeed, publish
from csu_wall.storage.db import Database
from csu_wall.storage.schema_shifts import change_log


class Collector:
    def __init__(self) -> None:
        self.seen: list[tuple[ChangeTopic, str]] = []
        self._cond = threading.Condition()

    def __call__(self, topic: ChangeTopic, key: str) -> None:
        with self._cond:
            self.seen.append((topic, key))
            self._cond.notify_all()

    def wait_for(self, n: int, timeout: float = 10.0) -> list[tuple[ChangeTopic, str]]:
        with self._cond:
            self._cond.wait_for(lambda: len(self.seen) >= n, timeout=timeout)
            return list(self.seen)


def test_point6_sqlite_feed_reads_only_new_change_log_rows(db: Database, db_path: Path) -> None:
    with db.write() as conn:
        publish(conn, ChangeTopic.BOOKMARK, "old")  # before the feed started: not delivered
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
            publish(conn, ChangeTopic.BOOKMARK, "1")
            publish(conn, ChangeTopic.SHIFT, "7")
        try:
            with db.write() as conn:
                publish(conn, ChangeTopic.BOOKMARK, "rolled-back")
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
        with db.write() as conn:
            publish(conn, ChangeTopic.HANDOVER, "2")
        assert got.wait_for(3) == [(ChangeTopic.BOOKMARK, "1"), (ChangeTopic.SHIFT, "7"),
                                   (ChangeTopic.HANDOVER, "2")]
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
            publish(conn, ChangeTopic.BOOKMARK, str(n))
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
        assert got.wait_for(2) == [(ChangeTopic.SHIFT, str(shift.id)),
                                   (ChangeTopic.BOOKMARK, str(mark.id))]
    finally:
        feed.stop()
        a.db.close()
        b.db.close()


def test_topics_arrive_as_members_and_unknown_ones_are_skipped(db: Database) -> None:
    """A newer workstation on the same database may publish a topic this one does not know:
    it is skipped, and the ones after it still arrive, as enum members (not strings)."""
    got = Collector()
    feed = ChangeFeed(db, got, poll_seconds=0.02)
    feed.start()
    try:
        with db.write() as conn:
            conn.execute(insert(change_log).values(topic="camera_notes", key="9",
                                                   ts_utc=datetime.now(UTC)))
            conn.execute(insert(change_log).values(topic="resync", key="forged",
                                                   ts_utc=datetime.now(UTC)))
            publish(conn, ChangeTopic.LAYOUT, "4")
            publish(conn, ChangeTopic.SETTINGS, "bookmark_categories")
        seen = got.wait_for(2)
    finally:
        feed.stop()
    assert seen == [(ChangeTopic.LAYOUT, "4"), (ChangeTopic.SETTINGS, "bookmark_categories")]
    assert all(type(topic) is ChangeTopic for topic, _ in seen)


def test_resync_is_never_published(db: Database) -> None:
    """RESYNC means "the feed came back": only the feed sends it, to its own listeners."""
    with pytest.raises(ValueError), db.write() as conn:
        publish(conn, ChangeTopic.RESYNC, "")
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(change_log)).scalar() == 0


def test_the_postgresql_listen_socket_probes_a_silent_link(pg_url: str) -> None:
    """A LISTEN connection only receives, so a link that dies without a reset is found only
    by TCP keepalive probes: the socket the feed listens on has them, at seconds, not at
    the system's two hours (a userspace relay cannot drop packets, so the kernel's options
    are what is checked)."""
    import os
    import socket

    db = Database.open(pg_url, create=True)
    try:
        conn = ChangeFeed(db, lambda t, k: None)._connect_pg()
        try:
            sock = socket.socket(fileno=os.dup(conn.fileno()))
            try:
                assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
                idle = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
                interval = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL)
                count = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT)
            finally:
                sock.close()
        finally:
            conn.close()
    finally:
        db.close()
    assert idle + interval * count <= 30
