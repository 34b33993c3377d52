"""This workstation's link to PostgreSQL is cut, then restored, while the bookmark panel is open.

Two workstations on one real PostgreSQL server. This one reaches it through a TCP relay the test
owns (tests/media/relay.py, the one the media tests cut streams with): cutting closes every
connection through it and refuses new ones, as a switch or a firewall that resets would. The
other workstation talks to the server directly and saves a bookmark (and a shared layout) during
the cut. Its notifications are sent while this workstation does not listen, so they are lost:
what brings them in after the return is the change feed's ``ChangeTopic.RESYNC``.

- ``test_a_bookmark_made_during_a_cut_appears_after_the_return``: the real window built by the
  composition root (sign-in, wall, features, change feed, database watcher), with the bookmark
  panel docked: the red banner says the database is unreachable during the cut, and after the
  return the bookmark is in the panel's rows and the layout in the tab bar, without the
  operator doing anything.
- ``test_the_feed_reconnects_and_every_listener_resyncs``: the same cut below the GUI: the feed
  reports the outage and the return, each listener gets RESYNC (and never the lost
  notification), the database watcher follows at once although its own interval is ten
  minutes (the feed wakes it), and a search through the relay finds the bookmark.
- ``test_a_cut_before_the_first_habilitation_pass_keeps_the_operators_communes``: the link
  cut within the first second of the wall, before the habilitation watcher has read once:
  the operator keeps the communes the wall was opened with (the panel's searches are
  restricted to them).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from csu_wall.composition import AppLauncher, Paths
from csu_wall.core.changes import ChangeTopic
from csu_wall.core.layout import Grid, Layout
from csu_wall.core.model import Site
from csu_wall.core.security import Habilitation, Operator, Role
from csu_wall.core.shifts import Bookmark, BookmarkFilter, Severity
from csu_wall.core.sitefile import load_demo_site
from csu_wall.gui.bookmark_panel import BookmarkPanel
from csu_wall.gui.main_window import MainWindow
from csu_wall.services.access import AccessGate
from csu_wall.services.bookmarks import BookmarkService
from csu_wall.services.db_health import DatabaseHealth, DbStatus
from csu_wall.services.habilitations import HabilitationWatcher
from csu_wall.services.layouts import LayoutService
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.changes import ChangeFeed
from csu_wall.storage.db import Database
from csu_wall.storage.operators import add_habilitation
from csu_wall.storage.site_repo import apply_site
from tests.media.relay import CountingRelay
from tests.services.auth_helpers import PASSWORD, add_user
from tests.storage.pg import free_port

pytestmark = pytest.mark.timeout(180)

COMMUNES = ("tourcoing", "roncq")
HAB_START = datetime(2020, 1, 1, tzinfo=UTC)
CAMERA = "rcq-003"
NOTE = "Rixe place de la gare, vue au pupitre 2 pendant la coupure"
ARRIVAL_MS = 30_000  # generous: the feed retries every second, the watcher probes every 3 s
BANNER_MS = 20_000


class DbLink:
    """This workstation's network path to the database server: cut and restored at will."""

    def __init__(self, server_url: str) -> None:
        url = make_url(server_url)
        self._server_port = int(url.port or 5432)
        self._nowhere = free_port()  # nothing listens there: connections are refused
        self.relay = CountingRelay(self._server_port)
        self.url = url.set(host=CountingRelay.host, port=self.relay.port).render_as_string(
            hide_password=False)

    def cut(self) -> None:
        self.relay.switch(self._nowhere)  # open connections closed, new ones refused

    def restore(self) -> None:
        self.relay.switch(self._server_port)

    def close(self) -> None:
        self.relay.close()


@dataclass
class OtherWorkstation:
    """The second workstation: its own connection, straight to the server."""

    db: Database
    site_gate: AccessGate

    def bookmark(self, note: str) -> Bookmark:
        service = BookmarkService(self.db, DbAuditLog(self.db), self.site_gate,
                                  workstation="pupitre-2")
        return service.create(load_demo_site().camera(CAMERA), datetime.now(UTC),
                              category="rixe", severity=Severity.HIGH, note=note,
                              shift_id=None, snapshot_png=None)

    def share_layout(self, name: str) -> Layout:
        admin = Operator("martin", "Martin", Role.ADMINISTRATOR)
        layouts = LayoutService(self.db, DbAuditLog(self.db), workstation="pupitre-2",
                                operator=admin)
        return layouts.save(Layout(name, Grid.preset("2x2"), (None,) * 4), "créée")


