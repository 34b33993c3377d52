"""Under load, a decoder process decodes each stream's packets two at a time, back to back
(the second decode finds its reference picture in the core's cache), yet says one picture per
packet, in order, each at the turn of the packet after it. Checked on the decoder process's
main-loop state built in this process, with real H.264 and a reference decode of the same
packets."""

from __future__ import annotations

import mmap
from types import SimpleNamespace
from typing import Any

import av
import numpy as np
import pytest

from csu_wall.media import _decoder_process as dp
from csu_wall.media.decode import Converter, DecoderSpec, make_decoder
from csu_wall.media.masks import Masker
from tests.rtsp.media import make_clip

pytestmark = pytest.mark.timeout(60)

TILE = (96, 54)
PERIOD = 0.04  # 25 fps


class _Sink:
    """The results pipe: what the process says, batch by batch."""

    def __init__(self) -> None:
        self.batches: list[list[tuple[Any, ...]]] = []

    def send(self, batch: list[tuple[Any, ...]]) -> None:
        self.batches.append(list(batch))

    def said(self) -> list[tuple[Any, ...]]:
        """The pictures said since the last call (frames with a slot)."""
        out = [m for b in self.batches for m in b if m[0] == "frame" and m[3] >= 0]
        self.batches.clear()
        return out


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[DecoderSpec, list[av.Packet]]:
    path = make_clip(tmp_path_factory.mktemp("pairs") / "clip.h264", 160, 96, 1.2, gop=25)
    with av.open(str(path), format="h264") as container:
        stream = container.streams.video[0]
        return DecoderSpec.of(stream), [p for p in container.demux(stream) if p.size]


def _reference(spec: DecoderSpec, packets: list[av.Packet]) -> list[np.ndarray]:
    """Each packet's picture at the tile's size, decoded alone in order."""
    decoder, converter, out = make_decoder(spec), Converter(), []
    for packet in packets:
        for frame in decoder.decode(packet):
            out.append(converter.to_bgra(frame, *TILE))
    return out


class _Child:
    """A decoder process's state with streams of the clip, driven turn by turn at chosen
    instants; records which stream each decode was for."""

    def __init__(self, spec: DecoderSpec, keys: list[int], pairs: str = "on") -> None:
        self.sink = _Sink()
        self.child = child = dp._Child(None, self.sink)  # type: ignore[arg-type]
        child.pairs, child.pairing = pairs, pairs == "on"
        self.decoded: list[int] = []
        slot = TILE[0] * TILE[1] * 4
        for key in keys:
            s = dp._Stream(mmap.mmap(-1, slot * dp.SLOTS), f"s{key}", slot, TILE, Masker(()),
                           None, False, {}, converter=child.converter, fit=False)
            s.specs[1] = spec
            child.streams[key] = s
        real = child.decode

        def decode(s: dp._Stream, *args: Any) -> None:
            self.decoded.append(next(k for k, v in child.streams.items() if v is s))
            real(s, *args)

        child.decode = decode  # type: ignore[method-assign]

    def turn(self, now: float, *packets: tuple[int, av.Packet]) -> None:
        """One turn of the main loop at ``now``: due work first, then ``packets``."""
        child = self.child
        child.touched, child.now = {}, now
        if child.pending and now >= child.pending_due:
            child.on_time()
        for key, packet in packets:
            child.on_reader_packet(("rpkt", key, 1, packet, False, now, 0, False))
        child.finish_batch()

    def pixels(self, message: tuple[Any, ...]) -> np.ndarray:
        s = self.child.streams[message[1]]
        w, h = message[4], message[5]
        return np.ndarray((h, w, 4), dtype=np.uint8, buffer=s.segment,
                          offset=message[3] * s.slot_bytes).copy()


