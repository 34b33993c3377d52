"""``csu-wall export …`` as IT and operators run it (real subprocesses, real SQLite): extraction
habilitations apart from viewing ones, the register as CSV, ``export verify`` (exit 0, or 1 with
the first mismatch in French), and Paris times that the changes of summer time make ambiguous."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from csu_wall.cli.export import parse_paris
from csu_wall.core.errors import CsuWallError
from csu_wall.core.sitefile import load_demo_site
from csu_wall.storage import extraction_repo
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from csu_wall.storage.site_repo import apply_site
from tests.recorders.vendor_http import VendorConfig, VendorHttpServer
from tests.rtsp.fixture import RECORDED_SECONDS, RECORDED_START, RtspServer
from tests.rtsp.playback_env import at
from tests.services.export_env import make_export_env

CSU_WALL = str(Path(sys.executable).parent / "csu-wall")
PASSWORD = "Tres-Longue-Phrase-De-Passe-2026"


def run(data: Path, *args: str, stdin: str = "", database: str | None = None
        ) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LANG="fr_FR.UTF-8", CSU_WALL_DATA_DIR=str(data))
    db = ["--database", database] if database else []
    return subprocess.run(["timeout", "60", CSU_WALL, "--data-dir", str(data), *db, *args],
                          input=stdin, capture_output=True, text=True, env=env, timeout=90)


@pytest.mark.timeout(120)
def test_extraction_habilitation_is_granted_listed_and_revoked_apart_from_viewing(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(data, "user", "add", "agent1", "--name", "Agent Un",
               stdin=PASSWORD + "\n").returncode == 0
    site = load_demo_site()
    commune = site.communes[0].id
    with Database.open(data / "csu-wall.sqlite3") as db:
        apply_site(db, site, file_name="demo.toml", sha256="0" * 64, applied_by="test",
                   audit=DbAuditLog(db))
    granted = run(data, "export", "grant", "agent1", commune, "--basis",
                  "arrêté préfectoral n° 18", "--by", "préfet du Nord")
    assert granted.returncode == 0, granted.stderr
    assert "Habilitation d'extraction accordée" in granted.stdout
    listed = run(data, "export", "grants")
    assert "agent1" in listed.stdout and "valide" in listed.stdout
    # the viewing habilitations know nothing of it
    assert "Aucune habilitation" in run(data, "habilitation", "list").stdout
    unknown = run(data, "export", "grant", "agent1", "nulle-part", "--basis", "x", "--by", "y")
    assert unknown.returncode == 1 and "inconnue" in unknown.stderr
    revoked = run(data, "export", "revoke", "agent1", commune)
    assert revoked.returncode == 0 and "retirée" in revoked.stdout
    assert "retirée" in run(data, "export", "grants").stdout
    with Database.open(data / "csu-wall.sqlite3") as db:
        records = [r.entry for r in entries(db, limit=None)]
    grants = [e for e in records if e.extra.get("habilitation") == "extraction"]
    assert [e.action.value for e in grants] == ["habilitation_grant", "habilitation_revoke"]


@pytest.mark.rtsp
@pytest.mark.timeout(120)
def test_register_lists_the_export_and_verify_exits_0_then_1(
        tmp_path: Path, playback_server: RtspServer) -> None:
    env = make_export_env(tmp_path, playback_server)
    try:
        result = env.service.run(env.request(at(30), at(31), tmp_path / "out"))
    finally:
        env.db.close()
    data, url = tmp_path / "data", f"sqlite:///{tmp_path / 'csu.db'}"
    listed = run(data, "export", "list", database=url)
    assert listed.returncode == 0, listed.stderr
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(r["référence"], r["état"], r["procédure"]) for r in rows] == [
        (result.reference, "livrée", "PV 2026/001234")]
    assert rows[0]["SHA-256 du manifeste"] == result.manifest_sha256
    ok = run(data, "export", "verify", str(result.folder), "--fingerprint", result.fingerprint)
    assert ok.returncode == 0 and "intègre" in ok.stdout, ok.stderr
    copy = tmp_path / "copie"
    shutil.copytree(result.folder, copy)
    pv = copy / "proces-verbal.html"
    pv.write_text(pv.read_text("utf-8").replace("Martin", "Durand"), "utf-8")
    bad = run(data, "export", "verify", str(copy))
    assert bad.returncode == 1 and "Empreinte différente pour proces-verbal.html" in bad.stderr
    wrong_key = run(data, "export", "verify", str(result.folder), "--fingerprint", "ab" * 32)
    assert wrong_key.returncode == 1 and "n'est pas la clé attendue" in wrong_key.stderr

    # the chain of custody: no deletion before the hand-over, then only the register remains
    early = run(data, "export", "delete-local", result.reference, database=url)
    assert early.returncode == 1 and "pas encore été remise" in early.stderr
    handed = run(data, "export", "handover", result.reference, "--to", "Lt Martin",
                 "--service", "Commissariat de Roncq", "--medium", "clé USB n° 12",
                 database=url)
    assert handed.returncode == 0, handed.stderr
    again = run(data, "export", "handover", result.reference, "--to", "X", "--service", "Y",
                "--medium", "Z", database=url)
    assert again.returncode == 1 and "déjà été remise" in again.stderr
    deleted = run(data, "export", "delete-local", result.reference, database=url)
    assert deleted.returncode == 0, deleted.stderr
    assert not result.folder.exists() and not result.zip_path.exists()
    [row] = list(csv.DictReader(io.StringIO(run(data, "export", "list", database=url).stdout)))
    assert (row["remise à"], row["support"]) == ("Lt Martin", "clé USB n° 12")
    assert row["copie du poste effacée le (UTC)"] and row["état"] == "livrée"
    with Database.open(tmp_path / "csu.db") as db:
        rec = extraction_repo.get_extraction(db, result.reference)
        assert rec is not None and rec.manifest is not None
        assert hashlib.sha256(rec.manifest.encode()).hexdigest() == result.manifest_sha256
        details = [r.entry.detail for r in entries(db, limit=None)]
    assert any("remise à Lt Martin" in d for d in details)
    assert any("copie du poste effacée" in d for d in details)


def test_paris_times_across_the_changes_of_summer_time() -> None:
    utc = timezone.utc
    assert parse_paris("2026-10-25T01:30") == datetime(2026, 10, 24, 23, 30, tzinfo=utc)
    with pytest.raises(CsuWallError, match="existe deux fois"):
        parse_paris("2026-10-25T02:30")
    assert parse_paris("2026-10-25T02:30+01:00") == datetime(2026, 10, 25, 1, 30, tzinfo=utc)
    assert parse_paris("2026-10-25T02:30+02:00") == datetime(2026, 10, 25, 0, 30, tzinfo=utc)
    with pytest.raises(CsuWallError, match="n'existe pas"):
        parse_paris("2026-03-29T02:30")
    with pytest.raises(CsuWallError, match="invalide"):
        parse_paris("demain")


SITE_FILE = """[site]
name = "CSU de test"

