"""The one keymap of the wall: the table behind the window's shortcuts, the in-app help (F1)
and docs/KEYMAP.md (generated from the same table; a test keeps them equal).

Camera call-up by number: type the camera's number on the wall, then Enter or ``*``. A single
digit 1–9 typed alone picks that layout tab once the call-up delay has passed (Alt+1…9 picks it
at once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

# Key names in the labels, named on screen as Qt's own translation names them (context
# "QShortcut" of qtbase_<lang>.qm: Maj, Entrée, Échap, Suppr, Page suiv…), like the shortcuts
# that QKeySequence.toString(NativeText) shows for the keys other features register.
_KEY_WORDS = re.compile(r"\b(Ctrl|Shift|Alt|Meta|Enter|Return|Esc|Del|PgDown|PgUp|Backspace"
                        r"|Space|Tab|Home|End|Ins)\b")

# Digits typed stay (shown on screen) until Enter, * or Esc; only a number left alone this long
# is forgotten. A layout tab is Alt+digit, at once (a lone digit used to wait for it and ate
# numbers typed slowly).
CALL_UP_DELAY_MS = 15_000


@dataclass(frozen=True)
class KeyBinding:
    action: str  # the window's action key (stable, used by tests and other features)
    keys: str  # QKeySequence portable text; "" for keys handled by the wall itself
    label: str  # shown in the help: what the keys are called there ("Ctrl+1…9")
    source: object  # English source (QT_TRANSLATE_NOOP), translated in the "Keymap" context

    @property
    def text(self) -> str:
        return str(self.source)

    def translated(self) -> str:
        return QCoreApplication.translate("Keymap", self.text)


KEYMAP: tuple[KeyBinding, ...] = (
    KeyBinding("focus", "", "←  →  ↑  ↓",
               QT_TRANSLATE_NOOP("Keymap", "Move the focus to the neighbouring tile")),
    KeyBinding("swap", "", "Ctrl+←  →  ↑  ↓",
               QT_TRANSLATE_NOOP("Keymap", "Swap the focused tile with its neighbour")),
    KeyBinding("maximise", "", "Enter",
               QT_TRANSLATE_NOOP("Keymap", "Maximise the focused tile, or restore it")),
    KeyBinding("restore", "", "Esc",
               QT_TRANSLATE_NOOP("Keymap", "Restore the maximised tile")),
    KeyBinding("call_up", "", "0…9, Enter / * (Esc)",
               QT_TRANSLATE_NOOP("Keymap", "Call up a camera by its number into the focused tile")),
    KeyBinding("layout_n", "", "Alt+1…9",
               QT_TRANSLATE_NOOP("Keymap", "Show layout tab 1 to 9")),
    KeyBinding("next_layout", "Ctrl+PgDown", "Ctrl+PgDown",
               QT_TRANSLATE_NOOP("Keymap", "Next layout tab")),
    KeyBinding("previous_layout", "Ctrl+PgUp", "Ctrl+PgUp",
               QT_TRANSLATE_NOOP("Keymap", "Previous layout tab")),
    KeyBinding("bookmark", "", "Ctrl+B",
               QT_TRANSLATE_NOOP("Keymap", "Bookmark the focused tile (bookmark feature)")),
    KeyBinding("close_tile", "Del", "Del",
               QT_TRANSLATE_NOOP("Keymap", "Empty the focused tile")),
    KeyBinding("zoom_in", "Ctrl++", "Ctrl++",
               QT_TRANSLATE_NOOP("Keymap", "Zoom into the focused tile (also the mouse wheel)")),
    KeyBinding("zoom_out", "Ctrl+-", "Ctrl+-",
               QT_TRANSLATE_NOOP("Keymap", "Zoom out of the focused tile")),
    KeyBinding("zoom_reset", "Ctrl+0", "Ctrl+0",
               QT_TRANSLATE_NOOP("Keymap", "Show the whole picture again")),
    KeyBinding("snapshot", "Ctrl+P", "Ctrl+P",
               QT_TRANSLATE_NOOP("Keymap", "Snapshot of the focused tile (PNG, masks applied)")),
    KeyBinding("tile_menu", "Shift+F10", "Shift+F10",
               QT_TRANSLATE_NOOP("Keymap", "Menu of the focused tile")),
    KeyBinding("search", "Ctrl+F", "Ctrl+F",
               QT_TRANSLATE_NOOP("Keymap", "Search a camera, a commune or an id")),
    KeyBinding("wall_focus", "F6", "F6",
               QT_TRANSLATE_NOOP("Keymap", "Put the keyboard on the wall")),
    KeyBinding("tile_tour", "Ctrl+T", "Ctrl+T",
               QT_TRANSLATE_NOOP("Keymap", "Tour the commune's cameras on the focused tile")),
    KeyBinding("layout_tour", "Ctrl+Shift+T", "Ctrl+Shift+T",
               QT_TRANSLATE_NOOP("Keymap", "Start or stop a tour of the layout tabs")),
    KeyBinding("edit_tours", "Ctrl+Shift+R", "Ctrl+Shift+R",
               QT_TRANSLATE_NOOP("Keymap", "Create, edit or delete saved tours")),
    KeyBinding("edit_mode", "Ctrl+E", "Ctrl+E",
               QT_TRANSLATE_NOOP("Keymap", "Edit mode: build and save layouts")),
    KeyBinding("save_layout", "Ctrl+S", "Ctrl+S",
               QT_TRANSLATE_NOOP("Keymap", "Save the layout (edit mode)")),
    KeyBinding("save_private", "Ctrl+Shift+S", "Ctrl+Shift+S",
               QT_TRANSLATE_NOOP("Keymap", "Save as a new layout, under another name (edit mode)")),
    KeyBinding("undo", "Ctrl+Z", "Ctrl+Z",
               QT_TRANSLATE_NOOP("Keymap", "Undo the last unsaved edit")),
    KeyBinding("redo", "Ctrl+Y", "Ctrl+Y",
               QT_TRANSLATE_NOOP("Keymap", "Redo the edit undone")),
    KeyBinding("history", "Ctrl+H", "Ctrl+H",
               QT_TRANSLATE_NOOP("Keymap", "History of the layout: restore a version")),
    KeyBinding("plates", "Ctrl+Shift+P", "Ctrl+Shift+P",
               QT_TRANSLATE_NOOP("Keymap", "Show or hide the plates on the tiles")),
    KeyBinding("full_screen", "F11", "F11",
               QT_TRANSLATE_NOOP("Keymap", "Full screen")),
    KeyBinding("lock", "Ctrl+L", "Ctrl+L",
               QT_TRANSLATE_NOOP("Keymap", "Lock the workstation")),
    KeyBinding("help_keys", "F1", "F1",
               QT_TRANSLATE_NOOP("Keymap", "This list of keys")),
    KeyBinding("quit", "Ctrl+Q", "Ctrl+Q",
               QT_TRANSLATE_NOOP("Keymap", "Quit")),
)


def native_keys(label: str) -> str:
    """``label`` with its key names translated by Qt's own catalogue (unchanged without it)."""
    return _KEY_WORDS.sub(lambda m: QCoreApplication.translate("QShortcut", m.group(1)), label)


