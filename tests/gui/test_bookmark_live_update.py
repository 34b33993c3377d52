"""A bookmark saved on another workstation appears in the panel through the real change feed
(SQLite here: its change_log table; PostgreSQL uses LISTEN/NOTIFY behind the same API), and a
reconnection of the feed (``ChangeTopic.RESYNC``) reloads what the panel shows."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from csu_wall.core.changes import ChangeTopic
from csu_wall.core.shifts import Severity
from csu_wall.gui.bookmark_panel import BookmarkPanel
from csu_wall.services.bookmarks import BookmarkService
from csu_wall.storage.changes import ChangeFeed
from csu_wall.storage.db import Database
from tests.gui._shift_env import ShiftEnv, shift_env  # noqa: F401

BOTH = {"tourcoing", "roncq"}


def test_panel_lists_another_workstations_bookmark(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    dupont = shift_env.account("dupont")
    gate = shift_env.gate(dupont, BOTH)
    panel = BookmarkPanel(shift_env.bookmarks(gate), shift_env.site, open_at=lambda c, t: None,
                          may_view=gate.may_view, current_shift=lambda: None)
    qtbot.addWidget(panel)
    assert panel.shown() == []
    other_db = Database.open(shift_env.db.url)  # the other workstation's own connection
    martin = shift_env.account("martin")
    other = BookmarkService(other_db, shift_env.audit, shift_env.gate(martin, BOTH),
                            workstation="pupitre-2")
    feed = ChangeFeed(shift_env.db, panel.notify_change)
    feed.start()
    try:
        started = time.monotonic()
        made = other.create(shift_env.site.camera("rcq-003"), datetime.now(UTC),
                            category="intrusion", severity=Severity.HIGH, note="vu au pupitre 2",
                            shift_id=None, snapshot_png=None)
        qtbot.waitUntil(lambda: made.id in {b.id for b in panel.shown()}, timeout=5_000)
        delay = time.monotonic() - started
    finally:
        feed.stop()
        other_db.close()
    assert delay < 5.0  # measured about 0.3 s here (0.2 s poll + 0.1 s coalescing)


def _visible_notes(panel: BookmarkPanel) -> list[str]:
    """The note column of the rows the operator sees."""
    table = panel.table
    items = [table.item(row, 6) for row in range(table.rowCount())
             if not table.isRowHidden(row)]
    return [item.text() for item in items if item is not None]


def test_resync_reloads_the_list_and_the_categories(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    """No feed here: what changed was never announced to the panel (the feed was away); the
    RESYNC the feed sends when it is back is what brings it in."""
    dupont = shift_env.account("dupont")
    gate = shift_env.gate(dupont, BOTH)
    panel = BookmarkPanel(shift_env.bookmarks(gate), shift_env.site, open_at=lambda c, t: None,
                          may_view=gate.may_view, current_shift=lambda: None)
    qtbot.addWidget(panel)
    panel.show()
    other_db = Database.open(shift_env.db.url)
    try:
        martin = shift_env.account("martin")
        other = BookmarkService(other_db, shift_env.audit, shift_env.gate(martin, BOTH),
                                workstation="pupitre-2")
        other.set_categories(["intrusion", "rodéo urbain"])
        other.create(shift_env.site.camera("rcq-003"), datetime.now(UTC),
                     category="rodéo urbain", severity=Severity.HIGH,
                     note="pendant la coupure", shift_id=None, snapshot_png=None)
    finally:
        other_db.close()
    qtbot.wait(300)  # longer than the panel's coalescing delay: nothing may come by itself
    assert _visible_notes(panel) == []
    offered = [panel.category_box.itemText(i) for i in range(panel.category_box.count())]
    assert "rodéo urbain" not in offered
    panel.notify_change(ChangeTopic.RESYNC, "")  # as the feed does, from its own thread
    qtbot.waitUntil(lambda: _visible_notes(panel) == ["pendant la coupure"], timeout=5_000)
    offered = [panel.category_box.itemText(i) for i in range(panel.category_box.count())]
    assert offered[1:] == ["intrusion", "rodéo urbain"]


def test_categories_changed_elsewhere_are_offered_at_once(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    dupont = shift_env.account("dupont")
    gate = shift_env.gate(dupont, BOTH)
    panel = BookmarkPanel(shift_env.bookmarks(gate), shift_env.site, open_at=lambda c, t: None,
                          may_view=gate.may_view, current_shift=lambda: None)
    qtbot.addWidget(panel)
    feed = ChangeFeed(shift_env.db, panel.notify_change, poll_seconds=0.05)
    feed.start()
    try:
        other = BookmarkService(shift_env.db, shift_env.audit,
                                shift_env.gate(shift_env.account("martin"), BOTH),
                                workstation="pupitre-2")
        other.set_categories(["intrusion", "rodéo urbain"])

        def offered() -> list[str]:
            box = panel.category_box
            return [box.itemText(i) for i in range(1, box.count())]

        qtbot.waitUntil(lambda: offered() == ["intrusion", "rodéo urbain"], timeout=5_000)
    finally:
        feed.stop()
