"""Forging the audit log with the database file in hand but not the site key (DESIGN §7,
"Threat model"): the forger drops the append-only trigger, changes a record and recomputes the
whole chain as plain SHA-256 records. The first signed record's sequence is kept outside the
database (this workstation's keyring entry and its anchor file), so ``audit verify`` fails.

Real SQLite file, real OS keyring (Secret Service under D-Bus), ``csu-wall audit verify`` run
as a process; the forger is plain ``sqlite3`` with no access to any keyring.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.storage import keystore, site_key
from csu_wall.storage.audit import DbAuditLog, canonical_bytes, chain_hash, entries
from csu_wall.storage.audit_anchor import ANCHORS_FILE, AnchorFile
from csu_wall.storage.audit_verify import verify_workstation
from csu_wall.storage.db import Database
from tests.keyring_env import cli, needs_secret_service, other_workstation

pytestmark = [needs_secret_service, pytest.mark.timeout(180)]
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(Path.cwd()))
    return subprocess.run(["timeout", "60", *cli(*args)], capture_output=True, text=True,
                          env=env, timeout=70, check=False)


@pytest.fixture
def site(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A data dir whose database has 3 records from before the site key, then the key (created
    by ``workstation enroll --new-site``, as IT does), then 6 signed records."""
    data = tmp_path / "ws1"
    db_file = data / "csu-wall.sqlite3"
    db = Database.open(db_file, create=True)
    _views(DbAuditLog(db), 3, "avant la clé")
    db.close()
    done = run("--data-dir", str(data), "workstation", "enroll", "--new-site")
    assert done.returncode == 0, done.stderr
    db = Database.open(db_file)
    _views(site_key.audit_log(db), 6, "signé")
    site_id = site_key.site_id_of(db)
    assert site_id is not None
    yield data, db_file, db, site_id
    db.close()
    keystore.delete_site_key(site_id)


def _views(log: DbAuditLog, n: int, detail: str) -> None:
    for i in range(n):
        log.append(AuditEntry(T0 + timedelta(minutes=i), "poste-1", "alice",
                              AuditAction.LIVE_VIEW, "tourcoing", f"cam-{i}", f"{detail} {i}"))


