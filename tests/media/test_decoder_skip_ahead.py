"""A decoder process that falls behind skips ahead instead of queueing: once the packet it
decodes has waited longer than its limit, its readers drop what they would queue behind it
(for streams already waiting) and go on from their next keyframe. Checked on the reader's
hand-over itself, with the decoder process's state built in this process."""

from __future__ import annotations

import mmap
import os
import queue
import sys
import threading
from collections.abc import Iterator
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


def test_an_urgent_stream_takes_the_fast_lane_at_its_keyframe_and_is_never_skipped() -> None:
    """A maximised or alarmed tile: while the others' packets wait past the limit, its own
    go by the fast lane (from its next keyframe on, what it left in the inbox dropped)."""
    child, stream, reader = _child_with_stream()
    assert reader.hand(7, _packet(key=True))
    assert reader.hand(7, _packet(key=False))
    _queued(child)  # two packets of it wait in the inbox
    child.behind = child.behind_s + 0.5
    stream.urgent = True  # said by the GUI process ("urgent")

    assert reader.hand(7, _packet(key=False))  # mid-GOP: not yet on the lane, so skipped
    assert _queued(child) == [] and stream.need_key and not stream.fast
    assert reader.hand(7, _packet(key=True))  # its keyframe: on the lane, afresh
    assert [m[0] for m in _queued(child)] == ["fast"]
    lane = list(child.fast)
    assert len(lane) == 1 and lane[0][4] is True and lane[0][7] is True  # flush, fast
    assert stream.fast and stream.epoch == 1  # the two left in the inbox will drop
    for _ in range(5):  # still behind: its packets go on
        assert reader.hand(7, _packet(key=False))
    assert len(child.fast) == 6 and stream.dropped == 1

    stream.urgent = False  # restored: back to the inbox at once
    assert reader.hand(7, _packet(key=False))
    assert not stream.fast and [m[0] for m in _queued(child)] == ["fast"] * 5


def test_an_urgent_stream_with_nothing_waiting_takes_the_lane_at_once() -> None:
    child, stream, reader = _child_with_stream()
    assert reader.hand(7, _packet(key=True))
    _queued(child)
    stream.r_done = stream.r_sent
    stream.urgent = True
    assert reader.hand(7, _packet(key=False))
    lane = list(child.fast)
    assert len(lane) == 1 and lane[0][4] is False and stream.epoch == 0  # no flush mid-GOP


def test_the_main_loop_decodes_the_fast_lane_first_and_drops_what_it_left_behind(
        monkeypatch: pytest.MonkeyPatch) -> None:
    child, stream, _reader = _child_with_stream()
    other = dp._Stream(mmap.mmap(-1, 4096), "other", 4096, (64, 36), Masker(()), None, False,
                       {})
    child.streams[2] = other
    decoded: list[tuple[int, str]] = []
    monkeypatch.setattr(child, "decode", lambda s, number, packet, pts, show, flush:
                        decoded.append((number, packet)))
    stream.epoch, stream.fast = 1, True
    stream.r_sent, stream.f_sent, other.r_sent = 1, 1, 1
    child.inbox.put(("rpkt", 1, 7, "old", False, 0.0, 0, False))  # before the lane: drops
    child.inbox.put(("rpkt", 2, 9, "other", False, 0.0, 0, False))
    child.fast.append(("rpkt", 1, 7, "urgent", True, 0.0, 1, True))
    child.inbox.put(("fast",))
    child.inbox.put(("eof",))
    child.run()
    child.results.close()  # its pipe thread reads the end of the pipe and stops
    assert decoded == [(7, "urgent"), (9, "other")]
    assert stream.dropped == 1 and stream.r_done == 1 and stream.f_done == 1
    assert child.behind > 0  # measured by the other stream's packet, not the urgent one


_senders: list[object] = []


@pytest.fixture(autouse=True)
def _close_senders() -> Iterator[None]:
    yield
    while _senders:
        _senders.pop().close()  # type: ignore[attr-defined]  # the pipe thread stops


class _Batches:
    """The results pipe of a decoder process: each message, as sent."""

    def __init__(self) -> None:
        self.sent: list[list[tuple[object, ...]]] = []

    def send(self, batch: list[tuple[object, ...]]) -> None:
        self.sent.append([m[:2] for m in batch if m[0] == "frame"])

    def close(self) -> None:
        pass


