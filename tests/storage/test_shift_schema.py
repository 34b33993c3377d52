"""Migration 0005 on SQLite: an existing database upgraded in place keeps its data, and the
revision downgrades cleanly."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import insert, inspect, select

from csu_wall.storage import db as dbmod
from csu_wall.storage.db import SCHEMA_VERSION, Database
from csu_wall.storage.schema import communes


def _alembic(url: str, action: str, revision: str) -> None:
    engine = dbmod.make_engine(dbmod.to_url(url))
    try:
        cfg = dbmod._alembic_config()
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, action)(cfg, revision)
            conn.commit()
    finally:
        engine.dispose()


def test_point6_sqlite_upgrade_in_place_keeps_data_and_0005_downgrades(tmp_path: Path) -> None:
    path = str(tmp_path / "old.sqlite3")
    _alembic(path, "upgrade", "0004")
    engine = dbmod.make_engine(dbmod.to_url(path))
    with engine.begin() as conn:
        conn.execute(insert(communes).values(id="roncq", name="Roncq", insee="59508",
                                             attached=True, position=0))
    engine.dispose()
    assert dbmod.upgrade(path) == SCHEMA_VERSION
    with Database.open(path) as db, db.read() as conn:
        assert conn.execute(select(communes.c.name)).scalars().all() == ["Roncq"]
        tables = set(inspect(conn).get_table_names())
    assert {"shifts", "bookmarks", "bookmark_snapshots", "handovers", "handover_acks",
            "lost_cameras", "shift_members", "shift_settings", "change_log"} <= tables
    _alembic(path, "downgrade", "0004")
    engine = dbmod.make_engine(dbmod.to_url(path))
    with engine.connect() as conn:
        left = set(inspect(conn).get_table_names())
    engine.dispose()
    assert "bookmarks" not in left and "communes" in left
    assert dbmod.upgrade(path) == SCHEMA_VERSION
