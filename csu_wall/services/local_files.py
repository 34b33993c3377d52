"""Folders on this workstation that the windows write into (snapshots, handover reports).

The GUI asks here rather than in storage: where csu-wall keeps its files is storage's
business (:mod:`csu_wall.storage.paths`), what a window may write is this module's.
"""

from __future__ import annotations

from pathlib import Path

from csu_wall.storage.paths import ensure_private_dir, resolve_data_dir


def private_folder(path: Path) -> Path:
    """``path`` created if missing, private to the user (0700) when created here: reports
    and snapshots name cameras and incidents."""
    return ensure_private_dir(path)


def default_data_dir(*, demo: bool) -> Path:
    """The data directory used when none was given (``--data-dir``, the environment, then
    the platform's user data directory); the demo has its own subfolder."""
    return resolve_data_dir(None, demo=demo)
