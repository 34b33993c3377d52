"""The workstation's own settings: typed, versioned JSON in the data directory.

Shared state lives in the database; this file only holds what belongs to one workstation.
A file from a newer csu-wall, or a damaged one, is refused with a message naming it and is
never overwritten: keys this version does not know are kept when saving.
"""

from __future__ import annotations

import json
import socket
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from csu_wall.core.atomic import atomic_write
from csu_wall.core.errors import CsuWallError

SETTINGS_VERSION = 1
LANGUAGES = ("auto", "fr", "en")


class SettingsError(CsuWallError, ValueError):
    """The settings file cannot be used; the message (French) names it and says what to do."""


def _hostname() -> str:
    return socket.gethostname() or "poste"


@dataclass(frozen=True)
class Settings:
    version: int = SETTINGS_VERSION
    workstation_name: str = field(default_factory=_hostname)
    default_grid: int = 4  # tiles per side of a new wall
    language: str = "auto"
    last_commune: str | None = None
    # Idle lock delay of this workstation: 300 s on an operator desk ("pupitre"); None (off)
    # on a wall display PC watched without being touched ("mur").
    idle_lock_seconds: int | None = 300
    # Set with workstation_name by ``workstation enroll --name``: proves to the site's
    # register of workstation names (storage.workstations) that the name is this one's.
    workstation_token: str | None = None

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


_TYPES: dict[str, tuple[type, ...]] = {
    "version": (int,),
    "workstation_name": (str,),
    "default_grid": (int,),
    "language": (str,),
    "last_commune": (str, type(None)),
    "idle_lock_seconds": (int, type(None)),
    "workstation_token": (str, type(None)),
}


def load_settings(path: Path) -> Settings:
    """The settings in ``path``; defaults when the file does not exist yet."""
    doc = _read(path)
    if doc is None:
        return Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in doc:
            continue
        value = doc[f.name]
        # bool is an int in Python; a grid of "true" is a damaged file, not a 1.
        if isinstance(value, bool) or not isinstance(value, _TYPES[f.name]):
            raise SettingsError(
                f"Le fichier de réglages {path} contient une valeur invalide pour "
                f"« {f.name} » ({value!r}). Corrigez-la ou retirez cette ligne ; "
                "le fichier n'a pas été modifié."
            )
        values[f.name] = value
    settings = Settings(**values)
    if settings.idle_lock_seconds is not None and not 30 <= settings.idle_lock_seconds <= 86400:
        raise SettingsError(
            f"Le fichier de réglages {path} contient un délai de verrouillage invalide "
            f"({settings.idle_lock_seconds}) : de 30 à 86400 secondes, ou null pour ne jamais "
            "verrouiller (poste du mur). Corrigez le fichier ; il n'a pas été modifié."
        )
    if not 1 <= settings.default_grid <= 8 or settings.language not in LANGUAGES:
        raise SettingsError(
            f"Le fichier de réglages {path} contient une grille ({settings.default_grid}) ou une "
            f"langue ({settings.language!r}) invalide : grille de 1 à 8, langue parmi "
            f"{', '.join(LANGUAGES)}. Corrigez le fichier ; il n'a pas été modifié."
        )
    return settings


def workstation_of(data_dir: Path) -> str:
    """This workstation's name, as its settings say (set at enrolment: ``workstation enroll
    --name``; the host name until then): what the audit log, shifts and wall state record."""
    from csu_wall.storage.paths import settings_path

    return load_settings(settings_path(data_dir)).workstation_name


def save_settings(path: Path, settings: Settings) -> None:
    """Write atomically (temporary file, fsync, rename). Keys unknown to this version that the
    file already holds are kept; a damaged or newer file is refused, not replaced."""
    doc = _read(path) or {}
    doc.update(asdict(settings))
    doc["version"] = SETTINGS_VERSION
    data = (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
    atomic_write(path, data)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SettingsError(
            f"Le fichier de réglages {path} ne peut pas être lu ({exc.strerror}). "
            "Vérifiez ses droits d'accès."
        ) from exc
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (ligne {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise SettingsError(
            f"Le fichier de réglages {path} est endommagé{where}. Corrigez-le, ou renommez-le "
            "pour repartir des réglages par défaut ; csu-wall ne l'a pas écrasé."
        ) from exc
    if not isinstance(doc, dict):
        raise SettingsError(
            f"Le fichier de réglages {path} n'a pas la forme attendue (un objet JSON). "
            "Corrigez-le, ou renommez-le pour repartir des réglages par défaut."
        )
    version = doc.get("version", SETTINGS_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SettingsError(
            f"Le fichier de réglages {path} porte une version invalide ({version!r}). "
            "Corrigez-le ; il n'a pas été modifié."
        )
    if version > SETTINGS_VERSION:
        raise SettingsError(
            f"Le fichier de réglages {path} a été écrit par une version plus récente de csu-wall "
            f"(version {version}, celle-ci lit la version {SETTINGS_VERSION}). Mettez csu-wall à "
            "jour sur ce poste ; le fichier n'a pas été modifié."
        )
    return doc
