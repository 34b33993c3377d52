"""Operator accounts: Argon2id password hashes, disabling, and the sign-in throttling state.

The password is hashed with Argon2id at or above OWASP's minimum (19 MiB, 2 passes); a hash
made with lower parameters is replaced by a new one at the next successful sign-in. The clear
password only passes through these functions' arguments: never stored, logged or raised.
The throttling *state* (failures, lock-out end) is stored here, shared by every workstation;
the *policy* (how long to wait) belongs to :mod:`csu_wall.services.auth`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, insert, select, update

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.errors import CsuWallError
from csu_wall.core.security import Operator, Role
from csu_wall.storage.audit import append_in
from csu_wall.storage.db import Database
from csu_wall.storage.schema import operators

# OWASP Password Storage Cheat Sheet: Argon2id, m >= 19 MiB, t >= 2, p = 1 is the minimum;
# argon2-cffi's default profile (RFC 9106 "low memory": 64 MiB, t=3, p=4) is above it.
MIN_MEMORY_KIB = 19 * 1024
MIN_TIME_COST = 2
MIN_PASSWORD_LENGTH = 12  # ANSSI: 12 characters at least for a password alone
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class AccountError(CsuWallError, ValueError):
    """An account operation cannot be done; the message (French) says what to do."""


def make_hasher(*, time_cost: int = 3, memory_cost: int = 65536,
                parallelism: int = 4) -> PasswordHasher:
    """The production hasher. Refuses parameters under the minimum: a test wanting speed
    builds its own ``PasswordHasher`` and passes it explicitly."""
    if time_cost < MIN_TIME_COST or memory_cost < MIN_MEMORY_KIB:
        raise ValueError("Argon2 parameters under OWASP's minimum (t >= 2, m >= 19 MiB)")
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost,
                          parallelism=parallelism, type=Type.ID)


@dataclass(frozen=True)
class Account:
    operator: Operator
    disabled: bool
    has_password: bool
    failed_attempts: int
    last_failed_at: datetime | None
    locked_until: datetime | None
    created_at: datetime

    def locked_at(self, when: datetime) -> bool:
        return self.locked_until is not None and when < self.locked_until


def normalise_login(login: str) -> str:
    return login.strip().lower()


def check_login(login: str) -> str:
    norm = normalise_login(login)
    if not _LOGIN.match(norm):
        raise AccountError(
            f"Identifiant « {login} » invalide : 2 à 64 caractères parmi a-z, 0-9, « . », "
            "« _ » et « - », commençant par une lettre ou un chiffre."
        )
    return norm


@dataclass(frozen=True)
class ChangeRecord:
    """Where an account change is audited, and by whom: the ``user_change`` record is written
    in the change's own transaction (both, or neither)."""

    audit: AuditSink
    actor: str
    workstation: str

    def write(self, conn: Connection, login: str, detail: str, at: datetime) -> None:
        append_in(self.audit, conn, AuditEntry(
            ts_utc=at, workstation=self.workstation[:200], operator_id=self.actor[:64],
            action=AuditAction.USER_CHANGE, detail=f"{login} : {detail}"))


def check_password_strength(password: str) -> None:
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise AccountError("Le mot de passe n'est pas du texte UTF-8 valide : rien n'a été "
                           "modifié.") from None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"Mot de passe trop court : {MIN_PASSWORD_LENGTH} caractères au moins. "
            "Choisissez une phrase de passe."
        )
    if password.strip() != password:
        raise AccountError("Le mot de passe ne doit pas commencer ni finir par une espace.")


def create_account(db: Database, login: str, display_name: str, role: Role, password: str, *,
                   hasher: PasswordHasher, now: datetime | None = None,
                   record: ChangeRecord | None = None) -> Operator:
    """A new account with its password. Refused if the login exists (even disabled). With
    ``record``, its audit record commits in the same transaction."""
    login = check_login(login)
    check_password_strength(password)
    name = display_name.strip()
    if not name:
        raise AccountError("Indiquez le nom de l'opérateur (--name \"Prénom Nom\").")
    when = now or datetime.now(UTC)
    hashed = hasher.hash(password)
    with db.write() as conn:
        exists = conn.execute(select(operators.c.id).where(operators.c.id == login)).first()
        if exists is not None:
            raise AccountError(f"Le compte « {login} » existe déjà (voir `csu-wall user list`).")
        conn.execute(insert(operators).values(
            id=login, display_name=name, role=Role(role).value, password_hash=hashed,
            disabled=False, demo=False, created_at=when, failed_attempts=0,
            password_changed_at=when,
        ))
        if record is not None:
            record.write(conn, login, f"création (rôle {Role(role).value})", when)
    return Operator(id=login, display_name=name, role=Role(role))


