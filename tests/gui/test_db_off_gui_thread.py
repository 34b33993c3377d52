"""Database reads of the bookmark panel and the register of extractions run off the GUI thread.

Real SQLite under the real services; what makes the database slow is a wrapper that takes one
second before each call (as a PostgreSQL server at the end of a slow link would), on whatever
thread calls it. A 10 ms QTimer counts the GUI loop's ticks while the slow call runs: a call
made on the GUI thread would count none. An unreachable database is a real one: its file's
folder is removed under the open pool (SQLite then cannot open it again).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from csu_wall.core.layout import Tour, TourKind
from csu_wall.core.model import Site
from csu_wall.core.security import Operator, Role
from csu_wall.core.shifts import Bookmark, BookmarkFilter, HandoverReport, Severity
from csu_wall.gui.bookmark_panel import BookmarkPanel
from csu_wall.gui.extraction_register import RegisterDialog
from csu_wall.gui.handover_dialog import HandoverDialog
from csu_wall.gui.tour_editor import TourManagerDialog
from csu_wall.services.bookmarks import BookmarkService
from csu_wall.services.export import Custody
from csu_wall.services.export_desk import ExportDesk, ExtractionRecord
from csu_wall.services.shifts import ShiftService
from csu_wall.services.tours import TourService
from csu_wall.storage import extraction_repo as repo
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from tests.gui._shift_env import WS, ShiftEnv, shift_env  # noqa: F401
from tests.gui._wall_desk import SUPERVISOR, open_wall_db
from tests.rtsp.playback_env import SITE, at
from tests.services.auth_helpers import add_user
from tests.services.export_env import REQUISITION, ExportEnv, make_export_env

pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("french")]

T = TypeVar("T")
DELAY_S = 1.0  # what the slow database takes per call
MIN_TICKS = 20  # of a 10 ms timer during one slow call (100 when the machine is idle)
BOTH = {"tourcoing", "roncq"}
REF = "20261025-0259-ab12cd"
DUPONT = Operator("dupont", "Dupont", Role.OPERATOR)


class Heartbeat:
    """The GUI loop's pulse: a 10 ms QTimer on the GUI thread counting its ticks."""

    def __init__(self) -> None:
        self.ticks = 0
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        self.ticks += 1


class SlowLink:
    """What a slow database does to a call: it answers after DELAY_S. Remembers, per call,
    whether it ran on the GUI thread and how often the GUI loop ticked meanwhile."""

    def __init__(self, beat: Heartbeat) -> None:
        self.beat = beat
        self.calls: list[tuple[str, bool, int]] = []  # name, on the GUI thread, ticks during
        self.release: threading.Event | None = None  # when set: wait for it instead
        self.entered = threading.Event()  # a call is under way

    def __call__(self, name: str, fn: Callable[..., T], *args: Any) -> T:
        before = self.beat.ticks
        self.entered.set()
        if self.release is not None:
            assert self.release.wait(10)
        else:
            time.sleep(DELAY_S)  # the wrapper's delay, on the caller's thread
        result = fn(*args)
        self.calls.append((name, threading.current_thread() is threading.main_thread(),
                           self.beat.ticks - before))
        return result

    def assert_off_the_gui_thread(self, name: str) -> None:
        made = [c for c in self.calls if c[0] == name]
        assert made, f"{name} was never called"
        for _name, on_gui_thread, ticks in made:
            assert not on_gui_thread
            assert ticks >= MIN_TICKS, f"the GUI loop ticked {ticks} times during {name}"


class SlowBookmarks(BookmarkService):
    """The real service over SQLite, each read taking DELAY_S first."""

    link: SlowLink
    slow_text: str | None = None  # when set: only searches for this text are slow

    def search(self, flt: BookmarkFilter) -> list[Bookmark]:
        if self.slow_text is not None and flt.text != self.slow_text:
            return super().search(flt)
        return self.link("search", super().search, flt)

    def categories(self) -> list[str]:
        return self.link("categories", super().categories)


class SlowDesk(ExportDesk):
    """The real export desk over SQLite, the register's read and its PDF taking DELAY_S."""

    link: SlowLink

    def register(self, commune_id: str | None = None) -> list[ExtractionRecord]:
        return self.link("register", super().register, commune_id)

    def register_pdf(self, records: Any) -> bytes:
        return self.link("register_pdf", super().register_pdf, records)


class SlowShifts(ShiftService):
    """The real shift service over SQLite, building the handover report in DELAY_S."""

    link: SlowLink

    def prepare_handover(self, notes: str) -> HandoverReport:
        return self.link("prepare_handover", super().prepare_handover, notes)


