"""The bookmark dialog presets neither category nor severity: saving without choosing is
refused with a French sentence and nothing is written; both are chosen from the keyboard
(a digit or a first letter), then Ctrl+Enter saves."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from csu_wall.core.shifts import BookmarkFilter, Severity
from csu_wall.gui.bookmark_dialog import BookmarkDialog
from tests.gui._shift_env import ShiftEnv, shift_env  # noqa: F401


def _dialog(qtbot: QtBot, env: ShiftEnv, service: object = None
            ) -> tuple[BookmarkDialog, object]:
    if service is None:
        service = env.bookmarks(env.gate(env.account("dupont"), {"tourcoing"}))
    dialog = BookmarkDialog(service, env.site.camera("tcg-001"), datetime.now(UTC),
                            commune_name="Tourcoing", shift_id=None, snapshot_png=None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(lambda: dialog.categories.loaded, timeout=5_000)  # read off the GUI thread
    return dialog, service


def test_bookmark_without_preset_category_is_refused_in_french(
    qtbot: QtBot, shift_env: ShiftEnv, french: object  # noqa: F811
) -> None:
    dialog, service = _dialog(qtbot, shift_env)
    assert dialog.category_box.currentIndex() == -1 and dialog.category_box.currentText() == ""
    assert dialog.severity_box.currentIndex() == -1
    assert QApplication.focusWidget() is dialog.category_box  # type at once
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.bookmark is None
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == ("Choisissez une catégorie et une gravité : le signet "
                                         "n'est pas enregistré sans elles.")
    assert service.search(BookmarkFilter()) == []  # type: ignore[attr-defined]
    # A category alone is not enough either.
    dialog.category_box.setCurrentIndex(0)
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and service.search(BookmarkFilter()) == []  # type: ignore[attr-defined]
    assert QApplication.focusWidget() is dialog.severity_box


def test_bookmark_category_and_severity_from_the_keyboard(
    qtbot: QtBot, shift_env: ShiftEnv, french: object  # noqa: F811
) -> None:
    dialog, service = _dialog(qtbot, shift_env)
    categories = service.categories()  # type: ignore[attr-defined]
    assert len(categories) >= 2
    qtbot.keyClick(dialog.category_box, Qt.Key.Key_2)  # the second category
    assert dialog.category_box.currentData() == categories[1]
    assert QApplication.focusWidget() is dialog.severity_box  # moved on by itself
    qtbot.keyClick(dialog.severity_box, Qt.Key.Key_E)  # « élevée »: accents ignored
    assert dialog.severity_box.currentData() == Severity.HIGH.value
    assert QApplication.focusWidget() is dialog.note_edit
    qtbot.keyClicks(dialog.note_edit, "deux personnes")
    with qtbot.waitSignal(dialog.sig_bookmark_created) as created:
        qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    stored = service.get(created.args[0].id)  # type: ignore[attr-defined]
    assert (stored.category, stored.severity, stored.note) == (
        categories[1], Severity.HIGH, "deux personnes")
    assert not dialog.isVisible()
    # First letter of a category picks it too (and a second press the next one that matches).
    dialog2, _ = _dialog(qtbot, shift_env, service)
    first = categories[0]
    qtbot.keyClick(dialog2.category_box, first[0])
    assert dialog2.category_box.currentData() == first