def _forge_unsigned(db_file: Path, *, change_id: int, drop_key: bool = False) -> None:
    """A forgery by someone with the database file: triggers dropped, one record changed,
    every hash recomputed as plain SHA-256 (all the forger can compute), optionally the key's
    traces removed."""
    conn = sqlite3.connect(db_file, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    conn.execute("UPDATE audit_log SET detail = 'rien vu' WHERE id = ?", (change_id,))
    if drop_key:
        conn.execute("DELETE FROM site_keys")
        conn.execute("DELETE FROM audit_log WHERE action = 'site_key'")
    conn.execute("UPDATE audit_log SET entry_hash = 'x' || id")  # entry_hash is unique
    conn.close()
    db = Database.open(db_file)
    try:
        recs = entries(db, limit=None)
    finally:
        db.close()
    conn = sqlite3.connect(db_file, isolation_level=None)
    prev = "0" * 64
    for new_id, rec in enumerate(recs, start=1):
        h = hashlib.sha256(canonical_bytes(rec.entry) + b"\n" + prev.encode()).hexdigest()
        assert h == chain_hash(rec.entry, prev, None)
        conn.execute("UPDATE audit_log SET id = ?, prev_hash = ?, entry_hash = ? WHERE id = ?",
                     (new_id, prev, h, rec.id))
        prev = h
    conn.close()


def test_untouched_log_is_proven_intact(site) -> None:  # type: ignore[no-untyped-def]
    data, _db_file, db, _site_id = site
    done = run("--data-dir", str(data), "audit", "verify")
    assert done.returncode == 0, done.stderr
    assert "10 enregistrements (7 signés, 3 non signés)" in done.stdout
    report = verify_workstation(db, data)
    assert report.ok and report.signed == 7 and report.anchors >= 1


def test_unsigned_rewrite_fails_verify(site) -> None:  # type: ignore[no-untyped-def]
    data, db_file, db, _site_id = site
    db.close()
    _forge_unsigned(db_file, change_id=7)
    done = run("--data-dir", str(data), "audit", "verify")
    assert done.returncode == 1
    # Record 4 is the site key's creation: from it on every record must be signed.
    assert "premier enregistrement altéré : n° 4" in done.stderr
    assert "réécrit sans la clé" in done.stderr


def test_unsigned_rewrite_fails_even_without_the_anchor_file(site) -> None:  # type: ignore[no-untyped-def]
    """The keyring entry alone holds the first signed sequence (a workstation that never kept
    an anchor, or whose anchor file was removed)."""
    data, db_file, db, _site_id = site
    db.close()
    (data / ANCHORS_FILE).unlink()
    _forge_unsigned(db_file, change_id=7)
    done = run("--data-dir", str(data), "audit", "verify")
    assert done.returncode == 1 and "n° 4" in done.stderr, done.stderr


def test_rewrite_that_also_removes_the_site_key_fails(site) -> None:  # type: ignore[no-untyped-def]
    data, db_file, db, site_id = site
    db.close()
    _forge_unsigned(db_file, change_id=7, drop_key=True)
    done = run("--data-dir", str(data), "audit", "verify")
    assert done.returncode == 1
    assert f"la base ne porte plus la clé de site {site_id}" in done.stderr
    assert "signés depuis le n° 4" in done.stderr


def test_rewrite_under_a_key_of_the_forger_fails(site) -> None:  # type: ignore[no-untyped-def]
    """The forger replaces the site key with one of their own and signs under it."""
    data, db_file, db, site_id = site
    db.close()
    conn = sqlite3.connect(db_file, isolation_level=None)
    conn.execute("UPDATE site_keys SET site_id = 'f0f0f0f0f0f0f0f0', key_id = 'feedfeedfeedfeed'")
    conn.close()
    done = run("--data-dir", str(data), "audit", "verify")
    assert done.returncode == 1
    assert f"la base ne porte plus la clé de site {site_id}" in done.stderr


def test_workstation_not_enrolled_writes_nothing_and_opens_nothing(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Another workstation (its own keyring, without the key) on the same database: no audit
    record, no sign-in (so no wall and no stream); it says so and names the command."""
    _data, db_file, db, _site_id = site
    before = len(entries(db, limit=None))
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from csu_wall.composition import AppLauncher, Paths\n"
        "from csu_wall.storage.db import Database\n"
        "from csu_wall.storage import site_key\n"
        "from csu_wall.storage.keystore import SecretStoreError\n"
        "url = 'sqlite:///' + sys.argv[1]\n"
        "db = Database.open(url)\n"
        "for attempt in (lambda: site_key.audit_log(db),\n"
        "                lambda: AppLauncher(Paths(Path(sys.argv[2]), url, False),\n"
        "                                    workstation='ws2').auth()):\n"
        "    try:\n"
        "        attempt()\n"
        "        print('ALLOWED')\n"
        "    except SecretStoreError as exc:\n"
        "        print('REFUSED', exc)\n"
    )
    done = other_workstation(tmp_path / "ws2-home",
                             [cli()[0], "-c", script, str(db_file), str(tmp_path / "ws2")])
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("REFUSED") for line in lines), done.stdout
    assert "pas enrôlé" in lines[0] and "workstation enroll" in lines[0]
    assert len(entries(db, limit=None)) == before


def test_first_signed_sequence_is_in_the_keyring_and_the_anchor_file(site) -> None:  # type: ignore[no-untyped-def]
    data, _db_file, db, site_id = site
    entry = keystore.get_site_entry(site_id)
    assert entry is not None and entry[1] == 4
    assert AnchorFile.in_dir(data).sites() == {site_id: 4}
    assert (data / ANCHORS_FILE).stat().st_mode & 0o777 == 0o600
    assert site_key.load_site_key(db).first_signed == 4  # type: ignore[union-attr]
