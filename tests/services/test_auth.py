"""Sign-in, throttling, lock-out, lock/unlock and handover (issue points 1 and 6), against a
real SQLite database and the real hash-chained audit log, with a settable clock."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from csu_wall.core.audit import AuditAction
from csu_wall.core.security import Role
from csu_wall.services.auth import (
    BAD_CREDENTIALS,
    UNKNOWN_LOGIN,
    AuthService,
    IdleLock,
    SignInError,
)
from csu_wall.storage import accounts
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from csu_wall.storage.settings import Settings, SettingsError, load_settings
from tests.services.auth_helpers import FAST, PASSWORD, BrokenAudit, FakeClock, add_user


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "csu.db", create=True)
    add_user(database, "dupont")
    add_user(database, "martin")
    yield database
    database.close()


@pytest.fixture()
def clock() -> FakeClock:
    return FakeClock()


def make_auth(db: Database, clock: FakeClock, workstation: str = "pupitre-1") -> AuthService:
    return AuthService(db, DbAuditLog(db), workstation=workstation, clock=clock, hasher=FAST)


def audit_trail(db: Database) -> list[tuple[str, str, str]]:
    return [(r.entry.action.value, r.entry.operator_id, r.entry.detail)
            for r in entries(db, limit=None)]


def test_sign_in_is_audited_before_the_session_opens(db: Database, clock: FakeClock) -> None:
    auth = make_auth(db, clock)
    operator = auth.sign_in("Dupont", PASSWORD)
    assert operator.id == "dupont" and operator.role is Role.OPERATOR
    assert auth.operator == operator and not auth.locked
    assert audit_trail(db) == [("login", "dupont", "")]
    auth.sign_out()
    assert auth.operator is None
    assert audit_trail(db)[-1][:2] == ("logout", "dupont")


def test_unknown_user_and_wrong_password_give_the_same_message(
    db: Database, clock: FakeClock
) -> None:
    auth = make_auth(db, clock)
    with pytest.raises(SignInError) as wrong:
        auth.sign_in("dupont", "not the right one")
    clock.advance(60)
    with pytest.raises(SignInError) as unknown:
        auth.sign_in("nobody", "not the right one")
    assert str(wrong.value) == str(unknown.value) == BAD_CREDENTIALS
    trail = audit_trail(db)
    assert trail == [("login_failed", "dupont", "identifiants refusés"),
                     ("login_failed", UNKNOWN_LOGIN, "identifiants refusés")]


def test_failures_slow_down_the_next_attempt_exponentially(
    db: Database, clock: FakeClock
) -> None:
    auth = make_auth(db, clock)
    for failures, delay in ((1, 1), (2, 2), (3, 4)):
        with pytest.raises(SignInError, match=BAD_CREDENTIALS):
            auth.sign_in("dupont", "wrong password")
        # Even the right password waits: the delay is checked before the password.
        with pytest.raises(SignInError, match=f"patientez {delay} s"):
            auth.sign_in("dupont", PASSWORD)
        clock.advance(delay)
        account = accounts.get_account(db, "dupont")
        assert account is not None and account.failed_attempts == failures
    assert auth.sign_in("dupont", PASSWORD).id == "dupont"
    account = accounts.get_account(db, "dupont")
    assert account is not None and account.failed_attempts == 0


def _fail_five_times(auth: AuthService, clock: FakeClock, login: str) -> None:
    for _ in range(5):
        with pytest.raises(SignInError, match=BAD_CREDENTIALS):
            auth.sign_in(login, "wrong password")
        clock.advance(30)  # past each throttle delay (1, 2, 4, 8 s), not the lock-out
    clock.advance(-30)


def test_five_failures_lock_the_account_out_for_15_minutes_on_every_workstation(
    db: Database, clock: FakeClock
) -> None:
    auth = make_auth(db, clock)
    _fail_five_times(auth, clock, "dupont")
    other_desk = make_auth(db, clock, workstation="pupitre-2")
    for service in (auth, other_desk):
        with pytest.raises(SignInError, match="bloquée encore 15 min"):
            service.sign_in("dupont", PASSWORD)
    clock.advance(14 * 60)
    with pytest.raises(SignInError, match="bloquée encore 1 min"):
        other_desk.sign_in("dupont", PASSWORD)
    clock.advance(61)
    assert other_desk.sign_in("dupont", PASSWORD).id == "dupont"


def test_unknown_logins_are_throttled_the_same_way(db: Database, clock: FakeClock) -> None:
    auth = make_auth(db, clock)
    _fail_five_times(auth, clock, "ghost")
    with pytest.raises(SignInError, match="bloquée encore 15 min"):
        auth.sign_in("ghost", PASSWORD)


def test_disabled_account_cannot_sign_in(db: Database, clock: FakeClock) -> None:
    accounts.set_disabled(db, "dupont", True)
    with pytest.raises(SignInError, match="désactivé"):
        make_auth(db, clock).sign_in("dupont", PASSWORD)
    assert audit_trail(db)[-1] == ("login_failed", "dupont", "compte désactivé")


def test_sign_in_refused_when_the_audit_cannot_be_written(db: Database, clock: FakeClock) -> None:
    auth = AuthService(db, BrokenAudit(), workstation="p", clock=clock, hasher=FAST)
    with pytest.raises(SignInError, match="journal d'audit"):
        auth.sign_in("dupont", PASSWORD)
    assert auth.operator is None


def test_empty_fields_are_asked_for(db: Database, clock: FakeClock) -> None:
    with pytest.raises(SignInError, match="Saisissez"):
        make_auth(db, clock).sign_in("", "")
    assert audit_trail(db) == []


def test_lock_then_unlock_by_the_same_operator(db: Database, clock: FakeClock) -> None:
    auth = make_auth(db, clock)
    auth.sign_in("dupont", PASSWORD)
    auth.lock("inactivité")
    assert auth.locked
    with pytest.raises(SignInError, match=BAD_CREDENTIALS):
        auth.unlock("dupont", "wrong password")
    assert auth.locked
    clock.advance(5)
    assert auth.unlock("dupont", PASSWORD).id == "dupont"
    assert not auth.locked
    actions = [a for a, _, _ in audit_trail(db)]
    assert actions == ["login", "lock", "login_failed", "unlock"]


def test_another_operator_unlocks_only_at_a_handover(db: Database, clock: FakeClock) -> None:
    auth = make_auth(db, clock)
    auth.sign_in("dupont", PASSWORD)
    auth.lock()
    with pytest.raises(SignInError, match="Relève de poste"):
        auth.unlock("martin", PASSWORD)
    assert auth.locked and auth.operator is not None and auth.operator.id == "dupont"
    new = auth.unlock("martin", PASSWORD, handover=True)
    assert new.id == "martin" and auth.operator == new and not auth.locked
    trail = audit_trail(db)
    assert trail[-2][:2] == ("logout", "dupont") and "relève" in trail[-2][2]
    assert trail[-1][:2] == ("login", "martin")


def test_no_password_in_audit_or_log_lines(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    auth = make_auth(db, clock)
    with pytest.raises(SignInError):
        auth.sign_in("dupont", "Secret-Typo-123")
    with pytest.raises(SignInError):
        auth.sign_in("Secret-In-Login-Field-456", "x")  # a password typed in the wrong field
    clock.advance(5)
    auth.sign_in("dupont", PASSWORD)
    everything = json.dumps([r.entry.__dict__ for r in entries(db, limit=None)], default=str)
    for secret in ("Secret-Typo-123", "secret-in-login-field-456", PASSWORD):
        assert secret.lower() not in everything.lower()
        assert secret.lower() not in caplog.text.lower()


def test_idle_lock_per_workstation_profile(clock: FakeClock) -> None:
    desk = IdleLock.for_profile("pupitre", clock)
    wall_pc = IdleLock.for_profile("mur", clock)
    assert desk.idle_seconds == 300 and not wall_pc.enabled
    clock.advance(299)
    assert not desk.due()
    desk.activity()
    clock.advance(299)
    assert not desk.due()
    clock.advance(1)
    assert desk.due() and not wall_pc.due()
    assert wall_pc.remaining() is None


def test_idle_lock_delay_comes_from_the_workstation_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert load_settings(path).idle_lock_seconds == 300 == Settings().idle_lock_seconds
    path.write_text(json.dumps({"version": 1, "idle_lock_seconds": None}))
    assert load_settings(path).idle_lock_seconds is None
    path.write_text(json.dumps({"version": 1, "idle_lock_seconds": 5}))
    with pytest.raises(SettingsError, match="verrouillage"):
        load_settings(path)


def test_actions_are_known_audit_actions() -> None:
    for name in ("LOGIN_FAILED", "UNLOCK", "HABILITATION_GRANT", "HABILITATION_REVOKE",
                 "USER_CHANGE"):
        assert AuditAction[name].value == name.lower()
