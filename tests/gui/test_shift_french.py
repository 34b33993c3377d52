"""The shift, bookmark and handover GUI ships complete in French (resources/translations/
shifts_fr.ts, merged into csu_wall_fr.qm)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from csu_wall.core.shifts import Severity
from csu_wall.gui.bookmark_dialog import BookmarkDialog, severity_label
from csu_wall.gui.shift_dialogs import ShiftStartDialog
from csu_wall.gui.shift_features import install_shift_features
from tests.gui._shift_env import ShiftEnv, shift_env  # noqa: F401
from tests.gui.conftest import REPO

TS = REPO / "resources" / "translations" / "shifts_fr.ts"
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def test_every_string_has_a_french_translation_with_the_same_placeholders() -> None:
    messages = ET.parse(TS).getroot().iter("message")
    count = 0
    for message in messages:
        source = message.findtext("source") or ""
        node = message.find("translation")
        assert node is not None and node.get("type") is None, source  # none unfinished
        forms = [f.text or "" for f in node.iter("numerusform")] or [node.text or ""]
        for translation in forms:  # each of Qt's plural forms
            assert translation.strip(), source
            assert sorted(_PLACEHOLDER.findall(source)) == sorted(
                _PLACEHOLDER.findall(translation)), source
        count += 1
    assert count > 80


def test_shift_features_speak_french(
    qtbot: QtBot, shift_env: ShiftEnv, french: object  # noqa: F811
) -> None:
    dupont = shift_env.account("dupont")
    gate = shift_env.gate(dupont, {"tourcoing"})
    window = shift_env.window(gate)
    qtbot.addWidget(window)
    window.show()
    service = shift_env.bookmarks(gate)
    features = install_shift_features(window, shifts=shift_env.shifts(gate), bookmarks=service,
                                      site=shift_env.site, data_dir=shift_env.data_dir)
    assert features.menu.title() == "&Relève"
    assert features.bookmark_action.text() == "Signet"
    assert features.handover_action.text() == "Passer la relève…"
    assert features.dock.windowTitle() == "Signets"
    qtbot.waitUntil(lambda: features.gate.dialog is not None, timeout=5_000)  # read off-thread
    start = features.gate.dialog
    assert isinstance(start, ShiftStartDialog)
    assert start.windowTitle() == "Prise de vacation"
    assert start.action_button.text() == "Ouvrir une vacation"
    assert severity_label(Severity.HIGH) == "élevée"
    dialog = BookmarkDialog(service, shift_env.site.camera("tcg-001"),
                            datetime(2026, 7, 14, 20, 0, tzinfo=UTC), commune_name="Tourcoing",
                            shift_id=None, snapshot_png=None)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Signaler un incident"
    assert dialog.save_button.text() == "Enregistrer le signet"
    header = dialog.findChild(type(dialog.snapshot_label), "bookmarkHeader")
    assert header is not None and "maintenant, 14/07/2026 22:00:00" in header.text()  # CEST
    window.close()
