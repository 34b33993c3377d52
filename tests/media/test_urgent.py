"""A maximised or alarmed tile's stream is urgent: its decoder hears it at once, every new
decoder of the feed (a switch to the other stream, another source) inherits it, and the
decoding threads take an urgent stream before the streams waiting for them. (The decoder
processes' fast lane: tests/media/test_decoder_skip_ahead.py.)"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from csu_wall.core.model import StreamKind
from csu_wall.media.engine import MediaEngine
from csu_wall.media.pool import DecodePool
from csu_wall.recorders.demo import DemoDriver
from tests.media.helpers import camera, wait_until

pytestmark = pytest.mark.timeout(60)

CAM = camera(7, 640, 360)


@pytest.mark.parametrize("decoders", ["thread", "process"])
def test_a_maximised_or_alarmed_tile_is_urgent_and_every_new_decoder_of_it_too(
    make_engine: Callable[..., MediaEngine], demo_driver: DemoDriver, decoders: str
) -> None:
    engine = make_engine(workers=1, decoders=decoders)
    sub = demo_driver.live_source(CAM, StreamKind.SUB)
    main = demo_driver.live_source(CAM, StreamKind.MAIN)
    main.prepare()  # type: ignore[misc]
    tile = engine.open("t", sub, size=(320, 180))
    assert wait_until(lambda: tile.latest() is not None, 30)
    assert not tile.urgent and not tile._decoder.urgent  # type: ignore[union-attr]

    tile.set_priority(alarmed=True)
    assert tile.urgent and tile._decoder.urgent  # type: ignore[union-attr]
    engine.switch("t", main)  # its other stream: the new decoder is urgent from the start
    assert tile._pending.decoder.urgent  # type: ignore[union-attr]
    assert wait_until(lambda: tile.kind is StreamKind.MAIN and tile.pending_kind is None, 30)
    assert tile._decoder.urgent  # type: ignore[union-attr]
    assert wait_until(lambda: (f := tile.latest()) is not None and f.source_height == 720, 30)

    tile.set_priority(alarmed=False, maximised=True)
    assert tile._decoder.urgent  # type: ignore[union-attr]
    tile.set_priority(maximised=False)
    assert not tile.urgent and not tile._decoder.urgent  # type: ignore[union-attr]
    engine.open("t", sub, size=(320, 180))  # another source on the feed: not urgent
    assert not tile._decoder.urgent  # type: ignore[union-attr]


class _Stream:
    """Stands in for a stream decoder: its turn on a worker is recorded."""

    def __init__(self, name: str, done: list[str], urgent: bool = False,
                 gate: threading.Event | None = None) -> None:
        self.tile_id, self.name, self.done = name, name, done
        self.urgent, self.gate = urgent, gate

    def work(self) -> bool:
        if self.gate is not None:
            assert self.gate.wait(10)
        self.done.append(self.name)
        return False


def test_the_decoding_threads_take_an_urgent_stream_before_those_waiting() -> None:
    pool = DecodePool(workers=1)
    done: list[str] = []
    gate = threading.Event()
    try:
        pool.schedule(_Stream("busy", done, gate=gate))  # type: ignore[arg-type]
        assert wait_until(lambda: pool.queue_depth() == 0, 10)  # the worker holds it
        for stream in (_Stream("a", done), _Stream("b", done),
                       _Stream("maximised", done, urgent=True)):
            pool.schedule(stream)  # type: ignore[arg-type]
        gate.set()
        assert wait_until(lambda: len(done) == 4, 10)
        assert done == ["busy", "maximised", "a", "b"]
    finally:
        pool.shutdown(time.monotonic() + 5.0, time.monotonic)