def test_under_load_packets_are_decoded_in_pairs_and_each_picture_said_at_its_turn(
        clip: tuple[DecoderSpec, list[av.Packet]]) -> None:
    spec, packets = clip
    expected = _reference(spec, packets[:12])
    run = _Child(spec, [1, 2])
    shown: dict[int, list[np.ndarray]] = {1: [], 2: []}
    counts: dict[int, list[int]] = {1: [], 2: []}
    for i in range(12):  # the two streams' packets alternate, each at 25 fps
        for key in (1, 2):
            run.turn(1.0 + i * PERIOD + (key - 1) * PERIOD / 2, (key, packets[i]))
            said = run.sink.said()
            counts[key].append(len(said))
            shown[key] += [run.pixels(m) for m in said]
    for key in (1, 2):
        # a stream's first picture comes at once (its rate is not known yet); its second
        # packet waits for the third; from then on, one picture a packet
        assert counts[key] == [1, 0] + [1] * 10
        # every picture, in order, exactly as decoding alone gives it: pictures 0..10 said,
        # the 12th packet waits for its pair
        assert len(shown[key]) == 11
        for got, want in zip(shown[key], expected, strict=False):
            assert np.array_equal(got, want)
        assert run.child.streams[key].held is not None
    # decoded two at a time, back to back: A0, B0, then A1 A2, B1 B2, A3 A4, B3 B4...
    assert run.decoded == [1, 2] + [1, 1, 2, 2] * 5
    assert run.child.paired == 20


def _said(run: _Child, expected: list[np.ndarray]) -> list[int]:
    """Which expected pictures were said since the last look."""
    return [next(i for i, want in enumerate(expected) if np.array_equal(run.pixels(m), want))
            for m in run.sink.said()]


def _played(clip: tuple[DecoderSpec, list[av.Packet]],
            count: int) -> tuple[_Child, list[np.ndarray], list[list[int]]]:
    """One stream's first ``count`` packets at 25 fps; which pictures each turn said."""
    spec, packets = clip
    expected = _reference(spec, packets[:count + 1])
    run = _Child(spec, [1])
    steps = []
    for i in range(count):
        run.turn(1.0 + i * PERIOD, (1, packets[i]))
        steps.append(_said(run, expected))
    return run, expected, steps


def test_a_packet_waits_for_its_pair_no_longer_than_its_limit(
        clip: tuple[DecoderSpec, list[av.Packet]]) -> None:
    run, expected, steps = _played(clip, 4)
    assert steps == [[0], [], [1], [2]]  # packet 3 waits for its pair
    held_at = 1.0 + 3 * PERIOD
    # the stream stops (hidden, ended): packet 3 is decoded alone at its limit, not before
    run.turn(held_at + dp.PAIR_WAIT_S - 0.01)
    assert _said(run, expected) == [] and run.child.streams[1].held is not None
    run.turn(held_at + dp.PAIR_WAIT_S)
    assert _said(run, expected) == [3]
    assert run.child.pending == {}


def test_a_pictures_turn_comes_at_its_limit_when_no_packet_follows(
        clip: tuple[DecoderSpec, list[av.Packet]]) -> None:
    run, expected, steps = _played(clip, 3)
    assert steps == [[0], [], [1]]  # picture 2 is in its slot, unsaid
    paired_at = 1.0 + 2 * PERIOD
    run.turn(paired_at + dp.PAIR_WAIT_S - 0.01)
    assert _said(run, expected) == []
    run.turn(paired_at + dp.PAIR_WAIT_S)
    assert _said(run, expected) == [2]
    assert run.child.pending == {}


@pytest.mark.parametrize("why", ["urgent", "keyframes only", "slow stream", "not loaded"])
def test_some_streams_are_never_paired(clip: tuple[DecoderSpec, list[av.Packet]],
                                       why: str) -> None:
    """A maximised or alarmed tile, keyframes only, a stream slower than PAIR_WITHIN_S a
    packet, or a process not under load: each picture is said in its packet's own turn."""
    spec, packets = clip
    run = _Child(spec, [1], pairs="off" if why == "not loaded" else "on")
    s = run.child.streams[1]
    s.urgent = why == "urgent"
    period = 2 * dp.PAIR_WITHIN_S if why == "slow stream" else PERIOD
    chosen = packets[:6]
    if why == "keyframes only":
        s.skip = True
        chosen = [p for p in packets if p.is_keyframe][:2]
    for i, packet in enumerate(chosen):
        run.turn(1.0 + i * period, (1, packet))
        assert len(run.sink.said()) == 1, (why, i)
    assert run.child.paired == 0 and run.child.pending == {}


def test_pairing_starts_under_load_and_stops_well_below_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    child = dp._Child(None, _Sink())  # type: ignore[arg-type]
    assert child.pairs == "auto" and not child.pairing
    clock = {"cpu": 0.0, "wall": 100.0}
    monkeypatch.setattr(dp.time, "process_time", lambda: clock["cpu"])
    monkeypatch.setattr(dp.time, "monotonic", lambda: clock["wall"])
    child.load_cpu, child.last_load = 0.0, 100.0

    def period(share: float) -> bool:
        clock["cpu"] += share * dp.LOAD_EVERY_S
        clock["wall"] += dp.LOAD_EVERY_S
        message = child.load()
        assert message[0] == "load" and message[1] == clock["cpu"]
        return child.pairing

    assert [period(x) for x in (0.6, 0.8, 0.7, 0.55, 0.45, 0.7)] == \
        [False, True, True, True, False, False]


