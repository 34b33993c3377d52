"""No English in the French UI: every dialog and window is opened in French (the wall's
catalogue and Qt's own), every text a person can see in it is collected (titles, labels,
buttons, placeholders, combo items, tabs, headers, menus, tooltips), and each must be a
translation from the catalogues (placeholders standing for any value) or data (site names,
numbers, times). No allow-list: what is neither fails, naming where it was seen."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from csu_wall.core.model import Site
from csu_wall.core.shifts import Severity
from csu_wall.gui._qt_translations import qt_translations_dir
from csu_wall.gui.bookmark_dialog import BookmarkDialog, BookmarkEditDialog
from csu_wall.gui.first_run import FirstRunWindow, SiteErrorsDialog, _ask_site_file
from csu_wall.gui.handover_dialog import HandoverAckDialog, HandoverDialog
from csu_wall.gui.lock import LockOverlay
from csu_wall.gui.playback_bar import install_playback
from csu_wall.gui.quit_guard import ask_before_quit
from csu_wall.gui.shift_dialogs import ShiftStartDialog
from csu_wall.gui.shift_features import install_shift_features
from csu_wall.gui.sign_in import SignInDialog
from csu_wall.services.handover_report import item_text
from csu_wall.services.playback import PlaybackService
from tests.gui._french_walk import Catalogue, qm_translations, ts_translations, visible_texts
from tests.gui._shift_env import ShiftEnv, shift_env  # noqa: F401


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    ours = ts_translations()
    qt_own = qm_translations(qt_translations_dir() / "qtbase_fr.qm")
    assert len(ours) > 300 and len(qt_own) > 1000
    return Catalogue([*ours, *qt_own])


def data_of(site: Site, *more: str) -> list[str]:
    """Values that come from data, not from the UI's wording."""
    values = [site.name, *more]
    for commune in site.communes:
        values += [commune.name, commune.id]
    for camera in site.cameras:
        values += [camera.name, camera.id]
    for recorder in site.recorders:
        values += [recorder.id, getattr(recorder, "name", recorder.id)]
    return sorted({v for v in values if v}, key=len, reverse=True)


class Walk:
    """Collects what is not French, over every window shown."""

    def __init__(self, catalogue: Catalogue, data: list[str]) -> None:
        self.catalogue = catalogue
        self.data = data
        self.english: list[tuple[str, str, str]] = []
        self.checked = 0

    def is_data(self, text: str) -> bool:
        if re.fullmatch(r"(/[^/]+)+/?|/", text):  # a folder or file path
            return True
        rest = text
        for value in self.data:
            rest = rest.replace(value, "")
        return not any(c.isalpha() for c in rest)

    def ok(self, text: str) -> bool:
        text = text.strip()
        if not text or self.is_data(text) or self.catalogue.knows(text):
            return True
        lines = [line for line in text.splitlines() if line.strip()]
        return len(lines) > 1 and all(self.ok(line) for line in lines)

    def check(self, window: QWidget, texts: Iterable[tuple[str, str]] | None = None) -> None:
        for where, text in (texts if texts is not None else visible_texts(window)):
            self.checked += 1
            if not self.ok(text):
                self.english.append((type(window).__name__, where, text))

    def menu(self, window: QWidget, menu: QMenu) -> None:
        self.check(window, ((f"menu item {a.objectName()}", a.text())
                            for a in menu.actions() if not a.isSeparator()))


@pytest.fixture()
def qt_french(french: QTranslator, qapp: QApplication) -> Iterator[None]:
    from csu_wall.gui._qt_translations import install_qt_translations
    from csu_wall.gui._resources import style_sheet

    translator = install_qt_translations(qapp, "fr")
    assert translator is not None
    qapp.setStyleSheet(style_sheet())
    yield
    QCoreApplication.removeTranslator(translator)
    qapp.setStyleSheet("")


