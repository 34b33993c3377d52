"""The GUI equivalent of ``csu-wall credentials set`` (issue "security", point 4), and the
canary password searched in every widget text after it was entered (Done-when: "widget texts").

Pixels of a screenshot cannot be searched for text without OCR; what this test proves instead
is that the only widget that ever holds the password masks it (echo mode Password) and is
emptied as soon as it was handed over, so no screenshot can show it.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from csu_wall.core.audit import AuditAction
from csu_wall.core.security import Operator, Role
from csu_wall.gui.credentials_dialog import CredentialsDialog
from csu_wall.services.credentials_admin import CredentialAdmin
from csu_wall.storage import credentials as creds
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from csu_wall.storage.site_key import SiteKey
from tests.services._security_site import store_site

KEY = SiteKey(site_id="s", key_id="k", key=os.urandom(32))
CANARY = "Canari#42:@/x"


def _texts(widget: QWidget) -> list[str]:
    out = [widget.windowTitle(), widget.toolTip(), widget.statusTip(), widget.accessibleName()]
    for name in ("text", "placeholderText", "plainText", "title", "currentText"):
        getter = getattr(widget, name, None)
        if callable(getter):
            try:
                value = getter()
            except TypeError:
                continue
            if isinstance(value, str):
                out.append(value)
    return out


def _dialog(qtbot: QtBot, tmp_path: Path, role: Role = Role.ADMINISTRATOR
            ) -> tuple[CredentialsDialog, Database]:
    db = Database.open(tmp_path / "db.sqlite3", create=True)
    site = store_site(db, 8554)
    admin = CredentialAdmin(db, DbAuditLog(db), site, operator=Operator("chef", "Chef", role),
                            workstation="poste-1", site_key=lambda: KEY)
    dialog = CredentialsDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, db


def test_gui_entry_stores_encrypted_and_leaves_no_trace_in_widgets(qtbot: QtBot,
                                                                 tmp_path: Path) -> None:
    dialog, db = _dialog(qtbot, tmp_path)
    dialog.select_recorder("roncq-nvr")
    assert dialog.user.text() == "viewer"  # the site file's user name
    assert dialog.password.echoMode() is QLineEdit.EchoMode.Password
    qtbot.keyClicks(dialog.password, CANARY)
    qtbot.keyClicks(dialog.confirm, CANARY)
    dialog.save_button.click()
    got = creds.get_credential(db, KEY, "roncq-nvr")
    assert got is not None and got.password == CANARY
    assert dialog.password.text() == "" and dialog.confirm.text() == ""
    assert "roncq-nvr" in dialog.feedback.text()
    leaks = [t for w in QApplication.allWidgets() for t in _texts(w) if CANARY in t]
    assert leaks == []
    assert entries(db, limit=None)[-1].entry.action is AuditAction.CREDENTIAL_CHANGE
    db.close()


def test_mismatched_confirmation_changes_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    dialog, db = _dialog(qtbot, tmp_path)
    dialog.select_recorder("roncq-nvr")
    qtbot.keyClicks(dialog.password, CANARY)
    qtbot.keyClicks(dialog.confirm, CANARY + "x")
    dialog.save_button.click()
    assert creds.get_credential(db, KEY, "roncq-nvr") is None
    assert dialog.password.text() == "" and "differ" in dialog.feedback.text()
    db.close()


def test_non_administrator_is_refused_in_french(qtbot: QtBot, tmp_path: Path) -> None:
    dialog, db = _dialog(qtbot, tmp_path, Role.OPERATOR)
    dialog.select_recorder("halluin-nvr")
    qtbot.keyClicks(dialog.password, CANARY)
    qtbot.keyClicks(dialog.confirm, CANARY)
    dialog.save_button.click()
    assert "administrateur" in dialog.feedback.text()
    assert creds.get_credential(db, KEY, "halluin-nvr") is None
    assert dialog.password.text() == ""
    db.close()


def test_delete_from_the_gui(qtbot: QtBot, tmp_path: Path) -> None:
    dialog, db = _dialog(qtbot, tmp_path)
    creds.set_credential(db, KEY, "roncq-nvr", creds.RecorderCredential("viewer", CANARY))
    dialog.reload()
    dialog.delete_now("roncq-nvr")
    assert creds.get_credential(db, KEY, "roncq-nvr") is None
    assert "deleted" in dialog.feedback.text()
    db.close()
