"""The sign-in window (issue point 1) over a real AuthService and SQLite database, and run_gui
asking for it before a site's wall opens."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from csu_wall.core.security import Operator
from csu_wall.gui.sign_in import SignInDialog
from csu_wall.services.auth import BAD_CREDENTIALS, AuthService
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from tests.services.auth_helpers import FAST, PASSWORD, FakeClock, add_user


@pytest.fixture()
def auth(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = Database.open(tmp_path / "csu.db", create=True)
    add_user(db, "dupont")
    yield AuthService(db, DbAuditLog(db), workstation="p", clock=FakeClock(), hasher=FAST)
    db.close()


def test_sign_in_dialog_emits_the_operator_and_clears_the_password(
    qtbot: QtBot, auth: AuthService
) -> None:
    dialog = SignInDialog(auth.sign_in)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.login_edit.setText("dupont")
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(dialog.sig_signed_in) as blocker:
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert isinstance(blocker.args[0], Operator) and blocker.args[0].id == "dupont"
    assert dialog.password_edit.text() == ""
    assert dialog.error_label.isHidden()


def test_sign_in_dialog_shows_the_french_refusal_and_logs_no_password(
    qtbot: QtBot, auth: AuthService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dialog = SignInDialog(auth.sign_in)
    qtbot.addWidget(dialog)
    dialog.show()
    signed: list[object] = []
    dialog.sig_signed_in.connect(signed.append)
    dialog.login_edit.setText("dupont")
    dialog.password_edit.setText("Wrong-Secret-42")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert signed == []
    assert dialog.error_label.isVisible() and dialog.error_label.text() == BAD_CREDENTIALS
    assert dialog.password_edit.text() == ""
    assert "Wrong-Secret-42" not in caplog.text


def test_run_gui_asks_for_sign_in_before_opening_the_site_wall(
    qapp: QApplication, make_wall_service, tmp_path: Path, auth: AuthService  # type: ignore[no-untyped-def]
) -> None:
    from tests.gui.test_runner import _Launcher

    launcher = _Launcher(make_wall_service, has_site=True, auth=auth)
    seen: list[str] = []

    def fill() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, SignInDialog) and w.isVisible()]
        seen.append("dialog" if dialogs else "none")
        assert launcher.calls == []  # nothing opened before the sign-in
        if dialogs:
            dialogs[0].login_edit.setText("dupont")
            dialogs[0].password_edit.setText(PASSWORD)
            dialogs[0].submit()

    QTimer.singleShot(200, fill)
    from csu_wall.gui.runner import run_gui

    assert run_gui(launcher, demo=False, screenshot=None, quit_after=1.0) == 0
    assert seen == ["dialog"]
    assert launcher.calls == ["wall:dupont"]
    assert auth.operator is None  # signed out (audited) when the window closed


def test_sign_in_and_lock_texts_are_french(qtbot: QtBot, auth: AuthService,
                                           french: object) -> None:
    from csu_wall.gui.lock import LockOverlay

    dialog = SignInDialog(auth.sign_in)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "csu-wall — connexion"
    assert dialog.sign_in_button.text() == "Se connecter"
    overlay = LockOverlay(lambda *_: None, dialog)
    assert overlay.title.text() == "Poste verrouillé"
    assert overlay.unlock_button.text() == "Déverrouiller"
