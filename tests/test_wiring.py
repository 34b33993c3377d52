"""The real application wiring (composition root → GUI): a signed-in wall gets every feature
of the application — saved layouts, playback, shifts and bookmarks, the database banner, the
administrator's credentials screen — and sees a shared layout saved on another workstation
through the change feed, without polling. Real SQLite, real accounts, demo recorders."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from csu_wall.composition import AppLauncher, Paths
from csu_wall.core.layout import Grid, Layout
from csu_wall.core.security import Habilitation, Operator, Role
from csu_wall.core.sitefile import load_demo_site
from csu_wall.gui.db_banner import DbBanner
from csu_wall.gui.main_window import MainWindow
from csu_wall.services.layouts import LayoutService
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from csu_wall.storage.operators import add_habilitation
from csu_wall.storage.site_repo import apply_site
from tests.services.auth_helpers import PASSWORD, add_user


def _launcher(tmp_path: Path, role: Role) -> tuple[AppLauncher, Path]:
    data = tmp_path / "data"
    db_file = data / "csu-wall.sqlite3"
    db = Database.open(db_file, create=True)
    apply_site(db, load_demo_site(), file_name="site.toml", sha256="0" * 64, applied_by="t")
    add_user(db, "chef", role)
    add_habilitation(db, Habilitation("chef", "tourcoing", "arrêté", "maire",
                                      datetime(2020, 1, 1, tzinfo=UTC)))
    db.close()
    paths = Paths(data_dir=data, database_url=str(db_file), demo=False)
    return AppLauncher(paths, workstation="poste-1"), db_file


def test_signed_in_wall_gets_every_feature(qtbot: QtBot, tmp_path: Path) -> None:
    launcher, db_file = _launcher(tmp_path, Role.ADMINISTRATOR)
    operator = launcher.sign_in("chef", PASSWORD)
    service = launcher.open_wall(None, operator)
    window = MainWindow(service, demo=False, **launcher.wall_extras(service))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    installed = launcher.decorate_window(window, service)
    assert installed is not None and installed.shifts is not None
    window.show()
    assert window.layouts is not None and window.tour_service is not None
    assert {"playback", "bookmark"} <= set(window._tile_actions)
    assert not window.side_panels["playback"].isVisible()  # until a tile is played back
    assert window.findChild(QAction, "actionRecorderCredentials") is not None
    assert window.findChild(DbBanner) is not None
    qtbot.waitUntil(lambda: installed.shifts.gate.dialog is not None,  # type: ignore[union-attr]
                    timeout=5_000)
    dialog = installed.shifts.gate.dialog  # no shift yet: the wall waits for one
    assert dialog is not None and not window.wall.isVisible()
    dialog.confirm()  # type: ignore[attr-defined]  # recorded off the GUI thread
    qtbot.waitUntil(window.wall.isVisible, timeout=5000)
    shift = dialog.shift  # type: ignore[attr-defined]
    assert shift is not None and shift.walls[0] == "mur principal"
    assert shift.operator_id == "chef" and shift.workstation == "poste-1"

    other_db = Database.open(db_file)
    try:
        other = LayoutService(other_db, DbAuditLog(other_db), workstation="poste-2",
                              operator=Operator("chef", "Chef", Role.ADMINISTRATOR))
        other.save(Layout("Vue partagée", Grid.preset("2x2"), (None,) * 4), "créée")
        qtbot.waitUntil(lambda: any(lay.name == "Vue partagée" for lay in window.tabs.layouts()),
                        timeout=10000)
    finally:
        other_db.close()
    window.shutdown()
    launcher.auth().sign_out()


def test_an_operator_gets_no_credentials_screen(qtbot: QtBot, tmp_path: Path) -> None:
    launcher, _ = _launcher(tmp_path, Role.OPERATOR)
    service = launcher.open_wall(None, launcher.sign_in("chef", PASSWORD))
    window = MainWindow(service, demo=False, **launcher.wall_extras(service))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    launcher.decorate_window(window, service)
    assert window.findChild(QAction, "actionRecorderCredentials") is None
    window.shutdown()
    launcher.auth().sign_out()