[[commune]]
id = "roncq"
name = "Roncq"
insee = "59508"

[[recorder]]
id = "nvr"
commune = "roncq"
driver = "hikvision"
host = "127.0.0.1"
rtsp_port = {port}
http_port = {http}

[[camera]]
id = "cam-001"
name = "Mairie de Roncq"
commune = "roncq"
recorder = "nvr"
"""


@pytest.mark.rtsp
@pytest.mark.timeout(240)
@pytest.mark.skipif(shutil.which("dbus-run-session") is None
                    or shutil.which("gnome-keyring-daemon") is None,
                    reason="needs dbus-run-session and gnome-keyring (packaging/run-tests.sh)")
def test_export_run_end_to_end_on_an_enrolled_workstation(
        tmp_path: Path, playback_server: RtspServer) -> None:
    """The whole way as IT and an operator take it: a workstation enrolled (its own OS
    keyring), the site applied, an account with an extraction habilitation, ``export run``
    with the password on standard input, then ``export verify`` and ``export list``."""
    from tests.keyring_env import cli, other_workstation

    home, data = tmp_path / "home", tmp_path / "data"
    site_file = tmp_path / "site.toml"
    segments = [(101, RECORDED_START, RECORDED_START + timedelta(seconds=RECORDED_SECONDS))]
    device = VendorHttpServer(VendorConfig("hikvision", hik_segments=segments))
    site_file.write_text(SITE_FILE.format(port=playback_server.port, http=device.port),
                         "utf-8")

    def ws(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        done = other_workstation(home, cli("--data-dir", str(data), *args), stdin=stdin)
        return done

    try:
        assert ws("workstation", "enroll", "--new-site").returncode == 0
        applied = ws("site", "apply", str(site_file))
        assert applied.returncode == 0, applied.stderr
        stored = ws("credentials", "set", "nvr", "--user", device.config.user,
                    stdin=device.config.password + "\n")
        assert stored.returncode == 0, stored.stderr
        assert ws("user", "add", "agent1", "--name", "Agent Un", stdin=PASSWORD + "\n"
                  ).returncode == 0
        request = ["export", "run", "--operator", "agent1", "--camera", "cam-001",
                   "--start", "2026-10-25T02:59:40+02:00", "--end", "2026-10-25T02:59:42+02:00",
                   "--dest", str(tmp_path / "usb"), "--procedure", "PV 2026/42",
                   "--opj-name", "Martin", "--opj-rank", "Lieutenant", "--opj-service",
                   "Commissariat de Roncq", "--requisition-date", "2026-10-26",
                   "--legal-basis", "2"]
        refused = ws(*request, stdin=PASSWORD + "\n")
        assert refused.returncode == 1 and "habilitation d'extraction" in refused.stderr
        assert playback_server.playback_requests() == []  # refused before any connection
        assert device.requests == []  # nor any HTTP call (search, clock)
        assert ws("export", "grant", "agent1", "roncq", "--basis", "arrêté n° 18", "--by",
                  "préfet").returncode == 0
        wrong = ws(*request, stdin="pas-le-bon\n")
        assert wrong.returncode == 1 and "mot de passe incorrect" in wrong.stderr
        scan = tmp_path / "requisition.pdf"
        scan.write_bytes(b"%PDF-1.4\n% requisition scannee\n%%EOF\n")
        done = ws(*request, "--scan", str(scan), "--caption", stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
        assert "total 100%" in done.stderr
        fingerprint = done.stdout.split("(SHA-256) : ")[1].split()[0]
        [folder] = [p for p in (tmp_path / "usb").iterdir() if p.is_dir()]
        assert (folder / "requisition-scannee.pdf").read_bytes() == scan.read_bytes()
        verified = run(data, "export", "verify", str(folder), "--fingerprint", fingerprint)
        assert verified.returncode == 0, verified.stderr
        listed = ws("export", "list")
        rows = list(csv.DictReader(io.StringIO(listed.stdout)))
        assert [(r["état"], r["clé de signature"]) for r in rows] == [("livrée", fingerprint)]
        assert "Code de procédure pénale, art. 77-1-1" in rows[0]["base légale"]
        assert any(authorised for _path, authorised in device.requests)  # credentials decrypted
    finally:
        device.close()
