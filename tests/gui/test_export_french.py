"""No English in the export dialog, its errors and progress, the register of extractions and
its hand-over form: every text a person sees is a translation from the catalogues or data
(the walk of tests/gui/test_french_ui_complete.py). Real SQLite; the recorder is never asked
(the dialog is only filled, checked and read)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from csu_wall.core.security import Operator, Role
from csu_wall.gui.export_dialog import ExportDialog
from csu_wall.gui.extraction_register import RegisterDialog
from csu_wall.services.export import LEGAL_BASES, Custody
from csu_wall.services.export_desk import ExportDesk
from csu_wall.storage import extraction_repo as repo
from csu_wall.storage.audit import DbAuditLog
from tests.gui._french_walk import Catalogue
from tests.gui.test_french_ui_complete import (  # noqa: F401 - the fixtures
    Walk,
    _shown,
    catalogue,
    data_of,
    qt_french,
)
from tests.rtsp.playback_env import SITE, at
from tests.services.export_env import REQUISITION, make_export_env

pytestmark = pytest.mark.timeout(60)


def test_no_english_in_the_french_export_dialog_and_register(
        qtbot: QtBot, qt_french: None, catalogue: Catalogue, tmp_path: Path) -> None:  # noqa: F811
    env = make_export_env(tmp_path, None)  # type: ignore[arg-type]  # never connects here
    try:
        chief = Operator("agent1", "Agent Un", Role.SUPERVISOR)
        desk = ExportDesk(env.db, SITE, operator=lambda: chief,
                          service_for=lambda _op: env.service,
                          custody_for=lambda op: Custody(env.db, DbAuditLog(env.db),
                                                         actor=op.id, workstation="poste-1"))
        repo.register_extraction(
            env.db, reference="20261025-0259-ab12cd", commune_id="roncq", operator_id="agent1",
            workstation="poste-1", cameras=["cam-001"], start=at(10), end=at(20),
            requisition=REQUISITION.as_dict(), folder=str(tmp_path / "x"),
            now=datetime(2026, 10, 26, tzinfo=UTC))
        walk = Walk(catalogue, data_of(SITE, "Agent Un", "agent1", "poste-1", *LEGAL_BASES,
                                       "20261025-0259-ab12cd", "demandée", "PV 2026/001234",
                                       "Lieutenant Martin, Commissariat de Roncq",
                                       "2026-10-25 02:59:50.000 CEST",
                                       "2026-10-25 03:00:00.000 CEST"))
        dialog = ExportDialog(desk, SITE, camera_ids=("cam-001",), start_utc=at(10),
                              end_utc=at(20))
        walk.check(_shown(qtbot, dialog))
        dialog.start_edit.setDateTime(dialog.end_edit.dateTime())
        assert dialog.start() is None  # every missing field named, in French
        assert len(dialog.error_label.text().splitlines()) >= 5
        walk.check(dialog)
        dialog.close()
        register = RegisterDialog(desk)
        qtbot.waitUntil(lambda: not register.loading, timeout=5_000)  # read off the GUI thread
        walk.check(_shown(qtbot, register))
        register.select("20261025-0259-ab12cd")
        form = register.hand_over()
        assert form is not None
        walk.check(_shown(qtbot, form))
        form.reject()
        register.close()
    finally:
        env.db.close()
    assert walk.checked > 40
    assert walk.english == [], "\n".join(map(repr, walk.english))
