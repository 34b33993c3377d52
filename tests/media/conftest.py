"""Fixtures for media tests: real H.264 demo clips and engines that are always shut down."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from csu_wall.media.backoff import Backoff
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.demo import DemoDriver, ensure_clip
from tests.media.helpers import RECORDER, StateLog


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-clips")


@pytest.fixture(scope="session")
def demo_driver(clip_dir: Path) -> DemoDriver:
    return DemoDriver(RECORDER, clip_dir)


@pytest.fixture(scope="session")
def small_clip(clip_dir: Path) -> Path:
    """A real 5-s H.264 clip, 320x180, 25 fps, GOP 50."""
    return ensure_clip(clip_dir / "small.mp4", "tst-small", "Petit clip", 320, 180)


@pytest.fixture()
def states() -> StateLog:
    return StateLog()


@pytest.fixture()
def make_engine(states: StateLog) -> Iterator[Callable[..., MediaEngine]]:
    """Engines made here use a short backoff and are shut down (and checked) after the test."""
    engines: list[MediaEngine] = []

    def make(**kwargs: object) -> MediaEngine:
        kwargs.setdefault("on_state", states)
        kwargs.setdefault("backoff", Backoff(base=0.05, cap=0.2))
        # CSU_WALL_DECODERS=process runs these tests on the decoder processes (as the app)
        kwargs.setdefault("decoders", os.environ.get("CSU_WALL_DECODERS", "thread"))
        engine = MediaEngine(**kwargs)  # type: ignore[arg-type]
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.shutdown(timeout=3.0)
        assert engine.live_threads() == [], "media threads left after shutdown"
