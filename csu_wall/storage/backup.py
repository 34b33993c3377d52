"""``csu-wall db backup PATH``: a consistent copy of the database.

SQLite: the online backup API (a consistent snapshot even while other workstations write),
into a temporary file fsynced then renamed. PostgreSQL: ``pg_dump`` in custom format (one
repeatable-read snapshot), under ``timeout``, the password passed through ``PGPASSWORD`` in its
environment — never as an argument. An existing file is never overwritten.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL

from csu_wall.core.atomic import replacing
from csu_wall.core.errors import StorageError
from csu_wall.storage.db import existing_revision, shown, to_url

PG_DUMP_TIMEOUT_S = 3600


def backup(url_or_path: str | Path | URL, dest: Path) -> Path:
    """Copy the database at ``url_or_path`` to ``dest``; returns ``dest``. The database must
    be a csu-wall one, of any schema version: a backup is what one takes before
    ``db upgrade``, so an older (or newer) schema is copied as it is."""
    url = to_url(url_or_path)
    dest = Path(dest).expanduser().absolute()
    if dest.exists():
        raise StorageError(f"Le fichier {dest} existe déjà : choisissez un autre nom, la "
                           "sauvegarde n'écrase jamais un fichier.")
    if not dest.parent.is_dir():
        raise StorageError(f"Le dossier {dest.parent} n'existe pas : créez-le d'abord.")
    existing_revision(url)  # refuses a missing, unreachable or foreign database
    with replacing(dest) as tmp:
        if url.get_backend_name() == "sqlite":
            _sqlite_backup(Path(str(url.database)), tmp)
        elif url.get_backend_name() == "postgresql":
            _pg_dump(url, tmp)
        else:
            raise StorageError(f"Sauvegarde impossible : base {url.get_backend_name()} non "
                               "prise en charge.")
    return dest


def _sqlite_backup(source: Path, tmp: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(tmp)
        try:
            # One step, one read snapshot: in WAL mode writers go on meanwhile, whereas a copy
            # in steps restarts each time another connection writes (and may never finish).
            src.backup(dst)
            # A single self-contained file: no -wal next to it.
            dst.execute("PRAGMA journal_mode=DELETE")
            dst.commit()
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StorageError(f"La sauvegarde de {source} a échoué ({exc}). Vérifiez l'espace "
                           "disque et les droits du dossier de destination.") from exc
    finally:
        src.close()
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)  # the copy holds what the database holds


def pg_tool(name: str) -> str:
    """Path of a PostgreSQL client program (``pg_dump``, ``pg_restore``)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    path = found[-1] if found else shutil.which(name)
    if path is None:
        raise StorageError(f"Le programme {name} est introuvable : installez le paquet "
                           "postgresql-client.")
    return path


def pg_env(url: URL) -> dict[str, str]:
    """Connection settings for libpq programs, the password in PGPASSWORD."""
    env = dict(os.environ)
    for var, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGDATABASE", url.database), ("PGPASSWORD", url.password)):
        if value is not None:
            env[var] = str(value)
    return env


def _pg_dump(url: URL, tmp: Path) -> None:
    cmd = ["timeout", str(PG_DUMP_TIMEOUT_S), pg_tool("pg_dump"), "--format=custom",
           "--no-password", f"--file={tmp}"]
    try:
        done = subprocess.run(cmd, env=pg_env(url), capture_output=True, text=True,
                              check=False)
    except OSError as exc:
        raise StorageError(f"pg_dump n'a pas pu être lancé ({exc.strerror}).") from exc
    if done.returncode != 0:
        reason = "délai dépassé" if done.returncode == 124 else done.stderr.strip()[-300:]
        raise StorageError(f"La sauvegarde de {shown(url)} a échoué : {reason}. Vérifiez que "
                           "le serveur est joignable et que pg_dump a la même version majeure "
                           "que lui.")
    os.chmod(tmp, 0o600)
