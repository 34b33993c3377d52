"""Replacing a file atomically: the new content is written beside it under a temporary name,
flushed to the disk, then renamed over it, so that a crash or a power cut leaves either the
old file or the new one, never half of one, and never the temporary file."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRIVATE = 0o600


@contextmanager
def replacing(path: Path, *, mode: int | None = PRIVATE) -> Iterator[Path]:
    """A temporary path beside ``path`` to write the new file to (by name: a PDF writer, an
    encoder); when the block ends normally it replaces ``path``, else it is removed.
    ``mode``: the new file's permissions (None: the umask's default, as a plain open)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # created with the final permissions (umask applied when ``mode`` is None), never wider
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                     0o666 if mode is None else mode))
    try:
        yield tmp
        _fsync_file(tmp)
        if mode is not None:
            os.chmod(tmp, mode)  # a writer that recreated the file kept the umask's mode
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)  # the rename itself must survive a power cut


def atomic_write(path: Path, data: bytes, *, mode: int | None = PRIVATE) -> None:
    """Replace ``path`` with ``data`` (see :func:`replacing`)."""
    with replacing(path, mode=mode) as tmp:
        tmp.write_bytes(data)


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable."""
    if os.name == "posix":  # Windows cannot open a directory; NTFS journals the rename
        _fsync(directory)


def _fsync_file(path: Path) -> None:
    if path.exists():  # else the writer wrote nothing (the caller's error follows)
        _fsync(path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
