"""Real widgets offscreen, over the real wall: WallService + AccessGate + MediaEngine +
DemoDriver + the demo site. Only the audit sink is a small in-memory class (the database
sink is tested in tests/storage; here only what was appended matters)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.model import Site
from csu_wall.core.security import Habilitation, Operator
from csu_wall.gui._resources import translation_file
from csu_wall.gui.bridge import StateBridge
from csu_wall.media.engine import MediaEngine
from csu_wall.services.access import AccessGate
from csu_wall.services.wall import WallService
from tests.gui._async_loop import qasync_loop  # noqa: F401 - the fixture, for GUI tests

REPO = Path(__file__).resolve().parents[2]
DEMO_OPERATOR = Operator("demo", "Opérateur démo", demo=True)


class MemoryAudit(AuditSink):
    """In-memory audit sink: records what the gate appended, in order."""

    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def append(self, entry: AuditEntry) -> int:
        self.entries.append(entry)
        return len(self.entries)

    def actions(self) -> list[AuditAction]:
        return [e.action for e in self.entries]


@pytest.fixture(scope="session")
def demo_site() -> Site:
    from csu_wall.core.sitefile import load_demo_site

    return load_demo_site()


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo clips are encoded once per session and shared by every GUI test."""
    return tmp_path_factory.mktemp("demo-clips")


WallFactory = Callable[..., tuple[WallService, MemoryAudit]]


@pytest.fixture()
def make_wall_service(
    demo_site: Site, clip_dir: Path
) -> Iterator[WallFactory]:
    """Builds a real WallService reporting states to ``bridge`` (or an on_state callable),
    habilitated for every commune unless ``habilitated`` names some. Shut down at teardown."""
    from csu_wall.recorders.registry import driver_for

    made: list[WallService] = []

    def make(bridge: StateBridge | Callable[..., None], habilitated: set[str] | None = None,
             ) -> tuple[WallService, MemoryAudit]:
        communes = {c.id for c in demo_site.communes} if habilitated is None else habilitated
        start = datetime(2020, 1, 1, tzinfo=UTC)
        habs = [Habilitation(DEMO_OPERATOR.id, c, "test", "test", start) for c in communes]
        audit = MemoryAudit()
        gate = AccessGate(demo_site, DEMO_OPERATOR, habs, audit, workstation="test-gui")
        on_state = bridge.post if isinstance(bridge, StateBridge) else bridge
        engine = MediaEngine(on_state=on_state)
        service = WallService(demo_site, gate, engine,
                              lambda rec: driver_for(rec, clip_dir=clip_dir), demo=True)
        made.append(service)
        return service, audit

    yield make
    for service in made:
        service.shutdown()


def french_qm() -> Path:
    qm = Path(str(translation_file("fr")))
    newest_ts = max(ts.stat().st_mtime for ts in qm.parent.glob("*_fr.ts"))
    if not qm.exists() or qm.stat().st_mtime < newest_ts:
        subprocess.run(["timeout", "60", str(REPO / "packaging" / "build_translations.sh")],
                       check=True, capture_output=True)
    return qm


@pytest.fixture()
def french(qapp: QApplication) -> Iterator[QTranslator]:
    """The French translation installed for the test, removed afterwards."""
    translator = QTranslator()
    assert translator.load(str(french_qm()))
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


@pytest.fixture()
def french_qt(french: QTranslator, qapp: QApplication) -> Iterator[QTranslator]:
    """The French UI with Qt's own French too (key names, standard buttons), as the runner
    installs it."""
    from csu_wall.gui._qt_translations import install_qt_translations

    translator = install_qt_translations(qapp, "fr")
    assert translator is not None, "PySide6 ships qtbase_fr.qm"
    yield translator
    QCoreApplication.removeTranslator(translator)


@pytest.fixture()
def engine() -> Iterator[MediaEngine]:
    """A media engine of one decoder process, for a test's own tiles; shut down afterwards."""
    media = MediaEngine(1, decoders="process", ladder=False)
    yield media
    media.shutdown()