class SlowTours(TourService):
    """The real tour service over SQLite, listing the tours in DELAY_S."""

    link: SlowLink

    def list_tours(self) -> list[Tour]:
        return self.link("list_tours", super().list_tours)


@pytest.fixture()
def beat(qapp: QApplication) -> Iterator[Heartbeat]:
    heartbeat = Heartbeat()
    yield heartbeat
    heartbeat.timer.stop()


def _bookmarks(env: ShiftEnv, link: SlowLink, db: Database | None = None) -> SlowBookmarks:
    db = db or env.db
    add_user(db, DUPONT.id, DUPONT.role)
    gate = env.gate(DUPONT, BOTH)
    service = SlowBookmarks(db, DbAuditLog(db), gate, workstation=WS)
    service.link = link
    return service


def _mark(service: BookmarkService, env: ShiftEnv, camera: str, note: str) -> Bookmark:
    return service.create(env.site.camera(camera), datetime(2026, 11, 25, 20, tzinfo=UTC),
                          category="rixe", severity=Severity.HIGH, note=note, shift_id=None,
                          snapshot_png=None)


def _panel(qtbot: QtBot, env: ShiftEnv, service: BookmarkService) -> BookmarkPanel:
    gate = env.gate(DUPONT, BOTH)
    panel = BookmarkPanel(service, env.site, open_at=lambda c, t: None, may_view=gate.may_view,
                          current_shift=lambda: None)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def _notes(panel: BookmarkPanel) -> list[str]:
    return [b.note for b in panel.shown()]


def test_bookmark_list_and_search_are_read_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat) -> None:  # noqa: F811
    link = SlowLink(beat)
    service = _bookmarks(shift_env, link)
    _mark(service, shift_env, "tcg-001", "bagarre devant la gare")
    _mark(service, shift_env, "rcq-001", "matelas sur le trottoir")
    started = time.monotonic()
    panel = _panel(qtbot, shift_env, service)
    assert time.monotonic() - started < DELAY_S / 2  # built without waiting for the database
    assert panel.loading and panel.loading_label.isVisible()
    assert panel.loading_label.text() == "Chargement…"
    assert panel.search_edit.isEnabled() and panel.table.isEnabled()
    # the list and the categories, read side by side, arrive in either order
    qtbot.waitUntil(lambda: len(panel.shown()) == 2 and not panel.loading, timeout=10_000)
    assert not panel.loading_label.isVisible() and panel.table.rowCount() == 2
    link.assert_off_the_gui_thread("search")
    link.assert_off_the_gui_thread("categories")
    assert panel.category_box.findData("rixe") > 0  # the site's categories, read meanwhile

    link.calls.clear()
    panel.search_edit.setText("matelas")
    assert panel.loading_label.isVisible()
    qtbot.waitUntil(lambda: _notes(panel) == ["matelas sur le trottoir"], timeout=10_000)
    assert not panel.loading_label.isVisible() and panel.table.rowCount() == 1
    assert panel.table.item(0, 6).text() == "matelas sur le trottoir"  # type: ignore[union-attr]
    link.assert_off_the_gui_thread("search")


def test_a_newer_bookmark_search_supersedes_an_older_slower_one(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat) -> None:  # noqa: F811
    link = SlowLink(beat)
    service = _bookmarks(shift_env, link)
    _mark(service, shift_env, "rcq-001", "matelas sur le trottoir")
    _mark(service, shift_env, "tcg-001", "bagarre devant la gare")
    service.slow_text = "lent"
    panel = _panel(qtbot, shift_env, service)
    qtbot.waitUntil(lambda: len(panel.shown()) == 2 and not panel.loading, timeout=10_000)
    link.release = threading.Event()
    link.entered.clear()
    try:
        panel.search_edit.setText("lent")  # held by the database until released
        qtbot.waitUntil(link.entered.is_set, timeout=5_000)  # under way, not just queued
        panel.search_edit.setText("matelas")  # answered at once
        qtbot.waitUntil(lambda: _notes(panel) == ["matelas sur le trottoir"], timeout=5_000)
        assert not panel.loading
    finally:
        link.release.set()
    # the older search's answer (nothing matches « lent ») arrives last and is dropped
    qtbot.waitUntil(lambda: panel.search_call.dropped == 1, timeout=10_000)
    assert _notes(panel) == ["matelas sur le trottoir"] and panel.table.rowCount() == 1
    assert [c[0] for c in link.calls] == ["categories", "search"]  # only « lent » was slow


