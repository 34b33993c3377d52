"""Opening the database, and migrating it (DESIGN §6).

SQLite in the data directory by default, PostgreSQL (``postgresql+psycopg://``) when several
workstations share one. A client refuses a schema of another version: only
``csu-wall db upgrade`` (:func:`upgrade`) changes it, except the very first run, which creates
an absent database when asked to (``create=True``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, CursorResult, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from csu_wall.core.errors import SchemaVersionMismatch, StorageError
from csu_wall.storage.paths import create_private_file, ensure_private_dir, make_private_file

_WRITE = "csu_write"  # execution option: this transaction will write (BEGIN IMMEDIATE)
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


_BACKENDS = ("sqlite", "postgresql")
_URL_HELP = ("écrivez le chemin d'un fichier SQLite, sqlite:///CHEMIN, ou "
             "postgresql://UTILISATEUR@HÔTE:PORT/BASE")


def to_url(url_or_path: str | Path | URL) -> URL:
    """A SQLAlchemy URL from a URL or a file path. ``postgresql://`` means psycopg 3.

    A value that is neither a URL of a supported database nor a plausible file name (a name
    with ``:`` in it, say ``:::``) is refused with :class:`StorageError` rather than becoming
    a new SQLite file of that name."""
    if isinstance(url_or_path, URL):
        return url_or_path
    text = str(url_or_path)
    if "://" not in text:
        path = Path(text).expanduser()
        if not text.strip() or ":" in path.name or "\x00" in text:
            raise StorageError(f"Base de données « {text} » invalide : {_URL_HELP}.")
        return URL.create("sqlite+pysqlite", database=str(path.absolute()))
    try:
        url = make_url(text)
        url.port  # noqa: B018 - parsed lazily: a port that is not a number fails here
    except (ArgumentError, ValueError) as exc:
        raise StorageError(f"Adresse de base de données invalide ({_redacted(text)}) : "
                           f"{_URL_HELP}.") from exc
    if url.get_backend_name() not in _BACKENDS:
        raise StorageError(f"Type de base de données « {url.get_backend_name()} » non pris en "
                           f"charge : {_URL_HELP}.")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def _redacted(text: str) -> str:
    """A URL that did not parse, without what could be a password (``user:secret@``)."""
    scheme, _, rest = text.partition("://")
    return f"{scheme}://{rest.rsplit('@', 1)[-1]}" if "@" in rest else text


def shown(url: URL) -> str:
    """The URL as it may appear in a message: never with its password."""
    return url.render_as_string(hide_password=True)


def _sqlite_file(url: URL) -> Path | None:
    """The SQLite file of ``url`` (None for another database), checked to be a name this
    system can hold: too long a name fails here in words, not later in ``os.stat``."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    path = Path(str(url.database))
    try:
        path.exists()
    except (OSError, ValueError) as exc:
        raise StorageError(f"Chemin de base de données inutilisable ({path.name[:40]}…) : "
                           f"{getattr(exc, 'strerror', None) or exc}. {_URL_HELP[0].upper()}"
                           f"{_URL_HELP[1:]}.") from None
    return path