@pytest.fixture
def site_db(pg_url: str) -> str:
    """The database of the site: migrated, the demo site applied, two accounts habilitated."""
    db = Database.open(pg_url, create=True)
    try:
        apply_site(db, load_demo_site(), file_name="site.toml", sha256="0" * 64,
                   applied_by="test")
        add_user(db, "chef", Role.OPERATOR)
        add_user(db, "martin", Role.ADMINISTRATOR)
        for login in ("chef", "martin"):
            for commune in COMMUNES:
                add_habilitation(db, Habilitation(login, commune, "arrêté préfectoral",
                                                  "maire", HAB_START))
    finally:
        db.close()
    return pg_url


@pytest.fixture
def link(site_db: str) -> Iterator[DbLink]:
    made = DbLink(site_db)
    yield made
    made.close()


@pytest.fixture
def other(site_db: str) -> Iterator[OtherWorkstation]:
    db = Database.open(site_db)
    site = load_demo_site()
    martin = Operator("martin", "Martin", Role.ADMINISTRATOR)
    habs = [Habilitation("martin", c, "arrêté préfectoral", "maire", HAB_START)
            for c in COMMUNES]
    gate = AccessGate(site, martin, habs, DbAuditLog(db), workstation="pupitre-2")
    yield OtherWorkstation(db, gate)
    db.close()


def visible_notes(panel: BookmarkPanel) -> list[str]:
    """The note column of the rows the operator sees in the bookmark panel."""
    table = panel.table
    if not table.isVisible():
        return []
    items = [table.item(row, 6) for row in range(table.rowCount())
             if not table.isRowHidden(row)]
    return [item.text() for item in items if item is not None]


def test_a_bookmark_made_during_a_cut_appears_after_the_return(
        qtbot: QtBot, tmp_path: Path, link: DbLink, other: OtherWorkstation) -> None:
    paths = Paths(data_dir=tmp_path / "data", database_url=link.url, demo=False)
    launcher = AppLauncher(paths, workstation="pupitre-1")
    service = launcher.open_wall(None, launcher.sign_in("chef", PASSWORD))
    window = MainWindow(service, demo=False, **launcher.wall_extras(service))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    try:
        installed = launcher.decorate_window(window, service)
        assert installed is not None and installed.shifts is not None
        assert installed.banner is not None
        banner, features = installed.banner, installed.shifts
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: features.gate.dialog is not None, timeout=5_000)  # read off-thread
        dialog = features.gate.dialog  # no shift yet: the operator opens one
        assert dialog is not None
        dialog.confirm()  # type: ignore[attr-defined]
        qtbot.waitUntil(window.wall.isVisible, timeout=10_000)
        features.dock.show()
        panel = features.panel
        qtbot.waitUntil(panel.table.isVisible, timeout=5_000)
        assert NOTE not in visible_notes(panel) and not banner.isVisible()

        link.cut()
        cut = time.monotonic()
        qtbot.waitUntil(banner.isVisible, timeout=BANNER_MS)
        banner_shown = time.monotonic() - cut
        assert "Database unreachable since" in banner.text()
        made = other.bookmark(NOTE)
        shared = other.share_layout("Vue partagée pendant la coupure")
        qtbot.wait(1_500)  # the feed retries meanwhile; nothing can arrive while cut
        assert NOTE not in visible_notes(panel)
        assert banner.isVisible()

        link.restore()
        restored = time.monotonic()
        qtbot.waitUntil(lambda: NOTE in visible_notes(panel), timeout=ARRIVAL_MS)
        shown_after = time.monotonic() - restored
        assert made.id in {b.id for b in panel.shown()}
        qtbot.waitUntil(lambda: shared.id in {lay.id for lay in window.tabs.layouts()},
                        timeout=ARRIVAL_MS)
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=BANNER_MS)
        banner_after = time.monotonic() - restored
        assert "unreachable" not in panel.info_label.text()
        print(f"\nlink cut: banner shown after {banner_shown:.2f} s; restored: bookmark row "
              f"shown after {shown_after:.2f} s, banner gone after {banner_after:.2f} s")
    finally:
        window.shutdown()
        launcher.auth().sign_out()


