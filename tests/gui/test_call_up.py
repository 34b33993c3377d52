"""Which camera is this: the call-up number on the tile plate (with the commune), in the tree
and in its search; the call-up buffer shown while typing, kept until Enter, * or Esc (however
slowly the number is typed), and Enter with a number never does anything else. Real demo
site, real window offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from csu_wall.core.model import Site
from tests.gui._wall_desk import open_window
from tests.gui.conftest import WallFactory

pytestmark = pytest.mark.timeout(60)


def _numbered(site: Site, above: int = 1010):  # type: ignore[no-untyped-def]
    return next(c for c in site.cameras if c.number is not None and c.number > above)


def test_call_up_buffer_lasts_until_enter_and_enter_never_maximises(
        qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site) -> None:
    window = open_window(qtbot, make_wall_service, None)
    wall = window.wall
    wall.setFocus()
    camera = _numbered(demo_site)
    target = wall.tiles[1]
    wall.set_focused_tile(target.tile_id)
    for digit in str(camera.number):
        QTest.keyClick(wall, getattr(Qt.Key, f"Key_{digit}"))
        qtbot.wait(700)  # an operator typing slowly: 0.7 s between digits
    qtbot.wait(2500)  # ... and thinking before Enter (the old buffer had gone after 1.5 s)
    assert window.call_up.digits == str(camera.number)
    assert str(camera.number) in window.call_up_label.text()  # shown while typing
    QTest.keyClick(wall, Qt.Key.Key_Return)
    assert target.camera == camera and wall.maximised is None  # called up, not maximised
    assert window.call_up.digits == "" and window.call_up_label.text() == ""
    # Esc forgets a number typed, and only that
    QTest.keyClick(wall, Qt.Key.Key_4)
    QTest.keyClick(wall, Qt.Key.Key_2)
    QTest.keyClick(wall, Qt.Key.Key_Escape)
    assert window.call_up.digits == "" and window.call_up_label.text() == ""
    QTest.keyClick(wall, Qt.Key.Key_Return)  # no number: Enter maximises, as always
    assert wall.maximised is target
    window.close()


def test_a_number_left_alone_is_forgotten_after_the_idle_time(
        qtbot: QtBot, make_wall_service: WallFactory) -> None:
    window = open_window(qtbot, make_wall_service, None, call_up_delay_ms=200)
    window.wall.setFocus()
    QTest.keyClick(window.wall, Qt.Key.Key_7)
    assert window.call_up.digits == "7"
    qtbot.waitUntil(lambda: window.call_up.digits == "", timeout=3000)
    assert window.tabs.currentIndex() == 0  # a lone digit never switches tabs
    window.close()


def test_number_and_commune_on_the_plate_in_the_tree_and_in_search(
        qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site) -> None:
    window = open_window(qtbot, make_wall_service, None)
    camera = _numbered(demo_site)
    commune = demo_site.commune(camera.commune_id)
    tile = window.wall.tiles[0]
    window.wall.open_in_tile(tile.tile_id, camera.id)
    plate = tile.overlay().camera_name
    assert plate == f"{camera.number} · {camera.name} — {commune.name}"
    assert tile.toolTip() == plate  # a narrow tile elides the plate: the tooltip has it all
    tree = window.tree
    assert str(tree.proxy_index_of(camera.id).data()).startswith(f"{camera.number} · ")
    tree.search.setText(str(camera.number))
    qtbot.waitUntil(lambda: camera.id in tree.visible_camera_ids(), timeout=3000)
    assert len(tree.visible_camera_ids()) < len(demo_site.cameras) // 10  # a real filter
    window.close()


def test_site_check_says_which_cameras_have_no_call_up_number(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from csu_wall.app import main

    text = (Path(__file__).parents[1] / "core" / "data" / "valid_site.toml").read_text(
        encoding="utf-8")
    site_file = tmp_path / "site.toml"
    site_file.write_text(text, encoding="utf-8")
    assert main(["site", "check", str(site_file)]) == 0  # still valid
    out = capsys.readouterr().out
    from csu_wall.core.sitefile import load_site

    site, _ = load_site(site_file)
    missing = [c.id for c in site.cameras if c.number is None]
    assert missing, "the test file must have a camera without a number"
    assert all(f"caméra « {cid} »: pas de numéro d'appel" in out for cid in missing)
