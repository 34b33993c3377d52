"""A shift handover over the running wall (AuthService.identify_incoming, take_over): the
incoming operator is identified without taking the session, which stays the outgoing
operator's until the takeover; both steps are audited as a handover, never as a lock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from csu_wall.core.security import Role
from csu_wall.services.auth import AuthService, SignInError
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from tests.services.auth_helpers import FAST, PASSWORD, BrokenAudit, FakeClock, add_user


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "auth.sqlite3", create=True)
    add_user(database, "dupont", Role.OPERATOR)
    add_user(database, "martin", Role.OPERATOR)
    yield database
    database.close()


def trail(db: Database) -> list[tuple[str, str, str]]:
    return [(r.entry.action.value, r.entry.operator_id, r.entry.detail)
            for r in entries(db, limit=None)]


def test_incoming_operator_is_identified_then_takes_the_wall(db: Database) -> None:
    clock = FakeClock()
    auth = AuthService(db, DbAuditLog(db), workstation="pupitre-1", clock=clock, hasher=FAST)
    auth.sign_in("dupont", PASSWORD)
    with pytest.raises(SignInError, match="opérateur suivant"):
        auth.identify_incoming("dupont", PASSWORD)  # the outgoing one cannot take their own
    with pytest.raises(SignInError):
        auth.identify_incoming("martin", "wrong password")
    clock.advance(5)  # past the wait a failure imposes
    martin = auth.identify_incoming("martin", PASSWORD)
    assert martin.id == "martin"
    assert auth.operator is not None and auth.operator.id == "dupont"  # still theirs
    auth.take_over(martin)
    assert auth.operator == martin and not auth.locked
    actions = trail(db)
    assert ("lock", "dupont") not in [(a, o) for a, o, _ in actions]
    login, logout, taken = actions[-3], actions[-2], actions[-1]
    assert login[:2] == ("login", "martin") and "relève" in login[2] and "dupont" in login[2]
    assert logout[:2] == ("logout", "dupont") and "mur remis à martin" in logout[2]
    assert taken[:2] == ("login", "martin") and "prise du mur de dupont" in taken[2]


def test_takeover_without_its_audit_record_changes_nothing(db: Database) -> None:
    auth = AuthService(db, DbAuditLog(db), workstation="pupitre-1", clock=FakeClock(),
                       hasher=FAST)
    auth.sign_in("dupont", PASSWORD)
    martin = auth.identify_incoming("martin", PASSWORD)
    broken = AuthService(db, BrokenAudit(), workstation="pupitre-1", clock=FakeClock(),
                         hasher=FAST)
    broken._operator = auth.operator  # the same session, its audit log now unwritable
    with pytest.raises(SignInError, match="journal d'audit"):
        broken.take_over(martin)
    assert broken.operator is not None and broken.operator.id == "dupont"