def _loop_with_streams(monkeypatch: pytest.MonkeyPatch, count: int,
                       send_every: float) -> tuple[dp._Child, _Batches]:
    """A decoder process's main loop over ``count`` streams whose decoding is stubbed: each
    packet gives a picture, said as ("frame", key). Its command pipe ends with the test."""
    batches = _Batches()
    commands, sender = Pipe(duplex=False)
    child = dp._Child(commands, batches)  # type: ignore[arg-type]
    _senders.append(sender)
    child.pairs, child.pairing = "off", False
    for key in range(1, count + 1):
        child.streams[key] = dp._Stream(mmap.mmap(-1, 4096), f"s{key}", 4096, (64, 36),
                                        Masker(()), None, False, {})
    monkeypatch.setattr(dp, "SEND_EVERY_S", send_every)

    def decode(s: dp._Stream, *_args: object) -> None:
        s.last = object()

    def deliver(key: int, s: dp._Stream) -> None:
        s.last = None
        child.out.append(("frame", key))

    monkeypatch.setattr(child, "decode", decode)
    monkeypatch.setattr(child, "deliver", deliver)
    return child, batches


def test_a_long_turn_sends_what_it_has_to_say_as_it_goes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One turn of the main loop takes 20 streams' packets: with a send every 0 s, each
    picture goes in its own message; with one every 10 s, all go together at the turn's end."""
    for every, expected in ((0.0, [[("frame", k)] for k in range(1, 21)]),
                            (10.0, [[("frame", k) for k in range(1, 21)]])):
        child, batches = _loop_with_streams(monkeypatch, 20, every)
        for key in range(1, 21):
            child.inbox.put(("rpkt", key, 1, b"", False, 0.0, 0, False))
        child.inbox.put(("eof",))
        child.run()
        assert batches.sent == expected, every


def test_an_urgent_streams_picture_is_sent_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the turn holds, the fast lane's picture is sent as soon as it is decoded."""
    child, batches = _loop_with_streams(monkeypatch, 3, 10.0)
    child.streams[3].urgent = child.streams[3].fast = True
    child.inbox.put(("rpkt", 1, 1, b"", False, 0.0, 0, False))
    child.fast.append(("rpkt", 3, 1, b"", False, 0.0, 0, True))
    child.inbox.put(("rpkt", 2, 1, b"", False, 0.0, 0, False))
    child.inbox.put(("fast",))
    child.inbox.put(("eof",))
    child.run()
    # decoded first (the fast lane) and sent alone at once; the others at the turn's end
    assert batches.sent == [[("frame", 3)], [("frame", 1), ("frame", 2)]]


def test_free_memory_goes_back_once_the_openings_have_settled(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection probed (or a stream closed) asks for a trim; it happens once nothing
    more opened for TRIM_AFTER_S, one trim for a whole layout's openings."""
    child, _stream, _reader = _child_with_stream()
    trims: list[float] = []
    clock = [100.0]
    monkeypatch.setattr(dp.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(dp, "_give_back_free_memory", lambda: trims.append(clock[0]))
    child.trim_if_due()
    assert trims == []  # nothing opened: nothing to give back
    for _ in range(3):  # three connections probed, 0.2 s apart
        child.trim_soon()
        clock[0] += 0.2
        child.trim_if_due()
    assert trims == []
    clock[0] += dp.TRIM_AFTER_S
    child.trim_if_due()
    child.trim_if_due()
    assert trims == [clock[0]]
    child.on_close(("close", 1))  # a stream closed: once more, later
    child.trim_if_due()
    assert len(trims) == 1
    clock[0] += dp.TRIM_AFTER_S
    child.trim_if_due()
    assert len(trims) == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_what_a_thread_freed_under_what_it_still_holds_goes_back_to_the_system() -> None:
    """As a reader's probing: 80 MiB allocated in a thread's arena, all but every 50th
    chunk freed (the arena cannot shrink from its top): trimmed, the pages go back."""
    kept: list[bytes] = []

    def probe() -> None:
        chunks = [bytes(4096) + bytes([i % 251]) for i in range(20_000)]
        kept.extend(chunks[::50])
        chunks.clear()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    before = _rss_mib()
    dp._give_back_free_memory()
    assert before - _rss_mib() > 40, (before, _rss_mib())
    assert len(kept) == 400


def _rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
