"""A decoder process that falls behind skips ahead instead of queueing: once the packet it
decodes has waited longer than its limit, its readers drop what they would queue behind it
(for streams already waiting) and go on from their next keyframe. Checked on the reader's
hand-over itself, with the decoder process's state built in this process."""

from __future__ import annotations

import mmap
import queue
from multiprocessing import Pipe

import av
import pytest

from csu_wall.media import _decoder_process as dp
from csu_wall.media.masks import Masker

pytestmark = pytest.mark.timeout(30)


def _child_with_stream() -> tuple[dp._Child, dp._Stream, dp._Reader]:
    a, b = Pipe()
    child = dp._Child(a, b)
    stream = dp._Stream(mmap.mmap(-1, 4096), "test", 4096, (64, 36), Masker(()), None, False,
                        {})
    child.streams[1] = stream
    reader = dp._Reader(child, 1, 1, "file.mp4", None, {}, 1.0, 1.0, {"file": True})
    return child, stream, reader


def _packet(key: bool) -> av.Packet:
    packet = av.Packet(b"\x00\x00\x00\x01\x65" if key else b"\x00\x00\x00\x01\x41")
    packet.is_keyframe = key
    return packet


def _queued(child: dp._Child) -> list[tuple[object, ...]]:
    out = []
    while True:
        try:
            out.append(child.inbox.get_nowait())
        except queue.Empty:
            return out


def test_behind_its_limit_a_waiting_stream_skips_to_its_next_keyframe() -> None:
    child, stream, reader = _child_with_stream()
    assert reader.hand(7, _packet(key=True))  # the first keyframe goes
    assert reader.hand(7, _packet(key=False))
    assert [m[0] for m in _queued(child)] == ["rpkt", "rpkt"]
    assert stream.r_sent == 2 and stream.r_done == 0  # both wait for decoding

    child.behind = child.behind_s + 0.1  # the packet decoded now waited too long
    assert reader.hand(7, _packet(key=False))
    assert _queued(child) == [] and stream.dropped == 1 and stream.need_key
    assert child.drops == 1  # said to the ladder as packets thrown away
    assert reader.hand(7, _packet(key=False))  # still behind: nothing until a keyframe
    assert _queued(child) == [] and stream.dropped == 2

    stream.r_done = stream.r_sent  # the queue drained; the next keyframe starts afresh
    child.behind = 0.0
    assert reader.hand(7, _packet(key=False))  # not a keyframe: still dropped
    assert _queued(child) == []
    assert reader.hand(7, _packet(key=True))
    queued = _queued(child)
    assert [m[0] for m in queued] == ["rpkt"] and queued[0][4] is True  # flush: afresh


def test_a_stream_with_nothing_waiting_still_hands_on_while_the_process_is_behind() -> None:
    """Its packet is the only one of its tile in the queue: dropping it would starve the
    tile while the others' backlog drains."""
    child, stream, reader = _child_with_stream()
    assert reader.hand(7, _packet(key=True))
    _queued(child)
    stream.r_done = stream.r_sent
    child.behind = child.behind_s + 1.0
    assert reader.hand(7, _packet(key=False))
    assert [m[0] for m in _queued(child)] == ["rpkt"] and stream.dropped == 0


def test_the_limit_is_a_second_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CSU_WALL_DECODER_BEHIND", raising=False)
    assert _child_with_stream()[0].behind_s == 1.0
    monkeypatch.setenv("CSU_WALL_DECODER_BEHIND", "2.5")  # to try another limit
    assert _child_with_stream()[0].behind_s == 2.5
