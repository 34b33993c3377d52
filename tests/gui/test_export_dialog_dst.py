"""The export dialog's period across the changes of summer time: the two 02:30 of 25 October
2026 (CEST, then CET) stay two instants, each read with its zone in the field and its UTC
equivalent under it, as it changes. Real widgets, real SQLite; no recorder is asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from csu_wall.core.security import Operator, Role
from csu_wall.gui.export_dialog import ExportDialog
from csu_wall.gui.playback_bar import to_qt
from csu_wall.services.export import Custody
from csu_wall.services.export_desk import ExportDesk
from csu_wall.storage.audit import DbAuditLog
from tests.gui.conftest import french  # noqa: F401 - the fixture
from tests.rtsp.playback_env import SITE
from tests.services.export_env import make_export_env

pytestmark = pytest.mark.timeout(60)

FIRST = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
SECOND = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET, an hour later


def test_the_repeated_hour_of_october_is_two_instants_shown_in_utc_as_they_change(
        qtbot: QtBot, tmp_path: Path, french: object) -> None:  # noqa: F811
    env = make_export_env(tmp_path, None)  # type: ignore[arg-type]  # never connects here
    try:
        op = Operator("agent1", "Agent Un", Role.OPERATOR)
        desk = ExportDesk(env.db, SITE, operator=lambda: op, service_for=lambda _o: env.service,
                          custody_for=lambda o: Custody(env.db, DbAuditLog(env.db), actor=o.id,
                                                        workstation="poste-1"))
        dialog = ExportDialog(desk, SITE, camera_ids=("cam-001",), start_utc=FIRST,
                              end_utc=SECOND)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.start_edit.text() == "25/10/2026 02:30:00 CEST"
        assert dialog.end_edit.text() == "25/10/2026 02:30:00 CET"
        assert dialog.period() == (FIRST, SECOND)
        assert dialog.utc_label.text() == ("En UTC : du 25/10/2026 00:30:00 UTC au "
                                           "25/10/2026 01:30:00 UTC")
        assert not [p for p in dialog.problems() if p.startswith("Fin")]  # an hour apart
        dialog.end_edit.setDateTime(to_qt(SECOND + timedelta(minutes=15)))
        assert dialog.utc_label.text().endswith("au 25/10/2026 01:45:00 UTC")  # live
        dialog.end_edit.setDateTime(to_qt(FIRST - timedelta(minutes=1)))
        assert "Fin : la fin de la période doit suivre son début." in dialog.problems()
        dialog.close()
    finally:
        env.db.close()
