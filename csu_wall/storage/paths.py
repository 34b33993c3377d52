"""Where csu-wall keeps its files: the data directory and what lives in it.

Precedence for the data directory: the ``--data-dir`` value, then the environment variable
``CSU_WALL_DATA_DIR``, then the platform's user data directory. The directory is private to
the user (0700): it holds the database, the audit spool and logs naming operators.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_DATA_DIR = "CSU_WALL_DATA_DIR"
APP_NAME = "csu-wall"
DEMO_SUBDIR = "demo"
DATABASE_FILE = "csu-wall.sqlite3"
SETTINGS_FILE = "settings.json"
_PRIVATE = 0o700


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; a directory we create is made 0700.

    An existing directory keeps its mode: it may be one the administrator chose on purpose.
    """
    if not path.is_dir():
        path.mkdir(mode=_PRIVATE, parents=True, exist_ok=True)
        # mkdir's mode is filtered by the umask; set it explicitly.
        os.chmod(path, _PRIVATE)
    return path


def resolve_data_dir(cli_value: str | None, demo: bool = False) -> Path:
    """The data directory to use, created if missing. ``demo`` selects the ``demo/`` subfolder,
    which has its own database so demo data never mixes with the real site's."""
    chosen = cli_value or os.environ.get(ENV_DATA_DIR) or ""
    if chosen.strip():
        base = Path(chosen).expanduser()
    else:
        base = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    base = base.absolute()
    ensure_private_dir(base)
    if demo:
        return ensure_private_dir(base / DEMO_SUBDIR)
    return base


def database_path(data_dir: Path) -> Path:
    """The default SQLite database file of this data directory."""
    return data_dir / DATABASE_FILE


def settings_path(data_dir: Path) -> Path:
    """The workstation's settings file (JSON, see :mod:`csu_wall.storage.settings`)."""
    return data_dir / SETTINGS_FILE


def logs_dir(data_dir: Path) -> Path:
    """The log folder, created (0700) on first use."""
    return ensure_private_dir(data_dir / "logs")


def cache_dir(data_dir: Path) -> Path:
    """The cache folder, created (0700) on first use. Never holds images of a detached commune."""
    return ensure_private_dir(data_dir / "cache")
