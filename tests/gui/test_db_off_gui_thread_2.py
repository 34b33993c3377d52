"""More database calls of widgets run off the GUI thread: opening and closing a bookmark,
the bookmark dialogs' categories, ...

The slow database, the GUI loop's heartbeat and the unreachable database are those of
``test_db_off_gui_thread``: a wrapper taking one second before each call on whatever thread
makes it, a 10 ms QTimer counting the loop's ticks meanwhile, a SQLite file whose folder is
removed under the open pool.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from csu_wall.core.layout import Layout, LayoutVersion, TourKind
from csu_wall.core.model import Site
from csu_wall.core.security import Operator, Role
from csu_wall.core.shifts import Bookmark, BookmarkStatus, HandoverReport, Severity, Shift
from csu_wall.gui.bookmark_dialog import BookmarkDialog, BookmarkEditDialog
from csu_wall.gui.extraction_register import HandOverForm, RegisterDialog
from csu_wall.gui.layout_editor import EditController
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.playback_bar import to_qt
from csu_wall.gui.shift_dialogs import ShiftRetryDialog, ShiftStartDialog
from csu_wall.gui.shift_features import ShiftFeatures, install_shift_features
from csu_wall.gui.takeover import TakeoverFlow, TakeoverSignInDialog
from csu_wall.gui.tour_editor import show_tour_manager
from csu_wall.services.export_desk import ExportDesk
from csu_wall.services.layouts import LayoutService
from csu_wall.services.shifts import ShiftService
from csu_wall.storage import extraction_repo as repo
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from tests.gui._shift_env import WS, ShiftEnv, shift_env  # noqa: F401
from tests.gui._wall_desk import SUPERVISOR, open_wall_db, open_window
from tests.gui.conftest import WallFactory
from tests.gui.test_db_off_gui_thread import (  # noqa: F401
    BOTH,
    DELAY_S,
    DUPONT,
    REF,
    Heartbeat,
    SlowBookmarks,
    SlowDesk,
    SlowLink,
    SlowShifts,
    _bookmarks,
    _handover,
    _mark,
    _panel,
    _register,
    _unreachable,
    beat,
    export_env,
)
from tests.gui.test_playback_bar import Calls, make_bar, settled
from tests.gui.test_wall_layouts import drop
from tests.rtsp.fixture import RtspServer
from tests.rtsp.playback_env import CAMERA, TILE, Env, at, make_env
from tests.services.auth_helpers import add_user
from tests.services.export_env import ExportEnv

pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("french")]


class SlowOpenClose(SlowBookmarks):
    """Reading one bookmark and writing one take DELAY_S too."""

    def get(self, bookmark_id: int) -> Bookmark:
        return self.link("get", super().get, bookmark_id)

    def update(self, bookmark_id: int, **changes: Any) -> Bookmark:
        return self.link("update", lambda: super(SlowOpenClose, self).update(
            bookmark_id, **changes))  # type: ignore[arg-type]


def _slow_open_close(env: ShiftEnv, link: SlowLink, db: Database | None = None
                     ) -> SlowOpenClose:
    service = _bookmarks(env, link, db)
    service.__class__ = SlowOpenClose
    return service  # type: ignore[return-value]


def test_opening_and_closing_a_bookmark_run_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat) -> None:  # noqa: F811
    link = SlowLink(beat)
    service = _slow_open_close(shift_env, link)
    made = _mark(service, shift_env, "tcg-001", "bagarre devant la gare")
    opened: list[tuple[str, datetime]] = []
    panel = _panel(qtbot, shift_env, service)
    panel._open_at = lambda camera, start: opened.append((camera, start))  # type: ignore[func-returns-value]
    qtbot.waitUntil(lambda: len(panel.shown()) == 1 and not panel.loading, timeout=10_000)
    panel.select(made.id)
    link.calls.clear()

    started = time.monotonic()
    panel.open_selected()
    assert time.monotonic() - started < DELAY_S / 2 and not panel.open_button.isEnabled()
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    assert opened == [("tcg-001", made.at_utc - timedelta(seconds=made.pre_seconds))]
    assert panel.info_label.text() == "Relecture de la caméra à partir de 25/11/2026 20:59:50."
    assert panel.open_button.isEnabled()
    link.assert_off_the_gui_thread("get")

    started = time.monotonic()
    panel.close_selected()
    assert time.monotonic() - started < DELAY_S / 2
    assert not panel.close_button.isEnabled()
    assert panel.info_label.text() == f"Clôture du signet n°{made.id}…"
    qtbot.waitUntil(lambda: panel.closed is not None, timeout=10_000)
    assert panel.closed is not None and panel.closed.status is BookmarkStatus.CLOSED
    qtbot.waitUntil(lambda: not panel.loading, timeout=10_000)
    assert panel.shown()[0].status is BookmarkStatus.CLOSED and panel.close_button.isEnabled()
    link.assert_off_the_gui_thread("update")


def test_opening_and_closing_a_bookmark_say_in_french_that_the_database_is_unreachable(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = Database.open(folder / "csu.db", create=True)
    link = SlowLink(beat)
    service = _slow_open_close(shift_env, link, db)
    made = _mark(service, shift_env, "tcg-001", "bagarre devant la gare")
    panel = _panel(qtbot, shift_env, service)
    qtbot.waitUntil(lambda: len(panel.shown()) == 1 and not panel.loading, timeout=10_000)
    panel.select(made.id)
    try:
        _unreachable(db, folder)
        panel.open_selected()
        qtbot.waitUntil(lambda: not panel.open_call.busy, timeout=10_000)
        said = panel.info_label.text()  # the service's own words (DatabaseUnreachable)
        assert said.startswith("La base de données partagée (") and "signet non lu" in said
        assert panel.open_button.isEnabled()
        panel.close_selected()
        qtbot.waitUntil(lambda: not panel.close_call.busy, timeout=10_000)
    finally:
        db.close()
    said = panel.info_label.text()
    assert said.startswith("La base de données partagée (") and "ne répond pas" in said
    assert panel.closed is None and panel.close_button.isEnabled()
    assert _notes_shown(panel) == ["bagarre devant la gare"]  # the list shown stays


def _notes_shown(panel: object) -> list[str]:
    return [b.note for b in panel.shown()]  # type: ignore[attr-defined]


def test_bookmark_dialogs_open_at_once_and_read_the_categories_off_the_gui_thread(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat) -> None:  # noqa: F811
    link = SlowLink(beat)
    service = _bookmarks(shift_env, link)
    started = time.monotonic()
    dialog = BookmarkDialog(service, shift_env.site.camera("tcg-001"), datetime.now(UTC),
                            commune_name="Tourcoing", shift_id=None, snapshot_png=None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert time.monotonic() - started < DELAY_S / 2
    assert not dialog.save_button.isEnabled() and dialog.save() is None
    assert dialog.categories.label.isVisible()
    assert dialog.categories.label.text() == (
        "Chargement des catégories… (le signet pourra être enregistré une fois celles-ci lues)")
    dialog.note_edit.setPlainText("deux personnes")  # typed while they load
    qtbot.waitUntil(lambda: dialog.categories.loaded, timeout=10_000)
    assert dialog.category_box.findData("rixe") >= 0 and dialog.category_box.currentIndex() == -1
    assert dialog.save_button.isEnabled() and not dialog.categories.label.isVisible()
    link.assert_off_the_gui_thread("categories")
    dialog.category_box.setCurrentIndex(dialog.category_box.findData("rixe"))
    dialog.severity_box.setCurrentIndex(dialog.severity_box.findData(Severity.HIGH.value))
    dialog.save()  # written off the GUI thread (test_db_off_gui_thread_3.py)
    qtbot.waitUntil(lambda: dialog.bookmark is not None, timeout=10_000)
    saved = dialog.bookmark
    assert saved is not None and saved.note == "deux personnes"

    link.calls.clear()
    started = time.monotonic()
    edit = BookmarkEditDialog(service, saved, title="Gare")
    qtbot.addWidget(edit)
    edit.show()
    assert time.monotonic() - started < DELAY_S / 2
    assert edit.category_box.currentData() == "rixe"  # its own category, shown at once
    assert not edit.save_button.isEnabled() and edit.categories.label.isVisible()
    qtbot.waitUntil(lambda: edit.categories.loaded, timeout=10_000)
    assert edit.category_box.count() > 1 and edit.category_box.currentData() == "rixe"
    assert edit.save_button.isEnabled()
    link.assert_off_the_gui_thread("categories")


def test_bookmark_dialog_says_in_french_that_the_categories_cannot_be_read(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = Database.open(folder / "csu.db", create=True)
    link = SlowLink(beat)
    service = _bookmarks(shift_env, link, db)
    try:
        _unreachable(db, folder)
        dialog = BookmarkDialog(service, shift_env.site.camera("tcg-001"), datetime.now(UTC),
                                commune_name="Tourcoing", shift_id=None, snapshot_png=None)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.note_edit.setPlainText("deux personnes")
        qtbot.waitUntil(lambda: "Nouvel essai" in dialog.categories.label.text(),
                        timeout=10_000)
    finally:
        db.close()
    assert dialog.categories.label.text() == (
        "Les catégories ne peuvent pas être lues pour l'instant (base de données "
        "injoignable) : le signet ne peut pas encore être enregistré. Nouvel essai…")
    assert not dialog.save_button.isEnabled() and dialog.save() is None
    assert dialog.isVisible() and dialog.note_edit.toPlainText() == "deux personnes"


class SlowLayouts(LayoutService):
    """The real layout service over SQLite, each call of the editor and the tabs taking
    DELAY_S first."""

    link: SlowLink

    def list_layouts(self, commune_id: str | None = None) -> list[Layout]:
        return self.link("list_layouts", super().list_layouts, commune_id)

    def save(self, layout: Layout, change: str = "") -> Layout:
        return self.link("save", super().save, layout, change)

    def history(self, layout_id: int) -> list[LayoutVersion]:
        return self.link("history", super().history, layout_id)

    def restore(self, layout_id: int, version: int) -> Layout:
        return self.link("restore", super().restore, layout_id, version)

    def get(self, layout_id: int) -> Layout:
        return self.link("get", super().get, layout_id)


def _slow_window(qtbot: QtBot, make_wall_service: WallFactory, db: Database,
                 link: SlowLink) -> tuple[MainWindow, EditController]:
    window = open_window(qtbot, make_wall_service, db, SUPERVISOR)
    assert window.layouts is not None and window.edit is not None
    window.layouts.__class__ = SlowLayouts  # the window's and its editor's service
    window.layouts.link = link  # type: ignore[attr-defined]
    return window, window.edit


def _written(qtbot: QtBot, window: MainWindow, edit: EditController) -> None:
    qtbot.waitUntil(lambda: not edit.saving and not window.tabs_call.busy, timeout=10_000)


def test_layout_save_history_restore_and_tabs_run_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site,
        beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    link = SlowLink(beat)
    try:
        window, edit = _slow_window(qtbot, make_wall_service, db, link)
        edit.set_editing(True)
        drop(window.wall.tiles[0], "application/x-csu-camera", demo_site.cameras[0].id)
        started = time.monotonic()
        edit.save_as("Gare")
        assert time.monotonic() - started < DELAY_S / 2
        assert edit.saving and not edit.save_action.isEnabled()
        assert not edit.save_private_action.isEnabled()  # the next save waits for this one
        assert window.last_message == ("Enregistrement de la disposition…", "info")
        _written(qtbot, window, edit)
        saved = edit.last_saved
        assert saved is not None and saved.name == "Gare" and saved.version == 1
        assert window.last_message == ("Disposition « Gare » enregistrée (version 1).", "info")
        assert window.tabs.current_layout() == saved  # its tab, read again off the thread
        assert edit.save_action.isEnabled() and edit.editor is not None
        assert not edit.editor.dirty
        link.assert_off_the_gui_thread("save")
        link.assert_off_the_gui_thread("list_layouts")

        link.calls.clear()
        started = time.monotonic()
        dialog = edit.show_history()
        assert dialog is not None and time.monotonic() - started < DELAY_S / 2
        assert dialog.state_label.text() == "Chargement…"
        assert not dialog.restore_button.isEnabled()
        qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
        assert dialog.list.count() == 1 and dialog.list.item(0).text().startswith("Version 1")
        link.assert_off_the_gui_thread("history")
        dialog.restore_button.click()
        assert window.last_message == ("Restauration de la version 1…", "info")
        qtbot.waitUntil(lambda: dialog.restored is not None, timeout=10_000)
        assert dialog.restored is not None and dialog.restored.version == 2
        assert window.last_message == ("Version 1 restaurée comme version 2.", "info")
        link.assert_off_the_gui_thread("restore")

        # another commune: its own tab at once, its saved layouts when read
        link.calls.clear()
        other = demo_site.communes[1].id
        window.select_commune(other)  # (the wall's new cameras take their own time)
        assert [lay.commune_id for lay in window.tabs.layouts()] == [other]
        assert window.wall.layout_value.commune_id == other
        qtbot.waitUntil(lambda: not window.tabs_call.busy, timeout=10_000)
        assert saved.id not in {lay.id for lay in window.tabs.layouts()}  # the first's
        window.select_commune(str(saved.commune_id))
        qtbot.waitUntil(lambda: saved.id in {lay.id for lay in window.tabs.layouts()},
                        timeout=10_000)
        assert link.calls and {c[:2] for c in link.calls} == {("list_layouts", False)}
        link.calls.clear()  # (the ticks above include the wall's own switch of cameras)
        window.refresh_tabs_later()  # as the change feed asks
        qtbot.waitUntil(lambda: not window.tabs_call.busy, timeout=10_000)
        link.assert_off_the_gui_thread("list_layouts")
        window.close()
    finally:
        db.close()


def test_layout_save_and_history_say_in_french_that_the_database_is_unreachable(
        qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site,
        beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = open_wall_db(folder / "db.sqlite3", demo_site)
    link = SlowLink(beat)
    try:
        window, edit = _slow_window(qtbot, make_wall_service, db, link)
        edit.set_editing(True)
        edit.save_as("Gare")
        _written(qtbot, window, edit)
        saved = edit.last_saved
        assert saved is not None
        drop(window.wall.tiles[1], "application/x-csu-camera", demo_site.cameras[-1].id)
        _unreachable(db, folder)
        edit.save_action.trigger()  # « Enregistrer »
        assert not edit.save_action.isEnabled()
        _written(qtbot, window, edit)
        assert window.last_message == (
            "La disposition n'a PAS été enregistrée : la base de données ne peut pas être "
            "écrite. Vos modifications restent sur le mur ; réessayez dans un instant.",
            "error")
        # nothing is lost: the edits are still on the wall, to be saved again later
        assert edit.editor is not None and edit.editor.dirty
        assert window.wall.layout_value.cameras[1] == demo_site.cameras[-1].id
        assert edit.save_action.isEnabled() and edit.last_saved == saved

        dialog = edit.show_history()
        assert dialog is not None
        qtbot.waitUntil(lambda: not edit.history_call.busy, timeout=10_000)
        assert dialog.state_label.text() == (
            "L'historique ne peut pas être lu pour l'instant : la base de données est "
            "injoignable.")
        assert dialog.isVisible() and not dialog.loaded
        assert not dialog.restore_button.isEnabled()
        window.close()
    finally:
        db.close()


def test_tour_editor_reads_its_choices_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site,
        beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = open_wall_db(folder / "db.sqlite3", demo_site)
    link = SlowLink(beat)
    try:
        window, _edit = _slow_window(qtbot, make_wall_service, db, link)
        assert window.layouts is not None
        gare = LayoutService.save(window.layouts, window.layouts.new_layout("Gare", "2×2"))
        manager = show_tour_manager(window)
        assert manager is not None
        qtbot.waitUntil(lambda: not manager.loading, timeout=10_000)
        started = time.monotonic()
        editor = manager.new_tour()
        assert time.monotonic() - started < DELAY_S / 2
        assert not editor.loaded and not editor.save_button.isEnabled()
        assert editor.state_label.text() == (
            "Chargement des caméras et dispositions proposées… (la ronde pourra être "
            "enregistrée une fois celles-ci lues)")
        editor.name_edit.setText("Ronde de la gare")  # typed while they load
        qtbot.waitUntil(lambda: editor.loaded, timeout=10_000)
        assert editor.save_button.isEnabled() and not editor.state_label.isVisible()
        assert editor.available.count() == len(demo_site.cameras)
        editor.kind_box.setCurrentIndex(editor.kind_box.findData(TourKind.LAYOUT))
        assert [editor.available.item(i).text() for i in range(editor.available.count())] \
            == ["Gare"]
        editor.available.setCurrentRow(0)
        editor.add_selected()
        editor.accept()  # written off the GUI thread (test_db_off_gui_thread_3.py)
        qtbot.waitUntil(lambda: editor.saved is not None, timeout=10_000)
        assert editor.saved is not None and editor.saved.items == (str(gare.id),)
        assert editor.name_edit.text() == "Ronde de la gare"
        link.assert_off_the_gui_thread("list_layouts")

        _unreachable(db, folder)
        again = manager.new_tour()
        again.name_edit.setText("Ronde du soir")
        qtbot.waitUntil(lambda: not manager.choices_call.busy, timeout=10_000)
        assert again.state_label.text() == (
            "Les caméras et dispositions à choisir ne peuvent pas être lues pour l'instant "
            "(base de données injoignable) : la ronde ne peut pas encore être enregistrée. "
            "Fermez et réessayez dans un instant.")
        assert not again.loaded and not again.save_button.isEnabled()
        again.accept()  # refused without a word lost
        assert again.isVisible() and again.name_edit.text() == "Ronde du soir"
        again.reject()
        manager.reject()
        window.close()
    finally:
        db.close()


class SlowHandOver(SlowDesk):
    """The export desk over SQLite, recording a hand-over in DELAY_S."""

    def hand_over(self, reference: str, *, to_name: str, to_service: str, medium: str) -> None:
        self.link("hand_over", lambda: ExportDesk.hand_over(
            self, reference, to_name=to_name, to_service=to_service, medium=medium))


def _hand_over_form(qtbot: QtBot, env: ExportEnv, link: SlowLink, tmp_path: Path
                    ) -> tuple[RegisterDialog, HandOverForm]:
    repo.set_state(env.db, REF, repo.DELIVERED, delivered={"files": 1})  # delivered
    dialog = _register(qtbot, env, link, tmp_path / "registre")
    dialog.desk.__class__ = SlowHandOver
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1 and not dialog.loading,
                    timeout=10_000)
    dialog.select(REF)
    form = dialog.hand_over()
    assert form is not None
    form.to_name.setText("Lt Martin")
    form.to_service.setText("Commissariat de Roncq")
    form.medium.setText("clé USB n° 12")
    return dialog, form


def test_register_records_a_hand_over_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, export_env: ExportEnv, beat: Heartbeat,  # noqa: F811
        tmp_path: Path) -> None:
    link = SlowLink(beat)
    dialog, form = _hand_over_form(qtbot, export_env, link, tmp_path)
    started = time.monotonic()
    form.accept()  # OK
    assert time.monotonic() - started < DELAY_S / 2
    assert form.isVisible() and not form.ok_button.isEnabled()
    assert form.state_label.text() == "Enregistrement de la remise…"
    qtbot.waitUntil(lambda: not dialog.hand_over_call.busy, timeout=10_000)
    assert not form.isVisible(), form.state_label.text()
    assert dialog.info.text() == f"Remise de l'extraction {REF} enregistrée."
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    cell = dialog.table.item(0, 10)
    assert cell is not None and cell.text().startswith(
        "Lt Martin (Commissariat de Roncq), clé USB n° 12, ")
    link.assert_off_the_gui_thread("hand_over")


def test_register_says_in_french_that_a_hand_over_was_not_recorded(
        qtbot: QtBot, export_env: ExportEnv, beat: Heartbeat,  # noqa: F811
        tmp_path: Path) -> None:
    link = SlowLink(beat)
    dialog, form = _hand_over_form(qtbot, export_env, link, tmp_path)
    _unreachable(export_env.db, tmp_path / "server")
    form.accept()
    qtbot.waitUntil(lambda: not dialog.hand_over_call.busy, timeout=10_000)
    said = form.state_label.text()
    assert said and said == dialog.info.text() and "Traceback" not in said
    assert said == (f"La remise de l'extraction {REF} n'a PAS été enregistrée : la base de "
                    "données ne peut pas être écrite. Réessayez dans un instant.")
    # the form stays open with what was typed, to try again
    assert form.isVisible() and form.ok_button.isEnabled()
    assert form.to_name.text() == "Lt Martin" and form.medium.text() == "clé USB n° 12"
    assert dialog.table.rowCount() == 1


class SlowShiftStart(SlowShifts):
    """The shift service over SQLite, the shift start's reads taking DELAY_S each."""

    def pending_handover(self) -> HandoverReport | None:
        return self.link("pending_handover", super().pending_handover)

    def current(self) -> Shift | None:
        return self.link("current", super().current)


