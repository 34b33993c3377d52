"""French when the French translation is installed, English (the source language) otherwise."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from csu_wall.core.frames import TileState
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.runner import install_translator
from csu_wall.gui.tile import status_text
from tests.gui.conftest import WallFactory, french_qm


def test_french_translation_gives_french_strings(
    qtbot: QtBot, make_wall_service: WallFactory, french: object
) -> None:
    bridge = StateBridge()
    service, _ = make_wall_service(bridge)
    window = MainWindow(service, demo=True, bridge=bridge)
    qtbot.addWidget(window)
    assert window.windowTitle() == "csu-wall — mur d'images"
    assert window.file_menu.title() == "&Fichier"
    assert window.banner is not None
    assert window.banner.text() == "DÉMO — site fictif, aucune caméra réelle"
    assert status_text(TileState.LOST) == "perdu — reconnexion…"
    assert window.wall.tiles[0].age_text() == ""
    window.close()


def test_english_without_translation(qtbot: QtBot, make_wall_service: WallFactory) -> None:
    bridge = StateBridge()
    service, _ = make_wall_service(bridge)
    window = MainWindow(service, demo=True, bridge=bridge)
    qtbot.addWidget(window)
    assert window.windowTitle() == "csu-wall — video wall"
    assert window.file_menu.title() == "&File"
    assert status_text(TileState.DENIED) == "not habilitated"
    window.close()


def test_install_translator_follows_the_language(qapp: object) -> None:
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    assert app is not None
    french_qm()  # built from the .ts when missing
    assert install_translator(app, "en") is None
    translator = install_translator(app, "fr")
    try:
        assert translator is not None
        assert status_text(TileState.UNAUTHORISED) == "identifiants refusés"
    finally:
        if translator is not None:
            app.removeTranslator(translator)
    assert status_text(TileState.UNAUTHORISED) == "credentials refused"
