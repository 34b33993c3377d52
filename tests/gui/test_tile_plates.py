"""Plates where the camera burns nothing of its own: in the letterbox band when the tile has
one, else in the corner the camera's ``osd`` setting names — never over its other corners —;
hidden by the operator, they leave the picture untouched (the choice kept per workstation).
Real H.264 decoded by the media engine, painted by the real tile widget, read from its pixels
and compared with the frame it painted."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from csu_wall.core.frames import TileState
from csu_wall.core.model import Camera, Site
from csu_wall.gui.tile import TileWidget
from csu_wall.media.engine import MediaEngine
from tests.gui._disc_clip import encode_disc, play_on_tile
from tests.gui._wall_desk import SUPERVISOR, open_wall_db, open_window
from tests.gui.conftest import WallFactory

pytestmark = pytest.mark.timeout(90)

CORNER = 0.22  # share of the tile's width and height a corner takes in these checks


@pytest.fixture(scope="module")
def grey_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mid-grey picture with a white disc: a plate over it darkens it visibly."""
    return encode_disc(tmp_path_factory.mktemp("grey") / "grey.mp4", 128, 60)


@pytest.fixture(autouse=True)
def plates_back() -> Iterator[None]:
    yield
    TileWidget.show_plates(True)


def _tile(qtbot: QtBot, engine: MediaEngine, clip: Path, size: tuple[int, int], osd: str,
          fill: bool) -> TileWidget:
    camera = Camera(id="c1", name="Gare", commune_id="x", recorder_id="r", number=1017,
                    osd=osd)
    tile, _feed = play_on_tile(qtbot, engine, clip, f"t-{osd}-{fill}-{size[0]}", size, camera,
                               fill=fill)
    # long enough to reach the other corner if it were not kept to the osd's side
    tile.set_plate("1017 · Gare routière, quai des bus et parvis Nord — Tourcoing")
    want_w = size[0] if fill else None

    def shown() -> bool:
        tile.pull(time.monotonic())
        frame = tile.picture.frame
        return frame is not None and (want_w is None or frame.width >= want_w - 4)

    qtbot.waitUntil(shown, timeout=20_000)
    tile.apply_state(TileState.LIVE, "")  # what the wall's bridge tells it
    return tile


def _painted_and_frame(tile: TileWidget) -> tuple[np.ndarray, np.ndarray]:
    """The tile's painted pixels and, aligned on them, the frame it painted (-1 where the
    frame does not reach)."""
    image = tile.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    frame = tile.picture.frame
    assert frame is not None
    raw = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    painted = raw.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, :image.width(), :3]
    painted = painted.astype(int)
    under = np.full(painted.shape, -1, int)
    pos = tile.picture.pos
    fh, fw = frame.image.shape[:2]
    ys, xs = slice(max(0, pos.y()), min(painted.shape[0], pos.y() + fh)), \
        slice(max(0, pos.x()), min(painted.shape[1], pos.x() + fw))
    under[ys, xs] = frame.image[ys.start - pos.y():ys.stop - pos.y(),
                                xs.start - pos.x():xs.stop - pos.x(), :3]
    return painted, under


def _corners(shape: tuple[int, ...]) -> dict[str, tuple[slice, slice]]:
    h, w = shape[:2]
    ch, cw = int(h * CORNER), int(w * CORNER)
    return {"top-left": (slice(0, ch), slice(0, cw)),
            "top-right": (slice(0, ch), slice(w - cw, w)),
            "bottom-left": (slice(h - ch, h), slice(0, cw)),
            "bottom-right": (slice(h - ch, h), slice(w - cw, w))}


def _changed_share(painted: np.ndarray, under: np.ndarray, where: tuple[slice, slice]) -> float:
    """Share of the picture's pixels in ``where`` that the overlay changed."""
    p, u = painted[where], under[where]
    covered = np.all(u >= 0, axis=2)
    if not covered.any():
        return 0.0
    diff = np.abs(p - u).max(axis=2) > 24  # beyond the codec's and the blit's rounding
    return float(np.mean(diff[covered]))


@pytest.mark.parametrize("osd", ["top-right", "bottom-left"])
def test_plates_take_the_osd_corner_and_leave_the_other_corners_alone(
        qtbot: QtBot, engine: MediaEngine, grey_clip: Path, osd: str) -> None:
    tile = _tile(qtbot, engine, grey_clip, (480, 270), osd, fill=True)  # no band at all
    painted, under = _painted_and_frame(tile)
    corners = _corners(painted.shape)
    assert _changed_share(painted, under, corners[osd]) > 0.08  # the plates are there
    for corner, where in corners.items():
        if corner != osd:
            assert _changed_share(painted, under, where) < 0.01, corner  # the camera's OSD


