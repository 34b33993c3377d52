"""Privacy masks on every image path: sub stream, main stream (after a switch),
digital zoom (``TileStream.set_view``) and snapshot (``TileStream.snapshot``), checked on the
pixels of real H.264 clips decoded by the engine.

The clips show four coloured quadrants (the same picture at 320×180 for the sub stream and
640×360 for the main), with a thin white line in the top-left quadrant; the masks cover a
square inside the top-left quadrant and one inside the bottom-right one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest

from csu_wall.core.errors import StreamError
from csu_wall.core.frames import Frame
from csu_wall.core.model import PrivacyMask, StreamKind
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine, TileStream
from csu_wall.media.masks import MASK_BGRA
from csu_wall.media.views import crop_rect, normalise_view
from tests.media.helpers import wait_until

pytestmark = pytest.mark.timeout(120)
Make = Callable[..., MediaEngine]

RED, GREEN, BLUE, WHITE = (40, 40, 220), (40, 200, 40), (220, 60, 40), (230, 230, 230)
QUADRANTS = {(0, 0): RED, (1, 0): GREEN, (0, 1): BLUE, (1, 1): WHITE}  # (col, row) -> BGR
MASKS = (PrivacyMask(((0.25, 0.25), (0.45, 0.25), (0.45, 0.45), (0.25, 0.45))),
         PrivacyMask(((0.6, 0.6), (0.8, 0.6), (0.8, 0.8), (0.6, 0.8))))
LINE_X = (79 / 640, 81 / 640)  # a 2-source-px white line (main stream) in the top-left
TOL = 30  # H.264 and scaling


def _picture(width: int, height: int) -> np.ndarray:
    img = np.zeros((height, width, 3), np.uint8)
    for (col, row), bgr in QUADRANTS.items():
        img[row * height // 2:(row + 1) * height // 2, col * width // 2:(col + 1) * width // 2] \
            = bgr
    x0, x1 = round(LINE_X[0] * width), max(round(LINE_X[1] * width), round(LINE_X[0] * width) + 1)
    img[: height // 2, x0:x1] = WHITE
    return img


def _encode(path: Path, width: int, height: int) -> Path:
    picture = _picture(width, height)
    with av.open(str(path), mode="w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.gop_size = 25
        stream.codec_context.max_b_frames = 0
        stream.options = {"preset": "ultrafast", "crf": "12", "bf": "0", "keyint": "25"}
        for i in range(50):
            frame = av.VideoFrame.from_ndarray(picture, format="bgr24")
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[StreamKind, Path]:
    folder = tmp_path_factory.mktemp("quadrants")
    return {StreamKind.SUB: _encode(folder / "sub.mp4", 320, 180),
            StreamKind.MAIN: _encode(folder / "main.mp4", 640, 360)}


def _source(clips: dict[StreamKind, Path], kind: StreamKind) -> StreamSource:
    return StreamSource(url=str(clips[kind]), kind=SourceKind.FILE, camera_id="quad",
                        recorder_id="demo", stream=kind, realtime=True, loop=True)


def _region(image: np.ndarray, x0: float, y0: float, x1: float, y1: float,
            inset: float = 0.03) -> np.ndarray:
    """Pixels of a normalised rectangle, ``inset`` away from its edges (filters blend)."""
    h, w = image.shape[:2]
    return image[int((y0 + inset) * h):int((y1 - inset) * h),
                 int((x0 + inset) * w):int((x1 - inset) * w), :3].reshape(-1, 3).astype(int)


def _is(pixels: np.ndarray, bgr: tuple[int, ...], tol: int = TOL) -> bool:
    return bool(pixels.size) and bool((np.abs(pixels - np.array(bgr[:3])) <= tol).all())


def _check_whole(frame: Frame) -> None:
    """Masks exactly where they belong, the picture's colours everywhere else."""
    img = frame.image
    assert _is(_region(img, 0.25, 0.25, 0.45, 0.45), MASK_BGRA, 2)
    assert _is(_region(img, 0.6, 0.6, 0.8, 0.8), MASK_BGRA, 2)
    assert _is(_region(img, 0.5, 0.0, 1.0, 0.5), GREEN)
    assert _is(_region(img, 0.0, 0.5, 0.5, 1.0), BLUE)
    assert _is(_region(img, 0.15, 0.0, 0.5, 0.25), RED)  # right of the line, above the mask
    assert _is(_region(img, 0.5, 0.5, 1.0, 0.6), WHITE)  # above the bottom-right mask
    masked = (img[:, :, :3] == np.array(MASK_BGRA[:3], np.uint8)).all(axis=2).mean()
    assert masked == pytest.approx(0.04 + 0.04, abs=0.015)


def _next_frame(h: TileStream, predicate: Callable[[Frame], bool] = lambda f: True,
                timeout: float = 10.0) -> Frame:
    box: list[Frame] = []

    def ready() -> bool:
        f = h.latest()
        if f is not None and predicate(f):
            box.append(f)
            return True
        return False

    assert wait_until(ready, timeout)
    return box[0]


def test_masks_on_the_sub_stream_then_the_main_stream_after_a_switch(
        make_engine: Make, clips: dict[StreamKind, Path]) -> None:
    engine = make_engine(workers=1, ladder=False)
    h = engine.open("t1", _source(clips, StreamKind.SUB), size=(160, 90), masks=MASKS)
    sub = _next_frame(h)
    assert (sub.source_width, sub.width, sub.height) == (320, 160, 90)
    _check_whole(sub)
    engine.switch("t1", _source(clips, StreamKind.MAIN), masks=MASKS)
    main = _next_frame(h, lambda f: f.source_width == 640)
    assert (main.width, main.height) == (160, 90)
    _check_whole(main)


