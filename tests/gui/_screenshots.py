"""The README's screenshots, made on purpose by one command (tests never write them):

    .venv/bin/python -m tests.gui._screenshots --out docs/screenshots

Without ``--out`` the PNGs go to a new temporary folder (printed): nothing tracked is written
unless asked. Without a display the command starts itself again under Xvfb at 1920×1080
(``xvfb-run``). Everything is real: the loopback RTSP server of the tests
(tests/rtsp/server.py under Debian's /usr/bin/python3) serves a clip per camera, the site file
is applied to a temporary SQLite database, operators sign in with their password, and the
application's own session (runner's ``_Session``) opens the French wall. Shots:

    wall-4x4.png  wall-8x8.png  wall-1plus5.png  wall-maximised.png  bookmark-panel.png
    layout-editor.png  handover-dialog.png  handover-pdf.png (the PDF's first page, pdftoppm)

Each PNG is reduced to 256 colours (Pillow's quantiser) to keep the repository small."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

SIZE = (1920, 1080)
COMMUNES = 4  # the demo site's first communes, 16 cameras each: 64 for the 8×8 wall
PER_COMMUNE = 16
SUB = (480, 270)  # every camera's sub stream
MAIN = (1280, 720)  # the main stream of the maximised and large tiles' cameras
MAIN_CAMERAS = 6
CLIP_S = 4
LIVE_TIMEOUT_MS = 120_000
REPO = Path(__file__).resolve().parents[2]
OPERATOR, NEXT = ("mlefebvre", "Marie Lefebvre"), ("pmartin", "Pierre Martin")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.gui._screenshots",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the PNGs (default: a new temporary folder)")
    args = parser.parse_args(argv)
    out = (args.out or Path(tempfile.mkdtemp(prefix="csu-wall-shots-"))).resolve()
    if os.environ.get("CSU_WALL_SHOTS_XVFB") != "1":
        return _in_xvfb(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="csu-wall-shots-work-") as work:
        shots = _take(Path(work), out)
    for path in shots:
        print(f"{path}  {path.stat().st_size // 1024} KiB")
    return 0


def _in_xvfb(out: Path) -> int:
    """Run this module again under a 1920×1080 Xvfb (xvfb-run), French locale."""
    if shutil.which("xvfb-run") is None:
        print("screenshots: xvfb-run missing (apt install xvfb)", file=sys.stderr)
        return 1
    env = dict(os.environ, CSU_WALL_SHOTS_XVFB="1", QT_QPA_PLATFORM="xcb", LANG="C.UTF-8",
               LC_ALL="C.UTF-8", TZ="Europe/Paris")  # French: the translators, installed
    screen = f"-screen 0 {SIZE[0]}x{SIZE[1]}x24"
    cmd = ["timeout", "900", "xvfb-run", "-a", "-s", screen, sys.executable, "-m",
           "tests.gui._screenshots", "--out", str(out)]
    return subprocess.run(cmd, env=env, cwd=REPO).returncode


# -- the site: demo cameras (names, numbers, communes) on the loopback RTSP server ------------


def _site_cameras() -> list[tuple[str, str, str, int | None]]:
    """(id, name, commune id, number) of the cameras shown, the first 16 of 4 communes."""
    from csu_wall.core.sitefile import load_demo_site

    demo = load_demo_site()
    cams = []
    for commune in demo.communes[:COMMUNES]:
        cams += [(c.id, c.name, c.commune_id, c.number)
                 for c in demo.cameras_of(commune.id)[:PER_COMMUNE]]
    return cams


def _site_text(port: int, cams: list[tuple[str, str, str, int | None]]) -> str:
    from csu_wall.core.sitefile import load_demo_site

    demo = load_demo_site()
    lines = ['[site]', 'name = "CSU intercommunal de Tourcoing"', ""]
    for commune in demo.communes[:COMMUNES]:
        lines += ["[[commune]]", f'id = "{commune.id}"', f'name = "{commune.name}"',
                  f'insee = "{commune.insee}"', "", "[[recorder]]",
                  f'id = "nvr-{commune.id}"', f'commune = "{commune.id}"', 'driver = "rtsp"',
                  'host = "127.0.0.1"', f"rtsp_port = {port}", ""]
    for n, (cam_id, name, commune_id, number) in enumerate(cams, start=1):
        main = MAIN if n <= MAIN_CAMERAS else SUB
        lines += ["[[camera]]", f'id = "{cam_id}"', f'name = "{name}"',
                  f'commune = "{commune_id}"', f'recorder = "nvr-{commune_id}"',
                  f"channel = {n}", f"number = {number}",
                  # the clips burn their title top-left and a counter bottom-left
                  'osd = "bottom-right"',
                  f'main = {{ path = "/live/{{channel}}/main", width = {main[0]}, '
                  f'height = {main[1]}, fps = 25 }}',
                  f'sub = {{ path = "/live/{{channel}}/sub", width = {SUB[0]}, '
                  f'height = {SUB[1]}, fps = 25 }}', ""]
    return "\n".join(lines)


def _clips(work: Path, cams: list[tuple[str, str, str, int | None]]
           ) -> dict[str, dict[str, object]]:
    """The RTSP server's mounts: each camera's own clip (the demo's picture: its name and
    id burned top-left, a counter bottom-left), main and sub."""
    from csu_wall.recorders._clip import encode_clip
    from csu_wall.recorders.clips import to_annexb

    mounts: dict[str, dict[str, object]] = {}
    folder = work / "clips"
    folder.mkdir()
    for n, (cam_id, name, _commune, _number) in enumerate(cams, start=1):
        for kind, size in (("sub", SUB), ("main", MAIN if n <= MAIN_CAMERAS else SUB)):
            if kind == "main" and n > MAIN_CAMERAS:
                path = folder / f"{cam_id}-sub.h264"  # the same clip serves both
            else:
                mp4 = folder / f"{cam_id}-{kind}.mp4"
                encode_clip(mp4, cam_id, name, size[0], size[1], seconds=CLIP_S)
                path = to_annexb(mp4, folder / f"{cam_id}-{kind}.h264")
            mounts[f"c{n}{kind}"] = {"kind": "file", "path": str(path), "fps": 25,
                                     "path_in_url": f"live/{n}/{kind}"}
    return mounts


@contextmanager
def _rtsp_server(work: Path, mounts: dict[str, dict[str, object]]) -> Iterator[int]:
    """The tests' RTSP server (tests/rtsp/server.py, Debian's python3): yields its port."""
    import json

    from tests.rtsp.fixture import SERVER_SCRIPT, SYSTEM_PYTHON, RtspServer

    config = work / "rtsp.json"
    config.write_text(json.dumps({"auth": None, "mounts": mounts}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    log = work / "rtsp.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(["timeout", "900", SYSTEM_PYTHON, str(SERVER_SCRIPT),
                                 "--port", "0", "--config", str(config)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                env=env, bufsize=0)
    server = RtspServer(proc, log, list(mounts))
    try:
        yield server.port
    finally:
        server.close()


# -- the desk -------------------------------------------------------------------------------


def _database(work: Path, site_file: Path) -> tuple[object, Path]:
    from csu_wall.composition import AppLauncher, Paths
    from csu_wall.core.security import Habilitation, Role
    from csu_wall.storage.accounts import create_account
    from csu_wall.storage.db import Database
    from csu_wall.storage.operators import add_habilitation
    from tests.services.auth_helpers import FAST, PASSWORD

    data = work / "data"
    db_file = data / "csu-wall.sqlite3"
    launcher = AppLauncher(Paths(data_dir=data, database_url=str(db_file), demo=False),
                           workstation="pupitre-1")
    errors = launcher.apply_site_file(site_file)
    if errors:
        raise SystemExit("screenshots: site file refused:\n" + "\n".join(errors))
    db = Database.open(db_file)
    try:
        since = datetime(2020, 1, 1, tzinfo=UTC)
        for (login, name), role in ((OPERATOR, Role.SUPERVISOR), (NEXT, Role.OPERATOR)):
            create_account(db, login, name, role, PASSWORD, hasher=FAST)
            for commune in {c for _i, _n, c, _k in _site_cameras()}:
                add_habilitation(db, Habilitation(login, commune, "arrêté préfectoral",
                                                  "maire", since))
    finally:
        db.close()
    return launcher, db_file


def _wait(check: Callable[[], bool], timeout_ms: int) -> bool:
    from PySide6.QtTest import QTest

    deadline = time.monotonic() + timeout_ms / 1000
    while not check() and time.monotonic() < deadline:
        QTest.qWait(100)
    return check()


def _all_live(window: object) -> bool:
    """Every tile with a camera live, not resuming, its picture at the tile's size (a
    resize shows the previous size centred until the decoder's next frame)."""
    from csu_wall.core.frames import TileState

    tiles = window.wall.tiles  # type: ignore[attr-defined]
    return all(t.camera is None or (t.state is TileState.LIVE and t.frames_painted > 2
                                    and not t.resuming and _fitted(t)) for t in tiles)


