"""run_gui end to end, in-process and offscreen: demo wall, first run, screenshot, exit 0."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from csu_wall.gui.runner import OnState, run_gui
from csu_wall.services.wall import WallService
from tests.gui.conftest import WallFactory


class _Launcher:
    def __init__(self, make: WallFactory, *, has_site: bool) -> None:
        self._make = make
        self._has_site = has_site
        self.calls: list[str] = []
        self.services: list[WallService] = []

    def has_site(self) -> bool:
        return self._has_site

    def open_wall(self, on_state: OnState) -> WallService:
        self.calls.append("wall")
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


def test_run_gui_with_site_opens_the_site_wall(
    qapp: QApplication, make_wall_service: WallFactory
) -> None:
    launcher = _Launcher(make_wall_service, has_site=True)
    assert run_gui(launcher, demo=False, screenshot=None, quit_after=0.5) == 0
    assert launcher.calls == ["wall"]
