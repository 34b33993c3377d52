"""Taking the wall at sign-in: open a shift, join the one open on this workstation, or — when
the previous operator handed over — acknowledge the handover's open items first.

:class:`ShiftGate` chooses which of the three applies and emits ``sig_shift_ready`` with the
operator's shift; until then the caller keeps the wall hidden. What applies is read from the
database off the GUI thread (:class:`LatestCall`); the database away, a dialog says so in
French and offers to try again. Opening or joining the shift is written off the GUI thread
too (:class:`PendingWrite`): the button waits and says so, a failure is said in the dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from csu_wall.core.errors import CsuWallError
from csu_wall.core.model import Site
from csu_wall.core.security import Operator
from csu_wall.core.shifts import HandoverReport, Shift
from csu_wall.gui._latest_call import LatestCall
from csu_wall.gui._pending_write import PendingWrite
from csu_wall.gui.bookmark_dialog import local_text
from csu_wall.gui.handover_dialog import HandoverAckDialog
from csu_wall.gui.shift_api import ShiftApi

log = logging.getLogger(__name__)


class ShiftStartDialog(QDialog):
    """Open a new shift, or join the one already open on this workstation."""

    sig_shift_ready = Signal(object)  # Shift

    def __init__(self, shifts: ShiftApi, operator: Operator, walls: Sequence[str],
                 current: Shift | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftStartDialog")
        self.setWindowTitle(self.tr("Start of shift"))
        self._shifts = shifts
        self._operator = operator
        self._walls = tuple(walls)
        self.current = current
        self.shift: Shift | None = None
        if current is None:
            text = self.tr("No shift is open on this workstation. Open yours to take the "
                           "wall ({walls}).").format(walls=", ".join(self._walls) or "—")
            self.action_button = QPushButton(self.tr("Open a shift"))
        else:
            text = self.tr("A shift is open on this workstation: n°{id}, opened by {who} on "
                           "{time}. Join it to take the wall with them.").format(
                id=current.id, who=current.operator_id, time=local_text(current.started_utc))
            self.action_button = QPushButton(self.tr("Join this shift"))
        self.action_button.setObjectName("shiftStartButton")
        self.action_button.clicked.connect(self.confirm)
        self.write = PendingWrite("shift start", self.action_button, parent=self)
        label = QLabel(text)
        label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #e06060;")
        self.error_label.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Operator: {name}").format(name=operator.display_name)))
        layout.addWidget(label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.action_button)
        self.setMinimumWidth(420)

    @property
    def writing(self) -> bool:
        """True while the shift is being opened or joined (the button waits meanwhile)."""
        return self.write.busy

    def confirm(self) -> None:
        """Open or join the shift off the GUI thread; ``sig_shift_ready`` and the dialog
        closed once it is recorded (:attr:`shift` then). A press meanwhile does nothing."""
        if self.writing:
            return None
        shifts, operator_id, walls, current = self._shifts, self._operator.id, self._walls, \
            self.current
        if current is None:
            doing = self.tr("Opening the shift…")

            def write() -> Shift:
                return shifts.open(operator_id, walls)
        else:
            doing = self.tr("Joining the shift…")
            current_id = current.id

            def write() -> Shift:
                return shifts.join(current_id, operator_id)

        self.error_label.hide()
        self.write.run(write, doing, self._recorded, self._not_recorded)
        return None

    def _recorded(self, shift: Shift) -> None:
        self.shift = shift
        self.sig_shift_ready.emit(shift)
        self.accept()

    def _not_recorded(self, exc: Exception) -> None:
        if isinstance(exc, CsuWallError | ValueError):
            self.error_label.setText(str(exc))
        else:
            log.warning("shift open/join failed", exc_info=exc)
            self.error_label.setText(self.tr("The shift could not be recorded: the database "
                                             "cannot be written. Try again, or call IT support."))
        self.error_label.show()


class ShiftGate(QObject):
    """Shows what the operator must do before taking the wall, then emits the shift."""

    sig_shift_ready = Signal(object)  # Shift

    def __init__(self, shifts: ShiftApi, operator: Operator, walls: Sequence[str], *,
                 site: Site, parent: QWidget) -> None:
        super().__init__(parent)
        self._shifts = shifts
        self._operator = operator
        self._walls = tuple(walls)
        self._site = site
        self._parent = parent
        self.dialog: QDialog | None = None  # the dialog shown now (tests drive it)
        self.shift: Shift | None = None
        self.read_call = LatestCall("shift start", self)

    @property
    def reading(self) -> bool:
        """True while the pending handover and the open shift are being read."""
        return self.read_call.busy

    def start(self) -> None:
        """Read off the GUI thread what applies, then show the right dialog (window-modal,
        :attr:`dialog`), or emit at once when the operator already belongs to this
        workstation's open shift."""
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None
        shifts = self._shifts

        def read() -> tuple[HandoverReport | None, Shift | None]:
            pending = shifts.pending_handover()
            return pending, (shifts.current() if pending is None else None)

        self.read_call.run(read, self._show, self._unreadable)

    def _unreadable(self, exc: Exception) -> None:
        log.warning("shift state not read", exc_info=exc)
        dialog = ShiftRetryDialog(str(exc) if isinstance(exc, CsuWallError) else None,
                                  parent=self._parent)
        dialog.retry_button.clicked.connect(self.start)
        self.dialog = dialog
        dialog.open()

    def _show(self, answer: tuple[HandoverReport | None, Shift | None]) -> None:
        pending, current = answer
        dialog: QDialog
        if pending is not None:
            ack = HandoverAckDialog(self._shifts, pending, self._operator,
                                    site=self._site, parent=self._parent)
            ack.sig_acknowledged.connect(self._ready)
            dialog = ack
        else:
            if current is not None and self._operator.id in (current.operator_id,
                                                              *current.members):
                self._ready(current)
                return None
            start = ShiftStartDialog(self._shifts, self._operator, self._walls, current,
                                     parent=self._parent)
            start.sig_shift_ready.connect(self._ready)
            dialog = start
        self.dialog = dialog
        dialog.open()

    def _ready(self, shift: Shift) -> None:
        self.shift = shift
        self.dialog = None
        self.sig_shift_ready.emit(shift)


class ShiftRetryDialog(QDialog):
    """The shift cannot be read (the database away): said, with « Try again »."""

    def __init__(self, reason: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftRetryDialog")
        self.setWindowTitle(self.tr("Start of shift"))
        self.message = QLabel(reason or self.tr(
            "The shift cannot be read now: the database is unreachable. The wall stays "
            "hidden until a shift is open; try again in a moment."))
        self.message.setWordWrap(True)
        self.retry_button = QPushButton(self.tr("Try again"))
        self.retry_button.setObjectName("shiftRetryButton")
        self.retry_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.retry_button)
        self.setMinimumWidth(420)
