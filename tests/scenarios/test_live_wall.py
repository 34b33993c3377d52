"""The operator's live wall through the real window: a saved layout opened from its tab, a
camera dragged onto an empty tile, a tile maximised and restored — with the real loopback RTSP
server (each camera's streams draw the server's wall clock in their pixels), a real SQLite
database, a real account and the application's own wiring (AppLauncher, MainWindow).

What the operator sees is asserted: every tile's pixels show the live time, and no tile ever
says "flux figé" because it was hidden behind a maximised tile. What the audit log says is
asserted too (docs/DESIGN.md, "What a view is"): maximise and restore write no access record
and no new on-screen interval for the maximised tile; the hidden tiles' intervals end when they
are covered and new ones start when they come back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from csu_wall.composition import AppLauncher, Paths
from csu_wall.core.audit import AuditAction
from csu_wall.core.layout import Grid
from csu_wall.core.security import Habilitation, Role
from csu_wall.core.viewing import INTERVAL_KEY
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.tile import CAMERA_MIME, TileWidget
from csu_wall.services.layouts import LayoutService
from csu_wall.services.wall import WallService
from csu_wall.storage.audit import entries
from csu_wall.storage.db import Database
from csu_wall.storage.operators import add_habilitation
from tests.rtsp.fixture import CLOCK_FPS, CLOCK_GOP, RtspServer, clock_mounts
from tests.scenarios._pixels import StatusLog, shown_time, wait_shown
from tests.services.auth_helpers import PASSWORD, add_user

pytestmark = [pytest.mark.rtsp, pytest.mark.slow, pytest.mark.timeout(240)]

GOP_S = CLOCK_GOP / CLOCK_FPS
LIVE_WITHIN_S = GOP_S + 1.0  # a live picture is this close to the server's clock
FIRST_LIVE_S = 40.0  # generous: the first connections of a whole layout on a loaded machine
CAMERAS = 5
OPERATOR = "agent"

SITE_HEAD = """\
[site]
name = "CSU de test — mur en direct"

[[commune]]
id = "roncq"
name = "Roncq"
insee = "59508"