def _shift_window(qtbot: QtBot, env: ShiftEnv, link: SlowLink, db: Database,
                  away: Callable[[], None] = lambda: None
                  ) -> tuple[MainWindow, ShiftFeatures]:
    add_user(db, DUPONT.id, DUPONT.role)
    away()  # the database may go away here
    gate = env.gate(DUPONT, BOTH)
    shifts = SlowShiftStart(db, DbAuditLog(db), workstation=WS, access=gate)
    shifts.link = link
    window = env.window(gate)
    qtbot.addWidget(window)
    window.show()
    features = install_shift_features(window, shifts=shifts, bookmarks=env.bookmarks(gate),
                                      site=env.site, data_dir=env.data_dir)
    return window, features


def test_shift_start_is_read_off_the_gui_thread_while_the_database_is_slow(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat) -> None:  # noqa: F811
    link = SlowLink(beat)
    started = time.monotonic()
    window, features = _shift_window(qtbot, shift_env, link, shift_env.db)
    assert time.monotonic() - started < DELAY_S / 2
    assert features.gate.reading and features.gate.dialog is None
    assert not window.wall.isVisible()  # no wall before a shift
    qtbot.waitUntil(lambda: features.gate.dialog is not None, timeout=10_000)
    start = features.gate.dialog
    assert isinstance(start, ShiftStartDialog) and start.current is None
    assert start.action_button.text() == "Ouvrir une vacation"
    link.assert_off_the_gui_thread("pending_handover")
    link.assert_off_the_gui_thread("current")
    start.confirm()  # recorded off the GUI thread (test_db_off_gui_thread_3.py)
    qtbot.waitUntil(lambda: features.shift is not None, timeout=10_000)
    assert window.wall.isVisible()
    window.close()


