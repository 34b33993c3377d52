from __future__ import annotations

import random
import threading

import pytest

from csu_wall.media.backoff import Backoff
from csu_wall.media.pacer import Pacer


def test_ceiling_doubles_from_base_and_is_capped() -> None:
    b = Backoff(base=0.5, cap=30.0)
    assert [b.ceiling(n) for n in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert b.ceiling(1000) == 30.0


def test_full_jitter_draws_within_zero_and_the_ceiling() -> None:
    calls: list[tuple[float, float]] = []

    def uniform(lo: float, hi: float) -> float:
        calls.append((lo, hi))
        return hi  # the worst case

    b = Backoff(base=0.5, cap=30.0, uniform=uniform)
    assert [b.delay(n) for n in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert all(lo == 0.0 for lo, _ in calls)


def test_delays_are_spread_over_the_whole_range() -> None:
    b = Backoff(base=0.5, cap=30.0, uniform=random.Random(7).uniform)
    draws = [b.delay(10) for _ in range(2000)]
    assert 0.0 <= min(draws) < 1.0 and 29.0 < max(draws) <= 30.0


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        Backoff(base=0.0)
    with pytest.raises(ValueError):
        Backoff(base=2.0, cap=1.0)


def test_failures_are_counted_per_camera_whichever_session_failed() -> None:
    b = Backoff(base=1.0, cap=8.0, uniform=lambda lo, hi: hi)
    assert b.wait("nvr/a", 0.0) == 0.0 and b.failures("nvr/a") == 0
    assert b.failed("nvr/a", 0.0) == 1.0  # one session fails
    assert b.failed("nvr/a", 0.5) == 2.0  # another session of the camera fails: 2 s from now
    assert b.wait("nvr/a", 1.5) == 1.0  # a new session waits for the camera's next attempt
    assert b.failed("nvr/a", 3.0) == 4.0 and b.failures("nvr/a") == 3
    assert b.wait("nvr/b", 3.0) == 0.0  # another camera is not held back


def test_an_earlier_schedule_never_shortens_a_later_one() -> None:
    draws = iter([5.0, 0.1])
    b = Backoff(base=1.0, cap=8.0, uniform=lambda lo, hi: next(draws))
    assert b.failed("k", 0.0) == 5.0
    assert b.failed("k", 1.0) == 4.0  # drew 0.1 s, but the camera's next attempt is at 5 s


def test_only_a_healthy_stream_forgets_the_failures() -> None:
    b = Backoff(base=1.0, cap=8.0, uniform=lambda lo, hi: hi, healthy_after=2.5)
    assert b.healthy_after == 2.5
    for t in range(3):
        b.failed("k", float(t))
    b.healthy("k")
    assert b.failures("k") == 0 and b.wait("k", 0.0) == 0.0 and b.failed("k", 10.0) == 1.0


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def monotonic(self) -> float:
        return self.t

    def now_utc(self):  # type: ignore[no-untyped-def]
        raise NotImplementedError


class _Stream:
    time_base = None
    average_rate = 25
    guessed_rate = 25


def test_pacer_targets_follow_timestamps_and_reanchor_at_a_loop() -> None:
    clock = FakeClock()
    pacer = Pacer(clock, threading.Event(), _Stream())  # type: ignore[arg-type]
    assert pacer.target(0.0, clock.t) == 100.0
    assert pacer.target(1.0, clock.t) == pytest.approx(101.0)
    assert pacer.target(3.0, clock.t) == pytest.approx(103.0)
    assert pacer.target(4.96, clock.t) == pytest.approx(104.96)
    # a jump of more than 2 s is a discontinuity: the next frame follows the last one
    assert pacer.target(9.0, clock.t) == pytest.approx(105.0)
    assert pacer.target(0.0, clock.t) == pytest.approx(105.04)  # and so is a reset
    pacer.restart()  # the file loops: timestamps start again at 0
    assert pacer.target(0.0, clock.t) == pytest.approx(105.08)
    assert pacer.target(0.04, clock.t) == pytest.approx(105.12)


def test_pacer_does_not_burst_after_falling_far_behind() -> None:
    clock = FakeClock()
    pacer = Pacer(clock, threading.Event(), _Stream())  # type: ignore[arg-type]
    pacer.target(0.0, clock.t)
    clock.t += 10.0  # the machine was suspended
    assert pacer.target(0.04, clock.t) == clock.t
    assert pacer.target(0.08, clock.t) == pytest.approx(clock.t + 0.04)
