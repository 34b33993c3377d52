"""Locking the workstation (issue point 6): Ctrl+L and the idle lock blank every tile until
the same operator (or the next one at a handover) signs in. Real widgets offscreen over the
real demo wall; a real AuthService on SQLite; a settable clock for the idle delay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.lock import LockController
from csu_wall.gui.main_window import MainWindow
from csu_wall.services.auth import AuthService, IdleLock
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from tests.gui._helpers import grab_array
from tests.gui.conftest import WallFactory
from tests.services.auth_helpers import FAST, PASSWORD, FakeClock, add_user


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "csu.db", create=True)
    add_user(database, "demo")
    add_user(database, "martin")
    yield database
    database.close()


@pytest.fixture()
def setup(qtbot: QtBot, make_wall_service: WallFactory, db: Database):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    auth = AuthService(db, DbAuditLog(db), workstation="p", clock=clock, hasher=FAST)
    auth.sign_in("demo", PASSWORD)
    bridge = StateBridge()
    service, _ = make_wall_service(bridge)
    window = MainWindow(service, demo=True, bridge=bridge)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    controller = LockController(window, auth, IdleLock(300, clock), check_ms=50)
    yield window, controller, auth, clock
    controller.stop()
    window.shutdown()


def _wait_live(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.wall.live_count() >= 1, timeout=20000)


def test_explicit_lock_with_ctrl_l_blanks_every_tile(qtbot: QtBot, setup, db: Database) -> None:  # type: ignore[no-untyped-def]
    window, controller, auth, _ = setup
    _wait_live(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert controller.locked and auth.locked
    assert controller.overlay.isVisible()
    assert not any(t.isVisible() for t in window.wall.tiles)
    assert all(t.feed is None or t._visible_sent is False for t in window.wall.tiles)
    painted = dict(window.wall.frames_painted())
    qtbot.wait(400)
    assert window.wall.frames_painted() == painted  # nothing painted while locked
    pixels = grab_array(window)
    # Beside the centred unlock form, where tiles were: only the overlay's plain background.
    for region in (pixels[60:680, 0:200, :3], pixels[60:680, 800:1000, :3]):
        assert np.ptp(region.reshape(-1, 3), axis=0).max() < 8
    assert [r.entry.detail for r in entries(db, limit=None)
            if r.entry.action.value == "lock"] == ["verrouillage manuel"]


def test_idle_lock_after_the_profile_delay_and_same_operator_unlocks(qtbot: QtBot, setup) -> None:  # type: ignore[no-untyped-def]
    window, controller, auth, clock = setup
    clock.advance(299)
    controller.check_idle()
    assert not controller.locked
    clock.advance(1)
    qtbot.waitUntil(lambda: controller.locked, timeout=2000)  # the controller's own timer
    overlay = controller.overlay
    assert overlay.login_edit.text() == "demo"
    overlay.password_edit.setText("wrong password")
    overlay.submit()
    assert controller.locked and overlay.error_label.text()
    clock.advance(10)
    overlay.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(controller.sig_unlocked):
        overlay.submit()
    assert not controller.locked and not overlay.isVisible()
    assert window.wall.isVisible() and all(t.isVisible() for t in window.wall.tiles)


def test_another_operator_needs_the_handover_box(qtbot: QtBot, setup) -> None:  # type: ignore[no-untyped-def]
    window, controller, auth, _ = setup
    controller.lock(explicit=True)
    overlay = controller.overlay
    overlay.login_edit.setText("martin")
    overlay.password_edit.setText(PASSWORD)
    overlay.submit()
    assert controller.locked and "Relève" in overlay.error_label.text()
    overlay.password_edit.setText(PASSWORD)
    overlay.handover_box.setChecked(True)
    with qtbot.waitSignal(controller.sig_handover) as blocker:
        overlay.submit()
    assert blocker.args[0].id == "martin" and auth.operator is not None
    assert auth.operator.id == "martin"
    assert not window.wall.isVisible()  # the old operator's wall is never shown again


def test_activity_postpones_the_idle_lock(qtbot: QtBot, setup) -> None:  # type: ignore[no-untyped-def]
    window, controller, _, clock = setup
    clock.advance(250)
    qtbot.keyClick(window.wall, Qt.Key.Key_Shift)
    clock.advance(100)
    controller.check_idle()
    assert not controller.locked
    QApplication.processEvents()