def set_password(db: Database, login: str, password: str, *, hasher: PasswordHasher,
                 now: datetime | None = None, record: ChangeRecord | None = None) -> None:
    """Replace the password; also clears failures and a lock-out."""
    check_password_strength(password)
    hashed = hasher.hash(password)
    when = now or datetime.now(UTC)
    _update(db, login, password_hash=hashed, failed_attempts=0, last_failed_at=None,
            locked_until=None, password_changed_at=when,
            _record=(record, "nouveau mot de passe", when) if record else None)


def set_disabled(db: Database, login: str, disabled: bool, *,
                 record: ChangeRecord | None = None) -> None:
    _update(db, login, disabled=disabled,
            _record=(record, "désactivation" if disabled else "réactivation",
                     datetime.now(UTC)) if record else None)


def get_account(db: Database, login: str) -> Account | None:
    with db.read() as conn:
        row = conn.execute(
            select(operators).where(operators.c.id == normalise_login(login))
        ).mappings().first()
    return _account_of(row) if row is not None else None


def list_accounts(db: Database, *, include_demo: bool = False) -> list[Account]:
    stmt = select(operators).order_by(operators.c.id)
    if not include_demo:
        stmt = stmt.where(operators.c.demo.is_(False))
    with db.read() as conn:
        return [_account_of(r) for r in conn.execute(stmt).mappings().all()]


def has_active_administrator(db: Database) -> bool:
    return any(a.operator.role is Role.ADMINISTRATOR and not a.disabled and a.has_password
               for a in list_accounts(db))


def verify_password(db: Database, login: str, password: str, *,
                    hasher: PasswordHasher) -> Account | None:
    """The account when ``password`` is its password, else None (unknown login, demo or
    password-less account, wrong password alike). Rehashes when the parameters rose."""
    login = normalise_login(login)
    with db.read() as conn:
        row = conn.execute(select(operators).where(operators.c.id == login)).mappings().first()
    stored = row["password_hash"] if row is not None and not row["demo"] else None
    if stored is None:
        _spend_like_a_verify(hasher, password)  # same cost: no timing hint that it is unknown
        return None
    try:
        hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(stored):
        _update(db, login, password_hash=hasher.hash(password))
    return _account_of(row)


def register_failure(db: Database, login: str, *, now: datetime,
                     lock_for: Callable[[int], timedelta | None]) -> Account | None:
    """Count one failed sign-in (atomically, under the write lock) and set the next allowed
    time to ``now + lock_for(failures)``. None when no such account."""
    login = normalise_login(login)
    with db.write() as conn:
        row = conn.execute(select(operators).where(operators.c.id == login)).mappings().first()
        if row is None:
            return None
        failures = int(row["failed_attempts"]) + 1
        delay = lock_for(failures)
        values: dict[str, Any] = {"failed_attempts": failures, "last_failed_at": now,
                                  "locked_until": now + delay if delay else None}
        conn.execute(update(operators).where(operators.c.id == login).values(**values))
        row = conn.execute(select(operators).where(operators.c.id == login)).mappings().first()
    return _account_of(row)


def register_success(db: Database, login: str) -> None:
    _update(db, login, failed_attempts=0, last_failed_at=None, locked_until=None)


def _update(db: Database, login: str, *,
            _record: tuple[ChangeRecord, str, datetime] | None = None, **values: Any) -> None:
    login = normalise_login(login)
    with db.write() as conn:
        result = conn.execute(
            update(operators).where(operators.c.id == login, operators.c.demo.is_(False))
            .values(**values)
        )
        if result.rowcount == 0:
            raise AccountError(f"Aucun compte « {login} » (voir `csu-wall user list`).")
        if _record is not None:
            record, detail, when = _record
            record.write(conn, login, detail, when)


_DUMMY: dict[tuple[int, int, int], str] = {}


def _spend_like_a_verify(hasher: PasswordHasher, password: str) -> None:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash("csu-wall: no such account")
    try:
        hasher.verify(_DUMMY[key], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        pass


def _account_of(row: Any) -> Account:
    return Account(
        operator=Operator(id=row["id"], display_name=row["display_name"], role=Role(row["role"]),
                          demo=bool(row["demo"])),
        disabled=bool(row["disabled"]),
        has_password=row["password_hash"] is not None,
        failed_attempts=int(row["failed_attempts"]),
        last_failed_at=row["last_failed_at"],
        locked_until=row["locked_until"],
        created_at=row["created_at"],
    )
