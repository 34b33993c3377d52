"""``csu-wall db backup PATH`` makes a consistent copy that opens (SQLite:
online backup API, while a writer keeps writing; PostgreSQL: pg_dump, restored with
pg_restore). The PostgreSQL password never appears in a process argument."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from csu_wall import app
from csu_wall.core.errors import StorageError
from csu_wall.core.shifts import BookmarkFilter, Severity
from csu_wall.storage import backup as backup_mod
from csu_wall.storage.backup import backup, pg_env, pg_tool
from csu_wall.storage.db import SCHEMA_VERSION, Database
from csu_wall.storage.schema_shifts import bookmarks
from tests.services.shifts_env import PNG, T0, make_room
from tests.storage.pg import pg_server, pg_url  # noqa: F401


def test_point7_sqlite_backup_while_writing_is_consistent_and_opens(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "csu.sqlite3"
    room = make_room(db_path)
    marks = room.bookmarks("alice")
    first = marks.create(room.camera("tcg-nvr1-001"), T0, category="rixe",
                         severity=Severity.HIGH, note="avant la sauvegarde", shift_id=None,
                         snapshot_png=PNG)
    stop = threading.Event()

    def keep_writing() -> None:  # another workstation saving during the backup
        while not stop.is_set():
            marks.create(room.camera("rcq-nvr1-001"), T0, category="accident",
                         severity=Severity.LOW, shift_id=None, snapshot_png=PNG)

    writer = threading.Thread(target=keep_writing, name="backup-test-writer")
    writer.start()
    dest = tmp_path / "copie.sqlite3"
    try:
        code = app.main(["--data-dir", str(tmp_path / "data"), "--database", str(db_path),
                         "db", "backup", str(dest)])
    finally:
        stop.set()
        writer.join(timeout=30)
    assert code == 0 and str(dest) in capsys.readouterr().out
    assert not list(tmp_path.glob(".copie*"))  # no partial file left
    check = sqlite3.connect(dest)
    try:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert check.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        n_marks = check.execute("SELECT count(*) FROM bookmarks").fetchone()[0]
        n_snaps = check.execute("SELECT count(*) FROM bookmark_snapshots").fetchone()[0]
    finally:
        check.close()
    assert n_marks == n_snaps >= 1  # a snapshot of one moment: every bookmark with its image
    copy = make_room(dest)
    try:
        assert copy.db.schema_version() == SCHEMA_VERSION
        assert copy.bookmarks("alice").snapshot(first.id) == PNG
        assert "avant la sauvegarde" in [b.note for b in
                                         copy.bookmarks("alice").search(BookmarkFilter())]
    finally:
        copy.db.close()
        room.db.close()
    with pytest.raises(StorageError, match="existe déjà"):
        backup(db_path, dest)
    assert app.main(["--data-dir", str(tmp_path / "data"), "--database", str(db_path),
                     "db", "backup", str(dest)]) == 1
    with pytest.raises(StorageError, match="introuvable"):
        backup(tmp_path / "absente.sqlite3", tmp_path / "x.sqlite3")


def test_point7_postgresql_backup_with_pg_dump_restores(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    room = make_room(pg_url)
    try:
        marks = room.bookmarks("alice")
        made = [marks.create(room.camera("tcg-nvr1-001"), T0, category="rixe",
                             severity=Severity.HIGH, note=f"incident {n}", shift_id=None,
                             snapshot_png=PNG).id for n in range(3)]
    finally:
        room.db.close()
    commands: list[list[str]] = []
    real_run = subprocess.run

    def spy(cmd: list[str], *args: object, **kw: object):  # type: ignore[no-untyped-def]
        commands.append(list(cmd))
        return real_run(cmd, *args, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(backup_mod.subprocess, "run", spy)
    dest = tmp_path / "csu.dump"
    assert backup(pg_url, dest) == dest and dest.stat().st_size > 0
    monkeypatch.undo()
    password = make_url(pg_url).password
    assert password and commands and all(password not in " ".join(c) for c in commands)
    assert oct(dest.stat().st_mode & 0o777) == "0o600"
    # Restore into a fresh database and open it as a client would.
    import psycopg

    base = make_url(pg_url)
    restored = f"{base.database}_r"
    with psycopg.connect(host=base.host, port=base.port, user=base.username,
                         password=password, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{restored}"')
    try:
        target = base.set(database=restored)
        done = subprocess.run(["timeout", "120", pg_tool("pg_restore"), "--no-owner",
                               "--no-password", f"--dbname={restored}", str(dest)],
                              env=pg_env(target), capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        with Database.open(target.render_as_string(hide_password=False)) as db:
            assert db.schema_version() == SCHEMA_VERSION
            with db.read() as sa_conn:
                ids = sorted(sa_conn.execute(select(bookmarks.c.id)).scalars())
                total = sa_conn.execute(select(func.count()).select_from(bookmarks)).scalar()
            assert ids == made and total == 3
    finally:
        with psycopg.connect(host=base.host, port=base.port, user=base.username,
                             password=password, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