def _unreachable(db: Database, folder: Path) -> None:
    """The database goes away for real: the pool's connections closed, its folder removed."""
    db.engine.dispose()
    shutil.rmtree(folder)


def test_bookmark_panel_says_in_french_that_the_database_is_unreachable(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = Database.open(folder / "csu.db", create=True)
    link = SlowLink(beat)
    service = _bookmarks(shift_env, link, db)
    _mark(service, shift_env, "tcg-001", "bagarre devant la gare")
    panel = _panel(qtbot, shift_env, service)
    qtbot.waitUntil(lambda: _notes(panel) == ["bagarre devant la gare"], timeout=10_000)
    try:
        _unreachable(db, folder)
        panel.search_edit.setText("gare")
        qtbot.waitUntil(lambda: not panel.loading, timeout=10_000)
    finally:
        db.close()
    assert panel.info_label.text() == (
        "Les signets ne peuvent pas être lus pour l'instant (base de données injoignable) ; "
        "la liste affichée peut être périmée.")
    assert not panel.loading_label.isVisible()
    assert _notes(panel) == ["bagarre devant la gare"] and panel.table.rowCount() == 1
    panel.select(panel.shown()[0].id)  # the list shown stays usable
    assert panel.selected() is not None and panel.search_edit.isEnabled()
    link.assert_off_the_gui_thread("search")


@pytest.fixture()
def export_env(tmp_path: Path) -> Iterator[ExportEnv]:
    env = make_export_env(tmp_path / "server", None)  # type: ignore[arg-type]  # no recorder
    repo.register_extraction(
        env.db, reference=REF, commune_id="roncq", operator_id="agent1", workstation="poste-1",
        cameras=["cam-001"], start=at(10), end=at(20), requisition=REQUISITION.as_dict(),
        folder=str(tmp_path / "x"), now=datetime(2026, 10, 26, tzinfo=UTC))
    yield env
    env.db.close()


def _register(qtbot: QtBot, env: ExportEnv, link: SlowLink, picked: Path) -> RegisterDialog:
    chief = Operator("agent1", "Agent Un", Role.SUPERVISOR)
    desk = SlowDesk(env.db, SITE, operator=lambda: chief, service_for=lambda _op: env.service,
                    custody_for=lambda op: Custody(env.db, DbAuditLog(env.db), actor=op.id,
                                                   workstation="poste-1"))
    desk.link = link
    dialog = RegisterDialog(desk, pick_save=lambda _parent, kind: picked.with_suffix(f".{kind}"))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_extraction_register_is_read_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, export_env: ExportEnv, beat: Heartbeat, tmp_path: Path) -> None:
    link = SlowLink(beat)
    started = time.monotonic()
    dialog = _register(qtbot, export_env, link, tmp_path / "registre")
    assert time.monotonic() - started < DELAY_S / 2
    assert dialog.busy_label.isVisible() and dialog.busy_label.text() == "Chargement…"
    assert dialog.commune_box.isEnabled() and dialog.table.rowCount() == 0
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert dialog.table.item(0, 0).text() == REF  # type: ignore[union-attr]
    assert not dialog.busy_label.isVisible()
    link.assert_off_the_gui_thread("register")


def test_register_pdf_and_csv_are_written_off_the_gui_thread(
        qtbot: QtBot, export_env: ExportEnv, beat: Heartbeat, tmp_path: Path) -> None:
    link = SlowLink(beat)
    dialog = _register(qtbot, export_env, link, tmp_path / "registre")
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    link.calls.clear()
    dialog.pdf_button.click()
    assert dialog.busy_label.isVisible()
    assert dialog.busy_label.text() == "Écriture du registre…"
    assert not dialog.pdf_button.isEnabled() and not dialog.csv_button.isEnabled()
    dialog.select(REF)  # the screen stays usable meanwhile
    assert dialog.selected() is not None
    pdf = tmp_path / "registre.pdf"
    qtbot.waitUntil(lambda: dialog.info.text() == f"Registre écrit dans {pdf}.", timeout=10_000)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert dialog.pdf_button.isEnabled() and not dialog.busy_label.isVisible()
    link.assert_off_the_gui_thread("register_pdf")

    dialog.csv_button.click()
    csv = tmp_path / "registre.csv"
    qtbot.waitUntil(lambda: dialog.info.text() == f"Registre écrit dans {csv}.", timeout=10_000)
    assert REF in csv.read_text("utf-8-sig")