def test_zoomed_view_shows_real_source_pixels_with_masks_at_their_place(
        make_engine: Make, clips: dict[StreamKind, Path]) -> None:
    engine = make_engine(workers=1, ladder=False)
    h = engine.open("t1", _source(clips, StreamKind.MAIN), size=(160, 90), masks=MASKS)
    whole = _next_frame(h)
    # the 2-px line is a quarter of a tile pixel wide in the whole picture: faint
    line_col = round(np.mean(LINE_X) * 160)
    faint = whole.image[5:40, line_col - 1:line_col + 2, 1].max()

    h.set_view((0.0, 0.0, 0.5, 0.5))  # the top-left quadrant: 320×180 source px → 160×90
    assert h.view == (0.0, 0.0, 0.5, 0.5)
    seq = whole.seq
    zoomed = _next_frame(h, lambda f: f.seq > seq + 2)
    img = zoomed.image
    assert (zoomed.width, zoomed.height, zoomed.source_width) == (160, 90, 640)
    # the mask (0.25..0.45 of the picture) is at 0.5..0.9 of the view, and only there
    assert _is(_region(img, 0.5, 0.5, 0.9, 0.9), MASK_BGRA, 2)
    assert _is(_region(img, 0.4, 0.0, 1.0, 0.45), RED)
    assert _is(_region(img, 0.3, 0.5, 0.45, 1.0), RED)  # right of the line, left of the mask
    assert _is(_region(img, 0.0, 0.0, 0.2, 1.0), RED)  # left of the line
    masked = (img[:, :, :3] == np.array(MASK_BGRA[:3], np.uint8)).all(axis=2).mean()
    assert masked == pytest.approx(0.16, abs=0.03)
    # no other quadrant's colour leaked in
    assert not (np.abs(img[:, :, :3].astype(int) - np.array(GREEN)) <= TOL).all(axis=2).any()
    assert not (np.abs(img[:, :, :3].astype(int) - np.array(BLUE)) <= TOL).all(axis=2).any()

    # 4× zoom onto the line: 160×90 source px shown 1:1 — the line is sharp (real pixels,
    # not the tile's picture enlarged, where it would stay faint)
    h.set_view((0.0, 0.0, 0.25, 0.25))
    seq = zoomed.seq
    close = _next_frame(h, lambda f: f.seq > seq + 2)
    sharp = close.image[5:80, 76:84, 1].max()
    print(f"line: {faint} in the whole picture, {sharp} zoomed 4x")
    assert sharp >= 170 and sharp > faint + 40, (faint, sharp)

    h.set_view(None)  # back to the whole picture
    seq = close.seq
    _check_whole(_next_frame(h, lambda f: f.seq > seq + 2))


@pytest.mark.parametrize("kind", [StreamKind.SUB, StreamKind.MAIN])
def test_snapshot_is_full_resolution_and_masked(
        make_engine: Make, clips: dict[StreamKind, Path], kind: StreamKind) -> None:
    engine = make_engine(workers=1, ladder=False)
    h = engine.open("t1", _source(clips, kind), size=(160, 90), masks=MASKS)
    _next_frame(h)
    h.set_view((0.5, 0.5, 0.5, 0.5))  # a zoomed tile still snapshots the whole picture
    snap = h.snapshot(timeout=5.0)
    width = 320 if kind is StreamKind.SUB else 640
    assert (snap.width, snap.height) == (width, width * 9 // 16)
    assert snap.image.shape[2] == 4 and snap.image.flags["C_CONTIGUOUS"]
    _check_whole(snap)


def test_snapshot_of_a_paused_tile_lets_one_keyframe_through(
        make_engine: Make, clips: dict[StreamKind, Path]) -> None:
    engine = make_engine(workers=1, ladder=False)
    h = engine.open("t1", _source(clips, StreamKind.SUB), size=(160, 90), masks=MASKS)
    _next_frame(h)
    h.set_paused(True)
    snap = h.snapshot(timeout=5.0)  # GOP 1 s: the next keyframe comes within it
    assert snap.keyframe and snap.width == 320
    _check_whole(snap)


def test_snapshot_errors_are_french_sentences(make_engine: Make,
                                             clips: dict[StreamKind, Path]) -> None:
    engine = make_engine(workers=1, ladder=False)
    h = engine.open("t1", _source(clips, StreamKind.SUB), size=(160, 90))
    _next_frame(h)
    h.set_visible(False)  # a hidden tile decodes nothing
    with pytest.raises(StreamError, match="instantané.*aucune image.*réessayez"):
        h.snapshot(timeout=0.3)
    engine.close("t1")
    with pytest.raises(StreamError, match="aucun flux"):
        h.snapshot()


def test_views_are_clamped_and_cropped_on_even_pixels() -> None:
    assert normalise_view(None) is None
    assert normalise_view((0.0, 0.0, 1.0, 1.0)) is None
    assert normalise_view((0.9, -0.2, 0.5, 0.5)) == (0.5, 0.0, 0.5, 0.5)
    with pytest.raises(ValueError):
        normalise_view((float("nan"), 0.0, 0.5, 0.5))
    assert crop_rect((0.0, 0.0, 0.5, 0.5), 640, 360) == (0, 0, 320, 180)
    x0, y0, x1, y1 = crop_rect((0.333, 0.777, 0.001, 0.001), 641, 361)
    assert x0 % 2 == y0 % 2 == 0 and (x1 - x0) % 2 == (y1 - y0) % 2 == 0
    assert x1 - x0 >= 2 and y1 - y0 >= 2 and x1 <= 641 and y1 <= 361
