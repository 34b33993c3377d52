"""Shared by the account, sign-in, habilitation and lock tests: a settable clock, a cheap
Argon2id hasher (the real cost is checked in tests/storage/test_accounts.py) and accounts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher, Type

from csu_wall.core.audit import AuditEntry, AuditSink
from csu_wall.core.security import Role
from csu_wall.storage.accounts import create_account
from csu_wall.storage.db import Database

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery staple"
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


class FakeClock:
    """Moves only when the test says so: no test sleeps on a throttle or an idle delay."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now
        self.mono = 1000.0

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.mono += seconds

    def monotonic(self) -> float:
        return self.mono

    def now_utc(self) -> datetime:
        return self.now


class BrokenAudit(AuditSink):
    """An audit sink whose storage is gone (a fake: the point is the refusal it causes)."""

    def append(self, entry: AuditEntry) -> int:
        raise OSError("disk full")


def add_user(db: Database, login: str, role: Role = Role.OPERATOR,
             password: str = PASSWORD) -> None:
    create_account(db, login, login.title(), role, password, hasher=FAST)