def _shown(qtbot: QtBot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_no_english_in_the_french_ui(
    qtbot: QtBot, shift_env: ShiftEnv, qt_french: None, catalogue: Catalogue,  # noqa: F811
    tmp_path: Path
) -> None:
    env = shift_env
    dupont = env.account("dupont")
    walk = Walk(catalogue, data_of(env.site, dupont.display_name, dupont.id, "mur-1",
                                   "pupitre-test", *env.bookmarks(
                                       env.gate(dupont, set())).categories()))
    gate = env.gate(dupont, {"tourcoing", "roncq"})
    window = env.window(gate)
    _shown(qtbot, window)
    shifts, bookmarks = env.shifts(gate), env.bookmarks(gate)
    features = install_shift_features(window, shifts=shifts, bookmarks=bookmarks,
                                      site=env.site, data_dir=env.data_dir, walls=("mur-1",))
    bar = install_playback(window, PlaybackService(window.service))
    qtbot.waitUntil(lambda: features.gate.dialog is not None, timeout=5_000)  # read off-thread
    start = features.gate.dialog
    assert isinstance(start, ShiftStartDialog)
    walk.check(start)
    start.confirm()
    qtbot.waitUntil(lambda: features.shift is not None)
    features.dock.show()
    walk.check(window)

    # F1, the focused tile's menu, the playback panel for that tile
    walk.check(window.show_keymap())
    tile = window.wall.focused_tile()
    walk.menu(window, window.build_tile_menu(tile))
    assert tile.camera is not None
    bar.set_tile(tile.tile_id, tile.camera)
    window.side_panels["playback"].show()
    walk.check(window)

    # A bookmark, then its edit dialog
    dialog = BookmarkDialog(bookmarks, env.site.camera("tcg-001"), datetime.now(UTC),
                            commune_name="Tourcoing", shift_id=features.shift.id
                            if features.shift else None, snapshot_png=None)
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.categories.loaded, timeout=5_000)  # read off the GUI thread
    walk.check(dialog)
    dialog.category_box.setCurrentIndex(0)
    dialog.severity_box.setCurrentIndex(dialog.severity_box.findData(Severity.HIGH.value))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.bookmark is not None, timeout=5_000)  # written off-thread
    edit = BookmarkEditDialog(bookmarks, dialog.bookmark, title="Gare")
    _shown(qtbot, edit)
    qtbot.waitUntil(lambda: edit.categories.loaded, timeout=5_000)  # read off the GUI thread
    walk.check(edit)
    features.panel.refresh()
    qtbot.waitUntil(lambda: not features.panel.loading, timeout=5_000)  # read off GUI thread
    walk.check(window)

    # Ctrl+Q with the shift open
    box = ask_before_quit(window)
    assert isinstance(box, QMessageBox)
    qtbot.waitExposed(box)
    walk.check(box)
    box.reject()

    # The handover: notes, preview; the incoming operator's acknowledgment
    handover = HandoverDialog(shifts, env.site, export_dir=tmp_path / "handovers")
    _shown(qtbot, handover)
    handover.notes_edit.setPlainText("Surveiller la gare")
    handover.show_preview()
    qtbot.waitUntil(lambda: handover.preview_report is not None, timeout=5_000)
    walk.check(handover)
    handover.hand_over()
    qtbot.waitUntil(lambda: handover.report is not None, timeout=10_000)  # saved off-thread
    pending = shifts.pending_handover()
    assert pending is not None
    # The items are the stored report's own lines (the outgoing operator's notes): data.
    walk.data += [item_text(item.text, env.site) for item in pending.open_items]
    ack = HandoverAckDialog(shifts, pending, env.account("martin"), site=env.site)
    walk.check(_shown(qtbot, ack))

    # First run, its errors, Qt's own file dialog, sign-in
    first = FirstRunWindow(lambda path: [], pick_file=lambda parent: None)
    walk.check(_shown(qtbot, first))
    errors = SiteErrorsDialog(tmp_path / "site.toml", ["site.toml:3: code INSEE manquant"])
    walk.check(_shown(qtbot, errors))
    walk.check(_shown(qtbot, SignInDialog(lambda login, password: None)))  # type: ignore[arg-type]
    _check_file_dialog(qtbot, walk, first)

    # The lock screen over the window
    overlay = LockOverlay(lambda login, password, handover: None, window)
    overlay.reset(dupont)
    overlay.setGeometry(window.rect())
    overlay.show()
    walk.check(overlay)
    overlay.hide()

    window.close()
    # The check itself tells English from French (strings once seen in English).
    for english in ("Play back recordings", "Playback", "&Look in:", "le ou les 1 problème(s)",
                    "Bookmark an incident", "Files of type:"):
        assert not walk.ok(english), english
    assert walk.ok("Relire les enregistrements") and walk.ok("Voir dans :")
    assert walk.checked > 300
    assert walk.english == [], "\n".join(map(repr, walk.english))


