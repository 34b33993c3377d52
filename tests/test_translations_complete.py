"""Every visible string is translatable and the French translation is complete: lupdate over
every GUI module finds no string missing from the .ts files, no .ts entry is unfinished or
empty, and every context is one Qt looks up at run time (a class's ``tr`` or a literal
``translate`` context: ``bar.tr(...)`` would be filed by lupdate under "bar" while Qt looks it
up under the class of ``bar``, and the string stays English on screen)."""

from __future__ import annotations

import ast
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TRANSLATIONS = REPO / "resources" / "translations"
LUPDATE = Path(sys.executable).with_name("pyside6-lupdate")
GUI = REPO / "csu_wall" / "gui"
QT_EXTRA = "qtbase_extra_fr.ts"  # Qt's own texts its French catalogue lacks (Qt 6.11)


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for msg in context.iter("message"):
            tr = msg.find("translation")
            assert tr is not None
            if tr.get("type") in ("obsolete", "vanished"):
                continue
            out.append((name, msg.findtext("source") or "", tr))
    return out


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, ET.Element]]:
    """What lupdate finds in the GUI modules, in a scratch .ts (the catalogues untouched)."""
    modules = sorted(str(p) for p in GUI.glob("*.py"))
    scratch = tmp_path_factory.mktemp("lupdate") / "all_fr.ts"
    subprocess.run(["timeout", "120", str(LUPDATE), *modules, "-source-language", "en",
                    "-target-language", "fr", "-ts", str(scratch)],
                   check=True, capture_output=True)
    return _messages(scratch)


def test_every_french_entry_is_translated() -> None:
    missing = [(ts.name, ctx, src) for ts in sorted(TRANSLATIONS.glob("*_fr.ts"))
               for ctx, src, tr in _messages(ts)
               if tr.get("type") == "unfinished"
               or not ("".join(tr.itertext())).strip()]
    assert missing == []


def test_every_gui_string_is_in_a_translation_file(
    extracted: list[tuple[str, str, ET.Element]]
) -> None:
    wanted = {(ctx, src) for ctx, src, _ in extracted}
    known = {(ctx, src) for ts in TRANSLATIONS.glob("*_fr.ts") for ctx, src, _ in _messages(ts)}
    assert sorted(wanted - known) == []


def _runtime_contexts() -> set[str]:
    """Class names of the GUI modules, and the literal contexts of translate() calls."""
    names: set[str] = set()
    for module in GUI.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Call) and node.args:
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = node.args[0]
                if called in ("translate", "QT_TRANSLATE_NOOP") and isinstance(
                        first, ast.Constant) and isinstance(first.value, str):
                    names.add(first.value)
    return names


def test_every_context_is_looked_up_at_run_time(
    extracted: list[tuple[str, str, ET.Element]]
) -> None:
    runtime = _runtime_contexts()
    assert "PlaybackBar" in runtime and "Keymap" in runtime
    in_code = {ctx for ctx, _, _ in extracted}
    in_catalogues = {ctx for ts in TRANSLATIONS.glob("*_fr.ts") if ts.name != QT_EXTRA
                     for ctx, _, _ in _messages(ts)}
    assert sorted(in_code - runtime) == []
    assert sorted(in_catalogues - runtime) == []
    # The supplement to Qt's own French is filed under Qt's classes (QFileDialog…).
    from PySide6 import QtCore, QtGui, QtWidgets

    qt_classes = {ctx for ctx, _, _ in _messages(TRANSLATIONS / QT_EXTRA)}
    assert qt_classes and all(any(hasattr(m, ctx) for m in (QtWidgets, QtGui, QtCore))
                              for ctx in qt_classes)


def test_plurals_go_through_qt_numerus_forms() -> None:
    """"le ou les 1 problème(s)": counts are written with %n and Qt's plural forms."""
    hedged = [(ts.name, ctx, src) for ts in sorted(TRANSLATIONS.glob("*_fr.ts"))
              for ctx, src, tr in _messages(ts)
              if "(s)" in "".join(tr.itertext()) or "le ou les" in "".join(tr.itertext())]
    assert hedged == []
