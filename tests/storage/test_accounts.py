"""Operator accounts (issue point 1): Argon2id at OWASP's minimum or above, rehash when the
parameters rise, throttling state, disabling — against a real SQLite file."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type

from csu_wall.core.security import Role
from csu_wall.storage import accounts
from csu_wall.storage.accounts import AccountError
from csu_wall.storage.db import Database
from csu_wall.storage.schema import operators
from tests.services.auth_helpers import FAST, PASSWORD

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _stored_hash(db: Database, login: str) -> str:
    with db.read() as conn:
        row = conn.execute(operators.select().where(operators.c.id == login)).mappings().one()
    return str(row["password_hash"])


def _params(hash_text: str) -> tuple[str, int, int]:
    match = re.match(r"^\$(argon2id)\$v=19\$m=(\d+),t=(\d+),p=\d+\$", hash_text)
    assert match, hash_text
    return match.group(1), int(match.group(2)), int(match.group(3))


def test_password_is_argon2id_at_owasp_minimum_with_real_parameters(
    db: Database, db_path: Path
) -> None:
    accounts.create_account(db, "dupont", "Jeanne Dupont", Role.OPERATOR, PASSWORD,
                            hasher=accounts.make_hasher())
    kind, memory_kib, time_cost = _params(_stored_hash(db, "dupont"))
    assert kind == "argon2id"
    assert memory_kib >= 19 * 1024 and time_cost >= 2
    assert accounts.verify_password(db, "dupont", PASSWORD,
                                    hasher=accounts.make_hasher()) is not None
    db.close()
    for file in db_path.parent.iterdir():  # database, WAL and shared memory files
        assert PASSWORD.encode() not in file.read_bytes()


def test_hasher_under_the_minimum_is_refused() -> None:
    with pytest.raises(ValueError):
        accounts.make_hasher(time_cost=1)
    with pytest.raises(ValueError):
        accounts.make_hasher(memory_cost=8 * 1024)


def test_hash_is_upgraded_at_sign_in_when_parameters_rise(db: Database) -> None:
    accounts.create_account(db, "dupont", "J. Dupont", Role.OPERATOR, PASSWORD, hasher=FAST)
    assert _params(_stored_hash(db, "dupont"))[1:] == (8, 1)
    stronger = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
    assert accounts.verify_password(db, "dupont", "wrong password!!", hasher=stronger) is None
    assert _params(_stored_hash(db, "dupont"))[1:] == (8, 1)  # not on a failure
    assert accounts.verify_password(db, "dupont", PASSWORD, hasher=stronger) is not None
    assert _params(_stored_hash(db, "dupont"))[1:] == (19 * 1024, 2)
    assert accounts.verify_password(db, "dupont", PASSWORD, hasher=stronger) is not None


def test_unknown_login_wrong_password_and_password_less_account_all_fail_alike(
    db: Database
) -> None:
    from csu_wall.core.security import Operator
    from csu_wall.storage.operators import ensure_operator

    accounts.create_account(db, "dupont", "J. Dupont", Role.OPERATOR, PASSWORD, hasher=FAST)
    ensure_operator(db, Operator("legacy", "Sans mot de passe"))
    assert accounts.verify_password(db, "dupont", "not the password", hasher=FAST) is None
    assert accounts.verify_password(db, "nobody", PASSWORD, hasher=FAST) is None
    assert accounts.verify_password(db, "legacy", "", hasher=FAST) is None
    assert accounts.verify_password(db, " DUPONT ", PASSWORD, hasher=FAST) is not None


def test_failures_are_counted_and_success_clears_them(db: Database) -> None:
    accounts.create_account(db, "dupont", "J. Dupont", Role.OPERATOR, PASSWORD, hasher=FAST)

    def lock_for(n: int) -> timedelta:
        return timedelta(seconds=n)

    for n in (1, 2, 3):
        account = accounts.register_failure(db, "dupont", now=NOW, lock_for=lock_for)
        assert account is not None and account.failed_attempts == n
        assert account.locked_until == NOW + timedelta(seconds=n)
        assert account.locked_at(NOW) and not account.locked_at(NOW + timedelta(seconds=n))
    assert accounts.register_failure(db, "nobody", now=NOW, lock_for=lock_for) is None
    accounts.register_success(db, "dupont")
    account = accounts.get_account(db, "dupont")
    assert account is not None and account.failed_attempts == 0 and account.locked_until is None


def test_passwd_replaces_the_hash_and_clears_a_lock_out(db: Database) -> None:
    accounts.create_account(db, "dupont", "J. Dupont", Role.OPERATOR, PASSWORD, hasher=FAST)
    accounts.register_failure(db, "dupont", now=NOW, lock_for=lambda n: timedelta(minutes=15))
    accounts.set_password(db, "dupont", "another long passphrase", hasher=FAST)
    account = accounts.get_account(db, "dupont")
    assert account is not None and account.locked_until is None
    assert accounts.verify_password(db, "dupont", PASSWORD, hasher=FAST) is None
    assert accounts.verify_password(db, "dupont", "another long passphrase",
                                    hasher=FAST) is not None


def test_disable_list_and_administrator_presence(db: Database) -> None:
    assert not accounts.has_active_administrator(db)
    accounts.create_account(db, "admin", "Anne Admin", Role.ADMINISTRATOR, PASSWORD, hasher=FAST)
    accounts.create_account(db, "dupont", "J. Dupont", Role.SUPERVISOR, PASSWORD, hasher=FAST)
    assert accounts.has_active_administrator(db)
    accounts.set_disabled(db, "admin", True)
    assert not accounts.has_active_administrator(db)
    listed = {a.operator.id: a for a in accounts.list_accounts(db)}
    assert listed["admin"].disabled and not listed["dupont"].disabled
    assert listed["dupont"].operator.role is Role.SUPERVISOR
    with pytest.raises(AccountError, match="Aucun compte"):
        accounts.set_disabled(db, "nobody", True)


@pytest.mark.parametrize("login", ["a", "Jean Dupont", "-x", "é" * 3, "x" * 65])
def test_invalid_logins_refused(db: Database, login: str) -> None:
    with pytest.raises(AccountError, match="invalide"):
        accounts.create_account(db, login, "X", Role.OPERATOR, PASSWORD, hasher=FAST)


def test_short_password_and_duplicate_login_refused(db: Database) -> None:
    with pytest.raises(AccountError, match="trop court"):
        accounts.create_account(db, "dupont", "J. Dupont", Role.OPERATOR, "court", hasher=FAST)
    accounts.create_account(db, "dupont", "J. Dupont", Role.OPERATOR, PASSWORD, hasher=FAST)
    with pytest.raises(AccountError, match="existe déjà"):
        accounts.create_account(db, "Dupont", "Autre", Role.OPERATOR, PASSWORD, hasher=FAST)