def _check_file_dialog(qtbot: QtBot, walk: Walk, parent: QWidget) -> None:
    """Qt's own file dialog, as the first-run screen opens it (non-native, like under Xvfb)."""
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    found: list[QFileDialog] = []

    def look() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QFileDialog) and w.isVisible()]
        if not dialogs:
            return
        found.append(dialogs[0])
        walk.check(dialogs[0])
        dialogs[0].setViewMode(QFileDialog.ViewMode.Detail)  # its column headers too
        walk.check(dialogs[0])
        dialogs[0].reject()

    from PySide6.QtCore import QTimer
    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(100)
    try:
        assert _ask_site_file(parent) is None
    finally:
        timer.stop()
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, False)
    assert found


def test_no_english_in_the_french_demo_wall(
    qtbot: QtBot, qt_french: None, catalogue: Catalogue, tmp_path: Path
) -> None:
    """The demo as `csu-wall --demo` builds it (the real composition): the window with its
    layouts, tours, screens and playback, edit mode, the tours' manager and editor."""
    from csu_wall import composition
    from csu_wall.gui.bridge import StateBridge
    from csu_wall.gui.main_window import MainWindow
    from csu_wall.gui.tour_editor import show_tour_manager

    paths = composition.Paths.resolve(str(tmp_path / "data"), None, demo=True)
    launcher = composition.AppLauncher(paths, workstation="poste-demo")
    bridge = StateBridge()
    service = launcher.open_demo(bridge.post)
    window = MainWindow(service, demo=True, bridge=bridge, **launcher.wall_extras(service))
    launcher.decorate_window(window, service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    walk = Walk(catalogue, data_of(service.site, service.operator.display_name))
    try:
        walk.check(window)
        tile = window.wall.focused_tile()
        walk.menu(window, window.build_tile_menu(tile))
        assert window.edit is not None
        window.edit.edit_action.setChecked(True)  # edit mode: its toolbar
        walk.check(window)
        window.edit.edit_action.setChecked(False)
        manager = show_tour_manager(window)
        assert manager is not None
        qtbot.waitExposed(manager)
        qtbot.waitUntil(lambda: not manager.loading, timeout=5_000)  # read off GUI thread
        walk.check(manager)
        editor = manager.new_tour()
        qtbot.waitExposed(editor)
        qtbot.waitUntil(lambda: editor.loaded, timeout=5_000)  # read off the GUI thread
        walk.check(editor)
        editor.reject()
        manager.reject()
    finally:
        window.shutdown()
        window.close()
    assert walk.checked > 150
    assert walk.english == [], "\n".join(map(repr, walk.english))


def test_french_search_placeholder_fits_its_field(
    qtbot: QtBot, shift_env: ShiftEnv, qt_french: None  # noqa: F811
) -> None:
    """The camera search's French placeholder is read whole at the window's default size."""
    dupont = shift_env.account("dupont")
    window = shift_env.window(shift_env.gate(dupont, {"tourcoing"}))
    _shown(qtbot, window)
    window.focus_search()  # the camera panel (closed at first start) opens on its search
    search = window.tree.search
    qtbot.waitUntil(search.isVisible, timeout=3000)
    QApplication.processEvents()
    assert search.placeholderText().startswith("Rechercher")
    room = search.contentsRect().width() - 12  # the frame's and text margins
    assert search.fontMetrics().horizontalAdvance(search.placeholderText()) <= room
    window.close()


def test_no_english_in_the_french_credentials_dialog(
    qtbot: QtBot, qt_french: None, catalogue: Catalogue, tmp_path: Path
) -> None:
    from csu_wall.core.security import Operator, Role
    from csu_wall.gui.credentials_dialog import CredentialsDialog
    from csu_wall.services.credentials_admin import CredentialAdmin
    from csu_wall.storage.audit import DbAuditLog
    from csu_wall.storage.db import Database
    from tests.gui.test_credentials_gui import KEY
    from tests.services._security_site import store_site

    db = Database.open(tmp_path / "db.sqlite3", create=True)
    try:
        site = store_site(db, 8554)
        admin = CredentialAdmin(db, DbAuditLog(db), site,
                                operator=Operator("chef", "Chef", Role.ADMINISTRATOR),
                                workstation="poste-1", site_key=lambda: KEY)
        walk = Walk(catalogue, data_of(site, "Chef", "chef", "poste-1"))
        dialog = CredentialsDialog(admin)
        walk.check(_shown(qtbot, dialog))
        dialog.close()
    finally:
        db.close()
    assert walk.checked > 10
    assert walk.english == [], "\n".join(map(repr, walk.english))
