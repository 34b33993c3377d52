"""Where csu-wall keeps its files: the data directory and what lives in it.

Precedence for the data directory: the ``--data-dir`` value, then the environment variable
``CSU_WALL_DATA_DIR``, then the platform's user data directory. The directory is private to
the user: it holds the database (password hashes, the audit log, encrypted credentials), the
audit spool, the settings and logs naming operators. On POSIX, :func:`secure_data_dir` checks
it at every start: folders 0700, files 0600, repaired when they are wider (with a warning in
the log), refused with a French message when they cannot be (a folder of another user, or a
shared folder such as /tmp). On Windows the installer sets the folder's ACLs (user and
administrators only; docs/DEPLOY.md): nothing is checked here.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import platformdirs

from csu_wall.core.errors import StorageError

log = logging.getLogger(__name__)

ENV_DATA_DIR = "CSU_WALL_DATA_DIR"
APP_NAME = "csu-wall"
DEMO_SUBDIR = "demo"
DATABASE_FILE = "csu-wall.sqlite3"
SETTINGS_FILE = "settings.json"
_PRIVATE = 0o700
_PRIVATE_FILE = 0o600


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; a directory we create is made 0700. An
    existing one is checked at start by :func:`secure_data_dir`."""
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
    secure_data_dir(base)
    if demo:
        return ensure_private_dir(base / DEMO_SUBDIR)
    return base


def secure_data_dir(base: Path) -> list[Path]:
    """Make the data directory and everything in it private (POSIX): folders 0700, files
    0600. Returns what was repaired; :class:`StorageError` when something cannot be."""
    if os.name != "posix":
        return []
    try:
        top = base.lstat()
    except OSError as exc:
        raise StorageError(f"Dossier de données {base} illisible ({exc.strerror}).") from None
    if top.st_mode & (stat.S_ISVTX | stat.S_IWOTH):
        raise StorageError(
            f"Le dossier de données {base} est un dossier partagé (écrivable par tous) : "
            "choisissez un dossier propre à csu-wall (--data-dir), il sera rendu privé.")
    repaired: list[Path] = []
    for root, dirs, files in os.walk(base):
        here = Path(root)
        _private(here, _PRIVATE, repaired)
        for name in files:
            _private(here / name, _PRIVATE_FILE, repaired)
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
    if repaired:
        log.warning("private files: %d path(s) under %s made private (were readable by others): "
                    "%s", len(repaired), base, ", ".join(str(p) for p in repaired[:10]))
    return repaired


def _private(path: Path, mode: int, repaired: list[Path]) -> None:
    try:
        st = path.lstat()
    except FileNotFoundError:  # removed meanwhile (a rotated log, a spool rewritten)
        return
    if stat.S_ISLNK(st.st_mode) or not st.st_mode & 0o077:
        return
    if st.st_uid != os.geteuid():
        raise StorageError(
            f"{path} est lisible par d'autres comptes et appartient à un autre utilisateur : "
            "csu-wall ne peut pas le rendre privé. Demandez à l'administrateur du poste de le "
            f"restreindre (chmod {mode:o}) ou de vous le donner.")
    try:
        os.chmod(path, mode)
    except OSError as exc:
        raise StorageError(f"{path} est lisible par d'autres comptes et ne peut pas être rendu "
                           f"privé ({exc.strerror}) : restreignez-le (chmod {mode:o}).") from None
    repaired.append(path)


def make_private_file(path: Path) -> bool:
    """Restrict an existing file to its owner (POSIX; True when it had to be repaired)."""
    if os.name != "posix":
        return False
    repaired: list[Path] = []
    _private(path, _PRIVATE_FILE, repaired)
    if repaired:
        log.warning("private files: %s made private (was readable by others)", path)
    return bool(repaired)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and 0600 if it does not exist (before SQLite or a log handler
    opens it with the umask's mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(fd)


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
