"""The status bar names this workstation as enrolled (``workstation enroll --name``), in
French: the name the audit log, shifts and wall state record (tests/test_workstation_identity.py).
A real window offscreen on a real SQLite database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTranslator
from pytestqt.qtbot import QtBot

from csu_wall.core.model import Site
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.main_window import MainWindow
from csu_wall.services.screens import ScreenService
from tests.gui._wall_desk import open_wall_db
from tests.gui.conftest import WallFactory


def test_status_bar_shows_the_workstation_name(
        qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path,
        french: QTranslator) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    bridge = StateBridge()
    service, _audit = make_wall_service(bridge)
    window = MainWindow(service, demo=True, bridge=bridge,
                        screens=ScreenService(db, workstation="pupitre-7"))
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.workstation_label.text() == "Poste : pupitre-7"
        assert window.workstation_label.isVisibleTo(window)
        assert window.statusBar().isAncestorOf(window.workstation_label)
    finally:
        window.close()
        db.close()
