"""The red banner a wall shows while the shared database is unreachable."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from csu_wall.services.db_health import DatabaseHealth, DbStatus


class DbBanner(QLabel):
    """Hidden while the database answers; says what happens meanwhile when it does not."""

    _sig_status = Signal(object)  # DbStatus, posted from the health thread

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dbBanner")
        self.setWordWrap(True)
        self.setStyleSheet("QLabel#dbBanner { background: #8b1a1a; color: white; "
                           "font-weight: bold; padding: 4px 8px; }")
        self.hide()
        self._sig_status.connect(self.show_status)

    def post(self, status: DbStatus) -> None:
        """Thread-safe: called by :class:`DatabaseHealth` from its own thread."""
        self._sig_status.emit(status)

    def show_status(self, status: DbStatus) -> None:
        text = self.tr_status(status)
        self.setText(text)
        self.setVisible(bool(text))

    def tr_status(self, status: DbStatus) -> str:
        if status.reachable:
            return ""
        since = status.since_utc.astimezone().strftime("%H:%M:%S")
        text = self.tr("Database unreachable since {since}: open views keep playing, new "
                       "openings wait for it to come back.").format(since=since)
        if status.pending_audit:
            text += " " + self.tr("%n audit record(s) waiting on this workstation.", "",
                                  status.pending_audit)
        return text


def install_db_banner(window: QMainWindow, health: DatabaseHealth) -> DbBanner:
    """Put the banner in the window's status bar and follow ``health``."""
    banner = DbBanner(window)
    window.statusBar().addPermanentWidget(banner, 1)
    health.add_listener(banner.post)
    banner.show_status(health.status)
    return banner
