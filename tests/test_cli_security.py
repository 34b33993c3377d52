"""``csu-wall workstation|credentials|commune|audit`` as real processes, with real keyrings.

A credential entered on one workstation is readable on a second one (its own data dir and its
own OS keyring under a nested D-Bus session, same database) once that one is enrolled with the
code; detaching the commune removes it for both.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from csu_wall.storage.site_repo import apply_site, load_site
from tests.keyring_env import cli, needs_secret_service, other_workstation
from tests.storage.sites import make_site

PASSWORD = "Canari#42:@/x"
READ_BACK = (
    "import sys\n"
    "from csu_wall.storage.db import Database\n"
    "from csu_wall.storage import site_key, credentials\n"
    "db = Database.open(sys.argv[1])\n"
    "c = credentials.get_credential(db, site_key.load_site_key(db), 'tcg-nvr1')\n"
    "print('none' if c is None else ('same' if c.password == sys.argv[2] else 'other'))\n"
)


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(Path.cwd()))
    return subprocess.run(["timeout", "60", *cli(*args)], input=stdin, capture_output=True,
                          text=True, env=env, timeout=70, check=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "ws1"
    db = Database.open(data / "csu-wall.sqlite3", create=True)
    apply_site(db, make_site(), file_name="site.toml", sha256="0" * 64, applied_by="test")
    db.close()
    return data


def test_enrol_refused_without_secure_keyring(data_dir: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(Path.cwd()),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    done = subprocess.run(["timeout", "60", *cli("--data-dir", str(data_dir), "workstation",
                                                 "enroll", "--new-site")],
                          capture_output=True, text=True, env=env, timeout=70, check=False)
    assert done.returncode == 1
    assert "Aucun trousseau sécurisé" in done.stderr and "Code" not in done.stdout


def test_password_is_never_an_argument(data_dir: Path) -> None:
    done = run("--data-dir", str(data_dir), "credentials", "set", "tcg-nvr1", PASSWORD)
    assert done.returncode == 2  # argparse: unrecognized argument


@needs_secret_service
def test_credential_plays_on_a_second_workstation_until_detached(data_dir: Path,
                                                                 tmp_path: Path) -> None:
    db_url = "sqlite:///" + str(data_dir / "csu-wall.sqlite3")
    first = run("--data-dir", str(data_dir), "workstation", "enroll", "--new-site")
    assert first.returncode == 0, first.stderr
    code = re.search(r"Code d'enrôlement des autres postes : (\S+)", first.stdout)
    assert code is not None
    done = run("--data-dir", str(data_dir), "credentials", "set", "tcg-nvr1", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr

    home2 = tmp_path / "ws2-home"
    ws2 = ["--data-dir", str(tmp_path / "ws2"), "--database", db_url]
    read_back = ["python3", "-c", READ_BACK, db_url, PASSWORD]
    read_back[0] = cli()[0]
    not_yet = other_workstation(home2, read_back)
    assert not_yet.returncode != 0 and "pas enrôlé" in not_yet.stderr
    # a second workstation on this same host: its own name (the host name is the first's)
    wrong = other_workstation(home2, cli(*ws2, "workstation", "enroll", "--name", "poste-2"),
                              stdin="ABCDE\n")
    assert wrong.returncode == 1 and "incorrect" in wrong.stderr
    enrolled = other_workstation(home2, cli(*ws2, "workstation", "enroll", "--name", "poste-2"),
                                 stdin=code.group(1) + "\n")
    assert enrolled.returncode == 0, enrolled.stderr
    assert other_workstation(home2, read_back).stdout.strip() == "same"

    detach = run("--data-dir", str(data_dir), "commune", "detach", "Tourcoing")
    assert detach.returncode == 0, detach.stderr
    assert "1 identifiant" in detach.stdout
    assert other_workstation(home2, read_back).stdout.strip() == "none"
    refused = run("--data-dir", str(data_dir), "credentials", "set", "tcg-nvr1", stdin="x\n")
    assert refused.returncode == 1 and "est détachée" in refused.stderr  # detached: no new one

    db = Database.open(data_dir / "csu-wall.sqlite3")
    try:
        site = load_site(db)
        assert site is not None and not site.commune("tourcoing").attached
        # A re-application of the site file does not undo the detach.
        apply_site(db, make_site(), file_name="site.toml", sha256="1" * 64, applied_by="t")
        assert not load_site(db).commune("tourcoing").attached  # type: ignore[union-attr]
    finally:
        db.close()
    assert run("--data-dir", str(data_dir), "commune", "attach", "tourcoing").returncode == 0
    db = Database.open(data_dir / "csu-wall.sqlite3")
    try:
        assert load_site(db).commune("tourcoing").attached  # type: ignore[union-attr]
    finally:
        db.close()

    verify = run("--data-dir", str(data_dir), "audit", "verify")
    assert verify.returncode == 0, verify.stderr
    # The site application (before the key), then the key's creation, one credential change
    # (the second, on the detached commune, was refused), the detach, the second application
    # and the attach: signed from the key on.
    assert "6 enregistrements (5 signés, 1 non signés)" in verify.stdout


def test_audit_verify_reports_the_first_tampered_record(data_dir: Path) -> None:
    import sqlite3

    db = Database.open(data_dir / "csu-wall.sqlite3")
    log = DbAuditLog(db)
    for i in range(4):
        log.append(AuditEntry(datetime(2026, 3, 2, 9, i, tzinfo=UTC), "p", "alice",
                              AuditAction.LIVE_VIEW, "tourcoing", "tcg-nvr1-001", f"d{i}"))
    db.close()
    assert run("--data-dir", str(data_dir), "audit", "anchor").returncode == 0
    ok = run("--data-dir", str(data_dir), "audit", "verify")
    assert ok.returncode == 0 and "5 enregistrements" in ok.stdout  # with the site_apply
    conn = sqlite3.connect(data_dir / "csu-wall.sqlite3", isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET detail = 'e2' WHERE id = 4")
    conn.close()
    bad = run("--data-dir", str(data_dir), "audit", "verify")
    assert bad.returncode == 1
    assert "premier enregistrement altéré : n° 4 (contenu modifié)" in bad.stderr


def test_audit_export_for_the_mayor(data_dir: Path, tmp_path: Path) -> None:
    db = Database.open(data_dir / "csu-wall.sqlite3")
    log = DbAuditLog(db)
    t = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Paris

    def add(action: AuditAction, minute: int, camera: str = "tcg-nvr1-001",
            commune: str = "tourcoing") -> None:
        log.append(AuditEntry(t.replace(minute=minute), "poste-1", "alice", action, commune,
                              camera))

    add(AuditAction.LIVE_VIEW, 0)
    add(AuditAction.LIVE_VIEW, 5)  # a main/sub switch of the same view
    add(AuditAction.LIVE_VIEW_END, 12)
    add(AuditAction.LIVE_VIEW, 20, camera="rcq-nvr1-001", commune="roncq")
    add(AuditAction.LIVE_VIEW, 30, camera="tcg-nvr1-002")
    db.close()
    out = tmp_path / "releve.csv"
    done = run("--data-dir", str(data_dir), "audit", "export", "--commune", "Tourcoing",
               "--from", "2026-03-01", "--to", "2026-03-02", "--output", str(out))
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Rubrique;Début;Fin;Durée;Opérateur;Identifiant;Poste;Caméra;Action;Détail"
    access = [ln for ln in lines if ln.startswith("Accès;")]
    assert len(access) == 2  # roncq is not in Tourcoing's statement
    assert "02/03/2026 09:00:00;02/03/2026 09:12:00;0 h 12 min 00 s" in access[0]
    assert "fin non enregistrée" in access[1]
    assert lines[-1].startswith("Ancre du journal d'audit;csu-wall-ancre v1 ")
    html = run("--data-dir", str(data_dir), "audit", "export", "--commune", "59599",
               "--from", "2026-03-02", "--to", "2026-03-02", "--format", "html")
    assert html.returncode == 0 and "commune de Tourcoing" in html.stdout
