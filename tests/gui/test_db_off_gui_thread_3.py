"""The dialogs' database writes run off the GUI thread: a bookmark created and edited, a tour
saved and deleted, a shift opened or joined, a handover acknowledged; and the wall's state,
saved on every change and read back at start-up.

The slow database, the GUI loop's heartbeat and the unreachable database are those of
``test_db_off_gui_thread``: a wrapper taking one second before each call on whatever thread
makes it, a 10 ms QTimer counting the loop's ticks meanwhile (a call made on the GUI thread
would count none), a SQLite file whose folder is removed under the open pool. While a write is
under way the dialog's button is disabled and says in French what is written (« en cours »);
a second press writes nothing; a failure is said in French, the dialog staying open with what
was typed.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from csu_wall.core.layout import ScreenAssignment, Tour, TourKind
from csu_wall.core.model import Site
from csu_wall.core.security import Operator, Role
from csu_wall.core.shifts import Bookmark, BookmarkFilter, Severity, Shift
from csu_wall.gui.bookmark_dialog import BookmarkDialog, BookmarkEditDialog
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.handover_dialog import HandoverAckDialog
from csu_wall.gui.lock import LockController
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.shift_dialogs import ShiftStartDialog
from csu_wall.gui.takeover import TakeoverSignInDialog
from csu_wall.gui.tour_editor import TourManagerDialog
from csu_wall.gui.wall_state_store import CLOSE_WAIT_S
from csu_wall.services.auth import AuthService, IdleLock, SignInError
from csu_wall.services.layouts import LayoutService
from csu_wall.services.screens import ScreenService
from csu_wall.services.shifts import ShiftService
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from tests.gui._shift_env import WS, ShiftEnv, shift_env  # noqa: F401
from tests.gui._wall_desk import SUPERVISOR, open_wall_db
from tests.gui.conftest import WallFactory
from tests.gui.test_db_off_gui_thread import (  # noqa: F401
    BOTH,
    DELAY_S,
    DUPONT,
    Heartbeat,
    SlowBookmarks,
    SlowLink,
    SlowShifts,
    SlowTours,
    _bookmarks,
    _mark,
    _unreachable,
    beat,
)
from tests.gui.test_db_off_gui_thread_2 import SlowShiftStart, _shift_window
from tests.services.auth_helpers import FAST, PASSWORD, FakeClock, add_user

pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("french")]

MARTIN = Operator("martin", "Martin", Role.OPERATOR)


def _quick(started: float) -> None:
    """The press came back at once: the write did not run on the GUI thread."""
    assert time.monotonic() - started < DELAY_S / 2


def _press(button: QPushButton, under_way: str) -> None:
    """Press ``button``: it comes back at once, disabled, saying what is being written."""
    started = time.monotonic()
    button.click()
    _quick(started)
    assert not button.isEnabled() and button.text() == under_way


def _count(link: SlowLink, name: str) -> int:
    return [c[0] for c in link.calls].count(name)


def _database_words(text: str) -> bool:
    """The services' own French words when the shared database does not answer."""
    return text.startswith("La base de données partagée (") and "ne répond pas" in text


# -- 1. bookmarks: created and edited ----------------------------------------------------------


class SlowBookmarkWrites(SlowBookmarks):
    """The bookmark service over SQLite, creating, changing and marking in DELAY_S each."""

    def create(self, *args: Any, **kwargs: Any) -> Bookmark:
        return self.link("create", lambda: SlowBookmarks.create(self, *args, **kwargs))

    def update(self, bookmark_id: int, **changes: Any) -> Bookmark:
        return self.link("update", lambda: SlowBookmarks.update(self, bookmark_id, **changes))

    def mark_judicial(self, bookmark_id: int, reference: str) -> Bookmark:
        return self.link("mark_judicial", super().mark_judicial, bookmark_id, reference)


def _bookmark_writes(env: ShiftEnv, link: SlowLink, db: Database | None = None
                     ) -> SlowBookmarkWrites:
    service = _bookmarks(env, link, db)
    service.__class__ = SlowBookmarkWrites
    return service  # type: ignore[return-value]


