"""The bookmark panel over a real PostgreSQL server at the end of a slow link.

The workstation reaches the server through a relay that holds every chunk 150 ms each way
(tests/scenarios/_slow_link.py); the data is written straight to the server. A precise 10 ms
timer on the GUI thread (tests/scenarios/_lag.py) records how late each tick comes: a search
made on the GUI thread would show as one late tick as long as the search itself.

- ``test_bookmark_search_over_a_slow_postgresql_link_keeps_the_gui_responsive``: the list and
  a typed search arrive (each taking several round trips, so well over 300 ms) while the GUI
  loop never falls behind by more than a fraction of that.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from csu_wall.core.security import Habilitation, Operator, Role
from csu_wall.core.shifts import Severity
from csu_wall.core.sitefile import load_demo_site
from csu_wall.gui.bookmark_panel import BookmarkPanel
from csu_wall.services.access import AccessGate
from csu_wall.services.bookmarks import BookmarkService
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from csu_wall.storage.site_repo import apply_site
from tests.scenarios._lag import LagProbe
from tests.scenarios._slow_link import SlowLink
from tests.services.auth_helpers import add_user

pytestmark = pytest.mark.timeout(120)

DELAY_S = 0.15  # each way, per chunk
HAB_START = datetime(2020, 1, 1, tzinfo=UTC)
CHEF = Operator("chef", "Chef", Role.OPERATOR)
NOTES = ("rixe devant la gare", "matelas sur le trottoir", "rodéo place de la mairie")


def _gate(db: Database) -> AccessGate:
    site = load_demo_site()
    habs = [Habilitation(CHEF.id, c.id, "arrêté préfectoral", "maire", HAB_START)
            for c in site.communes]
    return AccessGate(site, CHEF, habs, DbAuditLog(db), workstation="pupitre-1")


@pytest.fixture
def slow_db(pg_url: str) -> Iterator[Database]:
    """This workstation's connection, through the slow link, to a server holding the demo
    site and three bookmarks (written straight to the server)."""
    direct = Database.open(pg_url, create=True)
    try:
        site = load_demo_site()
        apply_site(direct, site, file_name="site.toml", sha256="0" * 64, applied_by="test")
        add_user(direct, CHEF.id, CHEF.role)
        service = BookmarkService(direct, DbAuditLog(direct), _gate(direct),
                                  workstation="pupitre-2")
        for camera, note in zip(("tcg-001", "rcq-001", "tcg-002"), NOTES, strict=True):
            service.create(site.camera(camera), datetime.now(UTC), category="rixe",
                           severity=Severity.HIGH, note=note, shift_id=None,
                           snapshot_png=None)
    finally:
        direct.close()
    url = make_url(pg_url)
    link = SlowLink(int(url.port or 5432), DELAY_S)
    db = Database.open(url.set(host=SlowLink.host, port=link.port).render_as_string(
        hide_password=False))
    yield db
    db.close()
    link.close()


def _wait_shown(qtbot: QtBot, panel: BookmarkPanel, notes: set[str]) -> float:
    started = time.monotonic()
    qtbot.waitUntil(lambda: {b.note for b in panel.shown()} == notes and not panel.loading,
                    timeout=60_000)
    return time.monotonic() - started


def test_bookmark_search_over_a_slow_postgresql_link_keeps_the_gui_responsive(
        qtbot: QtBot, slow_db: Database) -> None:
    gate = _gate(slow_db)
    service = BookmarkService(slow_db, DbAuditLog(slow_db), gate, workstation="pupitre-1")
    probe = LagProbe()
    probe.start()
    try:
        panel = BookmarkPanel(service, gate.site, open_at=lambda c, t: None,
                              may_view=gate.may_view, current_shift=lambda: None)
        qtbot.addWidget(panel)
        panel.show()
        assert panel.loading_label.isVisible()
        listed = _wait_shown(qtbot, panel, set(NOTES))
        panel.search_edit.setText("matelas")
        searched = _wait_shown(qtbot, panel, {"matelas sur le trottoir"})
    finally:
        probe.stop()
    worst = probe.worst()
    print(f"\nslow link {DELAY_S * 1000:.0f} ms each way: list in {listed:.2f} s, search in "
          f"{searched:.2f} s; GUI loop worst late tick {worst * 1000:.0f} ms, p99 "
          f"{probe.percentile(99) * 1000:.0f} ms over {len(probe.lateness)} ticks")
    assert searched >= 2 * DELAY_S  # the link really was slow
    assert worst < min(0.25, searched / 2)
    assert not panel.loading_label.isVisible()
