"""The bookmark panel over the real BookmarkService and SQLite: filters,
edit and close, judicial reference, habilitations, and the open-at callback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from csu_wall.core.audit import AuditAction
from csu_wall.core.security import Operator
from csu_wall.core.shifts import Bookmark, BookmarkStatus, Severity
from csu_wall.gui.bookmark_panel import BookmarkPanel
from csu_wall.services.bookmarks import BookmarkService
from csu_wall.storage.audit import entries
from tests.gui._shift_env import ShiftEnv, shift_env  # noqa: F401

T0 = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
BOTH = {"tourcoing", "roncq"}


def _seed(env: ShiftEnv) -> tuple[BookmarkService, list[Bookmark]]:
    """Five bookmarks on two communes, three cameras, two shifts, over four hours."""
    operator = env.account("dupont")
    gate = env.gate(operator, BOTH)
    service = env.bookmarks(gate)
    shifts = env.shifts(gate)
    first = shifts.open(operator.id, ("mur-1",))
    site = env.site
    made = [
        service.create(site.camera("tcg-001"), T0, category="rixe", severity=Severity.HIGH,
                       note="bagarre devant la gare", shift_id=first.id, snapshot_png=None),
        service.create(site.camera("tcg-002"), T0 + timedelta(hours=1), category="accident",
                       severity=Severity.MEDIUM, note="deux voitures", shift_id=first.id,
                       snapshot_png=None),
        service.create(site.camera("rcq-001"), T0 + timedelta(hours=2),
                       category="dépôt sauvage", severity=Severity.LOW,
                       note="matelas sur le trottoir", shift_id=first.id, snapshot_png=None),
    ]
    shifts.close_with_handover(shifts.prepare_handover(""))
    report = shifts.pending_handover()
    assert report is not None
    second = shifts.acknowledge(report.id or 0, operator.id,
                                [i.key for i in report.open_items])
    made += [
        service.create(site.camera("rcq-001"), T0 + timedelta(hours=3), category="rixe",
                       severity=Severity.CRITICAL, note="rixe au rond-point",
                       shift_id=second.id, snapshot_png=None),
        service.create(site.camera("tcg-001"), T0 + timedelta(hours=4), category="intrusion",
                       severity=Severity.HIGH, note="intrusion parking", shift_id=second.id,
                       snapshot_png=None),
    ]
    made[1] = service.update(made[1].id, status=BookmarkStatus.CLOSED)
    return service, made


def _panel(qtbot: QtBot, env: ShiftEnv, service: BookmarkService,
           opened: list[tuple[str, datetime]] | None = None,
           answer: str | None = None) -> BookmarkPanel:
    gate = env.gate(Operator("dupont", "Dupont"), BOTH)  # the seeding operator's rights

    def open_at(camera_id: str, start: datetime) -> str | None:
        if opened is not None:
            opened.append((camera_id, start))
        return answer

    panel = BookmarkPanel(service, env.site, open_at=open_at, may_view=gate.may_view,
                          current_shift=lambda: None)
    qtbot.addWidget(panel)
    panel.show()
    _settled(qtbot, panel)
    return panel


def _settled(qtbot: QtBot, panel: BookmarkPanel) -> BookmarkPanel:
    """Wait for the list (and the categories), read off the GUI thread, to be shown."""
    qtbot.waitUntil(lambda: not panel.loading, timeout=5_000)
    return panel


def _cell(panel: BookmarkPanel, row: int, column: int) -> str:
    item = panel.table.item(row, column)
    assert item is not None
    return item.text()


def _ids(qtbot: QtBot, panel: BookmarkPanel) -> set[int]:
    return {b.id for b in _settled(qtbot, panel).shown()}


def test_panel_filters_by_commune_camera_category_status_shift_text_and_time(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    service, made = _seed(shift_env)
    b = [m.id for m in made]
    panel = _panel(qtbot, shift_env, service)
    assert _ids(qtbot, panel) == set(b)
    assert [x.id for x in panel.shown()] == list(reversed(b))  # newest first
    assert panel.table.rowCount() == 5

    panel.commune_box.setCurrentIndex(panel.commune_box.findData("roncq"))
    assert _ids(qtbot, panel) == {b[2], b[3]}
    # The camera list follows the commune: only Roncq's cameras are offered.
    cameras = {panel.camera_box.itemData(i) for i in range(1, panel.camera_box.count())}
    assert cameras == {c.id for c in shift_env.site.cameras_of("roncq")}
    panel.commune_box.setCurrentIndex(panel.commune_box.findData("tourcoing"))
    panel.camera_box.setCurrentIndex(panel.camera_box.findData("tcg-001"))
    assert _ids(qtbot, panel) == {b[0], b[4]}
    panel.commune_box.setCurrentIndex(0)
    assert panel.camera_box.count() == 1 and _ids(qtbot, panel) == set(b)

    panel.category_box.setCurrentIndex(panel.category_box.findData("rixe"))
    assert _ids(qtbot, panel) == {b[0], b[3]}
    panel.category_box.setCurrentIndex(0)

    panel.status_box.setCurrentIndex(panel.status_box.findData(BookmarkStatus.CLOSED.value))
    assert _ids(qtbot, panel) == {b[1]}
    panel.status_box.setCurrentIndex(panel.status_box.findData(BookmarkStatus.OPEN.value))
    assert _ids(qtbot, panel) == {b[0], b[2], b[3], b[4]}
    panel.status_box.setCurrentIndex(0)

    second_shift = made[3].shift_id
    panel.shift_box.setCurrentIndex(panel.shift_box.findData(second_shift))
    assert _ids(qtbot, panel) == {b[3], b[4]}
    panel.shift_box.setCurrentIndex(0)

    qtbot.keyClicks(panel.search_edit, "matelas")
    assert _ids(qtbot, panel) == {b[2]}
    panel.search_edit.clear()

    # Time range, typed as Paris wall-clock time and compared in UTC.
    panel.set_time_range(T0 + timedelta(minutes=30), T0 + timedelta(hours=2, minutes=30))
    assert _ids(qtbot, panel) == {b[1], b[2]}
    assert panel.from_edit.dateTime().time().hour() == 21  # 20:30 UTC is 21:30 in Paris
    panel.set_time_range(None, None)
    assert _ids(qtbot, panel) == set(b)
    # Shown in Europe/Paris: 20:00 UTC is 21:00 in Paris in November.
    row = [x.id for x in panel.shown()].index(b[0])
    assert _cell(panel, row, 0) == "25/11/26 21:00"  # to the minute; the seconds in the tip
    assert panel.table.item(row, 0).toolTip().startswith(  # type: ignore[union-attr]
        "25/11/2026 21:00:00 — ")


def test_panel_edits_closes_and_marks_judicial(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    service, made = _seed(shift_env)
    panel = _panel(qtbot, shift_env, service)
    target = made[0]
    panel.select(target.id)
    dialog = panel.edit_selected()
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.categories.loaded, timeout=5_000)  # read off the GUI thread
    dialog.note_edit.setPlainText("bagarre devant la gare, police prévenue")
    dialog.severity_box.setCurrentIndex(dialog.severity_box.findData(Severity.CRITICAL.value))
    dialog.status_box.setCurrentIndex(dialog.status_box.findData("followed_up"))
    qtbot.keyClicks(dialog.judicial_edit, "PV 2026/1234")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.saving, timeout=5_000)  # written off the GUI thread
    _settled(qtbot, panel)
    stored = service.get(target.id)
    assert stored.note == "bagarre devant la gare, police prévenue"
    assert stored.severity is Severity.CRITICAL
    assert stored.status is BookmarkStatus.FOLLOWED_UP
    assert stored.judicial_ref == "PV 2026/1234"
    row = [x.id for x in panel.shown()].index(target.id)
    assert _cell(panel, row, 8) == "PV 2026/1234"
    assert not panel.table.isColumnHidden(8)  # shown once a listed bookmark has a reference
    assert str(target.id) in panel.info_label.text()

    panel.select(target.id)
    panel.close_selected()  # written off the GUI thread
    qtbot.waitUntil(lambda: panel.closed is not None, timeout=5_000)
    closed = panel.closed
    _settled(qtbot, panel)
    assert closed is not None and closed.status is BookmarkStatus.CLOSED
    assert service.get(target.id).status is BookmarkStatus.CLOSED
    changes = [r.entry for r in entries(shift_env.db, limit=None)
               if r.entry.action is AuditAction.BOOKMARK_CHANGE
               and r.entry.extra.get("bookmark_id") == str(target.id)]
    assert len(changes) == 3  # edit, judicial reference, close
    # A judicial reference is kept for the procedure: not editable afterwards.
    panel.select(target.id)
    again = panel.edit_selected()
    assert again is not None and again.judicial_edit.isReadOnly()
    again.reject()


def test_panel_hides_bookmarks_of_communes_not_habilitated(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    service, made = _seed(shift_env)
    roncq_notes = [m for m in made if m.commune_id == "roncq"]
    assert roncq_notes
    martin = shift_env.account("martin")
    gate = shift_env.gate(martin, {"tourcoing"})
    limited = shift_env.bookmarks(gate)
    panel = BookmarkPanel(limited, shift_env.site, open_at=lambda c, t: None,
                          may_view=gate.may_view, current_shift=lambda: None)
    qtbot.addWidget(panel)
    assert {b.commune_id for b in _settled(qtbot, panel).shown()} == {"tourcoing"}
    assert len(panel.shown()) == 3
    communes = {panel.commune_box.itemData(i) for i in range(panel.commune_box.count())}
    assert communes == {None, "tourcoing"}  # Roncq is not even offered
    qtbot.keyClicks(panel.search_edit, "matelas")  # a Roncq bookmark's note
    assert _settled(qtbot, panel).shown() == [] and panel.table.rowCount() == 0
    for cell in range(panel.table.columnCount()):
        assert panel.table.horizontalHeaderItem(cell) is not None


def test_open_asks_the_callback_and_says_why_it_is_live(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    service, made = _seed(shift_env)
    opened: list[tuple[str, datetime]] = []
    panel = _panel(qtbot, shift_env, service, opened, answer="lecture indisponible (test)")
    target = made[2]
    panel.select(target.id)
    panel.open_selected()  # the bookmark is read again off the GUI thread
    qtbot.waitUntil(lambda: bool(opened), timeout=5_000)
    # Replay starts pre_seconds (10 s by default) before the bookmarked time.
    assert opened == [(target.camera_id, target.at_utc - timedelta(seconds=10))]
    assert "lecture indisponible (test)" in panel.info_label.text()

    replayed = _panel(qtbot, shift_env, service, opened, answer=None)
    replayed.select(made[0].id)
    replayed.table.doubleClicked.emit(replayed.table.currentIndex())
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=5_000)
    assert opened[-1] == (made[0].camera_id, made[0].at_utc - timedelta(seconds=10))
    assert "20:59:50" in replayed.info_label.text()  # Paris time of the replay start


def test_panel_reads_at_its_default_width_without_scrolling_sideways(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    """At the width the dock opens with, every shown column fits: the long words are
    elided with the whole row in the tooltip, the note takes what is left; the shift
    and judicial columns wait until needed (or the header's menu asks for them)."""
    from csu_wall.gui.bookmark_panel import MAX_COLUMN_WIDTH
    from csu_wall.gui.side_docks import OPEN_WIDTH

    service, made = _seed(shift_env)
    made.append(service.create(  # long words in every column
        shift_env.site.camera("rcq-001"), T0 + timedelta(hours=4),
        category="personne vulnérable", severity=Severity.CRITICAL,
        note="personne âgée désorientée devant l'entrée, équipe de la police municipale "
             "en route", shift_id=None, snapshot_png=None))
    panel = _panel(qtbot, shift_env, service)
    panel.resize(OPEN_WIDTH["bookmarks"], 600)
    _settled(qtbot, panel)
    qtbot.waitUntil(lambda: panel.table.rowCount() == len(made), timeout=5_000)
    table = panel.table
    assert table.isColumnHidden(7) and table.isColumnHidden(8)  # no reference in the seed
    shown = [c for c in range(table.columnCount()) if not table.isColumnHidden(c)]
    assert all(table.columnWidth(c) <= MAX_COLUMN_WIDTH for c in shown if c != 6)
    qtbot.waitUntil(lambda: not table.horizontalScrollBar().isVisible(), timeout=5_000)
    note_width = table.columnWidth(6)
    assert note_width >= 100, note_width  # the note is last and keeps some room
    assert table.horizontalHeader().visualIndex(6) == table.columnCount() - 1
    panel.show_column(7, True)  # the header's menu
    assert not table.isColumnHidden(7)
