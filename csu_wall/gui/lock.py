"""Locking the workstation: explicitly (File menu, Ctrl+L) or after inactivity.

While locked, an opaque overlay covers the whole window and the wall is hidden, so no tile is
painted and every stream is told it is not visible (no decoding). Only the operator who locked,
or the next one at a shift handover, unlocks it; a handover reopens the wall for the new
operator with their own habilitations (``sig_handover``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.errors import CsuWallError
from csu_wall.core.security import Operator
from csu_wall.gui.main_window import MainWindow
from csu_wall.services.auth import IdleLock

log = logging.getLogger(__name__)

IDLE_CHECK_MS = 1000
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel, QEvent.Type.TouchBegin}


class SessionAuth(Protocol):
    """What the lock needs of :class:`csu_wall.services.auth.AuthService`."""

    @property
    def operator(self) -> Operator | None: ...

    def lock(self, reason: str = ...) -> None: ...

    def unlock(self, login: str, password: str, *, handover: bool = ...) -> Operator: ...

    def sign_out(self) -> None: ...

    # At a handover, the incoming operator over the running wall (csu_wall/gui/takeover.py).
    def identify_incoming(self, login: str, password: str) -> Operator: ...


class LockOverlay(QFrame):
    """Covers the window: who locked it, and the form to unlock."""

    def __init__(self, unlock: Callable[[str, str, bool], str | None],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lockOverlay")
        self.setAutoFillBackground(True)
        self.setStyleSheet("#lockOverlay { background: #101216; } QLabel { color: #e8eaef; }")
        self._unlock = unlock
        self.title = QLabel(self.tr("Workstation locked"))
        self.title.setObjectName("lockTitle")
        self.title.setStyleSheet("font-size: 22pt;")
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("lockLoginEdit")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("lockPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.handover_box = QCheckBox(self.tr("Shift handover (another operator takes over)"))
        self.error_label = QLabel()
        self.error_label.setObjectName("lockError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #e06060;")
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.clicked.connect(self.submit)
        self.password_edit.returnPressed.connect(self.submit)

        box = QWidget()
        box.setMaximumWidth(460)
        form = QFormLayout()
        form.addRow(self.tr("Login"), self.login_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        column = QVBoxLayout(box)
        column.addWidget(self.title)
        column.addWidget(self.who)
        column.addLayout(form)
        column.addWidget(self.handover_box)
        column.addWidget(self.error_label)
        column.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignRight)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.hide()

    def reset(self, operator: Operator | None) -> None:
        name = operator.display_name if operator else "?"
        self.who.setText(self.tr("Locked by {name}. Sign in again to show the wall.")
                         .format(name=name))
        self.login_edit.setText(operator.id if operator else "")
        self.password_edit.clear()
        self.handover_box.setChecked(False)
        self.error_label.clear()

    def submit(self) -> None:
        login = self.login_edit.text()
        password = self.password_edit.text()
        self.password_edit.clear()
        error = self._unlock(login, password, self.handover_box.isChecked())
        del password
        if error is not None:
            self.error_label.setText(error)
            self.password_edit.setFocus()


class LockController(QObject):
    """Owns the lock action, the idle check and the overlay of one main window."""

    sig_locked = Signal()
    sig_unlocked = Signal()
    sig_handover = Signal(object)  # the new Operator: the session reopens the wall for them

    def __init__(self, window: MainWindow, auth: SessionAuth, idle: IdleLock, *,
                 check_ms: int = IDLE_CHECK_MS, watch_activity: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self.auth = auth
        self.idle = idle
        self._locked = False
        self._idle_suspended = False
        self.overlay = LockOverlay(self.try_unlock, window)
        self.action = QAction(self.tr("&Lock workstation"), window)
        self.action.setObjectName("lockAction")
        self.action.setShortcut(QKeySequence("Ctrl+L"))
        self.action.triggered.connect(lambda: self.lock(explicit=True))
        menu = window.file_menu
        if menu.actions():
            first = menu.actions()[0]
            menu.insertAction(first, self.action)
            menu.insertSeparator(first)
        else:
            menu.addAction(self.action)
        window.installEventFilter(self)  # keep the overlay over the whole window
        self._app = QApplication.instance() if watch_activity else None
        if self._app is not None:
            self._app.installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms)
        self._timer.timeout.connect(self.check_idle)
        if idle.enabled:
            self._timer.start()

    @property
    def locked(self) -> bool:
        return self._locked

    def lock(self, *, explicit: bool = False) -> None:
        if self._locked:
            return
        try:
            self.auth.lock("verrouillage manuel" if explicit else "inactivité")
        except CsuWallError:  # locking only removes access: it happens even unaudited
            log.exception("lock not audited")
        self._locked = True
        wall = self.window.wall
        for tile in wall.tiles:
            tile.set_stream_visible(False)  # now, not at the next render tick
        wall.leave_screen()  # the on-screen intervals end at the lock
        wall.hide()  # its tiles stop being visible: never painted, never decoded
        self._set_enabled(False)
        self.overlay.reset(self.auth.operator)
        self.overlay.setGeometry(self.window.rect())
        self.overlay.show()
        self.overlay.raise_()
        self.overlay.password_edit.setFocus()
        self.sig_locked.emit()

    def try_unlock(self, login: str, password: str, handover: bool) -> str | None:
        """Unlock if the credentials allow it; else the reason (French), still locked."""
        before = self.auth.operator
        try:
            operator = self.auth.unlock(login, password, handover=handover)
        except CsuWallError as exc:
            return str(exc)
        self._locked = False
        self.overlay.hide()
        self._set_enabled(True)
        self.idle.activity()
        if before is not None and operator.id != before.id:
            self.sig_handover.emit(operator)  # the wall stays hidden: it was theirs
            return None
        self.window.wall.show()
        self.sig_unlocked.emit()
        return None

    def _set_enabled(self, enabled: bool) -> None:
        # No shortcut or click reaches the wall or the menus while locked.
        self.window.menuBar().setEnabled(enabled)
        central = self.window.centralWidget()
        if central is not None:
            central.setEnabled(enabled)

    def suspend_idle(self, suspended: bool) -> None:
        """Between a handover and its takeover the wall is attended by the handover itself:
        no lock for inactivity (an explicit lock still works). Resuming counts as activity."""
        self._idle_suspended = suspended
        if not suspended:
            self.idle.activity()

    def check_idle(self) -> None:
        if not self._locked and not self._idle_suspended and self.idle.due():
            self.lock()

    def stop(self) -> None:
        self._timer.stop()
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _ACTIVITY and not self._locked:
            self.idle.activity()
        elif watched is self.window and kind == QEvent.Type.Resize and self._locked:
            self.overlay.setGeometry(self.window.rect())
        return False
