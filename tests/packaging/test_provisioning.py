"""The machine-wide site file (csu_wall.services.provisioning): real files, real SQLite."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from csu_wall.services import provisioning as prov
from csu_wall.services.provisioning import Status
from csu_wall.storage.db import Database
from csu_wall.storage.paths import settings_path
from csu_wall.storage.site_repo import apply_site, last_application, load_site

SITE = """\
[site]
name = "{name}"

[[commune]]
id = "roncq"
name = "Roncq"
insee = "59508"

[[recorder]]
id = "rcq-nvr1"
commune = "roncq"
driver = "rtsp"
host = "127.0.0.1"
username = "viewer"
{extra}
[[camera]]
id = "rcq-001"
name = "Mairie"
commune = "roncq"
recorder = "rcq-nvr1"
"""
SECRET = "Sup3r-S3cret-Vu"


def _write(path: Path, name: str, *, extra: str = "", mtime_shift: float = 0.0) -> Path:
    path.write_text(SITE.format(name=name, extra=extra), encoding="utf-8")
    if mtime_shift:
        st = path.stat()
        os.utime(path, (st.st_atime + mtime_shift, st.st_mtime + mtime_shift))
    return path


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    return "sqlite:///" + str(tmp_path / "wall.sqlite3")


def _site_name(url: str) -> str | None:
    db = Database.open(url, create=True)
    try:
        site = load_site(db)
        return site.name if site else None
    finally:
        db.close()


def test_first_start_applies_the_machine_site_file_then_reads_user_settings(
        tmp_path: Path, db_url: str) -> None:
    site = _write(tmp_path / "site.toml", "CSU v1")
    data = tmp_path / "data"
    data.mkdir()
    user = {"version": 1, "default_grid": 3, "language": "fr", "idle_lock_seconds": None}
    settings_path(data).write_text(json.dumps(user), encoding="utf-8")
    before = settings_path(data).read_bytes()

    start = prov.at_start(db_url, data, applied_by="poste-01", site_file=site)

    assert start.provisioned.status is Status.APPLIED
    assert _site_name(db_url) == "CSU v1"
    # The user's own settings win over nothing the machine file could say, and stay untouched.
    assert start.settings.default_grid == 3 and start.settings.idle_lock_seconds is None
    assert settings_path(data).read_bytes() == before


def test_same_file_is_not_reapplied_and_a_newer_one_is(tmp_path: Path, db_url: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    site = _write(tmp_path / "site.toml", "CSU v1")
    assert prov.at_start(db_url, data, applied_by="a", site_file=site).provisioned.status \
        is Status.APPLIED
    again = prov.at_start(db_url, data, applied_by="a", site_file=site).provisioned
    assert again.status is Status.UNCHANGED
    # IT staff drop a new version of the file (written after the last application).
    _write(site, "CSU v2", mtime_shift=5)
    newer = prov.at_start(db_url, data, applied_by="a", site_file=site).provisioned
    assert newer.status is Status.APPLIED
    assert _site_name(db_url) == "CSU v2"
    db = Database.open(db_url)
    try:
        last = last_application(db)
    finally:
        db.close()
    assert last is not None and last.sha256 == newer.sha256 and last.applied_by == "a"


def test_a_site_applied_later_in_the_database_is_not_overwritten(tmp_path: Path,
                                                                  db_url: str) -> None:
    """Another workstation ran `csu-wall site apply` after this machine's file was written."""
    old_file = _write(tmp_path / "site.toml", "CSU machine", mtime_shift=-3600)
    newer = _write(tmp_path / "newer.toml", "CSU base")
    db = Database.open(db_url, create=True)
    try:
        from csu_wall.core.sitefile import load_site as parse

        apply_site(db, parse(newer)[0], file_name="newer.toml", sha256="x" * 64, applied_by="it")
        result = prov.provision(db, old_file, applied_by="poste-02")
    finally:
        db.close()
    assert result.status is Status.OLDER
    assert _site_name(db_url) == "CSU base"


def test_a_file_with_a_password_is_refused_and_the_password_never_logged(
        tmp_path: Path, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    site = _write(tmp_path / "site.toml", "CSU v1", extra=f'password = "{SECRET}"\n')
    caplog.set_level(logging.DEBUG)
    result = prov.at_start(db_url, tmp_path, applied_by="a", site_file=site).provisioned
    assert result.status is Status.INVALID
    assert any("password" in p and "interdit" in p for p in result.problems)
    assert _site_name(db_url) is None  # nothing written
    assert SECRET not in caplog.text and SECRET not in repr(result)
    for log_file in tmp_path.rglob("*.log"):
        assert SECRET not in log_file.read_text(encoding="utf-8", errors="replace")


def test_the_packaged_template_and_a_missing_file_provision_nothing(tmp_path: Path,
                                                                    db_url: str) -> None:
    template = Path(__file__).resolve().parents[2] / "packaging" / "deb" / "site.toml"
    assert prov.at_start(db_url, tmp_path, applied_by="a", site_file=template
                         ).provisioned.status is Status.EMPTY
    assert prov.at_start(db_url, tmp_path, applied_by="a", site_file=tmp_path / "none.toml"
                         ).provisioned.status is Status.ABSENT
    assert _site_name(db_url) is None


def test_where_the_machine_site_file_is(tmp_path: Path) -> None:
    location = tmp_path / "site-location"
    linux = prov.machine_site_file(platform="linux", environ={}, location_file=location)
    assert linux == Path("/etc/csu-wall/site.toml")
    location.write_text("/srv/csu/site.toml\n", encoding="utf-8")  # debconf's answer
    assert prov.machine_site_file(platform="linux", environ={}, location_file=location) \
        == Path("/srv/csu/site.toml")
    assert prov.machine_site_file(platform="linux", environ={"CSU_WALL_SITE_FILE": "/x.toml"},
                                  location_file=location) == Path("/x.toml")
    # Windows: the MSI's SITE_FILE recorded in HKLM\Software\csu-wall\SiteFile, else ProgramData.
    env = {"ProgramData": r"C:\ProgramData"}
    assert prov.machine_site_file(platform="win32", environ=env, registry=lambda: None) \
        == Path(r"C:\ProgramData") / "csu-wall" / "site.toml"
    assert prov.machine_site_file(platform="win32", environ=env,
                                  registry=lambda: r'"\\srv\csu\site.toml"') \
        == Path(r"\\srv\csu\site.toml")


@pytest.mark.slow
def test_starting_the_wall_imports_the_machine_site_file(tmp_path: Path) -> None:
    """The hook in csu_wall.app: a real start (offscreen, no sign-in) applies the file."""
    import subprocess
    import sys

    site = _write(tmp_path / "site.toml", "CSU machine")
    data = tmp_path / "data"
    env = {**os.environ, "CSU_WALL_SITE_FILE": str(site), "QT_QPA_PLATFORM": "offscreen",
           "HOME": str(tmp_path)}
    proc = subprocess.run(
        ["timeout", "--kill-after=5", "60", sys.executable, "-m", "csu_wall.app",
         "--data-dir", str(data), "--screenshot", str(tmp_path / "s.png"), "--quit-after", "1"],
        capture_output=True, text=True, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _site_name("sqlite:///" + str(data / "csu-wall.sqlite3")) == "CSU machine"
