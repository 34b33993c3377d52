"""The first-run window: no site in the database → say so and offer the two ways forward."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from csu_wall.gui.first_run import FirstRunWindow


def test_first_run_window_offers_the_two_actions(qtbot: QtBot, french: object,
                                                 tmp_path: Path) -> None:
    applied: list[Path] = []
    site_file = tmp_path / "site.toml"
    site_file.write_text("", encoding="utf-8")

    def apply(path: Path) -> list[str]:
        applied.append(path)
        return ["site.toml:3: communes[0].insee: code INSEE manquant"] if len(applied) == 1 else []

    window = FirstRunWindow(apply, pick_file=lambda parent: site_file)
    qtbot.addWidget(window)
    window.show()
    texts = {b.text() for b in window.findChildren(QPushButton)}
    assert {"Appliquer un fichier de site…", "Ouvrir la démo"} <= texts

    with qtbot.waitSignal(window.sig_demo_requested, timeout=1000):
        window.demo_button.click()

    with qtbot.assertNotEmitted(window.sig_site_applied):
        window.apply_button.click()  # first apply: the file has an error
    dialog = window.errors_dialog
    assert dialog is not None and dialog.isVisible()
    assert "code INSEE manquant" in dialog.text.toPlainText()
    dialog.close()

    with qtbot.waitSignal(window.sig_site_applied, timeout=1000):
        window.apply_button.click()
    assert applied == [site_file, site_file]


def test_first_run_points_it_staff_to_the_deployment_guide_and_commands(
    qtbot: QtBot, french: object
) -> None:
    import shlex

    from PySide6.QtWidgets import QLabel

    from csu_wall.app import build_parser
    from tests.gui.conftest import REPO

    window = FirstRunWindow(lambda path: [], pick_file=lambda parent: None)
    qtbot.addWidget(window)
    window.show()
    shown = "\n".join(label.text() for label in window.findChildren(QLabel))
    assert "guide de déploiement est docs/DEPLOY.md" in shown
    assert (REPO / "docs" / "DEPLOY.md").is_file()
    lines = window.commands.text().splitlines()
    for needed in ("site check", "site apply", "workstation enroll", "habilitation grant"):
        assert any(f"csu-wall {needed}" in line for line in lines), needed
    parser = build_parser("fr")
    for line in lines:  # each one is a command csu-wall really accepts
        parser.parse_args(shlex.split(line)[1:])