def test_plates_go_in_the_letterbox_band_off_the_picture(
        qtbot: QtBot, engine: MediaEngine, grey_clip: Path) -> None:
    tile = _tile(qtbot, engine, grey_clip, (400, 400), "top-left", fill=False)
    rect = tile.video_rect()
    assert rect.height() < 300  # letterboxed: bands above and below
    painted, under = _painted_and_frame(tile)
    picture = (slice(rect.top(), rect.bottom() + 1), slice(rect.left(), rect.right() + 1))
    assert _changed_share(painted, under, picture) < 0.005  # nothing over the picture
    band = painted[4:rect.top(), 4:-4]  # the top band (the osd's side)
    assert np.mean(np.abs(band - np.array([14, 10, 8])).max(axis=2) > 30) > 0.02  # text


def test_hidden_plates_leave_the_picture_untouched(
        qtbot: QtBot, engine: MediaEngine, grey_clip: Path) -> None:
    tile = _tile(qtbot, engine, grey_clip, (480, 270), "bottom-left", fill=True)
    painted, under = _painted_and_frame(tile)
    assert _changed_share(painted, under, (slice(None), slice(None))) > 0.01
    TileWidget.show_plates(False)
    qtbot.waitUntil(lambda: not tile.overlay().plates, timeout=2000)
    painted, under = _painted_and_frame(tile)
    assert _changed_share(painted, under, (slice(None), slice(None))) < 0.001


def test_the_operator_hides_plates_and_the_workstation_remembers(
    qtbot: QtBot, make_wall_service: WallFactory, demo_site: Site, tmp_path: Path
) -> None:
    db = open_wall_db(tmp_path / "db.sqlite3", demo_site)
    window = open_window(qtbot, make_wall_service, db, SUPERVISOR)
    assert window.plates_action.isChecked() and window.wall.tiles[0].overlay().plates
    QTest.keyClick(window, Qt.Key.Key_P,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: not window.plates_action.isChecked(), timeout=2000)
    assert not window.wall.tiles[0].overlay().plates
    assert window.plates_action in window.view_menu.actions()
    window.close()
    again = open_window(qtbot, make_wall_service, db, SUPERVISOR)
    assert not again.plates_action.isChecked() and not again.wall.tiles[0].overlay().plates
    again.close()
    other = open_window(qtbot, make_wall_service, db, SUPERVISOR, workstation="pupitre-2")
    assert other.plates_action.isChecked() and other.wall.tiles[0].overlay().plates
    other.close()
    db.close()


def test_the_empty_tile_hint_stays_whole_inside_a_small_tile(
        qtbot: QtBot, french: object) -> None:
    """« Déposez une caméra ici » on an 8×8 tile of a 1920×1080 wall: wrapped inside it."""
    tile = TileWidget("empty")
    qtbot.addWidget(tile)
    tile.resize(150, 84)
    tile.show()
    qtbot.waitExposed(tile)
    overlay = tile.overlay()
    assert overlay.camera_name is None
    pixmap = QPixmap(tile.size())
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painted = overlay.paint(painter, tile.rect())
    text = QCoreApplication.translate("TileWidget", "Drop a camera here")
    needed = painter.fontMetrics().boundingRect(
        tile.rect().adjusted(6, 6, -6, -6), int(Qt.AlignmentFlag.AlignCenter
                                                | Qt.TextFlag.TextWordWrap), text)
    painter.end()
    assert text.startswith("Déposez")
    assert painter.fontMetrics().horizontalAdvance(text) > 150 - 12  # one line would not fit
    assert needed.width() <= 150 - 12 and needed.height() <= 84 - 12  # wrapped, whole
    assert painted and all(tile.rect().contains(r) for r in painted)


def test_a_plate_sized_to_its_text_shows_it_whole(qapp: object) -> None:
    """The status plate in a thin band is sized to its text's advance; the text must not
    then be elided (Qt's elidedText alone cut « en pause · SD » to « en pause · … »)."""
    from PySide6.QtGui import QFont, QFontMetrics

    from csu_wall.gui.tile_overlay import elided

    texts = ["en pause · SD", "en direct · HQ", "enregistrement · SD", "reconnexion · SD"]
    for px in range(9, 16):  # the sizes plates take (sized to the tile)
        font = QFont()
        font.setPixelSize(px)
        metrics = QFontMetrics(font)
        for text in texts:
            assert elided(metrics, text, metrics.horizontalAdvance(text)) == text, (px, text)
            short = elided(metrics, text, metrics.horizontalAdvance(text) // 2)
            assert short.endswith("…") and len(short) < len(text)
