"""Between a handover and its takeover the wall is attended by the handover itself: the idle
lock waits (it would hide the running wall); an explicit lock still works, and the idle lock
comes back once the wall is taken over."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.lock import LockController
from csu_wall.gui.main_window import MainWindow
from csu_wall.services.auth import AuthService, IdleLock
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from tests.gui.conftest import WallFactory
from tests.services.auth_helpers import FAST, PASSWORD, FakeClock, add_user


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "csu.db", create=True)
    add_user(database, "demo")
    yield database
    database.close()


def test_idle_lock_waits_for_the_takeover(qtbot: QtBot, make_wall_service: WallFactory,
                                          db: Database) -> None:
    clock = FakeClock()
    auth = AuthService(db, DbAuditLog(db), workstation="p", clock=clock, hasher=FAST)
    auth.sign_in("demo", PASSWORD)
    bridge = StateBridge()
    service, _ = make_wall_service(bridge)
    window = MainWindow(service, demo=True, bridge=bridge)
    qtbot.addWidget(window)
    window.show()
    controller = LockController(window, auth, IdleLock(300, clock), check_ms=50,
                                watch_activity=False)
    controller.suspend_idle(True)  # handed over: the next operator is on their way
    clock.advance(3600)
    QTest.qWait(200)  # a few idle checks
    assert not controller.locked and window.wall.isVisible()
    controller.lock(explicit=True)  # Ctrl+L still locks
    assert controller.locked
    assert controller.try_unlock("demo", PASSWORD, False) is None and not controller.locked
    controller.suspend_idle(False)  # taken over: counted as activity, the delay starts again
    QTest.qWait(200)
    assert not controller.locked
    clock.advance(301)
    qtbot.waitUntil(lambda: controller.locked, timeout=2000)
    controller.stop()
    window.shutdown()
