"""Decoder processes (csu_wall/media/procpool.py): frames decoded outside this process reach
the tile's feed as they did from threads — at tile size, masked, zoomed on source pixels,
snapshots at full resolution — and a decoder process that dies (SIGKILL here, standing in
for a crash inside FFmpeg) is restarted while the other tiles go on. Real H.264 (the demo
clips and the loopback RTSP server), processes started with ``spawn``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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
from csu_wall.media.procpool import ProcessDecodePool
from tests.media.helpers import RECORDER, StateLog, file_source, wait_until
from tests.rtsp.fixture import RtspServer

pytestmark = pytest.mark.timeout(120)

GOP_S = 1.0  # the RTSP clips below: one IDR a second at 25 fps


def test_frames_zoom_snapshot_and_masks_cross_the_process_boundary(
        make_engine: Callable[..., MediaEngine], small_clip: Path) -> None:
    engine = make_engine(workers=2, decoders="process")
    assert isinstance(engine.pool, ProcessDecodePool)
    mask = PrivacyMask(((0.0, 0.0), (0.5, 0.0), (0.5, 0.5), (0.0, 0.5)))
    feed = engine.open("t0", file_source(small_clip), size=(160, 90), masks=[mask])
    assert wait_until(lambda: feed.latest() is not None and feed.state is TileState.LIVE, 20)
    frame = feed.latest()
    assert frame is not None and frame.image.shape == (90, 160, 4)
    assert frame.source_width == 320 and frame.source_height == 180
    assert (frame.image[5:40, 5:75] == np.array(MASK_BGRA, np.uint8)).all()  # masked
    assert not (frame.image[50:, 85:] == np.array(MASK_BGRA, np.uint8)).all()
    seqs = set()
    assert wait_until(lambda: seqs.add(feed.latest().seq) or len(seqs) > 10, 10)  # type: ignore
    # a bigger tile: a new segment, frames at the new size
    feed.set_size(320, 180)
    assert wait_until(lambda: (f := feed.latest()) is not None and f.image.shape[1] == 320, 10)
    # zoom on source pixels: the bottom-right quarter holds no mask
    feed.set_view((0.5, 0.5, 0.5, 0.5))
    assert wait_until(lambda: (f := feed.latest()) is not None and not (
        f.image[:20, :20] == np.array(MASK_BGRA, np.uint8)).all(), 10)
    snap = feed.snapshot(10.0)
    assert snap.image.shape == (180, 320, 4)
    assert (snap.image[5:80, 5:150] == np.array(MASK_BGRA, np.uint8)).all()
    assert engine.stats()["frames_decoded"] > 10


def _rtsp(url: str, camera: str) -> StreamSource:
    return StreamSource(url=url, kind=SourceKind.RTSP, camera_id=camera,
                        recorder_id=RECORDER.id, stream=StreamKind.SUB)


@pytest.mark.rtsp
def test_a_killed_decoder_process_is_restarted_and_only_its_tiles_blink(
        make_engine: Callable[..., MediaEngine], rtsp_server: Callable[..., RtspServer],
        states: StateLog) -> None:
    server = rtsp_server({f"c{i}": {"kind": "file", "width": 320, "height": 180, "gop": 25,
                                    "label": f"CAM {i}"} for i in range(4)})
    engine = make_engine(workers=2, decoders="process")
    feeds = [engine.open(f"t{i}", _rtsp(server.url(f"c{i}"), f"c{i}"), size=(160, 90))
             for i in range(4)]
    assert wait_until(lambda: all(f.latest() is not None for f in feeds), 30)
    pool = engine.pool
    assert isinstance(pool, ProcessDecodePool)
    victim = pool.processes()[0]
    pid = victim.pid
    assert pid is not None
    victims = {f.tile_id for f in feeds if f._decoder.proc.process is victim}  # type: ignore
    others = [f for f in feeds if f.tile_id not in victims]
    assert victims and others
    before = {f.tile_id: f.latest() for f in feeds}
    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    # the victim's tiles say they are reconnecting, then are live again within GOP + 2 s
    assert wait_until(lambda: any(e[0] in victims and e[2] is TileState.LOST
                                  for e in states.calls), 10)
    assert wait_until(lambda: all(
        (f := next(x for x in feeds if x.tile_id == t)).state is TileState.LIVE
        and f.latest() is not before[t] for t in victims), 10)
    back_in = time.monotonic() - killed_at
    assert back_in <= GOP_S + 2.0 + 3.0  # generous on a loaded machine
    # the other tiles never stopped: new frames all along
    assert all(f.latest() is not before[f.tile_id] for f in others)
    assert pool.processes()[0].pid != pid and all(p.is_alive() for p in pool.processes())
    # only the victim's sessions reconnected (their connections lived in the dead
    # process), once each and at once (no backoff: the camera was not at fault); the
    # others kept theirs
    assert pool.remote_readers
    sessions = engine._sessions
    assert all(sessions[t].connections == 2 and sessions[t].attempts == 0 for t in victims)
    assert all(sessions[f.tile_id].connections == 1 for f in others)


@pytest.mark.rtsp
def test_readers_in_this_process_keep_their_connections_when_a_decoder_dies(
        make_engine: Callable[..., MediaEngine], rtsp_server: Callable[..., RtspServer],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSU_WALL_READERS", "gui")  # the older way, kept to compare
    server = rtsp_server({f"c{i}": {"kind": "file", "width": 320, "height": 180, "gop": 25,
                                    "label": f"CAM {i}"} for i in range(2)})
    engine = make_engine(workers=2, decoders="process")
    pool = engine.pool
    assert isinstance(pool, ProcessDecodePool) and not pool.remote_readers
    feeds = [engine.open(f"t{i}", _rtsp(server.url(f"c{i}"), f"c{i}"), size=(160, 90))
             for i in range(2)]
    assert wait_until(lambda: all(f.latest() is not None for f in feeds), 30)
    victim = pool.processes()[0]
    before = {f.tile_id: f.latest() for f in feeds}
    os.kill(victim.pid, signal.SIGKILL)  # type: ignore[arg-type]
    assert wait_until(lambda: all(f.state is TileState.LIVE and f.latest() is not
                                  before[f.tile_id] for f in feeds), 15)
    assert wait_until(lambda: pool.processes()[0].pid != victim.pid, 5)
    assert engine.stats()["reconnects"] == 0


_APP_LIKE_MAIN = '''\
import os
import sys

import PySide6.QtWidgets  # noqa: F401  (the GUI, as the benchmark's main module loads it)

from csu_wall.media.engine import MediaEngine
from tests.media.helpers import file_source, wait_until


def main() -> None:
    engine = MediaEngine(1, decoders="process")
    feed = engine.open("t0", file_source(sys.argv[1]), size=(160, 90))
    ok = wait_until(lambda: feed.latest() is not None, 30)
    print("frame" if ok else "no frame", os.getpid(), *[p.pid for p in engine.pool.processes()],
          flush=True)
    sys.stdin.readline()
    engine.shutdown()


if __name__ == "__main__":
    main()
'''


def _maps(pid: int) -> str:
    with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as maps:
        return maps.read()


def test_a_decoder_process_does_not_load_the_gui_of_the_script_that_started_it(
        small_clip: Path, tmp_path: Path) -> None:
    """``spawn`` runs the parent's main module again in each child; the decoder processes
    leave it out: a main script importing Qt (as the benchmark's does; the ``csu-wall``
    script imports the whole application) still gets decoder processes that decode, and map
    no Qt library."""
    script = tmp_path / "app_like_main.py"
    script.write_text(_APP_LIKE_MAIN, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "QT_QPA_PLATFORM": "offscreen"}
    with subprocess.Popen(["timeout", "90", sys.executable, str(script), str(small_clip)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                          cwd=tmp_path) as proc:
        assert proc.stdout is not None and proc.stdin is not None
        words = proc.stdout.readline().split()
        try:
            assert words and words[0] == "frame", words
            main, decoder = int(words[1]), int(words[2])
            assert "libQt6" in _maps(main)  # the script did load Qt
            maps = _maps(decoder)
            assert "libavcodec" in maps  # the decoder loop runs there
            assert "libQt6" not in maps and "PySide6" not in maps
        finally:
            proc.stdin.write("\n")
            proc.stdin.close()
        assert proc.wait(30) == 0
