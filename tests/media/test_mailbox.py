from __future__ import annotations

import numpy as np

from csu_wall.core.frames import Frame
from csu_wall.media.mailbox import Mailbox


def _frame(generation: int, seq: int) -> Frame:
    return Frame(image=np.zeros((2, 4, 4), np.uint8), generation=generation, seq=seq, pts=None,
                 decoded_at=0.0, source_width=4, source_height=2)


def test_newest_frame_wins_and_reading_does_not_consume() -> None:
    box = Mailbox(generation=1)
    assert box.latest() is None
    box.put(_frame(1, 1))
    box.put(_frame(1, 2))
    assert box.latest() is not None and box.latest().seq == 2  # type: ignore[union-attr]
    assert box.latest().seq == 2  # type: ignore[union-attr]
    assert box.replaced == 1


def test_an_older_frame_never_replaces_a_newer_one() -> None:
    box = Mailbox(generation=1)
    box.put(_frame(1, 5))
    assert box.put(_frame(1, 4)) is False
    assert box.latest().seq == 5  # type: ignore[union-attr]


def test_frames_of_a_stale_generation_are_dropped() -> None:
    box = Mailbox(generation=1)
    box.put(_frame(1, 1))
    box.reset(2)
    assert box.latest() is None  # the old camera's picture is gone at once
    assert box.put(_frame(1, 2)) is False  # a late frame of the old generation
    assert box.latest() is None
    assert box.dropped_stale == 1
    assert box.put(_frame(2, 1)) is True
    assert box.latest(generation=2) is not None
    assert box.latest(generation=1) is None  # an old handle sees nothing