def _create_dialog(qtbot: QtBot, env: ShiftEnv, service: SlowBookmarks) -> BookmarkDialog:
    dialog = BookmarkDialog(service, env.site.camera("tcg-001"), datetime.now(UTC),
                            commune_name="Tourcoing", shift_id=None, snapshot_png=None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.categories.loaded, timeout=10_000)
    dialog.category_box.setCurrentIndex(dialog.category_box.findData("rixe"))
    dialog.severity_box.setCurrentIndex(dialog.severity_box.findData(Severity.HIGH.value))
    dialog.note_edit.setPlainText("deux personnes devant la gare")
    return dialog


def _edit_dialog(qtbot: QtBot, service: SlowBookmarks, bookmark: Bookmark
                 ) -> BookmarkEditDialog:
    edit = BookmarkEditDialog(service, bookmark, title="Gare")
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitUntil(lambda: edit.categories.loaded, timeout=10_000)
    edit.note_edit.setPlainText("police prévenue")
    edit.judicial_edit.setText("PV 2026/77")
    return edit


def test_bookmark_create_and_edit_are_written_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat) -> None:  # noqa: F811
    link = SlowLink(beat)
    service = _bookmark_writes(shift_env, link)
    dialog = _create_dialog(qtbot, shift_env, service)
    created: list[Bookmark] = []
    dialog.sig_bookmark_created.connect(created.append)
    _press(dialog.save_button, "Enregistrement du signet en cours…")
    assert dialog.saving and dialog.isVisible()
    dialog.save()  # a double click, Ctrl+Entrée held: nothing more is written
    qtbot.mouseDClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.bookmark is not None, timeout=10_000)
    assert not dialog.isVisible() and created == [dialog.bookmark]
    link.assert_off_the_gui_thread("create")
    assert _count(link, "create") == 1
    assert [b.note for b in service.search(BookmarkFilter())] == ["deux personnes devant la gare"]

    saved = dialog.bookmark
    assert saved is not None
    link.calls.clear()
    edit = _edit_dialog(qtbot, service, saved)
    _press(edit.save_button, "Enregistrement de la modification en cours…")
    assert edit.saving
    edit.save()  # pressed again meanwhile: nothing more
    qtbot.waitUntil(lambda: not edit.saving, timeout=10_000)
    assert not edit.isVisible() and edit.bookmark.note == "police prévenue"
    assert edit.bookmark.judicial_ref == "PV 2026/77"
    link.assert_off_the_gui_thread("update")
    link.assert_off_the_gui_thread("mark_judicial")
    assert _count(link, "update") == 1 and _count(link, "mark_judicial") == 1
    stored = SlowBookmarks.get(service, saved.id)
    assert stored.note == "police prévenue" and stored.judicial_ref == "PV 2026/77"


