"""Bad input ends in one French line and exit 1 (2 for usage), never in a traceback: dates,
database URLs, schema versions, site files too big or too deep, non-UTF-8 input. In-process
through ``csu_wall.app.main`` (the real parser and commands, a real SQLite file), and a few as
real subprocesses."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from alembic import command

from csu_wall import app
from csu_wall.core._toml_positions import toml_positions
from csu_wall.storage import db as dbmod

CSU_WALL = str(Path(sys.executable).parent / "csu-wall")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = app.main(list(argv))
    except SystemExit as exc:  # argparse: usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_french_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("option, value, expected", [
    ("--until", "9999-12-31", "hors limites"),
    ("--from", "0001-01-01", "hors limites"),
    ("--until", "2026-02-30", "invalide"),
    ("--from", "demain", "invalide"),
    ("--until", "9999-12-31T23:59", "hors limites"),
])
def test_habilitation_dates_out_of_range_or_invalid(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str,
        expected: str) -> None:
    code, _out, err = run(capsys, "--data-dir", str(tmp_path / "d"), "habilitation", "grant",
                          "agent", "halluin", "--basis", "arrêté", "--by", "préfet",
                          option, value)
    assert code == 1
    assert expected in one_french_line(err)


@pytest.mark.parametrize("url, expected", [
    ("notaurl://", "non pris en charge"),
    ("postgresql://u@127.0.0.1:notaport/x", "invalide"),
    (":::", "invalide"),
    ("postgresql://u:motdepasse@[::1/x", "invalide"),
])
def test_bad_database_urls(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch, url: str, expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(capsys, "--data-dir", str(tmp_path / "d"), "--database", url,
                          "user", "list")
    assert code == 1
    line = one_french_line(err)
    assert expected in line and "motdepasse" not in line
    assert not (tmp_path / ":::").exists()  # no SQLite file named after the typo


def _set_revision(path: Path, revision: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.commit()
    conn.close()


def test_db_upgrade_on_a_newer_schema_says_so(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d"
    assert run(capsys, "--data-dir", str(data), "db", "upgrade")[0] == 0
    _set_revision(data / "csu-wall.sqlite3", "9999_a_venir")
    code, _out, err = run(capsys, "--data-dir", str(data), "db", "upgrade")
    assert code == 1
    assert "plus récent" in one_french_line(err)


def test_db_backup_copies_an_older_schema(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The upgrade message says to back up first: the backup must accept the older schema."""
    data = tmp_path / "d"
    data.mkdir(mode=0o700)
    db_file = data / "csu-wall.sqlite3"
    engine = dbmod.make_engine(dbmod.to_url(db_file))
    cfg = dbmod._alembic_config()
    with engine.connect() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0005")
        connection.commit()
    engine.dispose()
    dest = tmp_path / "sauvegarde.sqlite3"
    code, out, err = run(capsys, "--data-dir", str(data), "db", "backup", str(dest))
    assert code == 0, err
    assert "sauvegarde" in out
    copy = sqlite3.connect(dest)
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0005",)
    copy.close()
    # a file that is not a csu-wall database is refused in one line
    other = tmp_path / "autre.sqlite3"
    sqlite3.connect(other).close()
    code, _out, err = run(capsys, "--data-dir", str(data), "--database", str(other), "db",
                          "backup", str(tmp_path / "x.sqlite3"))
    assert code == 1 and "pas une base csu-wall" in one_french_line(err)


def test_site_file_over_5_mb_is_refused(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "site.toml"
    big.write_text('[site]\nname = "' + "a" * (5 * 1024 * 1024) + '"\n', encoding="utf-8")
    code, out, _err = run(capsys, "site", "check", str(big))
    assert code == 1
    assert "trop volumineux" in out and "5 Mo" in out


@pytest.mark.parametrize("value", ["[" * 500 + "]" * 500, "{a = " * 300 + "1" + "}" * 300,
                                   "[" * 65 + "]" * 65])
def test_deeply_nested_site_file_is_refused(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            value: str) -> None:
    deep = tmp_path / "site.toml"
    deep.write_text(f'[site]\nname = "x"\nv = {value}\n', encoding="utf-8")
    code, out, _err = run(capsys, "site", "check", str(deep))
    assert code == 1
    assert "imbriquées sur plus de 64 niveaux" in out


def test_position_mapping_is_linear_in_memory() -> None:
    """The scanner once kept ~340 bytes per character of a long string; now the scanner keeps
    the tokens' text and little else."""
    text = 'a = "' + "x" * 2_000_000 + '"\nb = """' + 'y\\"' * 200_000 + '"""\n'
    tracemalloc.start()
    try:
        positions = toml_positions(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert positions == {("a",): 1, ("b",): 2}
    assert peak < 4 * len(text), peak


def test_password_that_is_not_utf8_is_refused_before_anything_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "d"
    stdin = io.TextIOWrapper(io.BytesIO(b"\xff\xfe-pas-de-l-utf8\n"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, _out, err = run(capsys, "--data-dir", str(data), "user", "add", "agent", "--name",
                          "A. Gent")
    assert code == 1
    assert "UTF-8" in one_french_line(err)
    conn = sqlite3.connect(data / "csu-wall.sqlite3")
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone() == (0,)
    conn.close()


@pytest.mark.parametrize("args, code", [
    (["habilitation", "grant", "a", "b", "--basis", "x", "--by", "y", "--until", "9999-12-31"],
     1),
    (["--database", "notaurl://", "user", "list"], 1),
    (["habilitation", "grant", "a"], 2),
])
def test_as_real_subprocesses(tmp_path: Path, args: list[str], code: int) -> None:
    env = dict(os.environ, LANG="fr_FR.UTF-8")
    done = subprocess.run(["timeout", "60", CSU_WALL, "--data-dir", str(tmp_path / "d"), *args],
                          capture_output=True, text=True, env=env, timeout=90)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip()


def test_site_check_of_bytes_that_are_not_utf8_as_a_subprocess(tmp_path: Path) -> None:
    bad = tmp_path / "site\udcff.toml".encode("utf-8", "surrogateescape").decode(
        "utf-8", "surrogateescape")
    bad.write_bytes(b'[site]\nname = "\xe9t\xe9"\n')
    done = subprocess.run(["timeout", "60", CSU_WALL, "site", "check", os.fsencode(bad)],
                          capture_output=True, env=dict(os.environ, LANG="fr_FR.UTF-8"),
                          timeout=90)
    assert done.returncode == 1
    assert b"non UTF-8" in done.stdout and b"Traceback" not in done.stderr


@pytest.mark.parametrize("start, end", [("2026-01-01", "9999-12-31"),
                                        ("0001-01-01", "0001-01-02")])
def test_audit_export_dates_out_of_range_are_usage_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], start: str, end: str) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[site]\nname = "CSU"\n[[commune]]\nid = "halluin"\nname = "Halluin"\n'
                    'insee = "59279"\n', encoding="utf-8")
    data = ["--data-dir", str(tmp_path / "d"), "--lang", "fr"]
    assert run(capsys, *data, "site", "apply", str(site))[0] == 0
    code, _out, err = run(capsys, *data, "audit", "export", "--commune", "halluin",
                          "--from", start, "--to", end)
    assert code == 2
    assert "hors limites" in err and "Traceback" not in err
