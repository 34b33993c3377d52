"""Anchors kept outside the database reveal a cut tail and an older copy put back (DESIGN §7,
"Threat model"). Each workstation keeps the heads it saw in its data directory (0600): after
its own appends, each ``audit export`` and each handover report; the statement and the report
carry the head as a line ``audit verify --anchor`` reads back.

Real SQLite files, real OS keyring (Secret Service under D-Bus), the CLI run as processes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.services.handover_report import to_html
from csu_wall.services.shifts import ShiftService
from csu_wall.storage import keystore, site_key
from csu_wall.storage.audit_anchor import ANCHORS_FILE, AnchorFile, parse_anchors
from csu_wall.storage.audit_spool import SPOOL_FILE, SpoolingAuditLog
from csu_wall.storage.db import Database
from csu_wall.storage.site_repo import apply_site
from tests.keyring_env import cli, needs_secret_service, other_workstation
from tests.storage.sites import make_site

pytestmark = [needs_secret_service, pytest.mark.timeout(180)]
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(Path.cwd()))
    return subprocess.run(["timeout", "60", *cli(*args)], capture_output=True, text=True,
                          env=env, timeout=70, check=False)


@pytest.fixture
def ws1(tmp_path: Path):  # type: ignore[no-untyped-def]
    data = tmp_path / "ws1"
    db = Database.open(data / "csu-wall.sqlite3", create=True)
    apply_site(db, make_site(), file_name="site.toml", sha256="0" * 64, applied_by="it")
    db.close()
    done = run("--data-dir", str(data), "workstation", "enroll", "--new-site")
    assert done.returncode == 0, done.stderr
    db = Database.open(data / "csu-wall.sqlite3")
    site_id = site_key.site_id_of(db)
    assert site_id is not None
    yield data, db
    db.close()
    keystore.delete_site_key(site_id)


def _wall_log(data: Path, db: Database) -> SpoolingAuditLog:
    """The audit sink a wall session uses (composition.AppLauncher)."""
    key = site_key.load_site_key(db)
    assert key is not None
    return SpoolingAuditLog(site_key.audit_log(db), data / SPOOL_FILE, key=key.audit_key(),
                            workstation="poste-1")


def _views(log: SpoolingAuditLog, n: int, minute: int = 0) -> None:
    for i in range(n):
        log.append(AuditEntry(T0 + timedelta(minutes=minute + i), "poste-1", "alice",
                              AuditAction.LIVE_VIEW, "tourcoing", "tcg-nvr1-001", f"vue {i}"))


def _cut_tail(db_file: Path, keep: int) -> None:
    conn = sqlite3.connect(db_file, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id > ?", (keep,))
    conn.execute("DELETE FROM audit_anchors")  # the forger removes the in-database anchors
    conn.close()


def test_own_appends_are_anchored_and_a_cut_tail_fails_verify(ws1) -> None:  # type: ignore[no-untyped-def]
    data, db = ws1
    _views(_wall_log(data, db), 5)  # the first append of a session is anchored at once
    head = max(a.seq for a in AnchorFile.in_dir(data).anchors())
    assert (data / ANCHORS_FILE).stat().st_mode & 0o777 == 0o600
    ok = run("--data-dir", str(data), "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    db.close()
    _cut_tail(data / "csu-wall.sqlite3", head - 1)
    bad = run("--data-dir", str(data), "audit", "verify")
    assert bad.returncode == 1
    assert f"premier enregistrement altéré : n° {head}" in bad.stderr
    assert f"l'ancre n° {head} n'y est plus" in bad.stderr


def test_older_copy_put_back_fails_verify(ws1, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Rollback: the database file is replaced by a copy from before the last statement."""
    data, db = ws1
    log = _wall_log(data, db)
    _views(log, 3)
    db.close()
    old_copy = tmp_path / "copie.sqlite3"
    shutil.copyfile(data / "csu-wall.sqlite3", old_copy)
    db = Database.open(data / "csu-wall.sqlite3")
    _views(_wall_log(data, db), 3, minute=10)
    db.close()
    statement = tmp_path / "releve.csv"
    done = run("--data-dir", str(data), "audit", "export", "--commune", "Tourcoing",
               "--from", "2026-03-01", "--to", "2026-03-01", "--output", str(statement))
    assert done.returncode == 0, done.stderr
    [anchor] = parse_anchors(statement.read_text(encoding="utf-8"))
    assert anchor.sig  # signed with the site key
    shutil.copyfile(old_copy, data / "csu-wall.sqlite3")
    bad = run("--data-dir", str(data), "audit", "verify")
    assert bad.returncode == 1
    # The first head this workstation saw beyond the copy is named (its own later appends).
    assert "copie plus ancienne" in bad.stderr and "n'y est plus" in bad.stderr

    # A workstation that kept no anchor of its own checks the statement's.
    db_url = "sqlite:///" + str(data / "csu-wall.sqlite3")
    fresh = tmp_path / "ws-fresh"
    alone = run("--data-dir", str(fresh), "--database", db_url, "audit", "verify")
    assert alone.returncode == 0 and "aucune ancre conservée hors de la base" in alone.stdout
    given = run("--data-dir", str(fresh), "--database", db_url, "audit", "verify", "--anchor",
                str(statement))
    assert given.returncode == 1 and f"l'ancre n° {anchor.seq}" in given.stderr


def test_handover_report_carries_a_signed_anchor_kept_locally(ws1) -> None:  # type: ignore[no-untyped-def]
    data, db = ws1
    log = _wall_log(data, db)
    shifts = ShiftService(db, log, workstation="poste-1")
    shifts.open("alice", ["mur-1"])
    report = shifts.prepare_handover("RAS")
    [anchor] = parse_anchors(report.audit_anchor)
    assert anchor.sig and anchor.hash == report.audit_head and anchor.first_signed > 0
    assert anchor in AnchorFile.in_dir(data).anchors()
    html = to_html(report, make_site())
    assert anchor.line() in html and "Signature (clé de site)" in html
    closed = shifts.close_with_handover(report)
    assert parse_anchors(shifts.report(closed.id).audit_anchor)[0].seq == anchor.seq  # type: ignore[arg-type]


def test_verify_without_the_key_says_what_it_cannot_prove(ws1, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, db = ws1
    _views(_wall_log(data, db), 2)
    db_url = "sqlite:///" + str(data / "csu-wall.sqlite3")
    done = other_workstation(tmp_path / "ws2-home",
                             cli("--data-dir", str(tmp_path / "ws2"), "--database", db_url,
                                 "audit", "verify"))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("aucune altération décelée, mais tout n'est pas prouvé")
    assert "signés non vérifiables ici" in out and "ne détient pas la clé de site" in out
    assert "premier enregistrement signé connu par la base seulement" in out
