"""The wall's banner while the shared database is unreachable (issue "security", point 5)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine

from csu_wall.gui.db_banner import DbBanner, install_db_banner
from csu_wall.services.db_health import DatabaseHealth, DbStatus
from csu_wall.storage.db import Database


def test_banner_appears_when_the_database_goes_away(qtbot: QtBot, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = Database(create_engine(f"postgresql+psycopg://csu:x@127.0.0.1:{port}/csu"
                                "?connect_timeout=2"))
    window = QMainWindow()
    qtbot.addWidget(window)
    health = DatabaseHealth(db)
    banner = install_db_banner(window, health)
    window.show()
    assert not banner.isVisible()
    health.poll()  # from this thread; the banner is told through a queued signal
    qtbot.waitUntil(banner.isVisible, timeout=5000)
    assert "unreachable" in banner.text() and "keep playing" in banner.text()
    banner.post(DbStatus(True, datetime.now(UTC)))
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=5000)
    db.close()


def test_banner_in_french(qtbot: QtBot, french: object) -> None:
    banner = DbBanner()
    qtbot.addWidget(banner)
    banner.show_status(DbStatus(False, datetime(2026, 3, 1, 8, 0, tzinfo=UTC), pending_audit=2))
    assert banner.text().startswith("Base de données injoignable depuis ")
    assert "2 enregistrements d'audit en attente" in banner.text()
