"""When a tile's picture is stale (shown with its age and a veil): STALE_AFTER_S after the last
picture, and on the keyframes-only rung STALE_AFTER_S after the next keyframe was due — a
keyframe a few milliseconds after its GOP does not flash the veil."""

from __future__ import annotations

import numpy as np
import pytest

from csu_wall.core.feed import Rung
from csu_wall.core.frames import Frame
from csu_wall.gui.tile_picture import STALE_AFTER_S, TilePicture

pytestmark = pytest.mark.timeout(30)

TICK = 0.02  # the render loop's period


class _Feed:
    """What the picture reads of a tile's feed: the newest frame, the rung, recording."""

    def __init__(self, rung: Rung) -> None:
        self.rung = rung
        self.recording = False
        self.frame: Frame | None = None
        self.seq = 0

    def arrive(self, at: float) -> None:
        self.seq += 1
        self.frame = Frame(image=np.zeros((90, 160, 4), dtype=np.uint8), generation=0,
                           seq=self.seq, pts=None, decoded_at=at, source_width=640,
                           source_height=360, keyframe=True)

    def next_frame(self) -> Frame | None:
        return self.frame

    @property
    def news(self) -> bool:
        return self.frame is not None


def _play(feed: _Feed, arrivals: list[float], until: float) -> list[tuple[float, int | None]]:
    """Pulls every tick from 0 to ``until``, pictures arriving at ``arrivals``; the ages seen
    (instant, age) whenever the age changed."""
    picture = TilePicture()
    pending = sorted(arrivals)
    seen: list[tuple[float, int | None]] = []
    age: int | None = None
    for step in range(int(until / TICK) + 1):
        now = step * TICK
        while pending and pending[0] <= now:
            feed.arrive(pending.pop(0))
        picture.pull(feed, now, False, lambda: ((160, 90), 1.0))  # type: ignore[arg-type]
        if picture.age_s != age:
            age = picture.age_s
            seen.append((round(now, 2), age))
    return seen


def test_keyframes_only_a_keyframe_just_after_its_gop_shows_no_age_a_late_one_does() -> None:
    # a 2 s GOP; each keyframe comes 30 ms after the GOP (network, decoding)
    arrivals = [0.0, 2.03, 4.06, 6.09]
    assert _play(_Feed(Rung.I), arrivals, until=8.0) == []
    # then nothing: stale once the next keyframe (due at 8.12) is STALE_AFTER_S late
    seen = _play(_Feed(Rung.I), arrivals, until=11.0)
    assert seen and seen[0][1] is not None
    assert 6.09 + 2.03 + STALE_AFTER_S <= seen[0][0] <= 6.09 + 2.03 + STALE_AFTER_S + 2 * TICK


def test_every_frame_a_picture_is_stale_two_seconds_after_it_came() -> None:
    arrivals = [i * 0.04 for i in range(50)]  # 25 fps for 2 s, then nothing
    seen = _play(_Feed(Rung.SD), arrivals, until=5.0)
    assert seen[0][1] is not None
    assert 1.96 + STALE_AFTER_S <= seen[0][0] <= 1.96 + STALE_AFTER_S + 2 * TICK
    # the same picture times on the keyframes-only rung with a 40 ms "GOP" stay as prompt
    seen_i = _play(_Feed(Rung.I), arrivals, until=5.0)
    assert seen_i[0][0] <= 1.96 + 0.04 + STALE_AFTER_S + 2 * TICK


class _CountingFeed(_Feed):
    """A feed that counts how often its frame is asked for, with news only on arrivals."""

    def __init__(self) -> None:
        super().__init__(Rung.SD)
        self.asked = 0
        self._news = False

    def arrive(self, at: float) -> None:
        super().arrive(at)
        self._news = True

    @property
    def news(self) -> bool:
        return self._news

    def next_frame(self) -> Frame | None:
        self.asked += 1
        self._news = False
        return self.frame


def test_a_feed_without_news_is_not_asked_for_its_frame() -> None:
    """50 turns a second, 25 frames: the turns between frames take no lock; the age still
    comes once the picture is stale."""
    feed = _CountingFeed()
    picture = TilePicture()
    arrivals = [i * 0.04 for i in range(25)]  # one second at 25 fps, then nothing
    ages = set()
    for step in range(int(4.0 / TICK)):
        now = step * TICK
        while arrivals and arrivals[0] <= now:
            feed.arrive(arrivals.pop(0))
        picture.pull(feed, now, False, lambda: ((160, 90), 1.0))  # type: ignore[arg-type]
        ages.add(picture.age_s)
    assert feed.asked == 25
    assert picture.frame is feed.frame
    assert ages == {None, 2, 3}  # stale STALE_AFTER_S after the last picture (at 0.96 s)