def test_shift_start_says_in_french_that_the_database_is_unreachable(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = Database.open(folder / "csu.db", create=True)
    link = SlowLink(beat)
    try:
        window, features = _shift_window(qtbot, shift_env, link, db,
                                         lambda: _unreachable(db, folder))
        qtbot.waitUntil(lambda: features.gate.dialog is not None, timeout=10_000)
    finally:
        db.close()
    dialog = features.gate.dialog
    assert isinstance(dialog, ShiftRetryDialog) and dialog.isVisible()
    said = dialog.message.text()
    # the service's own words (DatabaseUnreachable), never a traceback
    assert said.startswith("La base de données partagée (") and "relève non lue" in said
    assert dialog.retry_button.text() == "Réessayer"
    assert not window.wall.isVisible() and features.shift is None
    window.close()


class SlowHandover(SlowShifts):
    """The shift service over SQLite, building the report and closing the shift with it in
    DELAY_S each."""

    def close_with_handover(self, report: HandoverReport) -> HandoverReport:
        return self.link("close_with_handover", super().close_with_handover, report)


def test_handover_is_saved_off_the_gui_thread_and_rendered_on_it(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    link = SlowLink(beat)
    shifts, dialog = _handover(qtbot, shift_env, link, shift_env.db, tmp_path / "handovers")
    shifts.__class__ = SlowHandover
    started = time.monotonic()
    dialog.hand_over()  # « Passer la relève »
    assert time.monotonic() - started < DELAY_S / 2
    assert dialog.handing_over and not dialog.handover_button.isEnabled()
    assert not dialog.preview_button.isEnabled()
    assert dialog.info_label.text() == "Passation de la relève…"
    dialog.hand_over()  # a second press while it runs does nothing
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10_000)
    assert dialog.report is not None and dialog.report.id is not None
    assert dialog.files is not None and dialog.files.pdf.read_bytes()[:5] == b"%PDF-"
    assert "Rappeler la police municipale" in dialog.files.html.read_text(encoding="utf-8")
    assert shifts.current() is None and not dialog.isVisible()
    link.assert_off_the_gui_thread("prepare_handover")
    link.assert_off_the_gui_thread("close_with_handover")
    assert [c[0] for c in link.calls].count("close_with_handover") == 1


def test_handover_says_in_french_that_it_was_not_saved(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = Database.open(folder / "csu.db", create=True)
    link = SlowLink(beat)
    try:
        shifts, dialog = _handover(qtbot, shift_env, link, db, tmp_path / "handovers")
        shifts.__class__ = SlowHandover
        _unreachable(db, folder)
        dialog.hand_over()
        qtbot.waitUntil(lambda: not dialog.handing_over, timeout=10_000)
    finally:
        db.close()
    said = dialog.info_label.text()
    # the service's own words (DatabaseUnreachable), never a traceback
    assert said.startswith("La base de données partagée (") and "ne répond pas" in said
    assert dialog.report is None and dialog.isVisible()
    assert dialog.handover_button.isEnabled() and dialog.preview_button.isEnabled()
    assert dialog.notes_edit.toPlainText() == "Rappeler la police municipale"  # kept


class SlowMarks(Calls):
    """The timeline's bookmarks as the database gives them: after DELAY_S (or not at all)."""

    def __init__(self, link: SlowLink, away: bool = False) -> None:
        super().__init__()
        self.link, self.away = link, away

    def __call__(self, camera_id: str, start: datetime, end: datetime) -> list[datetime]:
        if self.away:
            raise OSError("the database server cannot be reached")
        return self.link("bookmarks_for", super().__call__, camera_id, start, end)


@pytest.fixture()
def playback(tmp_path: Path, playback_server: RtspServer) -> Iterator[Env]:
    """The real wall and playback service over the loopback RTSP recorder."""
    e = make_env(tmp_path, playback_server)
    yield e
    e.wall.shutdown()
    e.db.close()


@pytest.mark.rtsp
@pytest.mark.usefixtures("qasync_loop")
@pytest.mark.timeout(90)
def test_playback_timeline_bookmarks_are_read_off_the_gui_thread(
        qtbot: QtBot, playback: Env, beat: Heartbeat) -> None:  # noqa: F811
    link = SlowLink(beat)
    marks = SlowMarks(link)
    bar = make_bar(qtbot, playback, marks)
    messages: list[tuple[str, str]] = []
    bar.sig_message.connect(lambda text, level: messages.append((text, level)))
    bar.when.setDateTime(to_qt(at(25)))
    bar.play_at.click()
    settled(qtbot, bar)
    qtbot.waitUntil(lambda: bar.bookmarks_call.busy or len(link.calls) > 0, timeout=10_000)
    qtbot.waitUntil(lambda: len(bar.timeline.bookmark_positions()) == 2, timeout=10_000)
    link.assert_off_the_gui_thread("bookmarks_for")
    assert marks.asked[-1][0] == CAMERA.id and messages == []

    marks.away = True  # the span moves (a jump of ten minutes) with the database away
    bar.jump(600)
    settled(qtbot, bar)
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert messages == [("Les signets de la période affichée ne peuvent pas être lus pour "
                         "l'instant (base de données injoignable).", "warning")]
    assert bar.service.state(TILE) is not None  # the playback goes on


def _takeover(qtbot: QtBot, env: ShiftEnv, link: SlowLink, db: Database,
              away: Callable[[], None] = lambda: None) -> tuple[MainWindow, TakeoverFlow]:
    """Dupont handed over (for real, in the database); Martin is about to take the wall."""
    add_user(db, DUPONT.id, DUPONT.role)
    add_user(db, "martin", Role.OPERATOR)
    gate = env.gate(DUPONT, BOTH)
    shifts = SlowShiftStart(db, DbAuditLog(db), workstation=WS, access=gate)
    shifts.link = link
    shifts.open(DUPONT.id, ("mur-1",))
    shifts.close_with_handover(ShiftService.prepare_handover(shifts, "Surveiller la gare"))
    away()
    window = env.window(gate)
    qtbot.addWidget(window)
    window.show()
    martin = Operator("martin", "Martin", Role.OPERATOR)
    flow = TakeoverFlow(window, shifts, env.site, identify=lambda _login, _pw: martin,
                        take_over=lambda _op, _tiles: {})
    return window, flow


def _sign_in(qtbot: QtBot, flow: TakeoverFlow) -> None:
    dialog = flow.start()
    assert isinstance(dialog, TakeoverSignInDialog)
    dialog.login_edit.setText("martin")
    dialog.password_edit.setText("secret")
    assert dialog.submit()  # checked off the GUI thread: wait for the answer
    qtbot.waitUntil(lambda: flow.incoming is not None, timeout=10_000)


def test_takeover_reads_the_pending_handover_off_the_gui_thread(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat) -> None:  # noqa: F811
    link = SlowLink(beat)
    window, flow = _takeover(qtbot, shift_env, link, shift_env.db)
    started = time.monotonic()
    _sign_in(qtbot, flow)
    assert time.monotonic() - started < DELAY_S / 2
    assert flow.pending_call.busy and flow.ack is None
    qtbot.waitUntil(lambda: flow.ack is not None, timeout=10_000)
    assert flow.ack is not None and flow.ack.isVisible()
    link.assert_off_the_gui_thread("pending_handover")
    window.close()


def test_takeover_says_in_french_that_the_handover_cannot_be_read(
        qtbot: QtBot, shift_env: ShiftEnv, beat: Heartbeat, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "server"
    db = Database.open(folder / "csu.db", create=True)
    link = SlowLink(beat)
    try:
        window, flow = _takeover(qtbot, shift_env, link, db, lambda: _unreachable(db, folder))
        _sign_in(qtbot, flow)
        qtbot.waitUntil(lambda: not flow.pending_call.busy, timeout=10_000)
    finally:
        db.close()
    assert window.last_message == (
        "La relève ne peut pas être lue pour l'instant (base de données injoignable) : "
        "reprenez le mur depuis le menu Relève dans un instant.", "error")
    assert flow.ack is None
    assert isinstance(flow.start(), TakeoverSignInDialog)  # offered again
    window.close()
