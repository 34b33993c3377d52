"""What the French UI test walks with: the French strings the catalogues can produce (the
wall's .ts files and Qt's own qtbase_fr.qm), and the texts a person sees in a widget tree."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QSpinBox,
    QStatusBar,
    QTabBar,
    QTableView,
    QTextEdit,
    QTreeView,
    QWidget,
)

REPO = Path(__file__).resolve().parents[2]
_PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}|%L?\d|%n")


def ts_translations() -> list[str]:
    """Every French translation of the wall's .ts catalogues (numerus forms included)."""
    out: list[str] = []
    for ts in sorted((REPO / "resources" / "translations").glob("*_fr.ts")):
        for message in ET.parse(ts).getroot().iter("message"):
            tr = message.find("translation")
            if tr is None or tr.get("type") in ("obsolete", "vanished"):
                continue
            forms = [f.text or "" for f in tr.iter("numerusform")] or [tr.text or ""]
            out += [f for f in forms if f.strip()]
    return out


def qm_translations(path: Path) -> list[str]:
    """The translations held in a compiled .qm file (Qt's own catalogue): its Messages
    section, tag 3 records (UTF-16BE), read as Qt's QTranslator lays them out."""
    data = path.read_bytes()
    assert data[:16] == bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd"), path
    pos, out = 16, []
    while pos < len(data):
        tag, length = data[pos], struct.unpack(">I", data[pos + 1:pos + 5])[0]
        section = data[pos + 5:pos + 5 + length]
        pos += 5 + length
        if tag != 0x69:  # Messages
            continue
        i = 0
        while i < len(section):
            kind = section[i]
            i += 1
            if kind == 1:  # end of a message
                continue
            if kind in (3, 6, 7, 8):  # translation, source, context, comment: sized
                size = struct.unpack(">I", section[i:i + 4])[0]
                i += 4
                if size == 0xFFFFFFFF:
                    continue
                if kind == 3:
                    out.append(section[i:i + size].decode("utf-16-be", "replace"))
                i += size
            elif kind in (2, 4, 5, 9):  # obsolete kinds: sized, skipped
                size = struct.unpack(">I", section[i:i + 4])[0]
                i += 4 + (0 if size == 0xFFFFFFFF else size)
            else:
                raise AssertionError(f"unknown .qm record {kind} in {path}")
    return out


class Catalogue:
    """Is a visible text a translation (placeholders standing for any value)?"""

    def __init__(self, translations: Iterable[str]) -> None:
        self.exact: set[str] = set()
        patterns: list[str] = []
        for text in translations:
            text = _clean(text)
            if not text:
                continue
            if _PLACEHOLDER.search(text):
                parts = _PLACEHOLDER.split(text)
                # "{camera} — {commune}" or Qt's "F%1" would match almost any text: such a
                # text is checked line by line and against data instead.
                if sum(c.isalpha() for c in "".join(parts)) >= 4:  # not "F%1"
                    patterns.append(".+?".join(re.escape(p) for p in parts))
            self.exact.add(text)
            self.exact.update(_clean(part) for part in text.split(";;"))  # file filters
        self._patterns = [re.compile(p, re.S) for p in patterns]

    def knows(self, text: str) -> bool:
        text = _clean(text)
        if text in self.exact or any(p.fullmatch(text) for p in self._patterns):
            return True
        # Qt's own joins of two translations ("Afficher " + "Taille" in the file dialog)
        return any(text[:i].strip() in self.exact and text[i:].strip() in self.exact
                   for i, c in enumerate(text) if c == " ")


def _clean(text: str) -> str:
    """Visible text: mnemonic ampersands and surrounding blanks removed."""
    text = re.sub(r"&(?=[^&\s])", "", text).replace("&&", "&")
    return text.strip()


def plain(text: str) -> str:
    if QtGuiNamespace.mightBeRichText(text):  # type: ignore[attr-defined]
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text


def _header_texts(view: QAbstractItemView) -> Iterator[str]:
    header = (view.horizontalHeader() if isinstance(view, QTableView)
              else view.header() if isinstance(view, QTreeView) else None)
    model = view.model()
    if header is None or header.isHidden() or model is None:
        return
    for column in range(header.count()):
        if not header.isSectionHidden(column):
            yield str(model.headerData(column, Qt.Orientation.Horizontal) or "")


def _action_texts(actions: Iterable[QAction], seen: set[int]) -> Iterator[tuple[str, str]]:
    for action in actions:
        if id(action) in seen or action.isSeparator() or not action.isVisible():
            continue
        seen.add(id(action))
        yield f"action {action.objectName() or action.text()!r}", action.text()
        derived = re.sub(r"(\.\.\.|…)$", "", action.text().replace("&", ""))  # Qt's own
        if action.toolTip() and action.toolTip() != derived:
            yield f"tooltip of action {action.text()!r}", action.toolTip()
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield f"menu {menu.title()!r}", menu.title()
            yield from _action_texts(menu.actions(), seen)


def visible_texts(top: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every text a person can see in ``top`` and its visible children:
    titles, labels, buttons, placeholders, combo items, tabs, headers, menus, tooltips."""
    seen: set[int] = set()
    widgets = [top, *top.findChildren(QWidget)]
    for w in widgets:
        if w is not top and not w.isVisibleTo(top):
            continue
        if w.property("verbatim"):  # command lines and the like: never translated
            continue
        name = f"{type(w).__name__}#{w.objectName()}"
        if w.isWindow() or isinstance(w, QDockWidget):
            yield f"title of {name}", w.windowTitle()
        if w.toolTip():
            yield f"tooltip of {name}", plain(w.toolTip())
        if isinstance(w, QLabel):
            yield name, plain(w.text())
        elif isinstance(w, QAbstractButton):
            yield name, w.text()
        elif isinstance(w, QGroupBox):
            yield name, w.title()
        elif isinstance(w, QLineEdit):
            yield f"placeholder of {name}", w.placeholderText()
        elif isinstance(w, QPlainTextEdit | QTextEdit):
            yield f"placeholder of {name}", w.placeholderText()
        elif isinstance(w, QComboBox):
            yield f"placeholder of {name}", w.placeholderText()
            for i in range(w.count()):
                yield f"item of {name}", w.itemText(i)
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                yield f"tab of {name}", w.tabText(i)
        elif isinstance(w, QAbstractItemView):
            for text in _header_texts(w):
                yield f"header of {name}", text
        elif isinstance(w, QSpinBox):
            yield f"suffix of {name}", w.suffix()
            yield f"prefix of {name}", w.prefix()
        elif isinstance(w, QAbstractSpinBox):
            yield f"special value of {name}", w.specialValueText()
        elif isinstance(w, QStatusBar):
            yield name, w.currentMessage()
        if isinstance(w, QMainWindow):
            yield from _action_texts(w.menuBar().actions(), seen)
        yield from _action_texts(w.actions(), seen)
