"""Ctrl+Q while a shift is open asks first (in French, « Rester » by default); without a shift
it quits at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from csu_wall.gui.shift_dialogs import ShiftStartDialog
from csu_wall.gui.shift_features import install_shift_features
from tests.gui._shift_env import ShiftEnv, shift_env  # noqa: F401


def _question(qtbot: QtBot, window: object) -> QMessageBox:
    box: list[QMessageBox] = []

    def shown() -> bool:
        found = [b for b in window.findChildren(QMessageBox, "quitQuestion")  # type: ignore[attr-defined]
                 if b.isVisible()]
        box[:] = found
        return bool(found)

    qtbot.waitUntil(shown, timeout=5000)
    return box[0]


def test_ctrl_q_during_an_open_shift_asks_for_confirmation(
    qtbot: QtBot, shift_env: ShiftEnv, french: object  # noqa: F811
) -> None:
    dupont = shift_env.account("dupont")
    gate = shift_env.gate(dupont, {"tourcoing"})
    window = shift_env.window(gate)
    qtbot.addWidget(window)
    window.show()
    features = install_shift_features(window, shifts=shift_env.shifts(gate),
                                      bookmarks=shift_env.bookmarks(gate), site=shift_env.site,
                                      data_dir=shift_env.data_dir)
    qtbot.waitUntil(lambda: features.gate.dialog is not None, timeout=5_000)  # read off-thread
    start = features.gate.dialog
    assert isinstance(start, ShiftStartDialog)
    start.confirm()
    qtbot.waitUntil(lambda: features.shift is not None, timeout=5_000)  # opened off-thread
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    box = _question(qtbot, window)
    assert box.windowTitle() == "Quitter csu-wall ?"
    assert f"La vacation n°{features.shift.id} est encore ouverte" in box.text()
    assert box.defaultButton().text() == "Rester"
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # stays
    qtbot.waitUntil(lambda: not box.isVisible())
    assert window.isVisible()

    window.actions_by_key["quit"].trigger()
    box = _question(qtbot, window)
    quit_button = next(b for b in box.buttons() if b.text() == "Quitter quand même")
    quit_button.click()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_ctrl_q_without_a_shift_quits_at_once(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    dupont = shift_env.account("dupont")
    gate = shift_env.gate(dupont, {"tourcoing"})
    window = shift_env.window(gate)
    qtbot.addWidget(window)
    window.show()
    features = install_shift_features(window, shifts=shift_env.shifts(gate),
                                      bookmarks=shift_env.bookmarks(gate), site=shift_env.site,
                                      data_dir=shift_env.data_dir)
    assert features.shift is None
    window.actions_by_key["quit"].trigger()
    assert not window.isVisible()
