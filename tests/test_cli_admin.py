"""`csu-wall user …` and `csu-wall habilitation …` as IT runs them (issue points 1 and 2):
real subprocesses, the password on standard input, never in the database in clear, in a log
file or in the process arguments."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from csu_wall.core.sitefile import load_demo_site
from csu_wall.storage.audit import entries
from csu_wall.storage.db import Database
from csu_wall.storage.site_repo import apply_site

CSU_WALL = str(Path(sys.executable).parent / "csu-wall")
PASSWORD = "Tres-Longue-Phrase-De-Passe-2026"


def run(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LANG="fr_FR.UTF-8", CSU_WALL_DATA_DIR=str(data))
    return subprocess.run(["timeout", "60", CSU_WALL, "--data-dir", str(data), *args],
                          input=stdin, capture_output=True, text=True, env=env, timeout=90)


def test_user_add_reads_the_password_from_stdin_and_never_stores_it_in_clear(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    added = run(data, "user", "add", "admin", "--role", "administrateur", "--name",
                "Anne Admin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "Compte « admin » créé" in added.stdout
    listed = run(data, "user", "list")
    assert listed.returncode == 0
    assert re.search(r"admin\s+administrateur\s+actif\s+Anne Admin", listed.stdout)
    for file in data.rglob("*"):
        if file.is_file():
            assert PASSWORD.encode() not in file.read_bytes(), file
    with Database.open(data / "csu-wall.sqlite3") as db:
        [record] = entries(db, limit=None)
    assert record.entry.action.value == "user_change"
    assert record.entry.operator_id.startswith("cli:")


def test_user_add_refuses_a_short_password_and_duplicates(tmp_path: Path) -> None:
    data = tmp_path / "data"
    short = run(data, "user", "add", "dupont", "--name", "J. Dupont", stdin="court\n")
    assert short.returncode == 1 and "trop court" in short.stderr
    assert run(data, "user", "add", "dupont", "--name", "J. D", stdin=PASSWORD).returncode == 0
    again = run(data, "user", "add", "dupont", "--name", "J. D", stdin=PASSWORD)
    assert again.returncode == 1 and "existe déjà" in again.stderr
    assert "aucun compte administrateur actif" in run(
        data, "user", "disable", "dupont").stderr
    assert "désactivé" in run(data, "user", "list").stdout
    assert run(data, "user", "passwd", "dupont", stdin="autre-phrase-longue\n").returncode == 0


def test_habilitation_grant_list_revoke(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(data, "user", "add", "dupont", "--name", "J. D", stdin=PASSWORD).returncode == 0
    site = load_demo_site()
    commune = site.communes[0].id
    with Database.open(data / "csu-wall.sqlite3") as db:
        apply_site(db, site, file_name="demo", sha256="0" * 64, applied_by="test")
    granted = run(data, "habilitation", "grant", "dupont", commune, "--basis",
                  "arrêté préfectoral n° 42", "--by", "Préfet du Nord", "--until", "2099-12-31")
    assert granted.returncode == 0, granted.stderr
    listed = run(data, "habilitation", "list", "dupont")
    assert commune in listed.stdout and "valide" in listed.stdout
    assert "01/01/2100 00:00" in listed.stdout  # the end day is included
    revoked = run(data, "habilitation", "revoke", "dupont", commune)
    assert revoked.returncode == 0 and "retirée" in revoked.stdout
    assert "retirée le" in run(data, "habilitation", "list").stdout
    unknown = run(data, "habilitation", "grant", "dupont", "nowhere", "--basis", "a", "--by", "b")
    assert unknown.returncode == 1 and "inconnue" in unknown.stderr
