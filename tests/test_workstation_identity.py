"""A workstation has an identity: a name given at enrolment (``workstation enroll --name``),
unique in the site, kept in its settings, shown in the status bar
(tests/gui/test_workstation_name.py), and recorded by the audit log, shifts and wall state
instead of the bare host name (two PCs with one host name, or two instances on one PC, are
told apart). Real SQLite and the CLI entry point; the enrolment itself through a real OS
keyring when one runs (else that test skips)."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from csu_wall import app
from csu_wall.storage import workstations
from csu_wall.storage.audit import entries
from csu_wall.storage.db import Database
from csu_wall.storage.paths import settings_path
from csu_wall.storage.settings import Settings, load_settings, save_settings, workstation_of
from tests.keyring_env import needs_secret_service

SITE = ('[site]\nname = "CSU"\n[[commune]]\nid = "halluin"\nname = "Halluin"\n'
        'insee = "59279"\n')


def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: Path,
        *argv: str, stdin: str = "", database: Path | None = None) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    extra = ["--database", str(database)] if database else []
    code = app.main(["--data-dir", str(data), *extra, *argv])
    out, err = capsys.readouterr()
    return code, out + err


def test_a_name_belongs_to_one_workstation(tmp_path: Path) -> None:
    with Database.open(tmp_path / "csu.sqlite3", create=True) as db:
        mine, theirs = workstations.new_token(), workstations.new_token()
        workstations.register(db, "pupitre-1", mine, hostname="pc-a")
        workstations.register(db, "pupitre-1", mine, hostname="pc-a")  # again: same one
        with pytest.raises(workstations.WorkstationError, match="déjà pris"):
            workstations.register(db, "pupitre-1", theirs, hostname="pc-a")
        workstations.register(db, "pupitre-2", theirs, hostname="pc-a")  # same host, 2 names
        assert [(r.name, r.hostname) for r in workstations.registered(db)] == [
            ("pupitre-1", "pc-a"), ("pupitre-2", "pc-a")]
    with pytest.raises(workstations.WorkstationError, match="invalide"):
        workstations.check_name("pupitre 1 !")


def test_enroll_refuses_a_bad_or_taken_name_before_anything_changes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    code, text = cli(capsys, monkeypatch, data, "workstation", "enroll", "--new-site",
                     "--name", "poste n°1")
    assert code == 1 and "Nom de poste « poste n°1 » invalide" in text
    with Database.open(data / "csu-wall.sqlite3") as db:
        workstations.register(db, "pupitre-1", workstations.new_token(), hostname="pc-b")
    code, text = cli(capsys, monkeypatch, data, "workstation", "enroll", "--new-site",
                     "--name", "pupitre-1")
    assert code == 1 and "déjà pris par un autre poste" in text and "pc-b" in text
    assert not settings_path(data).exists()  # this workstation's settings untouched
    with Database.open(data / "csu-wall.sqlite3") as db, db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM site_keys").scalar() == 0


def test_the_audit_records_the_workstation_name_not_the_host_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workstations on one host (two data folders, one database): two names in the log."""
    database = tmp_path / "partagee.sqlite3"
    site = tmp_path / "site.toml"
    site.write_text(SITE, encoding="utf-8")
    desks = {"pupitre-1": tmp_path / "ws1", "pupitre-2": tmp_path / "ws2"}
    for name, data in desks.items():
        data.mkdir(mode=0o700)
        save_settings(settings_path(data), Settings().with_(workstation_name=name))
        assert workstation_of(data) == name
    assert cli(capsys, monkeypatch, desks["pupitre-1"], "site", "apply", str(site),
               database=database)[0] == 0
    for name, data in desks.items():
        login = f"agent-{name[-1]}"
        assert cli(capsys, monkeypatch, data, "user", "add", login, "--name", "A. Gent",
                   stdin="Une-Phrase-De-Passe-Longue-2026\n", database=database)[0] == 0
        assert cli(capsys, monkeypatch, data, "habilitation", "grant", login, "halluin",
                   "--basis", "arrêté", "--by", "préfet", database=database)[0] == 0
    with Database.open(database) as db:
        recorded = {r.entry.workstation for r in entries(db, limit=None)}
    assert recorded == {"pupitre-1", "pupitre-2"}
    assert socket.gethostname() not in recorded


@needs_secret_service
def test_enroll_with_a_name_through_the_keyring(tmp_path: Path) -> None:
    """The real command: the name is kept in the settings and registered in the database; a
    second workstation (its own data folder) cannot take it."""
    database = tmp_path / "partagee.sqlite3"
    env = dict(os.environ, LANG="fr_FR.UTF-8")
    base = [sys.executable, "-m", "csu_wall.app", "--database", str(database)]
    first = subprocess.run([*base, "--data-dir", str(tmp_path / "ws1"), "workstation", "enroll",
                            "--new-site", "--name", "pupitre-1"], capture_output=True,
                           text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "Nom du poste : pupitre-1" in first.stdout
    assert load_settings(settings_path(tmp_path / "ws1")).workstation_name == "pupitre-1"
    second = subprocess.run([*base, "--data-dir", str(tmp_path / "ws2"), "workstation",
                             "enroll", "--name", "pupitre-1"], input="X" * 25 + "\n",
                            capture_output=True, text=True, env=env, timeout=120)
    assert second.returncode == 1 and "déjà pris" in second.stderr
