"""The engine on real H.264 files (demo clips): pacing, many tiles, hiding, sizes, stopping,
and files that are missing or broken."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.model import PrivacyMask, StreamKind
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine
from csu_wall.media.masks import MASK_BGRA
from csu_wall.recorders.demo import DemoDriver
from tests.media.helpers import StateLog, camera, file_source, wait_until

Make = Callable[..., MediaEngine]


def _count_distinct(handles: list, seconds: float) -> list[set[int]]:  # type: ignore[type-arg]
    seen: list[set[int]] = [set() for _ in handles]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for i, h in enumerate(handles):
            f = h.latest()
            if f is not None:
                seen[i].add(f.seq)
        time.sleep(0.004)
    return seen


def test_file_session_is_paced_in_real_time(make_engine: Make, small_clip: Path,
                                             states: StateLog) -> None:
    engine = make_engine(workers=2)
    h = engine.open("t1", file_source(small_clip), size=(320, 180))
    assert wait_until(lambda: h.latest() is not None, 5)
    assert TileState.LIVE in states.states("t1")
    start = h.latest().seq  # type: ignore[union-attr]
    time.sleep(2.5)
    fps = (h.latest().seq - start) / 2.5  # type: ignore[union-attr]

    assert 15 <= fps <= 40, fps


def test_a_looping_file_keeps_playing_past_its_end(make_engine: Make, clip_dir: Path) -> None:
    from csu_wall.recorders._clip import encode_clip

    short = clip_dir / "one-second.mp4"
    encode_clip(short, "tst-1s", "Une seconde", 160, 90, seconds=1)  # 25 frames
    engine = make_engine(workers=1)
    h = engine.open("t1", file_source(short), size=(160, 90))

    def looped() -> bool:
        frame = h.latest()
        return frame is not None and frame.seq > 40
    assert wait_until(looped, 6)


def test_sixteen_demo_tiles_on_two_workers_all_get_distinct_frames(
        make_engine: Make, demo_driver: DemoDriver) -> None:
    engine = make_engine(workers=2)
    handles = [engine.open(f"t{i}", demo_driver.live_source(camera(i), StreamKind.SUB),
                           size=(240, 136)) for i in range(16)]
    assert wait_until(lambda: all(h.latest() is not None for h in handles), 30)
    seen = _count_distinct(handles, 2.0)
    assert all(len(s) >= 15 for s in seen), [len(s) for s in seen]
    images = [h.latest().image for h in handles]  # type: ignore[union-attr]
    # 16:9 sources fit a 240×136 tile with their aspect kept: 240×135 (letterboxed)
    assert all(img.shape == (135, 240, 4) for img in images)
    # every camera looks different (its own clip)
    assert len({img[:40].tobytes() for img in images}) == 16
    assert engine.stats()["sessions"] == 16


def test_a_hidden_tile_decodes_nothing(make_engine: Make, small_clip: Path) -> None:
    engine = make_engine(workers=2)
    shown = engine.open("shown", file_source(small_clip), size=(320, 180))
    hidden = engine.open("hidden", file_source(small_clip), size=(320, 180))
    assert wait_until(lambda: hidden.latest() is not None and shown.latest() is not None, 5)
    hidden.set_visible(False)
    time.sleep(0.2)  # a worker may be finishing the packets it already held
    before_hidden = hidden.stats()["frames_decoded"]
    before_shown = shown.stats()["frames_decoded"]
    time.sleep(1.0)
    assert hidden.stats()["frames_decoded"] == before_hidden
    assert shown.stats()["frames_decoded"] >= before_shown + 15
    hidden.set_visible(True)  # resumes at the next keyframe (GOP 2 s)
    assert wait_until(lambda: hidden.stats()["frames_decoded"] > before_hidden + 5, 5)


def test_set_size_changes_the_frame_size(make_engine: Make, small_clip: Path) -> None:
    engine = make_engine(workers=1)
    h = engine.open("t1", file_source(small_clip), size=(320, 180))
    assert wait_until(lambda: h.latest() is not None, 5)
    h.set_size(203, 117)  # width rounded down to a multiple of 4, the 16:9 picture fitted
    assert wait_until(lambda: h.latest().image.shape == (112, 200, 4), 3)  # type: ignore
    img = h.latest().image  # type: ignore[union-attr]
    assert img.dtype == np.uint8 and img.flags["C_CONTIGUOUS"]
    h.set_size(640, 360)  # larger than the source: scaled up
    assert wait_until(lambda: h.latest().image.shape == (360, 640, 4), 3)  # type: ignore


def test_masks_are_burned_into_the_delivered_frames(make_engine: Make, small_clip: Path) -> None:
    engine = make_engine(workers=1)
    mask = PrivacyMask(((0.0, 0.0), (0.5, 0.0), (0.5, 0.5), (0.0, 0.5)))
    h = engine.open("t1", file_source(small_clip), size=(320, 180), masks=[mask])
    assert wait_until(lambda: h.latest() is not None, 5)
    img = h.latest().image  # type: ignore[union-attr]
    assert (img[5:85, 5:155] == np.array(MASK_BGRA, np.uint8)).all()
    assert not (img[100:, 170:] == np.array(MASK_BGRA, np.uint8)).all()


def test_reopening_a_tile_keeps_its_feed_and_drops_the_old_source(
        make_engine: Make, small_clip: Path, demo_driver: DemoDriver) -> None:
    """One feed per tile: another source on the tile (another camera, a recording) plays on
    the SAME feed object, so whoever holds it (the tile widget) sees the new frames; the old
    source's frames and states never come out of it again."""
    states: list[tuple[str, int, TileState, str]] = []
    engine = make_engine(workers=2)
    engine.on_state = lambda *a: states.append(a)
    first = engine.open("t1", file_source(small_clip), size=(320, 180))
    assert wait_until(lambda: first.latest() is not None, 5)
    old_frame = first.latest()
    old_generation = first.generation
    second = engine.open("t1", demo_driver.live_source(camera(99), StreamKind.SUB),
                         size=(320, 180))
    assert second is first and engine.tile("t1") is first
    assert first.generation == old_generation + 1
    assert first.latest() is not old_frame  # the old camera's picture never shows again
    assert first.state is TileState.CONNECTING
    assert wait_until(lambda: first.latest() is not None, 10)
    assert first.latest().generation == first.generation  # type: ignore[union-attr]
    assert engine.stats()["sessions"] == 1
    # after the reopen, nothing of the old generation is reported
    reopened_at = next(i for i, s in enumerate(states)
                       if s[1] == first.generation and s[2] is TileState.CONNECTING)
    assert all(s[1] == first.generation for s in states[reopened_at:])


