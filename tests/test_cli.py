"""The ``csu-wall`` command line: run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSU_WALL = str(Path(sys.executable).parent / "csu-wall")

VALID_SITE = """\
[site]
name = "Test"

[[commune]]
id = "roncq"
name = "Roncq"
insee = "59508"

[[recorder]]
id = "rcq-nvr1"
commune = "roncq"
driver = "rtsp"
host = "127.0.0.1"
rtsp_port = 8554

[[camera]]
id = "rcq-001"
name = "Mairie"
commune = "roncq"
recorder = "rcq-nvr1"
channel = 1
sub = { path = "/cam1", width = 640, height = 360, fps = 25 }
"""


def run(*args: str, env: dict[str, str] | None = None, lang: str = "C.UTF-8",
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.update({"LANG": lang, "LC_ALL": lang, "QT_QPA_PLATFORM": "offscreen"})
    full_env.pop("LANGUAGE", None)
    if env:
        full_env.update(env)
    return subprocess.run(
        ["timeout", str(timeout), CSU_WALL, *args],
        capture_output=True, text=True, env=full_env, cwd=ROOT,
    )


def test_version_prints_project_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("csu-wall 0.")


def test_help_follows_locale_french_and_english() -> None:
    fr = run("--help", lang="fr_FR.UTF-8")
    en = run("--help", lang="en_US.UTF-8")
    assert fr.returncode == en.returncode == 0
    assert "utilisation" in fr.stdout and "site de démonstration" in fr.stdout
    assert "usage:" in en.stdout and "demo site" in en.stdout


def test_site_check_valid_file_exits_0(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(VALID_SITE, encoding="utf-8")
    result = run("site", "check", str(site))
    assert result.returncode == 0, result.stdout + result.stderr


def test_site_check_broken_file_lists_every_problem_with_line(tmp_path: Path) -> None:
    broken = VALID_SITE.replace('driver = "rtsp"', 'driver = "nope"').replace(
        'recorder = "rcq-nvr1"', 'recorder = "unknown"'
    ).replace('rtsp_port = 8554', 'rtsp_port = 99999')
    site = tmp_path / "broken.toml"
    site.write_text(broken, encoding="utf-8")
    result = run("site", "check", str(site))
    assert result.returncode == 1
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith(str(site))]
    text = "\n".join(lines)
    assert f"{site}:12:" in text  # driver
    assert f"{site}:14:" in text  # rtsp_port
    assert f"{site}:20:" in text  # camera recorder
    assert len(lines) >= 3


def test_site_apply_writes_database_in_data_dir_option(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(VALID_SITE, encoding="utf-8")
    data = tmp_path / "data"
    result = run("--data-dir", str(data), "site", "apply", str(site), "--by", "admin-it")
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(p.suffix in (".db", ".sqlite", ".sqlite3") for p in data.rglob("*"))
    assert (data / "logs").is_dir() or any("log" in p.name for p in data.iterdir())


def test_site_apply_honours_env_data_dir_and_option_after_subcommand(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(VALID_SITE, encoding="utf-8")
    env_dir = tmp_path / "env-data"
    result = run("site", "apply", str(site), env={"CSU_WALL_DATA_DIR": str(env_dir)})
    assert result.returncode == 0, result.stderr
    assert env_dir.is_dir() and any(env_dir.iterdir())
    opt_dir = tmp_path / "opt-data"
    result = run("site", "apply", str(site), "--data-dir", str(opt_dir),
                 env={"CSU_WALL_DATA_DIR": str(env_dir)})
    assert result.returncode == 0, result.stderr
    assert any(opt_dir.iterdir())


def test_site_apply_refuses_broken_file_and_keeps_database(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(VALID_SITE, encoding="utf-8")
    data = tmp_path / "data"
    assert run("--data-dir", str(data), "site", "apply", str(site)).returncode == 0
    dbs = [p for p in data.rglob("*") if p.suffix in (".db", ".sqlite", ".sqlite3")]
    before = {p: p.stat().st_mtime_ns for p in dbs}
    bad = tmp_path / "bad.toml"
    bad.write_text(VALID_SITE + '\npassword = "x"\n', encoding="utf-8")
    result = run("--data-dir", str(data), "site", "apply", str(bad))
    assert result.returncode == 1
    assert "password" in result.stdout
    assert "x\"" not in result.stdout  # the secret itself is not echoed back
    assert {p: p.stat().st_mtime_ns for p in dbs} == before


def test_db_upgrade_creates_schema(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run("--data-dir", str(data), "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert any(p.suffix in (".db", ".sqlite", ".sqlite3") for p in data.rglob("*"))


def test_support_bundle_zips_logs_and_versions_redacted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    logs = data / "logs"
    logs.mkdir(parents=True)
    (logs / "csu-wall.log").write_text(
        "open rtsp://admin:Canari%2342@10.0.0.1/x failed\n", encoding="utf-8"
    )
    out = tmp_path / "bundle.zip"
    result = run("--data-dir", str(data), "--support-bundle", str(out))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert "versions.json" in names
        text = zf.read("logs/csu-wall.log").decode()
    assert "Canari" not in text and "admin:" not in text
    assert "10.0.0.1" in text
