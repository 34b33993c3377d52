"""run_gui end to end, in-process and offscreen: demo wall, first run, screenshot, exit 0."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from csu_wall.core.security import Operator
from csu_wall.gui.runner import OnState, run_gui
from csu_wall.services.auth import AuthService
from csu_wall.services.wall import WallService
from tests.gui.conftest import WallFactory


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
