"""A desk wired by hand for the scenarios that bring their own site and recorders on loopback
(tests/scenarios/test_reverse_playback_scenario.py, test_slow_recorder.py): a SQLite database in
the test's folder, the access gate (the operator habilitated for every commune of the site, the
audit in the database), the media engine (two workers, no ladder), the wall with the recorders'
real drivers, the playback service, and the main window with its playback bar, shown at
1280×800; all shut down on leaving. ``french`` is the operators' language for them.

(tests/scenarios/_playback_desk.py is the other desk: wired by the application's own
composition, for one Hikvision recorder.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from csu_wall.core.model import Site
from csu_wall.core.security import Habilitation, Operator
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.playback_bar import PlaybackBar, install_playback
from csu_wall.gui.runner import install_translator
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.registry import driver_for
from csu_wall.services.access import AccessGate
from csu_wall.services.playback import PlaybackService
from csu_wall.services.wall import WallService
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database

Credentials = Callable[[str], "tuple[str, str] | None"]


@dataclass
class WiredDesk:
    window: MainWindow
    bar: PlaybackBar
    wall: WallService
    playback: PlaybackService


@pytest.fixture()
def french(qapp: QApplication) -> Iterator[None]:
    """The operators' language, installed the way the runner installs it."""
    translator = install_translator(qapp, "fr")
    assert translator is not None, "run packaging/build_translations.sh"
    yield
    qapp.removeTranslator(translator)


@contextmanager
def wired_desk(qtbot: QtBot, tmp_path: Path, site: Site,
               credentials: Credentials) -> Iterator[WiredDesk]:
    """The desk over ``site``, its recorders asked with ``credentials``."""
    db = Database.open(tmp_path / "csu.db", create=True)
    since = datetime(2026, 1, 1, tzinfo=timezone.utc)
    gate = AccessGate(site, Operator("agent1", "Agent 1"),
                      [Habilitation("agent1", c.id, "arrêté préfectoral", "maire", since)
                       for c in site.communes], DbAuditLog(db), workstation="poste-1")
    bridge = StateBridge()
    engine = MediaEngine(workers=2, on_state=bridge.post, credentials=credentials,
                         open_timeout=5, read_timeout=5, ladder=False)
    wall = WallService(site, gate, engine,
                       lambda rec: driver_for(rec, clip_dir=tmp_path, credentials=credentials))
    playback = PlaybackService(wall)
    window = MainWindow(wall, demo=False, bridge=bridge)
    qtbot.addWidget(window)
    bar = install_playback(window, playback)
    window.resize(1280, 800)
    window.show()
    try:
        yield WiredDesk(window, bar, wall, playback)
    finally:
        window.shutdown()
        wall.shutdown()
        db.close()
