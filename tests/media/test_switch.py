"""Main/sub switching with no black frame, on two real demo clips (640x360 sub, 1280x720
main, encoded by the demo driver)."""

from __future__ import annotations

import time
from collections.abc import Callable

from csu_wall.core.model import StreamKind
from csu_wall.media.engine import MediaEngine
from csu_wall.media.ladder import Rung
from csu_wall.recorders.demo import DemoDriver
from tests.media.helpers import camera, wait_until

CAM = camera(7, 640, 360)


def test_switch_sub_to_main_and_back_never_shows_nothing(
    make_engine: Callable[..., MediaEngine], demo_driver: DemoDriver
) -> None:
    engine = make_engine(workers=2)
    sub = demo_driver.live_source(CAM, StreamKind.SUB)
    main = demo_driver.live_source(CAM, StreamKind.MAIN)
    main.prepare()  # type: ignore[misc]  # encode the clip now, not during the switch
    tile = engine.open("t", sub, size=(320, 180))
    assert wait_until(lambda: tile.latest() is not None, 30)
    assert tile.rung is Rung.SD and tile.latest().source_height == 360  # type: ignore[union-attr]
    for target, height, rung in ((main, 720, Rung.HQ), (sub, 360, Rung.SD)):
        old_generation = tile.generation
        assert engine.switch("t", target) is tile
        assert tile.pending_kind is target.stream
        deadline = time.monotonic() + 20
        polls = 0
        while time.monotonic() < deadline:
            frame = tile.latest()
            polls += 1
            assert frame is not None, "the tile went black during the switch"
            if frame.source_height == height:
                break
        else:
            raise AssertionError("the new stream never replaced the old one")
        assert polls > 10
        assert tile.generation > old_generation and tile.kind is target.stream
        assert tile.pending_kind is None and tile.rung is rung
        assert frame.width == 320 and frame.height == 180  # still scaled to the tile
        # the old stream is gone: its late frames are refused, only the new one plays
        time.sleep(0.3)
        latest = tile.latest()
        assert latest is not None and latest.source_height == height
        assert latest.generation == tile.generation
    assert engine.stats()["sessions"] == 1


def test_states_of_the_pending_stream_stay_hidden_until_it_plays(
    make_engine: Callable[..., MediaEngine], demo_driver: DemoDriver, states
) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(workers=2)
    tile = engine.open("t", demo_driver.live_source(CAM, StreamKind.SUB), size=(320, 180))
    assert wait_until(lambda: tile.latest() is not None, 30)
    calls_before = len(states.calls)
    engine.switch("t", demo_driver.live_source(CAM, StreamKind.MAIN))
    assert wait_until(lambda: tile.kind is StreamKind.MAIN, 30)
    time.sleep(0.2)
    # no "connecting" of the pending stream reached the tile while the sub stream played
    assert all(c[2].value != "connecting" for c in states.calls[calls_before:])


def test_closing_during_a_switch_stops_both_streams(
    make_engine: Callable[..., MediaEngine], demo_driver: DemoDriver
) -> None:
    engine = make_engine(workers=1)
    tile = engine.open("t", demo_driver.live_source(CAM, StreamKind.SUB), size=(320, 180))
    engine.switch("t", demo_driver.live_source(CAM, StreamKind.MAIN))
    t0 = time.monotonic()
    engine.close("t")
    assert time.monotonic() - t0 < 3.5
    assert tile.latest() is None
    assert wait_until(lambda: all(not t.name.startswith("csu-media-reader")
                                  for t in engine.live_threads()), 3)