def test_bookmark_create_and_edit_say_in_french_that_nothing_was_saved_when_unreachable(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = Database.open(folder / "csu.db", create=True)
    link = SlowLink(beat)
    service = _bookmarks(shift_env, link, db)
    made = _mark(service, shift_env, "tcg-001", "bagarre devant la gare")
    service.__class__ = SlowBookmarkWrites
    try:
        dialog = _create_dialog(qtbot, shift_env, service)
        edit = _edit_dialog(qtbot, service, made)
        _unreachable(db, folder)
        dialog.save_button.click()
        assert dialog.save_button.text() == "Enregistrement du signet en cours…"
        edit.save_button.click()
        qtbot.waitUntil(lambda: not dialog.saving and not edit.saving, timeout=10_000)
    finally:
        db.close()
    said = dialog.error_label.text()
    assert dialog.error_label.isVisible() and _database_words(said), said
    assert "le signet n'a PAS été enregistré" in said
    # the dialog stays open with what was typed, ready to try again
    assert dialog.isVisible() and dialog.bookmark is None
    assert dialog.note_edit.toPlainText() == "deux personnes devant la gare"
    assert dialog.category_box.currentData() == "rixe"
    assert dialog.save_button.isEnabled() and dialog.save_button.text() == "Enregistrer le signet"
    said = edit.error_label.text()
    assert edit.error_label.isVisible() and _database_words(said), said
    assert edit.isVisible() and edit.bookmark == made
    assert edit.note_edit.toPlainText() == "police prévenue"
    assert edit.judicial_edit.text() == "PV 2026/77"
    assert edit.save_button.isEnabled() and edit.save_button.text() == "Enregistrer"
    assert not any(on_gui for _name, on_gui, _ticks in link.calls)


# -- 2. tours: saved and deleted -----------------------------------------------------------------


class SlowTourWrites(SlowTours):
    """The tour service over SQLite, listing, saving and deleting in DELAY_S each."""

    def save(self, tour: Tour) -> Tour:
        return self.link("save", super().save, tour)

    def delete(self, tour_id: int) -> None:
        self.link("delete", super().delete, tour_id)


def _tour_manager(qtbot: QtBot, db: Database, site: Site, link: SlowLink) -> TourManagerDialog:
    tours = SlowTourWrites(db, DbAuditLog(db), operator=SUPERVISOR, workstation="pupitre-1")
    cams = site.cameras_of(site.communes[0].id)
    SlowTours.save(tours, Tour("Ronde du centre", TourKind.TILE, (cams[0].id, cams[1].id)))
    tours.link = link
    manager = TourManagerDialog(tours, lambda: {}, SUPERVISOR.id, lambda _tour: None)
    qtbot.addWidget(manager)
    manager.show()
    qtbot.waitUntil(lambda: manager.list.count() == 1 and not manager.loading, timeout=10_000)
    return manager


def _open_editor(qtbot: QtBot, manager: TourManagerDialog) -> Any:
    """The tour editor of the manager's current tour, once it has read the tour."""
    editor = manager.edit_current()
    assert editor is not None
    qtbot.waitUntil(lambda: editor.loaded, timeout=10_000)
    return editor


def test_tour_save_and_delete_are_written_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, demo_site: Site, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    db = open_wall_db(tmp_path / "server" / "db.sqlite3", demo_site)
    link = SlowLink(beat)
    try:
        manager = _tour_manager(qtbot, db, demo_site, link)
        editor = _open_editor(qtbot, manager)
        editor.name_edit.setText("Ronde du centre-ville")
        link.calls.clear()
        _press(editor.save_button, "Enregistrement de la ronde en cours…")
        assert editor.saving and editor.isVisible()
        editor.accept()  # Enter pressed again meanwhile: nothing more is written
        qtbot.waitUntil(lambda: editor.saved is not None, timeout=10_000)
        assert not editor.isVisible() and editor.saved.name == "Ronde du centre-ville"
        link.assert_off_the_gui_thread("save")
        assert _count(link, "save") == 1
        qtbot.waitUntil(lambda: not manager.loading and manager.current() is not None
                        and manager.current().name == "Ronde du centre-ville",  # type: ignore[union-attr]
                        timeout=10_000)

        link.calls.clear()
        _press(manager.delete_button, "Suppression de « Ronde du centre-ville » en cours…")
        assert manager.deleting
        manager.delete_current()  # pressed again meanwhile: nothing more
        qtbot.waitUntil(lambda: not manager.deleting, timeout=10_000)
        assert manager.error_label.text() == "Ronde « Ronde du centre-ville » supprimée."
        assert manager.delete_button.isEnabled() and manager.delete_button.text() == "&Supprimer"
        qtbot.waitUntil(lambda: manager.list.count() == 0 and not manager.loading,
                        timeout=10_000)
        link.assert_off_the_gui_thread("delete")
        assert _count(link, "delete") == 1
        assert SlowTours.list_tours(manager.service) == []  # type: ignore[arg-type]
    finally:
        db.close()


def test_tour_save_and_delete_say_in_french_that_the_database_is_unreachable(
        qtbot: QtBot, demo_site: Site, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = open_wall_db(folder / "db.sqlite3", demo_site)
    link = SlowLink(beat)
    try:
        manager = _tour_manager(qtbot, db, demo_site, link)
        editor = _open_editor(qtbot, manager)
        editor.name_edit.setText("Ronde du soir")
        editor.dwell_spin.setValue(25)
        label = editor.save_button.text()
        _unreachable(db, folder)
        editor.save_button.click()
        assert editor.save_button.text() == "Enregistrement de la ronde en cours…"
        qtbot.waitUntil(lambda: not editor.saving, timeout=10_000)
        said = editor.error_label.text()
        assert said in ("La ronde n'a PAS été enregistrée : la base de données ne peut pas "
                        "être écrite. Vos modifications sont conservées ; réessayez dans un "
                        "instant.",) or _database_words(said), said
        # the editor stays open with what was typed, to try again
        assert editor.isVisible() and editor.saved is None
        assert editor.name_edit.text() == "Ronde du soir" and editor.dwell_spin.value() == 25
        assert editor.save_button.isEnabled() and editor.save_button.text() == label
        editor.reject()

        manager.delete_button.click()
        qtbot.waitUntil(lambda: not manager.deleting, timeout=10_000)
        said = manager.error_label.text()
        assert said in ("La ronde « Ronde du centre » n'a PAS été supprimée : la base de "
                        "données ne peut pas être écrite. Réessayez dans un instant.",) \
            or _database_words(said), said
        assert manager.list.count() == 1 and manager.delete_button.isEnabled()
    finally:
        db.close()


# -- 3. shifts: opened and joined ----------------------------------------------------------------


class SlowShiftWrites(SlowShiftStart):
    """The shift service over SQLite, opening and joining a shift in DELAY_S each."""

    def open(self, operator_id: str, walls: Any) -> Shift:
        return self.link("open", super().open, operator_id, walls)

    def join(self, shift_id: int, operator_id: str) -> Shift:
        return self.link("join", super().join, shift_id, operator_id)


def test_shift_open_is_written_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat) -> None:  # noqa: F811
    link = SlowLink(beat)
    window, features = _shift_window(qtbot, shift_env, link, shift_env.db)
    features.shifts.__class__ = SlowShiftWrites
    qtbot.waitUntil(lambda: features.gate.dialog is not None, timeout=10_000)
    start = features.gate.dialog
    assert isinstance(start, ShiftStartDialog) and start.current is None
    link.calls.clear()
    _press(start.action_button, "Ouverture de la vacation en cours…")
    assert start.writing and start.isVisible()
    assert not window.wall.isVisible()  # the wall waits for the shift
    start.confirm()  # a double click: one shift only
    qtbot.waitUntil(lambda: features.shift is not None, timeout=10_000)
    assert window.wall.isVisible() and not start.isVisible()
    link.assert_off_the_gui_thread("open")
    assert _count(link, "open") == 1
    shift = ShiftService.current(features.shifts)  # type: ignore[arg-type]
    assert shift is not None and shift.id == features.shift.id  # type: ignore[union-attr]
    window.close()


def test_shift_join_says_in_french_that_the_database_is_unreachable(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = Database.open(folder / "csu.db", create=True)
    link = SlowLink(beat)
    add_user(db, MARTIN.id, MARTIN.role)
    ShiftService(db, DbAuditLog(db), workstation=WS).open(MARTIN.id, ("mur-1",))
    try:
        window, features = _shift_window(qtbot, shift_env, link, db)
        features.shifts.__class__ = SlowShiftWrites
        qtbot.waitUntil(lambda: features.gate.dialog is not None, timeout=10_000)
        start = features.gate.dialog
        assert isinstance(start, ShiftStartDialog) and start.current is not None
        assert start.action_button.text() == "Rejoindre cette vacation"
        _unreachable(db, folder)
        start.action_button.click()
        assert start.action_button.text() == "Entrée dans la vacation en cours…"
        qtbot.waitUntil(lambda: not start.writing, timeout=10_000)
    finally:
        db.close()
    said = start.error_label.text()
    assert start.error_label.isVisible() and _database_words(said), said
    assert start.isVisible() and start.shift is None and features.shift is None
    assert start.action_button.isEnabled()
    assert start.action_button.text() == "Rejoindre cette vacation"  # to try again
    assert not window.wall.isVisible()
    window.close()


# -- 4. the handover acknowledged ----------------------------------------------------------------


class SlowAck(SlowShifts):
    """The shift service over SQLite, reading the operators' names and recording the
    acknowledgment in DELAY_S each."""

    def operator_names(self, operator_ids: Any) -> dict[str, str]:
        return self.link("operator_names", super().operator_names, operator_ids)

    def acknowledge(self, handover_id: int, operator_id: str, acked_keys: Any) -> Shift:
        return self.link("acknowledge", super().acknowledge, handover_id, operator_id,
                         acked_keys)


def _ack(qtbot: QtBot, env: ShiftEnv, link: SlowLink, db: Database
         ) -> tuple[SlowAck, HandoverAckDialog]:
    """Dupont handed over (for real, in the database); Martin's acknowledgment opens."""
    add_user(db, DUPONT.id, DUPONT.role)
    add_user(db, MARTIN.id, MARTIN.role)
    shifts = SlowAck(db, DbAuditLog(db), workstation=WS, access=env.gate(DUPONT, BOTH))
    shifts.open(DUPONT.id, ("mur-1",))
    shifts.close_with_handover(ShiftService.prepare_handover(
        shifts, "Surveiller la gare\nRappeler la police municipale"))
    pending = shifts.pending_handover()
    assert pending is not None
    shifts.link = link
    started = time.monotonic()
    dialog = HandoverAckDialog(shifts, pending, MARTIN, site=env.site)
    _quick(started)  # the operators' names are read off the GUI thread
    qtbot.addWidget(dialog)
    dialog.show()
    return shifts, dialog


def test_handover_acknowledgment_is_written_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat) -> None:  # noqa: F811
    link = SlowLink(beat)
    shifts, dialog = _ack(qtbot, shift_env, link, shift_env.db)
    assert "par dupont " in dialog.header.text()  # the login until the name is read
    qtbot.waitUntil(lambda: not dialog.names_call.busy, timeout=10_000)
    assert "par Dupont " in dialog.header.text()
    link.assert_off_the_gui_thread("operator_names")
    for box in dialog.item_boxes.values():
        box.setChecked(True)
    assert dialog.take_button.isEnabled()
    acknowledged: list[Shift] = []
    dialog.sig_acknowledged.connect(acknowledged.append)
    _press(dialog.take_button, "Enregistrement de l'acquittement en cours…")
    assert dialog.acknowledging and dialog.isVisible()
    box = next(iter(dialog.item_boxes.values()))
    box.setChecked(False)
    box.setChecked(True)  # ticking again meanwhile does not bring the button back
    assert not dialog.take_button.isEnabled()
    dialog.acknowledge()  # a double click: one acknowledgment only
    qtbot.waitUntil(lambda: dialog.shift is not None, timeout=10_000)
    assert not dialog.isVisible() and acknowledged == [dialog.shift]
    assert dialog.shift is not None and dialog.shift.operator_id == MARTIN.id
    link.assert_off_the_gui_thread("acknowledge")
    assert _count(link, "acknowledge") == 1
    assert ShiftService.pending_handover(shifts) is None


def test_handover_acknowledgment_says_in_french_that_it_was_not_saved_when_unreachable(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = Database.open(folder / "csu.db", create=True)
    link = SlowLink(beat)
    try:
        _shifts, dialog = _ack(qtbot, shift_env, link, db)
        qtbot.waitUntil(lambda: not dialog.names_call.busy, timeout=10_000)
        for box in dialog.item_boxes.values():
            box.setChecked(True)
        _unreachable(db, folder)
        dialog.take_button.click()
        assert dialog.take_button.text() == "Enregistrement de l'acquittement en cours…"
        qtbot.waitUntil(lambda: not dialog.acknowledging, timeout=10_000)
    finally:
        db.close()
    said = dialog.error_label.text()
    assert _database_words(said) and "acquittement NON enregistré" in said, said
    # the dialog stays open, every item still ticked, to try again
    assert dialog.isVisible() and dialog.shift is None
    assert all(box.isChecked() for box in dialog.item_boxes.values())
    assert dialog.take_button.isEnabled() and dialog.take_button.text() == "Prendre le mur"


# -- 5. the wall's state: saved on every change, read back at start-up -------------------------


class SlowScreens(ScreenService):
    """The workstation's screens and wall state over SQLite, each call taking DELAY_S."""

    link: SlowLink

    def save_wall_state(self, state: Any) -> None:
        self.link("save_wall_state", super().save_wall_state, state)

    def load_wall_state(self) -> dict[str, object]:
        return self.link("load_wall_state", super().load_wall_state)

    def save(self, assignments: Any) -> None:
        self.link("save", super().save, assignments)

    def load(self) -> list[ScreenAssignment]:
        return self.link("load", super().load)


def _wall(qtbot: QtBot, make_wall_service: WallFactory, db: Database,
          link: SlowLink) -> MainWindow:
    bridge = StateBridge()
    service, _audit = make_wall_service(bridge)
    screens = SlowScreens(db, workstation="pupitre-1")
    screens.link = link
    layouts = LayoutService(db, DbAuditLog(db), operator=SUPERVISOR, workstation="pupitre-1")
    window = MainWindow(service, demo=True, bridge=bridge, layouts=layouts, screens=screens)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture()
def closing() -> Iterator[list[MainWindow]]:
    """Windows closed at the end even when the test fails (their streams stopped)."""
    windows: list[MainWindow] = []
    yield windows
    for window in windows:
        window.close()


def test_wall_state_is_read_and_saved_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, beat: Heartbeat,  # noqa: F811
        tmp_path: Path, closing: list[MainWindow]) -> None:
    db = open_wall_db(tmp_path / "server" / "db.sqlite3", demo_site)
    link = SlowLink(beat)
    try:
        started = time.monotonic()
        window = _wall(qtbot, make_wall_service, db, link)
        closing.append(window)
        _quick(started)  # built without waiting for the saved state
        assert window.restoring
        qtbot.waitUntil(lambda: not window.restoring, timeout=10_000)
        link.assert_off_the_gui_thread("load_wall_state")
        link.assert_off_the_gui_thread("load")
        assert window.wall.layout_value.commune_id == demo_site.communes[0].id  # afresh

        link.calls.clear()
        tile = window.wall.tiles[2]
        started = time.monotonic()
        window.wall.maximise(tile.tile_id)  # a change: the state is saved
        qtbot.waitUntil(lambda: window.store.saving, timeout=5_000)
        _quick(started)
        qtbot.waitUntil(lambda: not window.store.saving, timeout=10_000)
        link.assert_off_the_gui_thread("save_wall_state")
        saved = ScreenService.load_wall_state(window.screen_service)  # type: ignore[arg-type]
        cell = window.wall.cell_of(tile.tile_id)
        assert saved["walls"]["main"]["maximised"] == cell  # type: ignore[index]

        # at close the last write is waited for (bounded), on a worker all the same
        link.calls.clear()
        last = window.wall.cell_of(window.wall.tiles[3].tile_id)
        window.wall.maximise(window.wall.tiles[3].tile_id)  # changed just before closing
        started = time.monotonic()
        window.close()
        took = time.monotonic() - started
        assert DELAY_S * 0.9 <= took < CLOSE_WAIT_S + 1, took
        assert ("save_wall_state", False) in {c[:2] for c in link.calls}
        closing.clear()

        # the next start: the wall comes back as it was, its tiles once the state is read
        link.calls.clear()
        again = _wall(qtbot, make_wall_service, db, link)
        closing.append(again)
        assert again.restoring and again.wall.maximised is None
        qtbot.waitUntil(lambda: not again.restoring, timeout=10_000)
        maximised = again.wall.maximised
        assert maximised is not None and again.wall.cell_of(maximised.tile_id) == last
        link.assert_off_the_gui_thread("load_wall_state")
    finally:
        for w in closing:
            w.close()
        closing.clear()
        db.close()


def test_wall_state_unreachable_is_said_in_french_and_the_wall_goes_on(
        qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, beat: Heartbeat,  # noqa: F811
        tmp_path: Path, closing: list[MainWindow]) -> None:
    folder = tmp_path / "server"
    db = open_wall_db(folder / "db.sqlite3", demo_site)
    link = SlowLink(beat)
    try:
        window = _wall(qtbot, make_wall_service, db, link)
        closing.append(window)
        qtbot.waitUntil(lambda: not window.restoring, timeout=10_000)
        _unreachable(db, folder)
        link.calls.clear()
        window.wall.maximise(window.wall.tiles[1].tile_id)
        qtbot.waitUntil(lambda: window.store.failures >= 1, timeout=10_000)
        assert window.last_message == (
            "L'état du mur ne peut pas être enregistré pour l'instant (base de données "
            "injoignable) : le mur continue, et son état sera enregistré au prochain "
            "changement.", "warning")
        assert window.wall.maximised is window.wall.tiles[1]  # the wall goes on
        assert not any(on_gui for _name, on_gui, _ticks in link.calls)

        # a start with the database away: said, and the wall starts on the first commune
        again = _wall(qtbot, make_wall_service, db, link)
        closing.append(again)
        said: list[tuple[str, str]] = []
        shown = again.status_message
        again.status_message = lambda text, level="info": (  # type: ignore[method-assign]
            said.append((text, level)), shown(text, level))[-1]
        qtbot.waitUntil(lambda: not again.restoring, timeout=10_000)
        assert ("Le mur tel qu'il était ne peut pas être relu pour l'instant (base de données "
                "injoignable) : il démarre sur la première commune.", "warning") in said
        assert again.wall.layout_value.commune_id == demo_site.communes[0].id
        assert any(t.camera is not None for t in again.wall.tiles)

        # closing with the database away: the last write fails, the window still closes
        started = time.monotonic()
        window.close()
        again.close()
        assert time.monotonic() - started < 2 * (CLOSE_WAIT_S + 1)
        closing.clear()
    finally:
        for w in closing:
            w.close()
        db.close()



def test_a_wall_locked_when_it_stopped_locks_once_its_slow_state_arrives(
        qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site,
        beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    """The lock is attached at start-up, before the saved state (read off the GUI thread)
    says the wall was locked: it locks when the state arrives, before any camera shows."""
    db = open_wall_db(tmp_path / "server" / "db.sqlite3", demo_site)
    add_user(db, "demo")
    clock = FakeClock()
    auth = AuthService(db, DbAuditLog(db), workstation="pupitre-1", clock=clock, hasher=FAST)
    auth.sign_in("demo", PASSWORD)
    ScreenService(db, workstation="pupitre-1").save_wall_state({
        "version": 1, "commune": None, "tab_layout_id": None, "walls": {}, "locked": True})
    link = SlowLink(beat)
    window = _wall(qtbot, make_wall_service, db, link)
    lock = LockController(window, auth, IdleLock(None, clock))
    try:
        window.attach_lock(lock)
        assert window.restoring and not lock.locked  # not known yet
        qtbot.waitUntil(lambda: not window.restoring, timeout=10_000)
        assert lock.locked and window.locked and not window.wall.isVisible()
    finally:
        lock.stop()
        window.close()
        db.close()


def _sign_in_dialog(qtbot: QtBot, identify: Any) -> TakeoverSignInDialog:
    dialog = TakeoverSignInDialog(identify, Operator("dupont", "Dupont", Role.OPERATOR))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.login_edit.setText("martin")
    dialog.password_edit.setText("Secret-Martin-1")
    return dialog


def test_the_incoming_operators_sign_in_is_checked_off_the_gui_thread(
        qtbot: QtBot, beat: Heartbeat) -> None:  # noqa: F811
    """The password hash and the audit record of a takeover's sign-in run on the executor:
    the button says so, a second press asks nothing more, the wall's loop keeps turning."""
    martin = Operator("martin", "Martin", Role.OPERATOR)
    link = SlowLink(beat)
    asked: list[tuple[str, str]] = []

    def identify(login: str, password: str) -> Operator:
        asked.append((login, password))
        return link("identify", lambda: martin)

    dialog = _sign_in_dialog(qtbot, identify)
    identified: list[Operator] = []
    dialog.sig_identified.connect(identified.append)
    _press(dialog.sign_in_button, "Vérification en cours…")
    assert dialog.checking and dialog.password_edit.text() == ""  # not kept in the widget
    assert not dialog.submit()  # Enter pressed again meanwhile: nothing more is asked
    qtbot.waitUntil(lambda: identified == [martin], timeout=10_000)
    assert asked == [("martin", "Secret-Martin-1")] and not dialog.isVisible()
    link.assert_off_the_gui_thread("identify")


def test_the_incoming_operators_sign_in_says_in_french_what_went_wrong(
        qtbot: QtBot) -> None:
    refused = _sign_in_dialog(qtbot, lambda _login, _password: (_ for _ in ()).throw(
        SignInError("Identifiant ou mot de passe incorrect.")))
    _press(refused.sign_in_button, "Vérification en cours…")
    qtbot.waitUntil(lambda: not refused.checking, timeout=10_000)
    assert refused.isVisible() and refused.error_label.text() == \
        "Identifiant ou mot de passe incorrect."
    assert refused.sign_in_button.isEnabled() and refused.sign_in_button.text() == "Se connecter"

    def unreachable(_login: str, _password: str) -> Operator:
        raise sqlite3.OperationalError("unable to open database file")

    cut = _sign_in_dialog(qtbot, unreachable)
    _press(cut.sign_in_button, "Vérification en cours…")
    qtbot.waitUntil(lambda: not cut.checking, timeout=10_000)
    assert cut.isVisible() and cut.error_label.text() == (
        "Votre identité ne peut pas être vérifiée pour l'instant (base de données "
        "injoignable) : réessayez dans un instant.")
    assert "Traceback" not in cut.error_label.text() and cut.login_edit.text() == "martin"