[[recorder]]
id = "nvr-roncq"
commune = "roncq"
driver = "rtsp"
host = "127.0.0.1"
rtsp_port = {rtsp}
"""

CAMERA = """
[[camera]]
id = "cam-{n}"
name = "Caméra {n}"
commune = "roncq"
recorder = "nvr-roncq"
channel = {n}
main = {{ path = "/live/{{channel}}/main", width = 320, height = 192, fps = 25 }}
sub = {{ path = "/live/{{channel}}/sub", width = 320, height = 192, fps = 25 }}
"""


@pytest.fixture()
def clock_server(rtsp_server: Callable[..., RtspServer]) -> RtspServer:
    return rtsp_server(clock_mounts(CAMERAS))


@dataclass
class LiveDesk:
    window: MainWindow
    service: WallService
    launcher: AppLauncher
    db_file: Path


@pytest.fixture()
def decoder_pairs() -> str:
    """How the decoder processes decode in pairs: "auto" (under load), as the application
    does; a test parametrised with "on" stands for a loaded machine."""
    return "auto"


@pytest.fixture()
def desk(qtbot: QtBot, tmp_path: Path, clock_server: RtspServer, decoder_pairs: str,
         monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveDesk]:
    monkeypatch.setenv("CSU_WALL_DECODER_PAIRS", decoder_pairs)  # before they are spawned
    data = tmp_path / "data"
    site_file = tmp_path / "site.toml"
    site_file.write_text(SITE_HEAD.format(rtsp=clock_server.port) + "".join(
        CAMERA.format(n=n) for n in range(1, CAMERAS + 1)), encoding="utf-8")
    db_file = data / "csu-wall.sqlite3"
    launcher = AppLauncher(Paths(data_dir=data, database_url=str(db_file), demo=False),
                           workstation="pupitre-1")
    assert launcher.apply_site_file(site_file) == []
    db = Database.open(db_file)
    try:
        add_user(db, OPERATOR, Role.OPERATOR)
        add_habilitation(db, Habilitation(OPERATOR, "roncq", "arrêté préfectoral", "maire",
                                          datetime(2020, 1, 1, tzinfo=UTC)))
    finally:
        db.close()
    operator = launcher.sign_in(OPERATOR, PASSWORD)
    bridge = StateBridge()
    service = launcher.open_wall(bridge.post, operator)
    extras = launcher.wall_extras(service)
    layouts = extras["layouts"]
    assert isinstance(layouts, LayoutService)
    # The operator's saved layout: a 2×2 with three cameras and one empty tile.
    saved = layouts.new_layout("Centre-ville", Grid.preset("2×2"), commune_id="roncq")
    for cell, camera_id in enumerate(("cam-1", "cam-2", "cam-3")):
        saved = saved.with_camera(cell, camera_id)
    layouts.save(saved, "test")
    window = MainWindow(service, demo=False, bridge=bridge, **extras)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    # the saved state and the commune's layouts are read off the GUI thread: their tabs
    # come with the answer
    qtbot.waitUntil(lambda: not window.restoring and not window.tabs_call.busy, timeout=10_000)
    yield LiveDesk(window, service, launcher, db_file)
    window.shutdown()
    launcher.auth().sign_out()


def drop_camera(tile: TileWidget, camera_id: str) -> None:
    """What a drag from the camera tree ends with: a drop of the camera's id on the tile."""
    mime = QMimeData()
    mime.setData(CAMERA_MIME, camera_id.encode("utf-8"))
    event = QDropEvent(QPointF(tile.width() / 2, tile.height() / 2), Qt.DropAction.CopyAction,
                       mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    tile.dropEvent(event)
    assert event.isAccepted()


def live_now(when: datetime) -> bool:
    return abs((datetime.now(UTC) - when).total_seconds()) <= LIVE_WITHIN_S


def audit_of(db_file: Path, actions: set[AuditAction]) -> list[tuple[AuditAction, str, str]]:
    db = Database.open(db_file)
    try:
        return [(r.entry.action, r.entry.camera_id or "", r.entry.extra.get(INTERVAL_KEY, ""))
                for r in entries(db) if r.entry.action in actions]
    finally:
        db.close()


def open_saved_layout_and_drop(qtbot: QtBot, window: MainWindow) -> None:
    """The saved layout opened from its tab, then a camera dragged onto its empty tile."""
    wall = window.wall
    qtbot.waitUntil(lambda: any(layout.name == "Centre-ville"
                                for layout in window.tabs.layouts()), timeout=10_000)
    index = next(i for i, layout in enumerate(window.tabs.layouts())
                 if layout.name == "Centre-ville")
    window.tabs.select(index)
    qtbot.waitUntil(lambda: [t.camera.id if t.camera else None for t in wall.tiles]
                    == ["cam-1", "cam-2", "cam-3", None], timeout=10_000)
    drop_camera(wall.tiles[3], "cam-4")


def test_layout_drop_maximise_restore_never_says_frozen(qtbot: QtBot, desk: LiveDesk) -> None:
    window, wall = desk.window, desk.window.wall
    window._status_timer.stop()  # the status bar's count must follow the states by itself
    # 1. The saved layout, opened from its tab; 2. a camera dragged onto the empty tile.
    open_saved_layout_and_drop(qtbot, window)
    tiles = wall.tiles
    logs = [StatusLog(tile) for tile in tiles]
    for log in logs:
        log.start("open")
    for n, tile in enumerate(tiles, start=1):
        wait_shown(qtbot, tile, live_now, FIRST_LIVE_S, f"cam-{n} live on its tile")
    # the status bar says all four live without its periodic refresh
    qtbot.waitUntil(lambda: wall.live_count() == 4
                    and window.live_label.text() == wall.tr_status(), timeout=5000)
    desk.service.on_screen.flush()
    before = audit_of(desk.db_file, {AuditAction.LIVE_VIEW, AuditAction.ON_SCREEN_START,
                                     AuditAction.ON_SCREEN_END})
    # (the window opened on the commune's default wall before the tab was chosen)
    assert {"cam-1", "cam-2", "cam-3", "cam-4"} <= {
        c for a, c, _ in before if a is AuditAction.LIVE_VIEW}
    starts = {c: i for a, c, i in before if a is AuditAction.ON_SCREEN_START}  # the last
    ends = {i for a, _, i in before if a is AuditAction.ON_SCREEN_END}
    assert all(starts[f"cam-{n}"] not in ends for n in (1, 2, 3, 4))  # all four open

    # 3. Maximise the first tile for longer than a frame takes to look stale, then restore.
    for log in logs:
        log.phase = "maximised"
    wall.toggle_maximise(tiles[0].tile_id)
    assert wall.maximised is tiles[0]
    qtbot.waitUntil(lambda: not any(t.isVisible() for t in tiles[1:]), timeout=5000)
    wait_shown(qtbot, tiles[0], live_now, 3 * LIVE_WITHIN_S + 10, "the maximised tile live")
    hidden_for = datetime.now(UTC) + timedelta(seconds=3.5)  # > the stale threshold (2 s)
    qtbot.waitUntil(lambda: datetime.now(UTC) >= hidden_for, timeout=10_000)
    wait_shown(qtbot, tiles[0], live_now, 3 * LIVE_WITHIN_S, "the maximised tile still live")
    for log in logs:
        log.phase = "restored"
    wall.toggle_maximise(tiles[0].tile_id)
    assert wall.maximised is None
    restored_at = datetime.now(UTC)
    for n, tile in enumerate(tiles, start=1):
        # live again: a picture newer than the restore, within one GOP + 1 s of the clock
        when, _ = wait_shown(qtbot, tile,
                             lambda w: live_now(w) and w >= restored_at - timedelta(seconds=1),
                             3 * LIVE_WITHIN_S + 10, f"cam-{n} live again after restore")
    for log in logs:
        log.stop()
    frozen = {log.tile.tile_id: log.stalled() for log in logs if log.stalled()}
    assert frozen == {}, f"tiles said 'stream frozen' while only hidden: {frozen}"
    assert all(shown_time(t) is not None for t in tiles)

    # 4. The audit: no new access record; the maximised tile's interval went on; the covered
    # tiles' intervals ended and new ones started.
    desk.service.on_screen.flush()
    after = audit_of(desk.db_file, {AuditAction.LIVE_VIEW, AuditAction.ON_SCREEN_START,
                                    AuditAction.ON_SCREEN_END})
    new = after[len(before):]
    assert [r for r in new if r[0] is AuditAction.LIVE_VIEW] == []
    assert [r for r in new if r[1] == "cam-1"] == []
    for n in (2, 3, 4):
        camera = f"cam-{n}"
        mine = [(a, i) for a, c, i in new if c == camera]
        assert mine[0] == (AuditAction.ON_SCREEN_END, starts[camera]), mine
        assert mine[1][0] is AuditAction.ON_SCREEN_START and mine[1][1] != starts[camera]
        assert len(mine) == 2, mine


@pytest.mark.parametrize("decoder_pairs", ["on"])
def test_decoding_in_pairs_shows_every_picture_live(qtbot: QtBot, desk: LiveDesk) -> None:
    """A loaded decoder process decodes each stream's packets two at a time (docs/DESIGN.md,
    "Decoding in pairs"): the operator still sees every tile live, and every picture of each
    camera painted, one per frame of the camera's own clock."""
    window, wall = desk.window, desk.window.wall
    open_saved_layout_and_drop(qtbot, window)
    tiles = wall.tiles
    for n, tile in enumerate(tiles, start=1):
        wait_shown(qtbot, tile, live_now, FIRST_LIVE_S, f"cam-{n} live on its tile")
    pool = desk.service.engine.pool
    qtbot.waitUntil(lambda: pool.frames_paired() > 0, timeout=5000)  # said with the load
    # the pictures painted while each camera's clock advances by 2 s and more
    start = [(shown_time(t), t.frames_painted) for t in tiles]
    assert all(when is not None for when, _ in start)
    span = timedelta(seconds=2)
    qtbot.waitUntil(lambda: all((shown_time(t) or first) - first >= span
                                for t, (first, _) in zip(tiles, start, strict=True)),
                    timeout=int(5 * span.total_seconds() * 1000))
    for n, (tile, (first, painted)) in enumerate(zip(tiles, start, strict=True), start=1):
        last, count = shown_time(tile), tile.frames_painted - painted
        assert first is not None and last is not None
        frames = (last - first).total_seconds() * CLOCK_FPS  # the camera's own frames
        # every picture painted, give or take the two read at the ends and a late turn
        assert count >= 0.9 * frames - 2, f"cam-{n}: {count} painted of {frames:.0f}"
        assert live_now(last), f"cam-{n} no longer live: {last.isoformat()}"
    assert pool.frames_paired() > 2 * CLOCK_FPS
