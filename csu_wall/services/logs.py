"""Rotating log files in the data directory, with credentials redacted from every record.

The files name operators and cameras: created 0600 in a 0700 folder (POSIX), whatever the
umask, rotated files included."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
from pathlib import Path

from csu_wall.media.redact import redact

LOG_FILE = "csu-wall.log"
_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the current one after each rotation) is 0600."""

    def _open(self) -> io.TextIOWrapper:
        if os.name == "posix":
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.close(fd)
            os.chmod(self.baseFilename, 0o600)
        return super()._open()


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message (and traceback text) through ``redact``."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def setup_logging(logs_dir: Path, *, verbose: bool = False, console: bool = False) -> Path:
    """Log to ``logs_dir/csu-wall.log`` (5 × 2 MiB rotation). Returns the log file path."""
    logs_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = logs_dir / LOG_FILE
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_csu_wall", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = PrivateRotatingFileHandler(
        path, maxBytes=2 * 1024 * 1024, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    file_handler.addFilter(RedactingFilter())
    file_handler._csu_wall = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream.addFilter(RedactingFilter())
        stream._csu_wall = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return path
