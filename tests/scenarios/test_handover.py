"""A shift handover at the desk, through the real window and the application's own session
(runner's ``_Session``: AppLauncher, MainWindow, the shift features, the lock controller), the
loopback RTSP server whose 'clock' mounts draw the server's wall clock in their pixels, a real
SQLite database and real accounts.

The outgoing operator (habilitated for Roncq and Halluin) hands over; the incoming one
(habilitated for Roncq only) signs in over the running wall, ticks each open item while it
plays and takes the wall with « Prendre le mur ». What the operators see is asserted from the
tiles' pixels: every tile shows the live time at every step and never goes dark; at the
takeover the Halluin tile closes saying « Non habilité » while the Roncq tiles keep playing.
What the audit log says is asserted too: handover and takeover (never a lock for inactivity),
the outgoing operator's views and on-screen intervals end at the takeover and the incoming
operator's start after it (docs/DESIGN.md, "What a view is")."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from csu_wall.composition import AppLauncher, Paths
from csu_wall.core.audit import AuditAction
from csu_wall.core.frames import TileState
from csu_wall.core.layout import Grid
from csu_wall.core.security import Habilitation, Role
from csu_wall.core.viewing import INTERVAL_KEY
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.runner import _Session
from csu_wall.gui.shift_dialogs import ShiftStartDialog
from csu_wall.gui.shift_features import ShiftFeatures
from csu_wall.gui.tile import TileWidget
from csu_wall.storage.audit import entries
from csu_wall.storage.db import Database
from csu_wall.storage.operators import add_habilitation
from tests.rtsp.fixture import CLOCK_FPS, CLOCK_GOP, RtspServer, clock_mounts
from tests.scenarios._pixels import shown_time, wait_shown
from tests.services.auth_helpers import PASSWORD, add_user

pytestmark = [pytest.mark.rtsp, pytest.mark.slow, pytest.mark.timeout(300)]

GOP_S = CLOCK_GOP / CLOCK_FPS
LIVE_WITHIN_S = GOP_S + 1.0  # a live picture is this close to the server's clock
FIRST_LIVE_S = 40.0  # the first connections on a loaded machine
DARK_MAX_S = 3.0  # the longest a playing tile may go without a readable live time
OUTGOING, INCOMING = "sortant", "entrant"
# camera -> commune; the incoming operator is habilitated for Roncq only
CAMERAS = {"cam-1": "roncq", "cam-2": "halluin", "cam-3": "roncq"}

SITE_HEAD = """\
[site]
name = "CSU de test — relève"

[[commune]]
id = "roncq"
name = "Roncq"
insee = "59508"

[[commune]]
id = "halluin"
name = "Halluin"
insee = "59279"

[[recorder]]
id = "nvr-roncq"
commune = "roncq"
driver = "rtsp"
host = "127.0.0.1"
rtsp_port = {rtsp}