def test_extraction_register_says_in_french_that_the_database_is_unreachable(
        qtbot: QtBot, export_env: ExportEnv, beat: Heartbeat, tmp_path: Path) -> None:
    link = SlowLink(beat)
    dialog = _register(qtbot, export_env, link, tmp_path / "out" / "registre")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    _unreachable(export_env.db, tmp_path / "server")
    dialog.refresh()
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    assert dialog.info.text() == (
        "Le registre ne peut pas être lu pour l'instant (base de données injoignable) ; "
        "la liste affichée peut être périmée.")
    assert dialog.table.rowCount() == 1 and not dialog.busy_label.isVisible()
    (tmp_path / "out").mkdir()
    dialog.csv_button.click()  # its bookmarks cannot be read either: said, not raised
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    assert dialog.info.text() == (
        f"Le registre n'a pas pu être écrit dans {tmp_path / 'out' / 'registre.csv'} : la "
        "base de données ne peut pas être lue pour l'instant.")
    assert dialog.csv_button.isEnabled()


def _handover(qtbot: QtBot, env: ShiftEnv, link: SlowLink, db: Database,
              export_dir: Path) -> tuple[SlowShifts, HandoverDialog]:
    add_user(db, DUPONT.id, DUPONT.role)
    shifts = SlowShifts(db, DbAuditLog(db), workstation=WS, access=env.gate(DUPONT, BOTH))
    shifts.link = link
    shifts.open(DUPONT.id, ("mur-1",))
    dialog = HandoverDialog(shifts, env.site, export_dir=export_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.notes_edit.setPlainText("Rappeler la police municipale")
    return shifts, dialog


def test_handover_preview_is_built_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    link = SlowLink(beat)
    shifts, dialog = _handover(qtbot, shift_env, link, shift_env.db, tmp_path / "handovers")
    started = time.monotonic()
    dialog.preview_button.click()
    assert time.monotonic() - started < DELAY_S / 2
    assert dialog.info_label.text() == "Chargement…" and dialog.notes_edit.isEnabled()
    qtbot.waitUntil(lambda: dialog.preview_report is not None, timeout=10_000)
    assert "Rappeler la police municipale" in dialog.preview.toPlainText()
    assert dialog.info_label.text() == ""
    assert shifts.current() is not None  # a preview saves nothing
    link.assert_off_the_gui_thread("prepare_handover")


def test_handover_preview_says_in_french_that_the_database_is_unreachable(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = Database.open(folder / "csu.db", create=True)
    link = SlowLink(beat)
    try:
        _shifts, dialog = _handover(qtbot, shift_env, link, db, tmp_path / "handovers")
        _unreachable(db, folder)
        dialog.preview_button.click()
        qtbot.waitUntil(lambda: not dialog.preview_call.busy, timeout=10_000)
    finally:
        db.close()
    said = dialog.info_label.text()  # the service's own words (DatabaseUnreachable)
    assert said.startswith("La base de données partagée (") and "ne répond pas" in said
    assert dialog.preview_report is None and dialog.handover_button.isEnabled()


def _tours(qtbot: QtBot, db: Database, site: Site, link: SlowLink) -> TourManagerDialog:
    tours = SlowTours(db, DbAuditLog(db), operator=SUPERVISOR, workstation="pupitre-1")
    tours.link = link
    cams = site.cameras_of(site.communes[0].id)
    tours.save(Tour("Ronde du centre", TourKind.TILE, (cams[0].id, cams[1].id)))
    manager = TourManagerDialog(tours, lambda: {}, SUPERVISOR.id, lambda _tour: None)
    qtbot.addWidget(manager)
    manager.show()
    return manager


def test_tour_list_is_read_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, demo_site: Site, beat: Heartbeat, tmp_path: Path) -> None:
    db = open_wall_db(tmp_path / "server" / "db.sqlite3", demo_site)
    link = SlowLink(beat)
    try:
        started = time.monotonic()
        manager = _tours(qtbot, db, demo_site, link)
        assert time.monotonic() - started < DELAY_S / 2
        assert manager.loading_label.isVisible()
        assert manager.loading_label.text() == "Chargement…"
        qtbot.waitUntil(lambda: manager.list.count() == 1, timeout=10_000)
        assert manager.list.item(0).text().startswith("Ronde du centre")
        assert not manager.loading_label.isVisible() and manager.current() is not None
        link.assert_off_the_gui_thread("list_tours")

        _unreachable(db, tmp_path / "server")
        manager.refresh()
        qtbot.waitUntil(lambda: not manager.loading, timeout=10_000)
    finally:
        db.close()
    assert manager.error_label.text() == (
        "Les rondes ne peuvent pas être lues pour l'instant : la base de données est "
        "injoignable. Réessayez dans un instant.")
    assert manager.list.count() == 1  # the list shown stays
