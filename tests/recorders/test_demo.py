from __future__ import annotations

import threading
import time
from pathlib import Path

import av
import numpy as np
import pytest

from csu_wall.core.model import Camera, Recorder, StreamKind, StreamProfile
from csu_wall.core.ports import SourceKind
from csu_wall.media.decode import Converter
from csu_wall.recorders._clip import FPS, GOP
from csu_wall.recorders.demo import DemoDriver

REC = Recorder(id="tcg-nvr1", commune_id="tourcoing", driver="demo", host="127.0.0.1")
CAM = Camera(id="tcg-001", name="Parking de la Gare", commune_id="tourcoing",
             recorder_id=REC.id, main=StreamProfile(width=1280, height=720, fps=25),
             sub=StreamProfile(width=640, height=360, fps=25))


def _decode_all(path: Path) -> tuple[list[av.VideoFrame], list[bool]]:
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "h264"
        keys = [bool(p.is_keyframe) for p in c.demux(stream) if p.size]
        c.seek(0)
        frames = list(c.decode(stream))
    return frames, keys


def test_live_source_is_a_looping_realtime_file_prepared_in_the_reader(tmp_path: Path) -> None:
    driver = DemoDriver(REC, tmp_path)
    src = driver.live_source(CAM, StreamKind.SUB)
    assert (src.kind, src.realtime, src.loop) == (SourceKind.FILE, True, True)
    assert src.camera_id == CAM.id and src.recorder_id == REC.id
    assert not Path(src.url).exists()  # nothing is encoded until the session prepares it
    assert src.prepare is not None
    assert driver.live_source(CAM, StreamKind.MAIN).url != src.url


def test_a_demo_clip_encodes_fast_as_real_h264_and_decodes_at_the_asked_size(
        tmp_path: Path) -> None:
    src = DemoDriver(REC, tmp_path).live_source(CAM, StreamKind.SUB)
    t0 = time.perf_counter()
    src.prepare()  # type: ignore[misc]
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.5, f"encoding a 5-s 640x360 clip took {elapsed:.2f} s"  # ~0.4 s here
    frames, keys = _decode_all(Path(src.url))
    assert 4 * FPS <= len(frames) <= 6 * FPS
    assert (frames[0].width, frames[0].height, frames[0].format.name) == (640, 360, "yuv420p")
    assert [i for i, k in enumerate(keys) if k] == list(range(0, len(keys), GOP))
    image = Converter().to_bgra(frames[10], 240, 135)
    assert image.shape == (135, 240, 4) and image.flags["C_CONTIGUOUS"]
    # the camera's name is burned in top-left: that region is far from uniform
    name_region = frames[10].to_ndarray(format="gray")[10:60, 10:300]
    assert name_region.std() > 30
    # two frames differ visibly almost everywhere (drifting background + counter)
    a = frames[10].to_ndarray(format="gray").astype(int)
    b = frames[11].to_ndarray(format="gray").astype(int)
    cells = np.abs(a - b).reshape(9, 40, 16, 40).mean(axis=(1, 3))
    assert (cells > 2.0).mean() > 0.9


def test_each_camera_gets_its_own_clip(tmp_path: Path) -> None:
    driver = DemoDriver(REC, tmp_path)
    other = Camera(id="tcg-002", name="Place de l'Église", commune_id="tourcoing",
                   recorder_id=REC.id, sub=StreamProfile(width=320, height=180))
    mine = Camera(id="tcg-001", name="Parking", commune_id="tourcoing", recorder_id=REC.id,
                  sub=StreamProfile(width=320, height=180))
    images = []
    for cam in (mine, other):
        src = driver.live_source(cam, StreamKind.SUB)
        src.prepare()  # type: ignore[misc]
        images.append(_decode_all(Path(src.url))[0][0].to_ndarray(format="gray"))
    assert np.abs(images[0].astype(int) - images[1].astype(int)).mean() > 10


def test_two_tiles_preparing_the_same_clip_encode_it_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import csu_wall.recorders.demo as demo

    calls: list[Path] = []
    real = demo.encode_clip

    def counting(path: Path, *args: object, **kwargs: object) -> None:
        calls.append(path)
        real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(demo, "encode_clip", counting)
    small = Camera(id="tcg-009", name="Rue", commune_id="tourcoing", recorder_id=REC.id,
                   sub=StreamProfile(width=320, height=180))
    src = DemoDriver(REC, tmp_path).live_source(small, StreamKind.SUB)
    threads = [threading.Thread(target=src.prepare) for _ in range(4)]  # type: ignore[arg-type]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(calls) == 1
    assert Path(src.url).exists()
    assert [p.name for p in tmp_path.iterdir()] == [Path(src.url).name]  # no temp file left
