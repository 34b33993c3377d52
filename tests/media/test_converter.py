"""One converter for every stream of a decoder process: streams of one geometry share a
swscale context, each geometry gets its own (the least recently used dropped past the bound),
and a shared context converts exactly as a stream's own would."""

from __future__ import annotations

import av
import numpy as np
import pytest

from csu_wall.media.decode import Converter

pytestmark = pytest.mark.timeout(30)


def _frame(width: int, height: int, shade: int) -> av.VideoFrame:
    rng = np.random.default_rng(shade)
    image = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    return av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p")


def test_streams_of_one_geometry_share_a_context_and_convert_as_their_own_would() -> None:
    shared = Converter(keep=4)
    a, b = _frame(640, 360, 1), _frame(640, 360, 2)
    out_a, out_b = shared.to_bgra(a, 240, 135), shared.to_bgra(b, 240, 135)
    assert len(shared._reformatters) == 1  # one context for both streams
    assert np.array_equal(out_a, Converter().to_bgra(a, 240, 135))
    assert np.array_equal(out_b, Converter().to_bgra(b, 240, 135))
    assert not np.array_equal(out_a, out_b)

    shared.to_bgra(_frame(320, 180, 3), 240, 135)  # another source size
    shared.to_bgra(a, 160, 90)  # another tile size
    assert len(shared._reformatters) == 3
    assert np.array_equal(shared.to_bgra(a, 240, 135), out_a)  # back to the first: same


def test_past_its_bound_the_least_recently_used_geometry_is_dropped() -> None:
    shared = Converter(keep=2)
    frame = _frame(640, 360, 1)
    shared.to_bgra(frame, 240, 135)
    shared.to_bgra(frame, 160, 90)
    shared.to_bgra(frame, 240, 135)  # used again: the 160×90 one is now the oldest
    shared.to_bgra(frame, 320, 180)
    assert [key[-2:] for key in shared._reformatters] == [(240, 135), (320, 180)]
    assert len(Converter()._reformatters) == 0 and Converter()._keep == 1  # a stream's own
