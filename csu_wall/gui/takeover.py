"""Taking over a running wall at a shift handover, without darkness.

After the outgoing operator handed over, the wall keeps playing and stays theirs (the viewer
of record). The incoming operator identifies themselves in a dialog over the running wall,
reads the handover and ticks each open item while it plays, then takes the wall with one
action (« Prendre le mur »): the handover is acknowledged, the wall's on-screen intervals end
for the outgoing operator, and every open view is opened again under the incoming operator's
habilitations (tiles of communes they are not habilitated for close and say why). No lock,
no second password.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.errors import CsuWallError
from csu_wall.core.frames import TileState
from csu_wall.core.model import Site
from csu_wall.core.security import Operator
from csu_wall.core.shifts import HandoverReport, Shift
from csu_wall.gui._latest_call import LatestCall
from csu_wall.gui._pending_write import PendingWrite
from csu_wall.gui.handover_dialog import HandoverAckDialog
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.shift_dialogs import ShiftApi

log = logging.getLogger(__name__)

Identify = Callable[[str, str], Operator]  # login, password -> the incoming operator
# The incoming operator and the tiles showing a camera -> the tiles closed, with their words.
TakeOver = Callable[[Operator, Sequence[str]], Mapping[str, str]]


class TakeoverSignInDialog(QDialog):
    """The incoming operator identifies themselves over the running wall."""

    sig_identified = Signal(object)  # Operator

    def __init__(self, identify: Identify, outgoing: Operator,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("takeoverSignInDialog")
        self.setWindowTitle(self.tr("Shift handover: next operator"))
        self._identify = identify
        intro = QLabel(self.tr(
            "{name} handed over the shift. The wall keeps playing under their name until you "
            "take it. Sign in, read the handover and acknowledge each open item, then take "
            "the wall.").format(name=outgoing.display_name))
        intro.setWordWrap(True)
        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("takeoverLoginEdit")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("takeoverPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.returnPressed.connect(self.submit)
        self.error_label = QLabel()
        self.error_label.setObjectName("takeoverError")
        self.error_label.setWordWrap(True)
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.sign_in_button.setObjectName("takeoverSignInButton")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.submit)
        self.check = PendingWrite("takeover sign-in", self.sign_in_button, parent=self)
        form = QFormLayout()
        form.addRow(self.tr("Login"), self.login_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.sign_in_button)
        self.setMinimumWidth(460)

    @property
    def checking(self) -> bool:
        """The credentials are being checked (off the GUI thread)."""
        return self.check.busy

    def submit(self) -> bool:
        """Check the credentials on the services' executor (a password hash and an audit
        record: the wall keeps playing meanwhile); the answer comes back here. False, and
        nothing asked, while a check is under way."""
        login = self.login_edit.text()
        password = self.password_edit.text()
        self.password_edit.clear()
        identify = self._identify

        def check() -> Operator:
            return identify(login, password)

        # the password lives in ``check`` only, until the executor has run it
        return self.check.run(check, self.tr("Checking…"), self._identified, self._refused)

    def _identified(self, operator: Operator) -> None:
        self.sig_identified.emit(operator)
        self.accept()

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, CsuWallError):  # French, said as it is
            self.error_label.setText(str(exc))
        else:
            log.warning("incoming operator not checked: %s", type(exc).__name__)
            self.error_label.setText(self.tr(
                "Your identity could not be checked now (database unreachable): try again "
                "in a moment."))
        self.password_edit.setFocus()


class TakeoverFlow(QObject):
    """Sign-in, acknowledgment, « Prendre le mur » on one window whose wall keeps playing."""

    sig_taken = Signal(object, object)  # Operator (incoming), Shift (theirs)

    def __init__(self, window: MainWindow, shifts: ShiftApi, site: Site, *,
                 identify: Identify, take_over: TakeOver) -> None:
        super().__init__(window)
        self.window = window
        self._shifts = shifts
        self._site = site
        self._identify = identify
        self._take_over = take_over
        self.sign_in: TakeoverSignInDialog | None = None
        self.ack: HandoverAckDialog | None = None
        self.incoming: Operator | None = None
        self.denied: dict[str, str] = {}  # tiles closed at the takeover, with their words
        self.pending_call = LatestCall("takeover handover", self)

    def start(self) -> QDialog | None:
        """Show the sign-in dialog (or the acknowledgment, once identified)."""
        if self.ack is not None:
            self.ack.open()
            return self.ack
        if self.sign_in is None:
            dialog = TakeoverSignInDialog(self._identify, self.window.service.operator,
                                          parent=self.window)
            dialog.sig_identified.connect(self._identified)
            self.sign_in = dialog
        self.sign_in.open()
        return self.sign_in

    def _identified(self, operator: Operator) -> None:
        """Signed in: the pending handover is read off the GUI thread, then acknowledged."""
        self.incoming = operator
        self.sign_in = None
        self.pending_call.run(self._shifts.pending_handover,
                              lambda pending: self._read(operator, pending), self._unread)

    def _unread(self, exc: Exception) -> None:
        log.warning("pending handover not read: %s", exc)
        self.window.status_message(QCoreApplication.translate(
            "MainWindow", "The handover cannot be read now (database unreachable): take the "
            "wall again from the Handover menu in a moment."), "error")

    def _read(self, operator: Operator, pending: HandoverReport | None) -> None:
        if pending is None:  # acknowledged elsewhere meanwhile: nothing to read here
            log.warning("no pending handover when %s signed in to take the wall", operator.id)
            return
        ack = HandoverAckDialog(self._shifts, pending, operator, site=self._site,
                                parent=self.window)
        ack.sig_acknowledged.connect(self._acknowledged)
        self.ack = ack
        ack.open()

    def _acknowledged(self, shift: Shift) -> None:
        operator = self.incoming
        assert operator is not None
        self.ack = None
        wall = self.window.wall
        tiles = [t.tile_id for t in wall.tiles if t.camera is not None and t.feed is not None]
        wall.leave_screen()  # the outgoing operator's intervals end at the takeover
        try:
            self.denied = dict(self._take_over(operator, tiles))
        except CsuWallError as exc:
            log.error("wall not taken over by %s: %s", operator.id, exc)
            self.window.statusBar().showMessage(str(exc), 30000)
            return
        for tile_id, words in self.denied.items():
            tile = wall.tile(tile_id)
            if tile.camera is not None:
                tile.set_denied(tile.camera, words)  # drops the last image, says why
                tile.update()
                wall.sig_camera_state_changed.emit(tile.camera.id, TileState.DENIED.value)
        self.window.operator_label.setText(QCoreApplication.translate(
            "MainWindow", "Operator: {name}").format(name=operator.display_name))
        self.sig_taken.emit(operator, shift)