def test_close_and_shutdown_are_fast_and_leave_no_thread(make_engine: Make,
                                                          small_clip: Path) -> None:
    engine = make_engine(workers=2)
    handles = [engine.open(f"t{i}", file_source(small_clip), size=(160, 90)) for i in range(4)]
    assert wait_until(lambda: all(h.latest() is not None for h in handles), 5)
    t0 = time.monotonic()
    engine.close("t0")
    assert time.monotonic() - t0 < 0.5
    feed = engine.tile("t0")
    assert feed is handles[0] and not feed.active and handles[0].latest() is None
    t0 = time.monotonic()
    engine.shutdown()
    assert time.monotonic() - t0 < 1.0
    assert engine.live_threads() == []
    with pytest.raises(RuntimeError):
        engine.open("t9", file_source(small_clip), size=(160, 90))


def test_closing_a_tile_on_a_hung_recorder_does_not_wait_for_timeouts(
        make_engine: Make) -> None:
    """A listener that accepts TCP connections (kernel backlog) and never answers RTSP."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        port = server.getsockname()[1]
        engine = make_engine(workers=1, open_timeout=20.0, read_timeout=20.0)
        source = StreamSource(url=f"rtsp://127.0.0.1:{port}/hung", kind=SourceKind.RTSP,
                              camera_id="c", recorder_id="r")
        h = engine.open("t1", source, size=(160, 90))
        time.sleep(0.5)  # the reader is inside av.open, blocked on DESCRIBE
        assert h.state is TileState.CONNECTING
        t0 = time.monotonic()
        engine.close("t1")
        assert time.monotonic() - t0 < 1.0
        assert engine.live_threads() == [] or wait_until(
            lambda: all(t.name.startswith(("csu-media-worker", "csu-decoder-"))  # the pool's
                        for t in engine.live_threads()),
            1.0)


def test_a_missing_file_is_unreachable_and_retried_with_backoff(
        make_engine: Make, tmp_path: Path, states: StateLog) -> None:
    engine = make_engine(workers=1)
    h = engine.open("t1", file_source(tmp_path / "absent.mp4"), size=(160, 90))
    assert wait_until(lambda: h.stats()["attempts"] >= 3, 5)  # backoff 0.05..0.2 s here
    assert h.state is TileState.UNREACHABLE
    assert "tentative" in h.detail
    assert states.states("t1")[0] is TileState.CONNECTING


def test_corrupt_files_do_not_crash(make_engine: Make, tmp_path: Path, small_clip: Path,
                                    states: StateLog) -> None:
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(np.random.default_rng(3).integers(0, 256, 200_000, np.uint8).tobytes())
    damaged = tmp_path / "damaged.mp4"
    data = bytearray(small_clip.read_bytes())
    rng = np.random.default_rng(4)
    # The mdat (frames) is hit in places; the moov (index) at the end of the file is spared.
    for start in range(len(data) // 10, len(data) * 7 // 10, len(data) // 10):
        data[start:start + 2000] = rng.integers(0, 256, 2000, np.uint8).tobytes()
    damaged.write_bytes(bytes(data))
    engine = make_engine(workers=2)
    bad = engine.open("bad", file_source(garbage), size=(160, 90))
    hurt = engine.open("hurt", file_source(damaged), size=(160, 90))
    assert wait_until(lambda: bad.stats()["attempts"] >= 2, 5)
    assert bad.state in (TileState.LOST, TileState.UNREACHABLE)
    assert wait_until(lambda: hurt.latest() is not None, 5)  # the intact parts still play
    time.sleep(1.0)
    assert engine.live_threads()  # still running, nothing died


def test_keyframes_only_decodes_about_one_frame_per_gop(make_engine: Make,
                                                        small_clip: Path) -> None:
    engine = make_engine(workers=1)
    h = engine.open("t1", file_source(small_clip), size=(160, 90))
    assert wait_until(lambda: h.latest() is not None, 5)
    h.set_keyframes_only(True)
    time.sleep(0.2)
    before = h.stats()["frames_decoded"]
    time.sleep(2.5)  # GOP 2 s: one or two keyframes
    assert 1 <= h.stats()["frames_decoded"] - before <= 3
    h.set_keyframes_only(False)
    assert wait_until(lambda: h.stats()["frames_decoded"] > before + 20, 5)