def _fitted(tile: object) -> bool:
    image = tile.picture.qimage  # type: ignore[attr-defined]
    if image is None or not tile.isVisible():  # type: ignore[attr-defined]
        return image is not None
    width, height = tile.physical_size()  # type: ignore[attr-defined]
    return (image.width() <= width and image.height() <= height
            and (width - image.width() <= 4 or height - image.height() <= 2))


def _shoot(path: Path) -> Path:
    """The whole 1920×1080 screen (dialogs included), reduced to 256 colours."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest

    QTest.qWait(400)
    raw = path.with_suffix(".raw.png")
    QGuiApplication.primaryScreen().grabWindow(0).save(str(raw), "PNG")
    _small_png(raw, path)
    return path


def _small_png(src: Path, dst: Path) -> None:
    from PIL import Image

    with Image.open(src) as image:
        image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(
            dst, optimize=True)
    src.unlink()


def _take(work: Path, out: Path) -> list[Path]:
    cams = _site_cameras()
    mounts = _clips(work, cams)
    with _rtsp_server(work, mounts) as port:
        site_file = work / "site.toml"
        site_file.write_text(_site_text(port, cams), encoding="utf-8")
        launcher, _db = _database(work, site_file)
        return _desk(launcher, cams, out, work)


def _desk(launcher: object, cams: list[tuple[str, str, str, int | None]], out: Path,
          work: Path) -> list[Path]:
    import qasync
    from PySide6.QtWidgets import QApplication

    from csu_wall.gui._qt_translations import install_qt_translations
    from csu_wall.gui._resources import style_sheet
    from csu_wall.gui.runner import _Session, install_translator
    from tests.services.auth_helpers import PASSWORD

    app = QApplication(sys.argv[:1])
    app.setApplicationName("csu-wall")
    install_translator(app, "fr")
    install_qt_translations(app, "fr")
    app.setStyleSheet(style_sheet())
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)  # Qt's loop runs whenever the waits spin it
    session = _Session(launcher)  # type: ignore[arg-type]
    try:
        session.open_site(launcher.sign_in(OPERATOR[0], PASSWORD))  # type: ignore[attr-defined]
        return _scenes(session, cams, out, work)
    finally:
        session.shutdown()
        asyncio.events._set_running_loop(None)


def _scenes(session: object, cams: list[tuple[str, str, str, int | None]], out: Path,
            work: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from csu_wall.core.layout import Grid, Layout
    from csu_wall.gui.main_window import MainWindow
    from csu_wall.gui.shift_features import ShiftFeatures

    window = session.window  # type: ignore[attr-defined]
    assert isinstance(window, MainWindow)
    window.setGeometry(0, 0, *SIZE)
    window.show()
    features = window.findChild(ShiftFeatures)
    assert features is not None
    _wait(lambda: features.gate.dialog is not None or features.shift is not None, 10_000)
    start = features.gate.dialog
    if start is not None:
        start.action_button.click()  # « Ouvrir la vacation »
    _wait(lambda: features.shift is not None, 10_000)
    shots: list[Path] = []
    ids = [c[0] for c in cams]
    commune = cams[0][2]
    layouts = window.layouts
    assert layouts is not None

    def show(name: str, grid: str, cameras: list[str], shot: str) -> Layout:
        layout = layouts.save(Layout(name, Grid.preset(grid), tuple(cameras),
                                     commune_id=None))
        window.refresh_tabs(select_id=layout.id)
        window.tabs.select(window.tabs.index_of(layout.id))
        if not _wait(lambda: _all_live(window), LIVE_TIMEOUT_MS):
            print(f"screenshots: not every tile live for {shot}", file=sys.stderr)
        shots.append(_shoot(out / shot))
        return layout

    show(f"{cams[0][2].title()} — 4×4", "4×4", ids[:16], "wall-4x4.png")
    show("Quatre communes — 8×8", "8×8", ids[:64], "wall-8x8.png")
    five = show("Gare et centre — 1+5", "1+5", ids[:6], "wall-1plus5.png")
    wall = window.wall
    wall.maximise(wall.tiles[0].tile_id)
    tile = wall.tiles[0]
    _wait(lambda: tile.feed is not None and tile.feed.kind.value == "main"
          and tile.frames_painted > 5, 60_000)
    shots.append(_shoot(out / "wall-maximised.png"))
    wall.restore()
    shots += _bookmarks(window, features, cams, out)
    shots += _editor(window, five, out)
    shots += _handover(window, features, out, work)
    del commune
    QApplication.processEvents()
    return shots


def _bookmarks(window: object, features: object, cams: list[tuple[str, str, str, int | None]],
               out: Path) -> list[Path]:
    from csu_wall.core.shifts import Severity

    site = window.service.site  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    marks = [(0, 95, "dépôt sauvage", Severity.MEDIUM, "Sacs et carton devant l'entrée"),
             (3, 62, "stationnement gênant", Severity.LOW, "Camionnette sur la piste cyclable"),
             (17, 41, "rixe", Severity.HIGH, "Deux individus, police municipale appelée"),
             (20, 17, "accident", Severity.HIGH, "Accrochage au carrefour, pas de blessé"),
             (33, 6, "personne vulnérable", Severity.CRITICAL,
              "Personne âgée désorientée, équipe en route")]
    service = features.bookmarks  # type: ignore[attr-defined]
    shift = features.shift  # type: ignore[attr-defined]
    shown = {t.camera.id: t for t in window.wall.tiles  # type: ignore[attr-defined]
             if t.camera is not None}
    for index, minutes, category, severity, note in marks:
        tile = shown.get(cams[index][0])  # a camera on the wall: its picture as snapshot
        service.create(site.camera(cams[index][0]), now - timedelta(minutes=minutes),
                       category=category, severity=severity, note=note,
                       shift_id=shift.id if shift is not None else None,
                       snapshot_png=_png(tile) if tile is not None else None)
    features.panel.refresh()  # type: ignore[attr-defined]
    window.docks.open("bookmarks")  # type: ignore[attr-defined]
    _wait(lambda: _all_live(window), 20_000)
    shot = _shoot(out / "bookmark-panel.png")
    window.side_panels["bookmarks"].close()  # type: ignore[attr-defined]
    return [shot]


def _png(tile: object) -> bytes | None:
    from PySide6.QtCore import QBuffer, QIODevice

    image = tile.current_image()  # type: ignore[attr-defined]
    if image is None:
        return None
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def _editor(window: object, layout: object, out: Path) -> list[Path]:
    edit = window.edit  # type: ignore[attr-defined]
    edit.set_editing(True)
    window.docks.open("cameras")  # type: ignore[attr-defined]
    tree = window.tree  # type: ignore[attr-defined]
    tree.view.expandAll()
    _wait(lambda: _all_live(window), 20_000)
    shot = _shoot(out / "layout-editor.png")
    edit.set_editing(False)
    window.side_panels["cameras"].close()  # type: ignore[attr-defined]
    return [shot]


def _handover(window: object, features: object, out: Path, work: Path) -> list[Path]:
    _wait(lambda: _all_live(window), 20_000)  # the side panel just closed: tiles resized
    dialog = features.open_handover()  # type: ignore[attr-defined]
    dialog.notes_edit.setPlainText(
        "Surveiller la sortie du collège Albert-Roussel à 17 h.\n"
        "Dépôt sauvage rue de Lille : services techniques prévenus, passage demain 8 h.")
    dialog.show_preview()
    shots = [_shoot(out / "handover-dialog.png")]
    dialog.hand_over()
    _wait(lambda: dialog.report is not None, 10_000)  # saved off the GUI thread
    files = dialog.files
    if files is None or shutil.which("pdftoppm") is None:
        print("screenshots: no handover PDF (pdftoppm from poppler-utils?)", file=sys.stderr)
        return shots
    page = work / "handover-page"
    subprocess.run(["timeout", "60", "pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1",
                    "-singlefile", str(files.pdf), str(page)], check=True)
    target = out / "handover-pdf.png"
    _small_png(page.with_suffix(".png"), target)
    shots.append(target)
    return shots


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