[[recorder]]
id = "nvr-halluin"
commune = "halluin"
driver = "rtsp"
host = "127.0.0.1"
rtsp_port = {rtsp}
"""

CAMERA = """
[[camera]]
id = "{id}"
name = "Caméra {n}"
commune = "{commune}"
recorder = "nvr-{commune}"
channel = {n}
main = {{ path = "/live/{{channel}}/main", width = 320, height = 192, fps = 25 }}
sub = {{ path = "/live/{{channel}}/sub", width = 320, height = 192, fps = 25 }}
"""


@pytest.fixture()
def clock_server(rtsp_server: Callable[..., RtspServer]) -> RtspServer:
    return rtsp_server(clock_mounts(len(CAMERAS)))


@dataclass
class Desk:
    session: _Session
    launcher: AppLauncher
    db_file: Path


@pytest.fixture()
def desk(qtbot: QtBot, tmp_path: Path, clock_server: RtspServer) -> Iterator[Desk]:
    data = tmp_path / "data"
    site_file = tmp_path / "site.toml"
    site_file.write_text(SITE_HEAD.format(rtsp=clock_server.port) + "".join(
        CAMERA.format(id=cam, n=n, commune=commune)
        for n, (cam, commune) in enumerate(CAMERAS.items(), start=1)), encoding="utf-8")
    db_file = data / "csu-wall.sqlite3"
    launcher = AppLauncher(Paths(data_dir=data, database_url=str(db_file), demo=False),
                           workstation="pupitre-1")
    assert launcher.apply_site_file(site_file) == []
    db = Database.open(db_file)
    try:
        since = datetime(2020, 1, 1, tzinfo=UTC)
        add_user(db, OUTGOING, Role.OPERATOR)
        add_user(db, INCOMING, Role.OPERATOR)
        for commune in ("roncq", "halluin"):
            add_habilitation(db, Habilitation(OUTGOING, commune, "arrêté préfectoral",
                                              "maire", since))
        add_habilitation(db, Habilitation(INCOMING, "roncq", "arrêté préfectoral", "maire",
                                          since))
    finally:
        db.close()
    session = _Session(launcher)
    session.open_site(launcher.sign_in(OUTGOING, PASSWORD))
    window = session.window
    assert isinstance(window, MainWindow)
    window.resize(1280, 800)
    window.activateWindow()
    yield Desk(session, launcher, db_file)
    session.shutdown()


def live_now(when: datetime) -> bool:
    return abs((datetime.now(UTC) - when).total_seconds()) <= LIVE_WITHIN_S


@dataclass
class LiveWatch(QObject):
    """Reads every watched tile's pixels every ``period_ms`` (a Qt timer: the GUI thread,
    between paints) and keeps, per tile, the longest time without a live time shown."""

    tiles: dict[str, TileWidget]
    period_ms: int = 150
    phase: str = "start"
    last_live: dict[str, float] = field(default_factory=dict)
    worst: dict[str, tuple[float, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__()
        self.timer = QTimer()
        self.timer.setInterval(self.period_ms)
        self.timer.timeout.connect(self.sample)

    def start(self) -> None:
        now = time.monotonic()
        self.last_live = {cam: now for cam in self.tiles}
        self.timer.start()

    def stop(self, camera: str | None = None) -> None:
        if camera is None:
            self.timer.stop()
        else:
            self.tiles.pop(camera)

    def sample(self) -> None:
        now = time.monotonic()
        for cam, tile in self.tiles.items():
            when = shown_time(tile)
            if when is not None and live_now(when):
                self.last_live[cam] = now
            dark = now - self.last_live[cam]
            if dark >= self.worst.get(cam, (0.0, ""))[0]:
                self.worst[cam] = (dark, self.phase)


def all_live(qtbot: QtBot, tiles: dict[str, TileWidget], what: str) -> None:
    for cam, tile in tiles.items():
        wait_shown(qtbot, tile, live_now, 3 * LIVE_WITHIN_S, f"{cam} live {what}")


def audit(db_file: Path) -> list[tuple[int, AuditAction, str, str, str, str]]:
    """(id, action, operator, camera, detail, interval) of every record, in order."""
    db = Database.open(db_file)
    try:
        return [(r.id, r.entry.action, r.entry.operator_id, r.entry.camera_id or "",
                 r.entry.detail, r.entry.extra.get(INTERVAL_KEY, ""))
                for r in entries(db, limit=None)]
    finally:
        db.close()


def test_handover_keeps_the_wall_live_and_the_takeover_follows_habilitations(
        qtbot: QtBot, desk: Desk) -> None:
    session = desk.session
    window = session.window
    assert isinstance(window, MainWindow)
    features = window.findChild(ShiftFeatures)
    assert features is not None and session.lock is not None
    # 1. The outgoing operator opens the shift and puts the three cameras on a 2×2 wall.
    qtbot.waitUntil(lambda: features.gate.dialog is not None, timeout=5_000)  # read off-thread
    start = features.gate.dialog
    assert isinstance(start, ShiftStartDialog)
    qtbot.mouseClick(start.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: features.shift is not None, timeout=5000)
    wall = window.wall
    wall.set_grid(Grid.preset("2×2"))
    for tile, cam in zip(wall.tiles, CAMERAS, strict=False):
        wall.open_in_tile(tile.tile_id, cam)
    tiles = {cam: wall.tiles[n] for n, cam in enumerate(CAMERAS)}
    for cam, tile in tiles.items():
        wait_shown(qtbot, tile, live_now, FIRST_LIVE_S, f"{cam} live at the start")
    watch = LiveWatch(dict(tiles))
    watch.start()

    # 2. Handover: notes, then the one button. The wall keeps playing, nothing locks.
    watch.phase = "handover"
    handover = features.open_handover()
    assert handover is not None
    handover.notes_edit.setPlainText("Surveiller la sortie du collège")
    qtbot.mouseClick(handover.handover_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: features.takeover is not None, timeout=10_000)
    assert features.shift is None and wall.isVisible() and not session.lock.locked
    all_live(qtbot, tiles, "after the handover")
    assert window.service.operator.id == OUTGOING  # still the viewer of record

    # 3. The incoming operator signs in over the running wall (a dialog, no lock screen).
    watch.phase = "sign-in"
    sign_in = features.takeover.sign_in
    assert sign_in is not None and sign_in.isVisible()
    qtbot.keyClicks(sign_in.login_edit, INCOMING)
    qtbot.keyClicks(sign_in.password_edit, PASSWORD)
    qtbot.mouseClick(sign_in.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: features.takeover is not None and features.takeover.ack is not None,
                    timeout=10_000)
    ack = features.takeover.ack
    assert ack is not None and ack.isVisible() and not session.lock.overlay.isVisible()
    all_live(qtbot, tiles, "while the incoming operator reads the handover")
    assert window.service.operator.id == OUTGOING
    assert desk.launcher.auth().operator is not None
    assert desk.launcher.auth().operator.id == OUTGOING

    # 4. Item by item while it plays; « Prendre le mur » says why it is disabled until then.
    watch.phase = "acknowledgment"
    assert ack.item_boxes
    for box in ack.item_boxes.values():
        assert not ack.take_button.isEnabled()
        assert ack.take_button.toolTip() and ack.reason_label.isVisible()
        assert ack.reason_label.text() == ack.take_button.toolTip()
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        assert box.isChecked()
        all_live(qtbot, tiles, "during the acknowledgment")
    qtbot.waitUntil(ack.take_button.isEnabled, timeout=2000)
    assert not ack.reason_label.isVisible() and not ack.take_button.toolTip()
    takeover_at = max(r[0] for r in audit(desk.db_file))

    # 5. One action takes the wall: no lock, no password, Halluin closes, Roncq plays on.
    watch.phase = "takeover"
    qtbot.mouseClick(ack.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: features.shift is not None, timeout=10_000)
    halluin = tiles["cam-2"]
    watch.stop("cam-2")
    assert window.service.operator.id == INCOMING
    assert features.shift is not None and features.shift.operator_id == INCOMING
    assert not session.lock.locked and not session.lock.overlay.isVisible()
    assert QApplication.activeModalWidget() is None  # no second password prompt
    assert halluin.state is TileState.DENIED and halluin.feed is None
    assert "Non habilité" in halluin.detail and "Halluin" in halluin.detail
    assert shown_time(halluin) is None  # its last image dropped
    kept = {cam: tile for cam, tile in tiles.items() if cam != "cam-2"}
    all_live(qtbot, kept, "after the takeover")
    watch.phase = "after"
    qtbot.wait(2000)
    all_live(qtbot, kept, "2 s after the takeover")
    watch.stop()
    window.service.on_screen.flush()
    for cam, (dark, phase) in watch.worst.items():
        assert dark <= DARK_MAX_S, f"{cam} showed no live time for {dark:.1f} s ({phase})"

    # 6. The audit log says what happened.
    records = audit(desk.db_file)
    actions = [(a, op) for _, a, op, _, _, _ in records]
    assert (AuditAction.HANDOVER, OUTGOING) in actions
    assert (AuditAction.HANDOVER_ACK, INCOMING) in actions
    assert not [r for r in records if r[1] is AuditAction.LOCK]  # neither lock nor inactivity
    assert not [r for r in records if "inactivité" in r[4]]
    assert any(a is AuditAction.LOGIN and op == INCOMING and "prise du mur" in d
               for _, a, op, _, d, _ in records)
    assert any(a is AuditAction.LOGOUT and op == OUTGOING and "relève" in d
               for _, a, op, _, d, _ in records)
    after = [r for r in records if r[0] > takeover_at]
    # every view of the outgoing operator ends at the takeover ...
    ends = {c for _, a, op, c, _, _ in after if a is AuditAction.LIVE_VIEW_END and op == OUTGOING}
    assert ends == set(CAMERAS)
    opened = {i for _, a, op, _, _, i in records if a is AuditAction.ON_SCREEN_START
              and op == OUTGOING}
    closed = {i for _, a, op, _, _, i in records if a is AuditAction.ON_SCREEN_END
              and op == OUTGOING}
    assert opened and opened == closed  # none of theirs left open
    # ... and each is opened again under the incoming operator's habilitations.
    views = {c for _, a, op, c, _, _ in after if a is AuditAction.LIVE_VIEW and op == INCOMING}
    assert views == {"cam-1", "cam-3"}
    denied = {c for _, a, op, c, _, _ in after if a is AuditAction.DENIED and op == INCOMING}
    assert denied == {"cam-2"}
    on_screen = {c for _, a, op, c, _, _ in after if a is AuditAction.ON_SCREEN_START
                 and op == INCOMING}
    assert on_screen == {"cam-1", "cam-3"}
    # the outgoing operator's last records come before the incoming operator's first view
    last_out = max(r[0] for r in after if r[2] == OUTGOING)
    first_in = min(r[0] for r in after if r[2] == INCOMING and r[1] in
                   (AuditAction.LIVE_VIEW, AuditAction.ON_SCREEN_START))
    assert last_out < first_in