class Listener:
    """A change-feed listener that remembers what it got, in order."""

    def __init__(self) -> None:
        self.got: list[tuple[ChangeTopic, str]] = []
        self._cond = threading.Condition()

    def __call__(self, topic: ChangeTopic, key: str) -> None:
        with self._cond:
            self.got.append((topic, key))
            self._cond.notify_all()

    def wait_for(self, wanted: tuple[ChangeTopic, str], timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: wanted in self.got, timeout=timeout)


def test_the_feed_reconnects_and_every_listener_resyncs(
        link: DbLink, other: OtherWorkstation) -> None:
    here = Database.open(link.url)
    listeners = [Listener(), Listener()]  # e.g. the bookmark panel and the tab bar
    statuses: list[bool] = []  # the feed's
    shown: list[bool] = []  # the watcher's, as the banner gets them
    status_changed = threading.Condition()
    health = DatabaseHealth(here, interval=600.0)  # no pass of its own during the test

    def on_status(up: bool, message: str) -> None:
        with status_changed:
            statuses.append(up)
            status_changed.notify_all()
        health.feed_status(up, message)  # as the composition root wires it

    def on_health(status: DbStatus) -> None:
        with status_changed:
            shown.append(status.reachable)
            status_changed.notify_all()

    def fan_out(topic: ChangeTopic, key: str) -> None:
        for listener in listeners:
            listener(topic, key)

    health.add_listener(on_health)
    health.start()
    feed = ChangeFeed(here, fan_out, on_status=on_status, poll_seconds=0.05,
                      retry_seconds=0.2)
    feed.start()
    try:
        before = other.bookmark("avant la coupure")
        assert all(x.wait_for((ChangeTopic.BOOKMARK, str(before.id)), 10) for x in listeners)
        assert health.status.reachable

        link.cut()
        with status_changed:
            assert status_changed.wait_for(lambda: False in statuses and False in shown,
                                           timeout=15)
        assert not health.status.reachable
        during = other.bookmark(NOTE)

        link.restore()
        assert all(x.wait_for((ChangeTopic.RESYNC, ""), 15) for x in listeners)
        with status_changed:
            assert statuses[-1] is True
            assert status_changed.wait_for(lambda: shown[-1] is True, timeout=15)
        assert shown == [False, True]
        # The notification of the bookmark made meanwhile never came: RESYNC is why the
        # panels find it.
        assert all((ChangeTopic.BOOKMARK, str(during.id)) not in x.got for x in listeners)
        site = load_demo_site()
        chef = Operator("chef", "Chef", Role.OPERATOR)
        gate = AccessGate(site, chef, [Habilitation("chef", c, "arrêté", "maire", HAB_START)
                                       for c in COMMUNES], DbAuditLog(here),
                          workstation="pupitre-1")
        found = BookmarkService(here, DbAuditLog(here), gate, workstation="pupitre-1").search(
            BookmarkFilter())
        assert during.id in {b.id for b in found}
    finally:
        feed.stop()
        health.stop()
        here.close()


class _TileRecorder:
    """What the watcher closes, recorded: no wall runs in this test (the tiles are not what is
    checked here; the scenario above runs the real wall)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.closed: list[str] = []

    def close_commune_tiles(self, commune_id: str, detail: str = "") -> list[str]:
        self.closed.append(commune_id)
        return []


def test_a_cut_before_the_first_habilitation_pass_keeps_the_operators_communes(
        link: DbLink) -> None:
    here = Database.open(link.url)
    site = load_demo_site()
    chef = Operator("chef", "Chef", Role.OPERATOR)
    habs = [Habilitation("chef", c, "arrêté préfectoral", "maire", HAB_START) for c in COMMUNES]
    gate = AccessGate(site, chef, habs, DbAuditLog(here), workstation="pupitre-1")
    wall = _TileRecorder(site)
    watcher = HabilitationWatcher(here, gate, wall)  # passes run by hand: no thread
    try:
        link.cut()
        watcher.poll()  # cannot read: what the wall was opened with stays
        assert all(gate.may_view(c) for c in COMMUNES)
        assert not set(COMMUNES) & set(wall.closed)  # only communes never allowed
        link.restore()
        watcher.poll()
        assert all(gate.may_view(c) for c in COMMUNES)
        assert not set(COMMUNES) & set(wall.closed)
    finally:
        here.close()
