"""The database opens only at the schema version this client was built for (DESIGN §6)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from csu_wall.core.errors import SchemaVersionMismatch, StorageError
from csu_wall.storage import db as db_module
from csu_wall.storage.db import SCHEMA_VERSION, Database, head_revision, to_url, upgrade
from csu_wall.storage.tables import metadata


def test_schema_version_is_the_migrations_head() -> None:
    assert SCHEMA_VERSION == head_revision()


def test_first_run_creates_database_at_head(db_path: Path) -> None:
    assert not db_path.exists()
    with Database.open(db_path, create=True) as db:
        assert db.schema_version() == SCHEMA_VERSION
    assert db_path.exists()


def test_migration_matches_schema_metadata(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_reopen_existing_database(db_path: Path) -> None:
    Database.open(db_path, create=True).close()
    with Database.open(db_path) as db:
        assert db.schema_version() == SCHEMA_VERSION


def test_absent_database_without_create_is_refused(db_path: Path) -> None:
    with pytest.raises(StorageError, match="csu-wall db upgrade"):
        Database.open(db_path)
    assert not db_path.exists()


def test_sqlite_pragmas_set_on_every_connection(db: Database) -> None:
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def _stamp(path: Path, revision: str) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = ?", (revision,))


def test_newer_schema_refused_with_message(db_path: Path) -> None:
    Database.open(db_path, create=True).close()
    _stamp(db_path, "0099")
    with pytest.raises(SchemaVersionMismatch) as info:
        Database.open(db_path, create=True)
    message = str(info.value)
    assert "0099" in message and "Mettez csu-wall à jour" in message


def test_older_schema_refused_telling_to_run_db_upgrade(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Database.open(db_path, create=True).close()
    # The database is one revision behind this client.
    _stamp(db_path, "0001")
    with pytest.raises(SchemaVersionMismatch, match="Lancez `csu-wall db upgrade`"):
        Database.open(db_path)


def test_foreign_database_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as raw:
        raw.execute("CREATE TABLE other (x INTEGER)")
    with pytest.raises(SchemaVersionMismatch, match="csu-wall db upgrade"):
        Database.open(db_path, create=True)


def test_upgrade_is_idempotent_and_independent_of_cwd(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no alembic.ini or migrations folder here
    assert upgrade(db_path) == SCHEMA_VERSION
    assert upgrade(str(db_path)) == SCHEMA_VERSION
    with Database.open(db_path) as db:
        assert db.schema_version() == SCHEMA_VERSION


def test_urls() -> None:
    assert to_url("/x/y.sqlite3").drivername == "sqlite+pysqlite"
    assert to_url("postgresql://u:secret@h/db").drivername == "postgresql+psycopg"
    assert "secret" not in db_module.shown(to_url("postgresql://u:secret@h/db"))


def test_missing_postgresql_driver_is_a_clear_error() -> None:
    """psycopg is not installed here yet; the message must say so, without the password."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pass
    else:  # pragma: no cover
        pytest.skip("psycopg installed: covered by the PostgreSQL tests")
    with pytest.raises(StorageError) as info:
        Database.open("postgresql://csu:secret@127.0.0.1:1/csu")
    assert "secret" not in str(info.value) and "pilote" in str(info.value)
