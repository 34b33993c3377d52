"""Crash restore and persistence through storage with real windows on
one real SQLite file: another workstation sees the shared layouts; a new window on the same
database (the app restarted) comes back as the wall was, locked if it was."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from csu_wall.core.layout import Grid, Layout
from csu_wall.core.model import Site
from csu_wall.gui.layout_editor import EditController
from csu_wall.gui.lock import LockController
from csu_wall.services.auth import AuthService, IdleLock
from csu_wall.storage.audit import DbAuditLog
from tests.gui._wall_desk import ALICE, SUPERVISOR, open_wall_db, open_window
from tests.gui.conftest import WallFactory
from tests.gui.test_wall_layouts import drop
from tests.services.auth_helpers import FAST, PASSWORD, FakeClock, add_user


def _saved(qtbot: QtBot, edit: EditController) -> Layout | None:
    """The layout saved (or restored) last, once written off the GUI thread (and the
    window's tabs read again)."""
    tabs = edit.parent().tabs_call  # type: ignore[union-attr]  # the main window's
    qtbot.waitUntil(lambda: not edit.saving and not tabs.busy, timeout=5_000)
    return edit.last_saved


def test_point8_another_workstation_sharing_the_database_sees_shared_layouts(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    path = tmp_path / "shared.sqlite3"
    db_a = open_wall_db(path, demo_site)
    db_b = open_wall_db(path, demo_site)  # a second connection: the other workstation
    a = open_window(qtbot, make_wall_service, db_a, SUPERVISOR, workstation="pupitre-1")
    assert a.edit is not None
    a.edit.set_editing(True)
    a.edit.name_edit.setText("Gare")
    drop(a.wall.tiles[0], "application/x-csu-camera", demo_site.cameras[0].id)
    a.edit.save_as("Gare", shared=True)
    shared = _saved(qtbot, a.edit)
    assert shared is not None and shared.shared
    b = open_window(qtbot, make_wall_service, db_b, ALICE, workstation="pupitre-2")
    names = [lay.name for lay in b.tabs.layouts()]
    assert "Gare" in names
    b.tabs.select(names.index("Gare"))
    assert b.wall.layout_value.id == shared.id
    assert b.wall.tiles[0].camera == demo_site.cameras[0]
    # ALICE's private layout stays hers
    assert b.edit is not None
    b.edit.set_editing(True)
    b.edit.name_edit.setText("Perso")
    b.edit.save_as("Perso")
    private = _saved(qtbot, b.edit)
    assert private is not None and private.owner == ALICE.id
    a.refresh_tabs()
    assert "Perso" not in [lay.name for lay in a.tabs.layouts()]
    a.close()
    b.close()
    db_a.close()
    db_b.close()


def test_point6_restart_brings_the_wall_back_as_it_was_and_locked(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    path = tmp_path / "desk.sqlite3"
    db = open_wall_db(path, demo_site)
    add_user(db, "demo")
    clock = FakeClock()
    auth = AuthService(db, DbAuditLog(db), workstation="pupitre-1", clock=clock, hasher=FAST)
    auth.sign_in("demo", PASSWORD)
    window = open_window(qtbot, make_wall_service, db, SUPERVISOR, clock=clock)
    assert window.layouts is not None
    commune = window.current_commune()
    cams = [c.id for c in demo_site.cameras_of(commune or "")]
    saved = window.layouts.save(Layout("Quais", Grid.preset("1+5"), tuple(cams[:6]),
                                       commune_id=commune))
    window.refresh_tabs()
    window.tabs.select(window.tabs.index_of(saved.id or 0))
    other = demo_site.cameras[-1].id
    drop(window.wall.tiles[4], "application/x-csu-camera", other)  # unsaved operator change
    window.wall.maximise(window.wall.tiles[2].tile_id)
    lock = LockController(window, auth, IdleLock(None, clock))
    window.attach_lock(lock)
    lock.lock(explicit=True)
    assert window.locked
    qtbot.wait(50)
    state = window.screen_service.load_wall_state()  # type: ignore[union-attr]
    assert state["locked"] is True and state["tab_layout_id"] == saved.id
    lock.stop()
    window.close()  # the process ends (or crashes: the state was written at each change)

    again = open_window(qtbot, make_wall_service, db, SUPERVISOR, clock=clock)
    wall = again.wall
    assert again.tabs.current_layout() == window.layouts.get(saved.id or 0)
    assert wall.layout_value.grid == Grid.preset("1+5")
    assert wall.layout_value.cameras[4] == other and wall.tiles[4].camera is not None
    assert wall.maximised is wall.tiles[2]
    assert again.restored_locked
    lock2 = LockController(again, auth, IdleLock(None, clock))
    again.attach_lock(lock2)
    assert lock2.locked and again.locked and not wall.isVisible()
    lock2.stop()
    again.close()
    db.close()


def test_point6_screen_assignment_saved_and_used_when_there_is_no_wall_state(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    from csu_wall.services.screens import ScreenService

    db = open_wall_db(tmp_path / "desk.sqlite3", demo_site)
    window = open_window(qtbot, make_wall_service, db, SUPERVISOR)
    assert window.layouts is not None
    commune = demo_site.communes[2].id  # not the first: the assignment must choose it
    cams = tuple(c.id for c in demo_site.cameras_of(commune)[:4])
    saved = window.layouts.save(Layout("Mairie", Grid.preset("2×2"), cams, commune_id=commune))
    window.select_commune(commune)
    qtbot.waitUntil(lambda: window.tabs.index_of(saved.id or 0) >= 0, timeout=5_000)  # read
    window.tabs.select(window.tabs.index_of(saved.id or 0))
    qtbot.wait(50)
    screens = ScreenService(db, workstation="pupitre-1")
    [main] = screens.load()
    assert main.layout_id == saved.id and main.extra.get("window") == "main"
    window.close()
    screens.save_wall_state({})  # no crash state: the assignment alone decides
    again = open_window(qtbot, make_wall_service, db, SUPERVISOR)
    assert again.current_commune() == commune
    assert again.wall.layout_value.id == saved.id and again.wall.layout_value.cameras == cams
    again.close()
    db.close()
