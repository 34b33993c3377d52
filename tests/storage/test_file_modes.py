"""Private files (POSIX): the data directory 0700, the database, logs, settings and spool 0600,
whatever the umask; wider modes found at start are repaired, and what cannot be is refused
in French. Through ``csu_wall.app.main`` on real files. (Windows ACLs are set by the installer,
docs/DEPLOY.md: not testable here.)"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from csu_wall import app
from csu_wall.services.logs import setup_logging

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture()
def open_umask() -> Iterator[None]:
    """The common default (022) that made the database 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)
    root = logging.getLogger()
    for handler in list(root.handlers):  # the log file handler of the run under test
        if getattr(handler, "_csu_wall", False):
            root.removeHandler(handler)
            handler.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = app.main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def test_a_new_data_directory_is_private(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         open_umask: None) -> None:
    data = tmp_path / "data"
    code, text = run(capsys, "--data-dir", str(data), "db", "upgrade")
    assert code == 0, text
    assert mode(data) == 0o700
    assert mode(data / "csu-wall.sqlite3") == 0o600
    assert mode(data / "logs") == 0o700
    assert mode(data / "logs" / "csu-wall.log") == 0o600
    for extra in ("csu-wall.sqlite3-wal", "csu-wall.sqlite3-shm"):
        if (data / extra).exists():
            assert mode(data / extra) == 0o600


def test_wider_modes_are_repaired_at_start(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           open_umask: None) -> None:
    data = tmp_path / "data"
    assert run(capsys, "--data-dir", str(data), "db", "upgrade")[0] == 0
    (data / "settings.json").write_text('{"version": 1}', encoding="utf-8")
    spool = data / "audit-spool.jsonl"
    spool.write_text("", encoding="utf-8")
    os.chmod(data, 0o755)
    for f in (data / "csu-wall.sqlite3", data / "settings.json", spool,
              data / "logs" / "csu-wall.log"):
        os.chmod(f, 0o644)
    os.chmod(data / "logs", 0o755)
    code, text = run(capsys, "--data-dir", str(data), "user", "list")
    assert code == 0, text
    assert mode(data) == 0o700 and mode(data / "logs") == 0o700
    for f in (data / "csu-wall.sqlite3", data / "settings.json", spool,
              data / "logs" / "csu-wall.log"):
        assert mode(f) == 0o600, f
    log_text = (data / "logs" / "csu-wall.log").read_text(encoding="utf-8")
    assert "made private" in log_text


def test_a_shared_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    open_umask: None) -> None:
    shared = tmp_path / "partage"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    code, text = run(capsys, "--data-dir", str(shared), "user", "list")
    assert code == 1
    assert "dossier partagé" in text and "Traceback" not in text
    assert mode(shared) == 0o1777  # left as it was
    assert not (shared / "csu-wall.sqlite3").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_a_file_of_another_user_is_refused(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           open_umask: None) -> None:
    data = tmp_path / "data"
    assert run(capsys, "--data-dir", str(data), "db", "upgrade")[0] == 0
    db_file = data / "csu-wall.sqlite3"
    os.chmod(db_file, 0o644)
    os.chown(db_file, 65534, 65534)
    code, text = run(capsys, "--data-dir", str(data), "user", "list")
    assert code == 1
    assert "appartient à un autre utilisateur" in text and "chmod 600" in text


def test_rotated_logs_stay_private(tmp_path: Path, open_umask: None) -> None:
    path = setup_logging(tmp_path / "logs")
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_csu_wall", False))
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    handler.doRollover()
    assert mode(path) == 0o600 and mode(path.with_name(path.name + ".1")) == 0o600