def test_the_setting_forces_pairs_on_or_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSU_WALL_DECODER_PAIRS", "on")
    assert dp._Child(None, _Sink()).pairing  # type: ignore[arg-type]
    monkeypatch.setenv("CSU_WALL_DECODER_PAIRS", "off")
    child = dp._Child(None, _Sink())  # type: ignore[arg-type]
    child.last_load -= 1.0
    child.load_cpu -= 1.0  # a busy second
    child.load()
    assert not child.pairing


def _listened_proc(pool: Any) -> Any:
    """The GUI process's side of a decoder process, as its listener thread keeps it, with no
    process behind it: only what a "load" report updates."""
    from csu_wall.media.procpool import _Proc

    proc = _Proc.__new__(_Proc)
    proc.pool = pool
    proc.busy_s = proc.busy_base = proc.busy_rate = 0.0
    proc.busy_at = None
    proc.lag, proc.drops, proc.paired, proc.paired_base = 0.0, 0, 0, 0
    return proc


def test_what_a_process_says_of_its_load_counts_the_pairs() -> None:
    """The GUI process keeps the count across a restart of the process."""
    proc = _listened_proc(SimpleNamespace(monotonic=lambda: 1.0))
    proc.paired_base = 40
    proc._handle(("load", 1.5, 3, 0.2, 10))
    assert (proc.paired, proc.busy_s, proc.drops) == (50, 1.5, 3)


def test_the_pools_busy_share_does_not_depend_on_when_the_processes_report() -> None:
    """Two processes, each 75 % busy, report their CPU time every 0.27 s and 0.31 s on
    their own schedules; the ladder reads the pool every 0.5 s. Every sample says 75 %
    (reports alone said 54-108 %, one report in a sample and two in the next)."""
    from csu_wall.media.procpool import ProcessDecodePool

    clock = [0.0]
    pool = ProcessDecodePool(2, lambda: clock[0])
    procs = [(_listened_proc(pool), period) for period in (0.27, 0.31)]
    pool._procs = [p for p, _ in procs]
    events = sorted((k * period, index) for index, (_, period) in enumerate(procs)
                    for k in range(1, 40))
    samples, last, step = [], None, 0.5
    for t in [step * k for k in range(1, 20)]:
        while events and events[0][0] <= t:
            at, index = events.pop(0)
            clock[0] = at
            procs[index][0]._handle(("load", 0.75 * at, 0, 0.0, 0))
        clock[0] = t
        busy = pool.load_counters()[0]
        if last is not None:
            samples.append((busy - last) / (step * 2))
        last = busy
    assert all(abs(share - 0.75) < 0.02 for share in samples[1:]), samples
    # a process that stops saying anything is not taken to be working for ever
    clock[0] = 60.0
    assert pool.load_counters()[0] < 0.75 * 2 * 12.0


@pytest.mark.parametrize("setting", [("pause", True), ("vis", False)])
def test_paused_or_hidden_a_stream_says_its_picture_now_and_drops_what_waited(
        clip: tuple[DecoderSpec, list[av.Packet]], setting: tuple[str, bool]) -> None:
    """The picture held in its slot is the one of the instant: said at once; a packet
    waiting for its pair is dropped (the stream resumes from a keyframe)."""
    packets = clip[1]
    run, expected, steps = _played(clip, 3)
    assert steps == [[0], [], [1]]  # picture 2 in its slot, unsaid
    run.child.touched, run.child.now = {}, 1.0 + 2.5 * PERIOD
    run.child.on_setting((setting[0], 1, setting[1]))
    run.child.finish_batch()
    assert _said(run, expected) == [2]
    run.turn(1.0 + 3 * PERIOD, (1, packets[3]))  # in flight when it was paused: waits
    run.child.on_setting((setting[0], 1, setting[1]))
    assert run.child.streams[1].held is None
    run.turn(1.0 + 3 * PERIOD + 2 * dp.PAIR_WAIT_S)
    assert _said(run, expected) == []  # nothing decoded after the instant it was held
