"""The site's register of workstation names: each name belongs to one workstation.

A workstation takes its name at enrolment (``csu-wall workstation enroll --name``); the audit
log, shifts and wall state record it, so two workstations must never share one (two PCs with
one host name, or two instances on one PC, would share a shift and a wall state and be
indistinguishable in the audit). The register lives in the shared ``shift_settings`` table
(site-wide key/value pairs), one key ``workstation:<name>`` per name, so the database's
primary key makes a name unique across the site without a schema change. Each workstation
keeps the random token it registered with in its own settings: enrolling again under the
same name is then recognised as the same workstation.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from csu_wall.core.errors import CsuWallError
from csu_wall.storage.db import Database
from csu_wall.storage.schema_shifts import shift_settings

PREFIX = "workstation:"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,47}")


class WorkstationError(CsuWallError, ValueError):
    """A workstation name cannot be used; the message (French) says why."""


@dataclass(frozen=True)
class Registration:
    name: str
    hostname: str
    enrolled_utc: str
    token: str


def check_name(name: str) -> str:
    name = name.strip()
    if not _NAME.fullmatch(name):
        raise WorkstationError(
            f"Nom de poste « {name} » invalide : 1 à 48 lettres sans accent, chiffres, « - », "
            "« _ » ou « . », en commençant par une lettre ou un chiffre (ex. pupitre-2).")
    return name


def new_token() -> str:
    return secrets.token_hex(16)


def registration(db: Database, name: str) -> Registration | None:
    with db.read() as conn:
        row = conn.execute(select(shift_settings.c.value).where(
            shift_settings.c.key == PREFIX + name)).first()
    return None if row is None else _of(name, row[0])


def check_available(db: Database, name: str, token: str | None) -> None:
    """Refuse a name another workstation holds (``token`` is this workstation's, if any)."""
    held = registration(db, name)
    if held is not None and held.token != token:
        raise WorkstationError(
            f"Le nom de poste « {name} » est déjà pris par un autre poste (enrôlé le "
            f"{held.enrolled_utc[:10]} depuis la machine « {held.hostname} ») : choisissez un "
            "autre nom avec --name.")


def register(db: Database, name: str, token: str, *, hostname: str,
             now: datetime | None = None) -> None:
    """Give ``name`` to the workstation holding ``token``; again with the same token is a
    no-op, with another one :class:`WorkstationError`."""
    check_available(db, name, token)
    value = {"hostname": hostname[:200], "token": token,
             "enrolled_utc": (now or datetime.now(UTC)).isoformat(timespec="seconds")}
    try:
        with db.write() as conn:
            if conn.execute(select(shift_settings.c.key).where(
                    shift_settings.c.key == PREFIX + name)).first() is None:
                conn.execute(insert(shift_settings).values(key=PREFIX + name, value=value))
    except IntegrityError:  # another workstation took it between the check and the insert
        check_available(db, name, token)
        raise


def registered(db: Database) -> list[Registration]:
    with db.read() as conn:
        rows = conn.execute(select(shift_settings.c.key, shift_settings.c.value).where(
            shift_settings.c.key.startswith(PREFIX)).order_by(shift_settings.c.key)).all()
    return [_of(key[len(PREFIX):], value) for key, value in rows]


def _of(name: str, value: Any) -> Registration:
    doc = value if isinstance(value, dict) else {}
    return Registration(name, str(doc.get("hostname", "?")), str(doc.get("enrolled_utc", "?")),
                        str(doc.get("token", "")))
