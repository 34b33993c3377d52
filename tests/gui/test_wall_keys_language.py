"""One keymap (docs/KEYMAP.md and the in-app list come from the same table,
every action reachable by a key), every visible string through tr() with French complete."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from csu_wall.gui.keymap import KEYMAP, keymap_markdown
from tests.gui._wall_desk import open_window
from tests.gui.conftest import REPO, WallFactory

TS = REPO / "resources" / "translations" / "csu_wall_fr.ts"


def test_point7_keymap_doc_is_generated_from_the_table() -> None:
    doc = (REPO / "docs" / "KEYMAP.md").read_text(encoding="utf-8")
    assert doc == keymap_markdown(), "run: python -m csu_wall.gui.keymap > docs/KEYMAP.md"
    for needed in ("call_up", "layout_n", "maximise", "bookmark", "snapshot", "edit_mode"):
        assert any(b.action == needed for b in KEYMAP)


def test_point7_every_keymap_shortcut_is_an_action_of_the_window_and_f1_lists_them(
    qtbot: QtBot, make_wall_service: WallFactory, french: object
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    shortcuts = {a.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
                 for a in window.findChildren(type(window.actions_by_key["quit"]))}
    for b in KEYMAP:
        if b.keys and b.action not in ("edit_mode", "save_layout", "save_private", "undo",
                                       "redo", "history", "lock"):
            assert QKeySequence(b.keys).toString() in shortcuts, b
    window.register_tile_action("bookmark", "Signet", "Ctrl+B", lambda t: None)
    QTest.keyClick(window, Qt.Key.Key_F1)
    dialog = window.keymap_dialog
    rows = dialog.rows()
    assert dialog.windowTitle() == "Raccourcis clavier"
    assert ("Enter", "Agrandir la vignette active, ou la rétablir") in rows
    # Ctrl+B, registered by the bookmark feature, is in the table already: listed once.
    assert [keys for keys, _ in rows].count("Ctrl+B") == 1
    assert len(rows) == len(KEYMAP)
    metrics = dialog.table.fontMetrics()
    for keys, _ in rows:  # the key column is never cut
        assert dialog.table.columnWidth(0) >= metrics.horizontalAdvance(keys) + 8, keys
    dialog.close()
    window.close()


def test_point7_french_ui_is_complete(
    qtbot: QtBot, make_wall_service: WallFactory, french: object
) -> None:
    ts = TS.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in ts and 'type="vanished"' not in ts
    sources = re.findall(r"<source>", ts)
    translations = re.findall(r"<translation>(?:[^<]+|\s*(?:<numerusform>[^<]+</numerusform>\s*)+)"
                              r"</translation>", ts)
    assert len(sources) == len(translations) > 120
    window = open_window(qtbot, make_wall_service, None)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&Fichier", "&Affichage", "&Vignette", "&Dispositions", "&Rondes",
                     "&Aide"]
    assert window.actions_by_key["snapshot"].text() == "&Capture"
    assert window.tree.search.placeholderText().startswith("Rechercher")
    window.close()


def test_point7_f1_names_the_keys_in_french_with_qt_own_translation(
    qtbot: QtBot, make_wall_service: WallFactory, french_qt: object
) -> None:
    window = open_window(qtbot, make_wall_service, None)
    window.register_tile_action("bookmark", "Signet", "Ctrl+Shift+B", lambda t: None)
    QTest.keyClick(window, Qt.Key.Key_F1)
    rows = dict(window.keymap_dialog.rows())
    assert rows["Entrée"] == "Agrandir la vignette active, ou la rétablir"
    assert "Échap" in rows and "Suppr" in rows and "Ctrl+Maj+T" in rows
    assert "Ctrl+Page suiv" in rows and "Maj+F10" in rows
    assert rows["Ctrl+Maj+B"] == "Signet"  # another feature's key, named by Qt alike
    assert not any(re.search(r"\b(Shift|Enter|Esc|Del)\b", keys) for keys in rows)
    window.keymap_dialog.close()
    window.close()
