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


def _at(seq: int, decoded_at: float, generation: int = 1) -> Frame:
    return Frame(image=np.zeros((2, 4, 4), np.uint8), generation=generation, seq=seq,
                 pts=None, decoded_at=decoded_at, source_width=4, source_height=2)


def test_a_frame_replaced_in_a_burst_is_shown_one_turn_late_not_lost() -> None:
    box = Mailbox(generation=1)
    box.put(_at(1, 10.000))
    assert box.next_frame().seq == 1  # type: ignore[union-attr]
    # a busy decoder delivers two frames of the stream 5 ms apart, between two turns
    box.put(_at(2, 10.040))
    box.put(_at(3, 10.045))
    assert box.latest().seq == 3  # type: ignore[union-attr]  # the newest is unchanged
    assert box.next_frame().seq == 2  # type: ignore[union-attr]  # this turn: the older
    assert box.next_frame().seq == 3  # type: ignore[union-attr]  # the next: the newest
    assert box.next_frame().seq == 3  # type: ignore[union-attr]  # then it stays


def test_only_one_frame_is_held_and_only_in_a_burst() -> None:
    box = Mailbox(generation=1)
    box.put(_at(1, 10.000))
    box.put(_at(2, 10.060))  # the render loop missed more than a frame: simply replaced
    assert box.next_frame().seq == 2  # type: ignore[union-attr]
    for seq, at in ((3, 10.080), (4, 10.082), (5, 10.084)):  # three in a burst
        box.put(_at(seq, at))
    assert [box.next_frame().seq for _ in range(3)] == [4, 5, 5]  # type: ignore[union-attr]
    box.put(_at(6, 10.120))
    assert box.next_frame().seq == 6  # type: ignore[union-attr]
    box.put(_at(7, 10.121))  # a frame already shown is not held, however close the next
    assert box.next_frame().seq == 7  # type: ignore[union-attr]


def test_a_new_generation_or_a_clear_forgets_the_held_frame() -> None:
    box = Mailbox(generation=1)
    box.put(_at(1, 10.000))
    box.put(_at(2, 10.001))
    box.reset(2)
    assert box.next_frame() is None
    box.put(_at(1, 11.000, generation=2))
    box.put(_at(2, 11.001, generation=2))
    box.clear()
    assert box.next_frame() is None
    box.put(_at(3, 12.000, generation=2))
    box.put(_at(4, 12.001, generation=2))
    box.promote(_at(1, 12.002, generation=3))
    assert box.next_frame().generation == 3  # type: ignore[union-attr]


def test_news_says_whether_the_next_turn_has_a_frame_to_take() -> None:
    """The render loop asks only mailboxes with news for their frame: news from a frame put
    until the turn that takes the newest (a burst's held frame first), none after a reset,
    a clear or a refused frame, news again with a promoted one."""
    box = Mailbox(generation=1)
    assert not box.news
    box.put(_at(1, 10.000))
    assert box.news
    assert box.next_frame().seq == 1 and not box.news  # type: ignore[union-attr]
    box.put(_at(2, 10.040))
    box.put(_at(3, 10.045))  # a burst: 2 is held for this turn, 3 is for the next
    assert box.next_frame().seq == 2 and box.news  # type: ignore[union-attr]
    assert box.next_frame().seq == 3 and not box.news  # type: ignore[union-attr]
    assert box.put(_at(1, 10.050, generation=0)) is False and not box.news  # refused
    box.put(_at(4, 10.080))
    box.reset(2)
    assert not box.news
    box.put(_at(1, 11.000, generation=2))
    box.clear()
    assert not box.news
    box.promote(_at(1, 12.000, generation=3))
    assert box.news
    assert box.next_frame().generation == 3 and not box.news  # type: ignore[union-attr]
