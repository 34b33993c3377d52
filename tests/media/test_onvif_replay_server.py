"""Recorded video as recorders really send it, against an ONVIF replay server written from the
ONVIF Streaming Specification (tests/rtsp/onvif_replay_server.py), not from the client:
refusals, the end and the edges of a recording, gaps, exact positions, ``Speed:`` replies and
video before the PLAY reply. Each test asserts the frames the tile shows (the time in their
pixels) and the tile's state text."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from csu_wall.core.frames import Frame, TileState
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.core.replay import ReplayControl
from csu_wall.media import replay as replay_module
from csu_wall.media.engine import MediaEngine, TileStream
from tests.media.helpers import RECORDER, StateLog, wait_until
from tests.rtsp.fixture import RECORDED_FPS, RECORDED_SECONDS, RECORDED_START
from tests.rtsp.onvif_replay_server import (
    Modes,
    ReplayServer,
    Unit,
    parse_clock,
    recording_from_clip,
    replay_server,
)
from tests.rtsp.timecode import read_time

pytestmark = pytest.mark.timeout(60)

FRAME = timedelta(seconds=1 / RECORDED_FPS)
TILE = "t1"
LAST = RECORDED_START + timedelta(seconds=RECORDED_SECONDS) - FRAME
HOLE = (RECORDED_START + timedelta(seconds=10), RECORDED_START + timedelta(seconds=14))


def at(seconds: float) -> datetime:
    return RECORDED_START + timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def recording(recorded_clip: Path) -> list[Unit]:
    return recording_from_clip(recorded_clip, RECORDED_START, RECORDED_FPS)


@pytest.fixture(scope="module")
def recording_with_hole(recorded_clip: Path) -> list[Unit]:
    return recording_from_clip(recorded_clip, RECORDED_START, RECORDED_FPS, [HOLE])


@pytest.fixture()
def server(recording: list[Unit]) -> Iterator[ReplayServer]:
    with replay_server(recording, RECORDED_FPS) as srv:
        yield srv


def source(srv: ReplayServer, start: datetime, speed: float = 1.0,
           control: ReplayControl | None = None) -> StreamSource:
    return StreamSource(url=srv.url, kind=SourceKind.RTSP_REPLAY, camera_id="cam",
                        recorder_id=RECORDER.id, options={"onvif": "1"},
                        playback_start=start, speed=speed, replay=control)


@pytest.fixture()
def engine(make_engine: Callable[..., MediaEngine]) -> MediaEngine:
    return make_engine(ladder=False, open_timeout=3, read_timeout=1.5)


class Shown:
    """Every distinct frame the tile shows (polled), with the time in its pixels."""

    def __init__(self, handle: TileStream) -> None:
        self.handle = handle
        self.frames: list[tuple[int, datetime]] = []

    def poll(self) -> Frame | None:
        frame = self.handle.latest()
        if frame is not None and (not self.frames or frame.seq != self.frames[-1][0]):
            self.frames.append((frame.seq, read_time(frame.image)))
        return frame

    def until(self, predicate: Callable[[], object], timeout: float = 15.0) -> bool:
        return wait_until(lambda: (self.poll(), predicate())[1], timeout, step=0.005)

    def first(self) -> datetime:
        """The first frame shown, exactly: frames are numbered from 1 and 40 ms apart."""
        assert self.until(lambda: self.frames), self.handle.detail
        seq, t = self.frames[0]
        return t - (seq - 1) * FRAME

    def last(self) -> datetime:
        return self.frames[-1][1]

    def times(self) -> list[datetime]:
        return [t for _, t in self.frames]


def details(states: StateLog, state: TileState) -> list[str]:
    return [c[3] for c in list(states.calls) if c[2] is state]


def assert_never_older(times: list[datetime]) -> None:
    assert all(b > a for a, b in zip(times, times[1:], strict=False)), times


# -- 1. refusals are answers -----------------------------------------------------------------

def test_551_to_the_tag_is_asked_again_without_require_and_plays(
        recording: list[Unit], engine: MediaEngine, states: StateLog) -> None:
    with replay_server(recording, RECORDED_FPS, Modes(knows_tag=False)) as srv:
        shown = Shown(engine.open(TILE, source(srv, at(18.4)), size=(320, 192)))
        assert shown.first() == at(18.4)
        describes = srv.methods("DESCRIBE")
        assert [r.header("require") for r in describes] == ["onvif-replay", None]
        assert all(r.header("require") is None for r in srv.methods("PLAY"))
    assert TileState.REFUSED not in states.states(TILE)


def test_551_without_the_tag_too_is_terminal_and_explained(
        recording: list[Unit], engine: MediaEngine, states: StateLog) -> None:
    modes = Modes(knows_tag=False, refuse_play=551, refuse_reason="Option not supported")
    with replay_server(recording, RECORDED_FPS, modes) as srv:
        handle = engine.open(TILE, source(srv, at(5)), size=(320, 192))
        assert wait_until(lambda: handle.state is TileState.REFUSED, 10), handle.detail
        assert "refuse la relecture ONVIF" in handle.detail
        assert "Aucune nouvelle tentative" in handle.detail
        assert not wait_until(lambda: len(srv.methods("DESCRIBE")) > 2, 2.0)  # no loop
    assert handle.latest() is None
    assert TileState.LOST not in states.states(TILE)


@pytest.mark.parametrize(("status", "reason"), [(454, "Session Not Found"),
                                                (457, "Invalid Range"),
                                                (459, "Aggregate Operation Not Allowed"),
                                                (403, "Forbidden")])
def test_4xx_to_play_is_terminal_with_the_reason(
        recording: list[Unit], engine: MediaEngine, states: StateLog, status: int,
        reason: str) -> None:
    with replay_server(recording, RECORDED_FPS, Modes(refuse_play=status,
                                                      refuse_reason=reason)) as srv:
        handle = engine.open(TILE, source(srv, at(5)), size=(320, 192))
        assert wait_until(lambda: handle.state is TileState.REFUSED, 10), handle.detail
        assert f"{status} {reason}" in handle.detail
        assert not wait_until(lambda: len(srv.methods("PLAY")) > 1, 2.0)  # asked once
    assert {TileState.LOST, TileState.STALLED}.isdisjoint(states.states(TILE))


# -- 2. the end and the edges of a recording --------------------------------------------------

def test_time_outside_the_recording_says_no_recording_never_stalled(
        server: ReplayServer, engine: MediaEngine, states: StateLog) -> None:
    handle = engine.open(TILE, source(server, LAST + timedelta(hours=1)), size=(320, 192))
    assert wait_until(lambda: handle.state is TileState.NO_RECORDING, 10), handle.detail
    assert handle.detail.startswith("Pas d'enregistrement à cette heure")
    assert not wait_until(lambda: len(server.methods("DESCRIBE")) > 1, 3.0)  # no reconnect
    assert handle.latest() is None and handle.state is TileState.NO_RECORDING
    assert {TileState.LOST, TileState.STALLED}.isdisjoint(states.states(TILE))


def test_silence_after_play_is_asked_once_more_then_no_recording(
        recording: list[Unit], engine: MediaEngine, states: StateLog) -> None:
    """``200 OK`` to a time outside, then neither Range, video nor BYE: asked once more on
    the same session, then said; no reconnection, never 'stalled'."""
    with replay_server(recording, RECORDED_FPS, Modes(silent_outside=True)) as srv:
        handle = engine.open(TILE, source(srv, LAST + timedelta(hours=1)), size=(320, 192))
        assert wait_until(lambda: handle.state is TileState.NO_RECORDING, 10), handle.detail
        assert handle.detail.startswith("Pas d'enregistrement à cette heure")
        assert handle.detail.endswith("L'enregistreur n'a envoyé aucune image.")
        assert len(srv.plays) == 2 and len(srv.methods("DESCRIBE")) == 1
        assert not wait_until(lambda: len(srv.methods("DESCRIBE")) > 1, 2.0)
    assert {TileState.LOST, TileState.STALLED}.isdisjoint(states.states(TILE))


@pytest.mark.parametrize("bye", [True, False], ids=["T flag and RTCP BYE", "T flag alone"])
def test_end_of_the_recording_says_so_never_stalled(
        recording: list[Unit], engine: MediaEngine, states: StateLog, bye: bool) -> None:
    later = (LAST + FRAME + timedelta(hours=1), LAST + timedelta(hours=2))
    with replay_server(recording, RECORDED_FPS, Modes(bye_at_end=bye)) as srv:
        src = replace(source(srv, LAST - timedelta(seconds=1.5)),
                      recorded=((RECORDED_START, LAST + FRAME), later))
        handle = engine.open(TILE, src, size=(320, 192))
        shown = Shown(handle)
        assert shown.until(lambda: handle.state is TileState.ENDED), handle.detail
        assert shown.until(lambda: shown.last() == LAST, 3), shown.frames[-3:]
        assert handle.detail.startswith("Fin de l'enregistrement (02:00:29 (UTC+1))")
        assert handle.detail.endswith(
            "Enregistrement suivant : à partir du 25/10/2026 03:00:30.")  # the next span
        assert shown.last() == LAST  # the last recorded frame is on screen
        assert_never_older(shown.times())
        assert not wait_until(lambda: len(srv.methods("DESCRIBE")) > 1, 2.5)
    assert {TileState.LOST, TileState.STALLED}.isdisjoint(states.states(TILE))


def test_connection_cut_mid_replay_goes_on_from_the_image_shown(
        recording: list[Unit], engine: MediaEngine, states: StateLog) -> None:
    """TCP closed by the network after 30 units, without T or BYE: not the end — connected
    again, asked from the image shown, nothing older shown, nothing skipped."""
    with replay_server(recording, RECORDED_FPS, Modes(cut_after=30)) as srv:
        control = ReplayControl(at(21.2))  # the playback service's, kept across connections
        handle = engine.open(TILE, source(srv, at(21.2), control=control), size=(320, 192))
        shown = Shown(handle)
        assert shown.until(lambda: shown.frames and shown.last() >= at(21.2) + 45 * FRAME, 20)
        assert len(srv.methods("DESCRIBE")) == 2  # connected again, once
        second = srv.plays[1]["asked"]
        # the image shown when the cut came (30 units from the keyframe at 51.0), not 51.2
        assert str(second).startswith("clock=20261025T005952.")
        times = shown.times()
        assert_never_older(times)
        assert all(b - a <= 2 * FRAME for a, b in zip(times, times[1:], strict=False)), times
        assert TileState.ENDED not in states.states(TILE)


# -- 3. gaps ------------------------------------------------------------------------------------

def test_gap_is_waited_out_and_shown_without_ending_the_replay(
        recording_with_hole: list[Unit], engine: MediaEngine, states: StateLog) -> None:
    """A 4 s hole (E on the last unit before, C+D on the first after), waited out in real
    time by the server, with a read timeout of 1.5 s: the tile says so and goes on."""
    with replay_server(recording_with_hole, RECORDED_FPS) as srv:
        handle = engine.open(TILE, source(srv, at(8)), size=(320, 192))
        shown = Shown(handle)
        assert shown.until(lambda: shown.frames and shown.last() >= HOLE[1] + FRAME * 10, 20)
        gap_open = details(states, TileState.NO_RECORDING)
        assert gap_open[0] == ("Pas d'enregistrement après 02:59:39 (UTC+2) : la lecture "
                               "reprendra à la suite de l'enregistrement.")
        assert gap_open[1] == ("Pas d'enregistrement de 02:59:39 (UTC+2) à 02:59:44 (UTC+2) : "
                               "lecture de la suite de l'enregistrement.")
        times = shown.times()
        assert_never_older(times)
        assert not any(HOLE[0] <= t < HOLE[1] for t in times)
        assert HOLE[0] - FRAME in times and HOLE[1] in times  # both edges shown
        assert len(srv.methods("DESCRIBE")) == 1
        assert {TileState.LOST, TileState.STALLED, TileState.ENDED}.isdisjoint(
            states.states(TILE))


def test_vendor_stream_silent_in_a_gap_its_spans_tell_is_waited_out(
        recorded_clip: Path, engine: MediaEngine, states: StateLog) -> None:
    """Plain RTP without the replay extension (a vendor's playback URL), a 4 s hole from
    +3 s: the silence past the read timeout is a gap because the recorder's spans say so,
    told with its ends; the video goes on after it, never 'ended' nor 'stalled'."""
    hole = (at(3), at(7))
    recording = recording_from_clip(recorded_clip, RECORDED_START, RECORDED_FPS, [hole])
    spans = ((RECORDED_START, hole[0]), (hole[1], LAST + FRAME))
    with replay_server(recording, RECORDED_FPS, Modes(extension=False)) as srv:
        vendor = StreamSource(url=srv.url, kind=SourceKind.RTSP_REPLAY, camera_id="cam",
                              recorder_id=RECORDER.id, playback_start=RECORDED_START,
                              recorded=spans)
        shown = Shown(engine.open(TILE, vendor, size=(320, 192)))
        assert shown.until(lambda: shown.frames and shown.last() >= hole[1] + 5 * FRAME, 20)
        assert ("Pas d'enregistrement de 02:59:33 (UTC+2) à 02:59:37 (UTC+2) : lecture de la "
                "suite de l'enregistrement.") in details(states, TileState.NO_RECORDING)
        times = shown.times()
        assert_never_older(times)
        assert not any(hole[0] <= t < hole[1] for t in times)
        assert {TileState.LOST, TileState.STALLED, TileState.ENDED}.isdisjoint(
            states.states(TILE))


# -- 4. exact positions ---------------------------------------------------------------------------

def test_first_frame_shown_is_the_asked_one_not_the_keyframe_before(
        server: ReplayServer, engine: MediaEngine) -> None:
    asked = at(18.4)  # 0.4 s after a keyframe: ten frames decoded, not shown
    shown = Shown(engine.open(TILE, source(server, asked), size=(320, 192)))
    assert shown.first() == asked
    assert server.plays[0]["range"].startswith("clock=20261025T005948.000Z-")  # type: ignore[union-attr]


def test_decoder_processes_do_not_show_what_is_only_decoded(
        server: ReplayServer, make_engine: Callable[..., MediaEngine]) -> None:
    """The application decodes in processes: the units before the asked time cross to the
    decoder process and are decoded there, unseen, too."""
    engine = make_engine(ladder=False, open_timeout=3, read_timeout=1.5, decoders="process")
    shown = Shown(engine.open(TILE, source(server, at(36.6)), size=(320, 192)))
    assert shown.first() == at(36.6)


def test_resume_after_a_real_pause_never_shows_an_older_frame(
        server: ReplayServer, engine: MediaEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay_module, "HOLD_S", 0.5)  # RTSP PAUSE after 0.5 s kept
    control = ReplayControl(at(20.2))
    shown = Shown(engine.open(TILE, source(server, at(20.2), control=control),
                              size=(320, 192)))
    assert shown.until(lambda: len(shown.frames) >= 10)
    control.pause()
    assert wait_until(lambda: server.methods("PAUSE"), 10)
    shown.until(lambda: False, 0.3)
    paused_at = shown.last()
    control.resume()
    assert shown.until(lambda: shown.last() >= paused_at + 10 * FRAME)
    times = shown.times()
    assert_never_older(times)
    after = times[times.index(paused_at) + 1]
    assert after - paused_at <= 2 * FRAME  # no jump back to the keyframe, none forward
    assert len(server.plays) == 2 and server.plays[1]["range"] is not None


def test_speed_change_never_shows_an_older_frame(
        server: ReplayServer, engine: MediaEngine) -> None:
    control = ReplayControl(at(30.6))
    shown = Shown(engine.open(TILE, source(server, at(30.6), control=control),
                              size=(320, 192)))
    assert shown.until(lambda: len(shown.frames) >= 12)
    control.set_speed(2.0)
    assert shown.until(lambda: len(server.plays) == 2 and shown.last() >= at(35))
    assert_never_older(shown.times())
    assert server.plays[1]["scale"] == "2"


def test_step_moves_exactly_one_frame_forward(
        server: ReplayServer, engine: MediaEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay_module, "HOLD_S", 0.0)  # two kept, then RTSP PAUSE
    control = ReplayControl(at(40.4))
    control.step(1)  # one image, then still
    shown = Shown(engine.open(TILE, source(server, at(40.4), control=control),
                              size=(320, 192)))
    assert shown.first() == at(40.4)
    assert wait_until(lambda: server.methods("PAUSE"), 10)  # the recorder paused for real
    for n in range(1, 4):
        control.step(1)
        assert shown.until(lambda n=n: len(shown.frames) == n + 1), shown.frames
        assert shown.last() == at(40.4) + n * FRAME
    shown.until(lambda: False, 0.3)
    assert len(shown.frames) == 4  # still
    assert len(server.plays) >= 2  # the last step went past what was kept: PLAY again


def test_step_back_shows_exactly_the_frame_before(
        server: ReplayServer, engine: MediaEngine) -> None:
    """Backward across a keyframe too: 25.04 -> 25.00 (the keyframe) -> 24.96 (decoded from
    the keyframe at 24.00, shown alone)."""
    control = ReplayControl(at(25.04))
    control.step(1)
    shown = Shown(engine.open(TILE, source(server, at(25.04), control=control),
                              size=(320, 192)))
    assert shown.first() == at(25.04)
    for n in range(1, 3):
        control.step(-1)
        assert shown.until(lambda n=n: len(shown.frames) == n + 1), shown.frames
        assert shown.last() == at(25.04) - n * FRAME
    shown.until(lambda: False, 0.3)
    assert len(shown.frames) == 3  # still
    control.step(1)
    assert shown.until(lambda: len(shown.frames) == 4) and shown.last() == at(25.0)


# -- 5. reverse play ------------------------------------------------------------------------------

C_D = 0xA0  # the clean point and discontinuity flags of the replay header extension


def assert_backwards(times: list[datetime]) -> None:
    assert all(b < a for a, b in zip(times, times[1:], strict=False)), times


@pytest.mark.parametrize("decoders", ["thread", "process"])
@pytest.mark.parametrize("speed", [-1.0, -2.0], ids=["x-1", "x-2"])
def test_reverse_shows_frames_in_strictly_decreasing_time_across_gops(
        server: ReplayServer, make_engine: Callable[..., MediaEngine], states: StateLog,
        speed: float, decoders: str) -> None:
    """From 20.52 s back past two keyframes (20.00, 19.00): the asked frame first, then
    strictly older ones, as fast as the speed says; each GOP the server sent began with C+D."""
    engine = make_engine(ladder=False, open_timeout=3, read_timeout=1.5, decoders=decoders)
    control = ReplayControl(at(20.52), speed)
    shown = Shown(engine.open(TILE, source(server, at(20.52), speed, control), size=(320, 192)))
    assert shown.until(lambda: shown.frames), states.calls
    started = shown.frames[0][1], time.monotonic()
    # the asked frame first, not its GOP's end; a poll held up on a loaded machine may see
    # the second frame first (measured: seq 2 at 20.48), one frame earlier in the recording
    seq, first = shown.frames[0]
    assert first + (seq - 1) * FRAME == at(20.52), shown.frames[:4]
    assert shown.until(lambda: shown.last() <= at(18.6), 20), shown.frames[-3:]
    took = time.monotonic() - started[1]
    times = shown.times()
    assert_backwards(times)
    assert times[-1] < at(19.0) - FRAME  # both keyframes crossed
    # every frame is shown (the poll may miss a few of them on a loaded machine, not a GOP's
    # worth), and the time runs back as fast as the speed says
    assert all(a - b <= 6 * FRAME for a, b in zip(times, times[1:], strict=False)), times
    recorded = (started[0] - shown.last()).total_seconds()
    assert 0.6 <= took * abs(speed) / recorded <= 2.0, (took, recorded)
    assert server.plays[0]["scale"] == f"{speed:g}"
    starts = [(t, f) for _, t, f in server.sent if f & 0x80]
    assert len(starts) >= 2 and all(f & C_D == C_D for _, f in starts)
    assert [t for t, _ in starts][:2] == [at(20).timestamp(), at(19).timestamp()]
    assert {TileState.LOST, TileState.STALLED, TileState.REFUSED}.isdisjoint(
        states.states(TILE))


@pytest.mark.parametrize("modes", [Modes(refuse_reverse=551), Modes(reverse_forward=True),
                                   Modes(reverse_forward=True, scale_in_reply=False)],
                         ids=["551 to a negative Scale", "played forward, Scale 1",
                              "played forward, no Scale said"])
def test_reverse_refused_says_so_stays_on_the_image_then_plays_forward(
        recording: list[Unit], engine: MediaEngine, states: StateLog, modes: Modes) -> None:
    with replay_server(recording, RECORDED_FPS, modes) as srv:
        control = ReplayControl(at(10.2))
        handle = engine.open(TILE, source(srv, at(10.2), control=control), size=(320, 192))
        shown = Shown(handle)
        assert shown.until(lambda: len(shown.frames) >= 5)
        control.set_speed(-1.0)
        assert shown.until(lambda: handle.state is TileState.REFUSED), handle.detail
        assert "L'enregistreur ne permet pas la lecture arrière" in handle.detail
        assert control.speed == 1.0 and control.paused and control.reverse_refused
        shown.until(lambda: False, 1.0)
        on_screen = shown.last()
        assert control.shown == on_screen
        before = shown.times()
        if modes.scale_in_reply:  # refused at the reply: nothing shown backwards
            assert_never_older(before)
        else:  # the video tells, at the second GOP: the first one was shown backwards
            assert all(t >= at(10.0) for t in before) and on_screen < max(before), before
        plays = len(srv.plays)
        assert plays == 3  # forward, the refused reverse, forward again from the image
        assert not wait_until(lambda: len(srv.plays) > plays, 1.5)  # no loop
        count = len(shown.frames)
        control.resume()
        assert shown.until(lambda: len(shown.frames) >= count + 5)
        times = shown.times()[count - 1:]
        assert_never_older(times)
        assert on_screen + FRAME <= times[1] <= on_screen + 2 * FRAME  # on from the image
        assert shown.until(lambda: handle.state is TileState.LIVE), handle.detail


def test_reverse_then_forward_goes_on_from_the_frame_on_screen(
        server: ReplayServer, engine: MediaEngine) -> None:
    """×−1 from 30.4 s to below 29.5 s, then ×1: the next frame shown is the one after the
    frame on screen (never the newer ones already seen, nor a jump), then forward."""
    control = ReplayControl(at(30.4), -1.0)
    shown = Shown(engine.open(TILE, source(server, at(30.4), -1.0, control), size=(320, 192)))
    assert shown.until(lambda: shown.frames and shown.last() <= at(29.5))
    control.set_speed(1.0)
    assert shown.until(lambda: len(shown.frames) >= 2 and shown.last() > shown.times()[-2])
    times = shown.times()
    turn = next(i for i in range(1, len(times)) if times[i] > times[i - 1])
    assert_backwards(times[:turn])
    on_screen = times[turn - 1]
    # asked from the frame on screen, and the next one shown (a poll on a loaded machine may
    # miss one frame, never a jump)
    asked = parse_clock(str(server.plays[1]["asked"])[6:-1])
    assert asked <= on_screen.timestamp() + 1e-3  # the frame on screen (or one the poll missed)
    assert on_screen + FRAME <= times[turn] <= on_screen + 2 * FRAME, times[turn - 2:turn + 2]
    assert abs(times[turn].timestamp() - asked - FRAME.total_seconds()) < 0.1
    assert shown.until(lambda: shown.last() >= on_screen + 10 * FRAME)
    assert_never_older(shown.times()[turn - 1:])
    assert server.plays[1]["scale"] == "1"


def test_reverse_pause_holds_the_image_and_resume_goes_on_backwards(
        server: ReplayServer, engine: MediaEngine) -> None:
    """Paused backwards, the recorder is paused for real once the next GOP is in; the resume
    asks again from the image on screen and shows the one before it, then older ones."""
    control = ReplayControl(at(45.6), -1.0)
    shown = Shown(engine.open(TILE, source(server, at(45.6), -1.0, control), size=(320, 192)))
    assert shown.until(lambda: shown.frames and shown.last() <= at(45.1))
    control.pause()
    assert wait_until(lambda: server.methods("PAUSE"), 10), (shown.frames[-3:], server.plays,
                                                             shown.handle.detail)
    shown.until(lambda: False, 0.5)
    on_screen, count = shown.last(), len(shown.frames)
    shown.until(lambda: False, 0.5)
    assert len(shown.frames) == count  # still
    control.step(1)  # one image, in the playing direction: the one before
    assert shown.until(lambda: len(shown.frames) == count + 1)
    assert shown.last() == on_screen - FRAME
    control.resume()
    assert shown.until(lambda: shown.last() <= at(43.5))
    times = shown.times()
    assert_backwards(times)
    assert on_screen - 3 * FRAME <= times[count + 1] <= on_screen - 2 * FRAME  # on from there
    assert all(p["scale"] == "-1" for p in server.plays), server.plays


def test_reverse_across_a_gap_jumps_it_at_once_and_says_so(
        recording_with_hole: list[Unit], engine: MediaEngine, states: StateLog) -> None:
    """×−2 from 15.5 s over the 4 s hole [10 s, 14 s): from its newer edge to its older one
    at once (not 2 s of waiting), the tile saying which times are missing."""
    with replay_server(recording_with_hole, RECORDED_FPS) as srv:
        control = ReplayControl(at(15.5), -2.0)
        shown = Shown(engine.open(TILE, source(srv, at(15.5), -2.0, control), size=(320, 192)))
        assert shown.until(lambda: shown.frames and shown.last() <= HOLE[1])
        reached = time.monotonic()
        assert shown.until(lambda: shown.last() < HOLE[0])
        assert time.monotonic() - reached < 1.0  # 4 s of hole at ×2 would take 2 s
        assert shown.until(lambda: shown.last() <= HOLE[0] - 10 * FRAME)
        times = shown.times()
        assert_backwards(times)
        assert not any(HOLE[0] <= t < HOLE[1] for t in times)
        assert HOLE[1] in times and HOLE[0] - FRAME in times  # both edges shown
        assert ("Pas d'enregistrement de 02:59:39 (UTC+2) à 02:59:44 (UTC+2) : lecture arrière "
                "de l'enregistrement d'avant.") in details(states, TileState.NO_RECORDING)
        assert shown.until(lambda: shown.handle.state is TileState.LIVE, 5)  # notice gone
        assert {TileState.LOST, TileState.STALLED, TileState.ENDED}.isdisjoint(
            states.states(TILE))


def test_reverse_connection_cut_goes_on_backwards_from_the_image_shown(
        recording: list[Unit], engine: MediaEngine, states: StateLog) -> None:
    """TCP closed by the network after 40 units sent backwards, without T or BYE: not the
    start of the recording — connected again, asked from the image shown, backwards."""
    with replay_server(recording, RECORDED_FPS, Modes(cut_after=40)) as srv:
        control = ReplayControl(at(33.52), -1.0)
        shown = Shown(engine.open(TILE, source(srv, at(33.52), -1.0, control),
                                  size=(320, 192)))
        assert shown.until(lambda: shown.frames and shown.last() <= at(31.0), 20)
        assert len(srv.methods("DESCRIBE")) == 2  # connected again, once
        assert srv.plays[1]["scale"] == "-1"
        times = shown.times()
        assert_backwards(times)
        assert all(a - b <= 6 * FRAME for a, b in zip(times, times[1:], strict=False)), times
        assert TileState.ENDED not in states.states(TILE)


def test_reverse_to_the_start_of_the_recording_says_so(
        server: ReplayServer, engine: MediaEngine, states: StateLog) -> None:
    handle = engine.open(TILE, source(server, at(1.2), -2.0, ReplayControl(at(1.2), -2.0)),
                         size=(320, 192))
    shown = Shown(handle)
    assert shown.until(lambda: handle.state is TileState.ENDED), handle.detail
    assert handle.detail.startswith("Début de l'enregistrement (")
    assert shown.until(lambda: shown.last() == RECORDED_START, 3), shown.frames[-3:]
    assert_backwards(shown.times())
    assert server.sent[-1][2] & 0x10  # T on the recording's first frame
    assert not wait_until(lambda: len(server.methods("DESCRIBE")) > 1, 1.5)


def test_reverse_gop_over_the_buffer_shows_keyframes_alone_and_says_so(
        server: ReplayServer, engine: MediaEngine, states: StateLog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay_module, "gop_capacity", lambda size: 10)  # GOPs are 25
    control = ReplayControl(at(40.0), -2.0)
    shown = Shown(engine.open(TILE, source(server, at(40.0), -2.0, control), size=(320, 192)))
    assert shown.until(lambda: shown.frames and shown.last() <= at(37))
    times = shown.times()
    assert_backwards(times)
    assert all(t.microsecond == 0 for t in times), times  # keyframes, one a second
    assert replay_module.DETAIL_REVERSE_KEYS in details(states, TileState.LIVE)


# -- 6. what independent servers do ----------------------------------------------------------------

def test_speed_reply_and_video_before_the_play_reply(
        recording: list[Unit], engine: MediaEngine, states: StateLog) -> None:
    """``Scale: 2`` answered ``Scale: 1.000`` + ``Speed: 2.000``, three access units sent
    before the ``200 OK``: the asked frame is shown first and the recording runs at ×2."""
    with replay_server(recording, RECORDED_FPS, Modes(speed_reply=True, video_first=3)) as srv:
        handle = engine.open(TILE, source(srv, at(2.0), speed=2.0), size=(320, 192))
        shown = Shown(handle)
        assert shown.first() == at(2.0)
        start = shown.last()
        shown.until(lambda: False, 2.0)
        advanced = (shown.last() - start).total_seconds()
        assert 3.2 <= advanced <= 4.6, advanced
        assert_never_older(shown.times())
        assert srv.plays[0]["scale"] == "2"
    assert TileState.STALLED not in states.states(TILE)


def test_recorder_stamping_its_local_time_as_utc_still_shows_the_asked_frame(
        recording: list[Unit], engine: MediaEngine) -> None:
    """Extension times two hours ahead (Paris summer time written as UTC): the first unit
    after the PLAY tells the shift; nothing is hidden for ever, the asked frame comes first."""
    with replay_server(recording, RECORDED_FPS, Modes(ntp_shift=7200.0)) as srv:
        control = ReplayControl(at(12.4))
        shown = Shown(engine.open(TILE, source(srv, at(12.4), control=control),
                                  size=(320, 192)))
        assert shown.first() == at(12.4)
        assert control.shown is not None and abs(control.shown - at(12.4)) < timedelta(
            seconds=2)


def test_source_equality_ignores_the_control(server: ReplayServer) -> None:
    a = source(server, at(1), control=ReplayControl(at(1)))
    assert a == replace(a, replay=ReplayControl(at(1))) and "ReplayControl" not in repr(a)
