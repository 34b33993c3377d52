"""run_gui end to end, in-process and offscreen: demo wall, first run, screenshot, exit 0."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from csu_wall.core.security import Operator
from csu_wall.gui.runner import OnState, run_gui
from csu_wall.gui.wall_session import WallSession
from csu_wall.services.auth import AuthService
from csu_wall.services.wall import WallService
from tests.gui.conftest import WallFactory

# run_gui runs the application's own event loop (qasync) on the shared QApplication: its end
# left Qt's timers dead for some tests after it (a wall whose render timer never fired), so
# these tests run in a process of their own (tests/gui/test_runner_process.py).
pytestmark = pytest.mark.skipif(os.environ.get("CSU_WALL_RUNNER_OWN_PROCESS") != "1",
                                reason="run in its own process by test_runner_process.py")


class _Launcher:
    def __init__(self, make: WallFactory, *, has_site: bool,
                 auth: AuthService | None = None) -> None:
        self._make = make
        self._has_site = has_site
        self._auth = auth
        self.calls: list[str] = []
        self.services: list[WallService] = []

    def has_site(self) -> bool:
        return self._has_site

    def auth(self) -> AuthService:
        assert self._auth is not None
        return self._auth

    def sign_in(self, login: str, password: str) -> Operator:
        return self.auth().sign_in(login, password)

    def idle_lock_seconds(self) -> int | None:
        return 300

    def open_wall(self, on_state: OnState, operator: Operator) -> WallService:
        self.calls.append(f"wall:{operator.id}")
        service, _ = self._make(on_state)
        self.services.append(service)
        return service

    def open_demo(self, on_state: OnState) -> WallService:
        self.calls.append("demo")
        service, _ = self._make(on_state)
        self.services.append(service)
        return service

    def apply_site_file(self, path: Path) -> list[str]:
        return []

    def wall_extras(self, service: WallService) -> WallSession:
        return WallSession()

    def decorate_window(self, window: object, service: WallService, *,
                        on_handed_over: object = None) -> None:
        return None

    def take_over(self, service: WallService, operator: Operator,
                  tile_ids: Sequence[str]) -> dict[str, str]:
        raise AssertionError("no handover without the launcher's shift features")


def test_run_gui_demo_saves_a_screenshot_and_exits_0(
    qapp: QApplication, make_wall_service: WallFactory, tmp_path: Path
) -> None:
    launcher = _Launcher(make_wall_service, has_site=False)
    shot = tmp_path / "wall.png"
    code = run_gui(launcher, demo=True, screenshot=shot, quit_after=2.0, language="fr")
    assert code == 0
    assert launcher.calls == ["demo"]
    image = QImage(str(shot))
    assert image.width() >= 1200 and image.height() >= 800
    assert launcher.services[0].engine.live_threads() == []


def test_run_gui_without_site_shows_first_run(
    qapp: QApplication, make_wall_service: WallFactory, tmp_path: Path
) -> None:
    launcher = _Launcher(make_wall_service, has_site=False)
    shot = tmp_path / "first.png"
    code = run_gui(launcher, demo=False, screenshot=shot, quit_after=0.3, language="en")
    assert code == 0
    assert launcher.calls == []  # no silent fake wall
    assert not QImage(str(shot)).isNull()


def test_run_gui_with_site_asks_for_sign_in_first(
    qapp: QApplication, make_wall_service: WallFactory
) -> None:
    # Opening the wall once signed in: tests/gui/test_sign_in.py.
    launcher = _Launcher(make_wall_service, has_site=True)
    assert run_gui(launcher, demo=False, screenshot=None, quit_after=0.5) == 0
    assert launcher.calls == []


def test_run_gui_passes_the_launchers_wall_extras_to_the_window(
    qapp: QApplication, make_wall_service: WallFactory, tmp_path: Path
) -> None:
    """Layouts, screens and tours reach the window through ``wall_extras``; the
    wall's state lands in the database when the app stops (and is restored at the next)."""
    from csu_wall.core.sitefile import load_demo_site
    from csu_wall.services.screens import ScreenService
    from tests.gui._wall_desk import open_wall_db

    db = open_wall_db(tmp_path / "db.sqlite3", load_demo_site())
    screens = ScreenService(db, workstation="pupitre-9")

    class _WithExtras(_Launcher):
        def wall_extras(self, service: WallService) -> WallSession:
            return WallSession(screens=screens, data_dir=tmp_path)

    launcher = _WithExtras(make_wall_service, has_site=False)
    assert run_gui(launcher, demo=True, screenshot=None, quit_after=1.0, language="en") == 0
    state = screens.load_wall_state()
    assert state["version"] == 1 and state["locked"] is False
    walls = state["walls"]
    assert isinstance(walls, dict) and len(walls["main"]["layout"]["cameras"]) == 16
    db.close()
