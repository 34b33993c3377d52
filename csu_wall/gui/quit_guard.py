"""Quit (Ctrl+Q, File ▸ Quit) asks first when a feature says quitting now loses something:
the shift feature asks while a shift is open (the wall would be left unwatched).

A feature registers a question with :func:`set_quit_question`; the quit action calls
:func:`ask_before_quit`, which closes the window at once when no question is pending, and
otherwise shows a window-modal question whose default is to stay.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

QuitQuestion = Callable[[], str | None]  # the question to ask now, None: quit freely

_QUESTIONS: weakref.WeakKeyDictionary[QWidget, QuitQuestion] = weakref.WeakKeyDictionary()


def set_quit_question(window: QWidget, question: QuitQuestion) -> None:
    _QUESTIONS[window] = question


def ask_before_quit(window: QWidget) -> QMessageBox | None:
    """Close ``window``, or ask first; returns the question box shown (None: closed)."""
    question = _QUESTIONS.get(window)
    text = question() if question is not None else None
    if text is None:
        window.close()
        return None
    translate = QCoreApplication.translate
    box = QMessageBox(QMessageBox.Icon.Question, translate("QuitGuard", "Quit csu-wall?"),
                      text, QMessageBox.StandardButton.NoButton, window)
    box.setObjectName("quitQuestion")
    quit_button = box.addButton(translate("QuitGuard", "Quit anyway"),
                                QMessageBox.ButtonRole.DestructiveRole)
    stay_button = box.addButton(translate("QuitGuard", "Stay"),
                                QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stay_button)
    box.setEscapeButton(stay_button)

    def done() -> None:
        if box.clickedButton() is quit_button:
            window.close()
        box.deleteLater()

    box.finished.connect(done)
    box.open()
    return box
