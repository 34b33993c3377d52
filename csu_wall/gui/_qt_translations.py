"""Qt's own French: the texts Qt itself draws (standard buttons « Annuler », « Fermer », the
key names of ``QKeySequence.toString(NativeText)`` « Entrée », « Échap », « Maj », « Suppr »,
the context menus of text fields). PySide6 ships them as ``qtbase_fr.qm`` in Qt's translations
folder; the wall's own translation (csu_wall_fr.qm) does not carry them.

The runner calls :func:`install_qt_translations` next to its own translator, after it: Qt
looks in the last installed translator first, so Qt's own French wins where it has one. Where
it has none — Qt 6.11's file dialog says "&Look in:" and "Files of &type:", which this
PySide6-Essentials' qtbase_fr.qm does not know — the wall's catalogue answers:
resources/translations/qtbase_extra_fr.ts, compiled into csu_wall_fr.qm with the others
(tests/gui/test_french_ui_complete.py opens the file dialog in French to keep this true).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

QT_CATALOGUES = ("qtbase",)  # PySide6-Essentials: widgets, dialogs, key names


def qt_translations_dir() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install_qt_translations(app: QCoreApplication, language: str | None) -> QTranslator | None:
    """Qt's own translation for ``language`` (or the system locale's), installed on ``app``;
    None when the language is English or Qt has no catalogue for it (a warning is logged)."""
    lang = language or QLocale.system().name().split("_")[0]
    if lang in ("", "en", "C"):
        return None
    folder = qt_translations_dir()
    translator = QTranslator(app)
    for catalogue in QT_CATALOGUES:
        if translator.load(f"{catalogue}_{lang}", str(folder)):
            app.installTranslator(translator)
            return translator
    log.warning("Qt's own %s translation not found in %s: key names stay in English",
                lang, folder)
    return None
