"""The quality switcher (main/sub by tile size), on an injected clock."""

from __future__ import annotations

import pytest

from csu_wall.core.model import StreamKind
from csu_wall.media.quality import QualitySwitcher, initial_kind

MAIN, SUB = StreamKind.MAIN, StreamKind.SUB


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture()
def clock() -> Clock:
    return Clock()


def test_initial_choice_by_size() -> None:
    assert initial_kind(270, 360) is SUB
    assert initial_kind(433, 360) is MAIN
    assert initial_kind(400, 0) is SUB  # unknown sub height: 360 assumed


def test_grows_to_main_only_after_the_minimum_interval(clock: Clock) -> None:
    q = QualitySwitcher(clock, min_interval=5.0)
    q.start("t", SUB)
    clock.t += 1
    assert q.decide("t", height_px=800, sub_height=360) is SUB  # too soon after the open
    clock.t += 4
    assert q.decide("t", height_px=800, sub_height=360) is MAIN


def test_hysteresis_between_the_two_thresholds(clock: Clock) -> None:
    q = QualitySwitcher(clock, min_interval=0.0)
    q.start("t", SUB)
    for h in (300, 360, 420, 432):  # up to 1.2x: still sub
        assert q.decide("t", height_px=h, sub_height=360) is SUB
    assert q.decide("t", height_px=433, sub_height=360) is MAIN
    for h in (420, 360, 300, 288):  # down to 0.8x: still main
        assert q.decide("t", height_px=h, sub_height=360) is MAIN
    assert q.decide("t", height_px=287, sub_height=360) is SUB


def test_size_changes_never_switch_faster_than_the_interval(clock: Clock) -> None:
    q = QualitySwitcher(clock, min_interval=5.0)
    q.start("t", SUB)
    kinds = []
    for i in range(200):  # a tile resized up and down every 0.1 s for 20 s
        clock.t += 0.1
        kinds.append(q.decide("t", height_px=800 if i % 2 else 100, sub_height=360))
    switches = sum(1 for a, b in zip(kinds, kinds[1:], strict=False) if a is not b)
    assert switches <= 20 / 5.0


def test_maximise_and_restore_are_immediate(clock: Clock) -> None:
    q = QualitySwitcher(clock, min_interval=5.0)
    q.start("t", SUB)
    clock.t += 0.1
    assert q.decide("t", height_px=1000, sub_height=360, maximised=True) is MAIN
    clock.t += 0.1
    assert q.decide("t", height_px=200, sub_height=360, maximised=False) is SUB
    clock.t += 0.1  # a maximised tile is main whatever its size says
    assert q.decide("t", height_px=100, sub_height=360, maximised=True) is MAIN
    assert q.decide("t", height_px=100, sub_height=360, maximised=True) is MAIN


def test_restore_of_a_large_tile_keeps_main(clock: Clock) -> None:
    q = QualitySwitcher(clock, min_interval=5.0)
    q.start("t", SUB)
    assert q.decide("t", height_px=1000, sub_height=360, maximised=True) is MAIN
    assert q.decide("t", height_px=500, sub_height=360, maximised=False) is MAIN


def test_forget_and_first_decision(clock: Clock) -> None:
    q = QualitySwitcher(clock)
    assert q.decide("t", height_px=700, sub_height=360) is MAIN
    q.forget("t")
    assert q.current("t") is None
    assert q.decide("t", height_px=200, sub_height=360) is SUB
    with pytest.raises(ValueError):
        QualitySwitcher(clock, up_ratio=1.0, down_ratio=1.0)