def _normal_keys(keys: str) -> str:
    return "".join(keys.split()).casefold()


def binding(action: str) -> KeyBinding:
    for b in KEYMAP:
        if b.action == action:
            return b
    raise KeyError(action)


def keymap_markdown() -> str:
    """docs/KEYMAP.md, from the table (English; the app shows it translated with F1)."""
    lines = [
        "# csu-wall keymap",
        "",
        "Generated from `csu_wall/gui/keymap.py` (the same table feeds the in-app list, F1,",
        "shown in French on a French workstation). Features that add tile actions (bookmark,",
        "shift notes, playback…) register their own shortcut; the in-app list shows them too.",
        "Regenerate with `python -m csu_wall.gui.keymap > docs/KEYMAP.md`.",
        "",
        "| Keys | Action |",
        "|---|---|",
    ]
    lines += [f"| `{b.label}` | {b.text} |" for b in KEYMAP]
    return "\n".join(lines) + "\n"


class CallUpBuffer(QObject):
    """Digits typed on the wall: Enter or ``*`` calls the camera with that number up, Esc
    forgets them; a number left alone for ``delay_ms`` is forgotten too (said on screen)."""

    sig_camera_number = Signal(int)
    sig_layout_number = Signal(int)
    sig_buffer_changed = Signal(str)

    def __init__(self, delay_ms: int = CALL_UP_DELAY_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.digits = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.expire)

    def digit(self, value: int) -> None:
        self.digits = (self.digits + str(value))[-6:]
        self._timer.start()
        self.sig_buffer_changed.emit(self.digits)

    def commit(self) -> bool:
        """Enter or ``*``: call the camera up. False when no digit was typed."""
        if not self.digits:
            return False
        number = int(self.digits)
        self._clear()
        self.sig_camera_number.emit(number)
        return True

    def backspace(self) -> None:
        self.digits = self.digits[:-1]
        self.sig_buffer_changed.emit(self.digits)

    def expire(self) -> None:
        self._clear()

    def cancel(self) -> bool:
        """Esc: forget the digits typed. False when there were none."""
        if not self.digits:
            return False
        self._clear()
        return True

    def _clear(self) -> None:
        self._timer.stop()
        self.digits = ""
        self.sig_buffer_changed.emit("")


class KeymapDialog(QDialog):
    """The keys, translated, plus the shortcuts other features registered."""

    def __init__(self, extra: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keymapDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = [(native_keys(b.label), b.translated()) for b in KEYMAP]
        # A feature's own shortcut already in the table (Ctrl+B of the bookmark feature) is
        # listed once, with the table's wording.
        listed = {_normal_keys(keys) for keys, _ in rows}
        rows += [(keys, text) for keys, text in extra if _normal_keys(keys) not in listed]
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        for row, (keys, text) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)  # never cut
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.table.resizeColumnsToContents()
        wanted = (self.table.columnWidth(0) + self.table.horizontalHeader().sectionSizeHint(1)
                  + 60)
        self.resize(max(640, min(wanted, 1100)), 600)

    def rows(self) -> list[tuple[str, str]]:
        out = []
        for row in range(self.table.rowCount()):
            keys, text = self.table.item(row, 0), self.table.item(row, 1)
            out.append((keys.text() if keys else "", text.text() if text else ""))
        return out


if __name__ == "__main__":
    print(keymap_markdown(), end="")
