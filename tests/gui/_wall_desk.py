"""A workstation for the wall GUI tests: the real demo site in a real SQLite file, real
LayoutService / TourService / ScreenService on it, a MainWindow over the real demo wall."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from csu_wall.core.model import Site
from csu_wall.core.security import Operator, Role
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.keymap import CALL_UP_DELAY_MS
from csu_wall.gui.main_window import MainWindow
from csu_wall.services.layouts import LayoutService
from csu_wall.services.screens import ScreenService
from csu_wall.services.tours import TourService
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from csu_wall.storage.operators import ensure_operator
from csu_wall.storage.site_repo import apply_site
from tests.gui.conftest import WallFactory
from tests.services.auth_helpers import NOW, FakeClock

SUPERVISOR = Operator("chef", "Chef de salle", Role.SUPERVISOR)
ALICE = Operator("alice", "Alice", Role.OPERATOR)
FIRST_FRAMES_MS = 60_000


def open_wall_db(path: Path, site: Site) -> Database:
    fresh = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database.open(path, create=True)
    if fresh:
        apply_site(db, site, file_name="demo", sha256="0" * 64, applied_by="test", now=NOW)
        for op in (SUPERVISOR, ALICE):
            ensure_operator(db, op, now=NOW)
    return db


def open_window(qtbot: QtBot, make_wall_service: WallFactory, db: Database | None,
                operator: Operator = SUPERVISOR, *, workstation: str = "pupitre-1",
                clock: FakeClock | None = None, data_dir: Path | None = None,
                habilitated: set[str] | None = None, show: bool = True,
                call_up_delay_ms: int = CALL_UP_DELAY_MS) -> MainWindow:
    bridge = StateBridge()
    service, audit_memory = make_wall_service(bridge, habilitated)
    clock = clock or FakeClock()
    extras: dict[str, object] = {}
    if db is not None:
        audit = DbAuditLog(db)
        extras = {
            "layouts": LayoutService(db, audit, operator=operator, workstation=workstation,
                                     clock=clock),
            "tours": TourService(db, audit, operator=operator, workstation=workstation,
                                 clock=clock),
            "screens": ScreenService(db, workstation=workstation, clock=clock),
        }
    window = MainWindow(service, demo=True, bridge=bridge, clock=clock, data_dir=data_dir,
                        call_up_delay_ms=call_up_delay_ms, **extras)  # type: ignore[arg-type]
    window.test_audit = audit_memory  # type: ignore[attr-defined]  # what the gate audited
    qtbot.addWidget(window)
    # the saved wall state is read off the GUI thread: the wall is restored when it arrives
    qtbot.waitUntil(lambda: not window.restoring, timeout=10_000)
    if show:
        window.show()
        # window shortcuts need the active window (several windows live in one test process)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    return window
