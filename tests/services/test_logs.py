"""Rotating log files with credentials redacted."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from csu_wall.media.redact import forget_secrets, register_secret
from csu_wall.services.logs import setup_logging


@pytest.fixture()
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    level = root.level
    path = setup_logging(tmp_path / "logs")
    yield path
    for handler in list(root.handlers):
        if getattr(handler, "_csu_wall", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    forget_secrets()


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_log_file_is_in_data_dir_logs(log_file: Path, tmp_path: Path) -> None:
    assert log_file.parent == tmp_path / "logs"
    logging.getLogger("csu_wall.test").info("bonjour")
    _flush()
    assert "bonjour" in log_file.read_text(encoding="utf-8")


def test_credentials_in_urls_and_args_are_redacted(log_file: Path) -> None:
    log = logging.getLogger("csu_wall.test")
    log.warning("open rtsp://admin:Canari42@10.0.0.1:554/x failed")
    log.warning("retry %s", "rtsp://admin:Canari%2342@10.0.0.1/y")
    register_secret("S3cr3t-P@ss")
    log.error("device said S3cr3t-P@ss and S3cr3t-P%40ss")
    _flush()
    text = log_file.read_text(encoding="utf-8")
    assert "Canari" not in text and "S3cr3t" not in text
    assert "10.0.0.1" in text


def test_tracebacks_are_redacted(log_file: Path) -> None:
    try:
        raise ConnectionError("cannot reach rtsp://op:Canari77@127.0.0.1/z")
    except ConnectionError:
        logging.getLogger("csu_wall.test").exception("connection failed")
    _flush()
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback" in text
    assert "Canari77" not in text


def test_log_files_rotate(log_file: Path) -> None:
    log = logging.getLogger("csu_wall.test")
    chunk = "x" * 10_000
    for _ in range(260):  # ~2.6 MB > 2 MiB rotation size
        log.info(chunk)
    _flush()
    assert (log_file.parent / "csu-wall.log.1").exists()