def _private_sqlite(file: Path) -> None:
    """The database holds password hashes, the audit log and encrypted credentials: its file
    is created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the same
    mode), and an existing one readable by others is restricted."""
    try:
        create_private_file(file)
        for path in (file, file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm")):
            if path.exists():
                make_private_file(path)
    except PermissionError:
        return  # a read-only location: SQLite reports it in its own words when it opens


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from pysqlite so BEGIN IMMEDIATE can be chosen (SQLAlchemy's
    # documented recipe); otherwise a deferred reader that later writes gets SQLITE_BUSY
    # immediately in WAL mode, without waiting for busy_timeout.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


def make_engine(url: URL) -> Engine:
    """An engine with csu-wall's connection settings (SQLite pragmas, explicit BEGIN)."""
    try:
        engine = create_engine(url, pool_pre_ping=url.get_backend_name() != "sqlite")
    except ImportError as exc:  # e.g. psycopg not installed on this workstation
        raise StorageError(
            f"Le pilote de base de données « {url.drivername} » n'est pas installé sur ce poste "
            f"({exc.name}). Installez-le, ou utilisez la base SQLite locale."
        ) from exc
    except (NoSuchModuleError, ArgumentError) as exc:
        raise StorageError(
            f"Pilote de base de données « {url.drivername} » inconnu : {_URL_HELP}.") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _alembic_config() -> Config:
    # The migrations are package data: found through the package, never the working directory.
    script_location = Path(str(resources.files("csu_wall.storage.migrations")))
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("path_separator", "os")
    return cfg


def head_revision() -> str:
    """The head revision found in the migration scripts shipped with this client."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise StorageError("no migration revision found in csu_wall.storage.migrations")
    return head


# The schema this client was built for: the head of the migration scripts it ships.
SCHEMA_VERSION = head_revision()


def upgrade(url_or_path: str | Path | URL) -> str:
    """Migrate the database to the head revision (creating it if absent); returns the head."""
    url = to_url(url_or_path)
    file = _sqlite_file(url)
    if file is not None:
        if not file.parent.is_dir():
            ensure_private_dir(file.parent)
        _private_sqlite(file)
    engine = make_engine(url)
    try:
        found = _current_revision(engine)
        if found is not None and found not in _known_revisions():
            raise SchemaVersionMismatch(_mismatch_message(url, found))
        cfg = _alembic_config()
        with engine.connect() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
            connection.commit()
    except CommandError as exc:  # alembic's own refusals (e.g. a revision it cannot find)
        raise StorageError(f"Mise à jour de la base de données {shown(url)} impossible : "
                           f"{exc}.") from exc
    except SQLAlchemyError as exc:
        raise StorageError(
            f"Impossible de mettre à jour la base de données {shown(url)} : "
            f"{type(exc).__name__}. Vérifiez qu'elle est joignable et accessible en écriture."
        ) from exc
    finally:
        engine.dispose()
    return head_revision()


class Database:
    """An open database whose schema is the one this client was built for."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url: URL = engine.url

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @classmethod
    def open(cls, url_or_path: str | Path | URL, *, create: bool = False) -> Database:
        """Open and check the schema version. An absent (or empty) database is created and
        migrated to head when ``create`` is true, else :class:`StorageError`."""
        url = to_url(url_or_path)
        file = _sqlite_file(url)
        if file is not None and not file.exists():
            if not create:
                raise StorageError(
                    f"Base de données introuvable : {file}. Lancez `csu-wall db upgrade` pour la "
                    "créer, ou vérifiez l'option --data-dir ou --database."
                )
            upgrade(url)
        if file is not None:
            _private_sqlite(file)
        engine = make_engine(url)
        try:
            found = _current_revision(engine)
            if found is None and create and _is_empty(engine):
                upgrade(url)
                found = _current_revision(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise StorageError(
                f"Base de données {shown(url)} inaccessible ({type(exc).__name__}). "
                "Vérifiez l'adresse, le réseau et les droits d'accès."
            ) from exc
        if found != SCHEMA_VERSION:
            engine.dispose()
            raise SchemaVersionMismatch(_mismatch_message(url, found))
        return cls(engine)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that writes; committed on exit. On SQLite it takes the write lock at
        BEGIN (BEGIN IMMEDIATE), so concurrent writers queue instead of failing."""
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def schema_version(self) -> str | None:
        return _current_revision(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def new_id(result: CursorResult[Any]) -> int:
    """The integer primary key an INSERT just generated."""
    key = result.inserted_primary_key
    if key is None or key[0] is None:  # pragma: no cover - every insert here has an int key
        raise StorageError("the database returned no key for the new row")
    return int(key[0])


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not inspect(conn).get_table_names()


def _known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def existing_revision(url_or_path: str | Path | URL) -> str:
    """The schema revision of an existing csu-wall database, whatever it is (older, newer):
    what ``db backup`` needs to know it copies a csu-wall database. :class:`StorageError`
    when the database is missing, unreachable or not a csu-wall one."""
    url = to_url(url_or_path)
    file = _sqlite_file(url)
    if file is not None and not file.is_file():
        raise StorageError(f"Base de données introuvable : {file}. Vérifiez l'option --data-dir "
                           "ou --database.")
    engine = make_engine(url)
    try:
        found = _current_revision(engine)
    except SQLAlchemyError as exc:
        raise StorageError(
            f"Base de données {shown(url)} inaccessible ({type(exc).__name__}). "
            "Vérifiez l'adresse, le réseau et les droits d'accès.") from exc
    finally:
        engine.dispose()
    if found is None:
        raise StorageError(f"{shown(url)} n'est pas une base csu-wall (aucune version de "
                           "schéma) : rien à sauvegarder.")
    return found


def _mismatch_message(url: URL, found: str | None) -> str:
    where = shown(url)
    if found is None:
        return (
            f"La base de données {where} n'est pas une base csu-wall initialisée (aucune version "
            f"de schéma ; version attendue {SCHEMA_VERSION}). Lancez `csu-wall db upgrade`."
        )
    if found not in _known_revisions():
        return (
            f"La base de données {where} est au schéma {found}, plus récent que celui de ce poste "
            f"({SCHEMA_VERSION}). Mettez csu-wall à jour sur ce poste ; `csu-wall db upgrade` "
            "ne peut pas revenir en arrière."
        )
    return (
        f"La base de données {where} est au schéma {found} alors que ce poste attend "
        f"{SCHEMA_VERSION}. Lancez `csu-wall db upgrade` (après une sauvegarde de la base)."
    )
