"""Recorded video read with our own RTSP client (``SourceKind.RTSP_REPLAY``).

The session's reader thread runs :class:`ReplayReader`: RTSP PLAY with the headers the
recorder wants (ONVIF replay: ``Require: onvif-replay`` and ``Range: clock=``; speed:
``Scale:``), H.264 access units handed to the decoder pool. The source's
:class:`~csu_wall.core.replay.ReplayControl` (``StreamSource.replay``) lets the playback service
pause (RTSP PAUSE), step one frame, change speed and read the time shown, without reconnecting.

Options of an RTSP_REPLAY source: ``onvif=1`` (ONVIF replay headers, start from
``playback_start``); the speed is ``source.speed``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import av

from csu_wall.core.errors import RecorderBadAnswer, StreamError
from csu_wall.core.frames import TileState
from csu_wall.core.ports import StreamSource
from csu_wall.core.replay import ReplayControl, paris_hms
from csu_wall.media.decode import DecoderSpec, gop_capacity
from csu_wall.media.packet_reader import PacketReader
from csu_wall.media.pool import Decoder
from csu_wall.media.redact import register_secret
from csu_wall.media.reverse import ReverseGops
from csu_wall.media.rtsp_client import (
    FLAG_D,
    FLAG_E,
    FLAG_T,
    AccessUnit,
    Response,
    RtspClient,
    parse_clock_range,
)

log = logging.getLogger(__name__)

KEEPALIVE_S = 20.0  # s between GET_PARAMETERs while paused (RTSP sessions time out at 60 s)
HOLD_S = 20.0  # s of video kept while paused before the recorder is paused (RTSP PAUSE)
_TIME_BASE = Fraction(1, 90000)
NTP_TRUST_S = 600.0  # s: a first unit further than this from the PLAY's start is mis-stamped
BACK_HISTORY = 250  # times of the images last shown, for steps backward
GAP_NOTICE_S = 3.0  # s the gap just crossed stays on the tile once the video goes on
_BELIEVABLE = 946684800.0  # 2000-01-01: a recording range before it is a placeholder

DETAIL_PLAYING = "Relecture de l'enregistrement."
DETAIL_GAP_OPEN = ("Pas d'enregistrement après {a} : la lecture reprendra à la suite de "
                   "l'enregistrement.")
DETAIL_GAP = "Pas d'enregistrement de {a} à {b} : lecture de la suite de l'enregistrement."
DETAIL_END = "Fin de l'enregistrement ({a}) : choisissez une autre heure ou revenez au direct."
DETAIL_NO_RECORDING = "Pas d'enregistrement à cette heure ({a})."
DETAIL_AVAILABLE = "Enregistrement disponible de {a} à {b}."
DETAIL_SILENT = "L'enregistreur n'a envoyé aucune image."
DETAIL_NEXT = "Enregistrement suivant : à partir du {a}."
DETAIL_START = ("Début de l'enregistrement ({a}) : choisissez une autre heure, la lecture "
                "avant ou revenez au direct.")
DETAIL_NO_REVERSE = ("L'enregistreur ne permet pas la lecture arrière : lecture en pause sur "
                     "l'image affichée, reprenez en avant (×1).")
DETAIL_GAP_BACK = ("Pas d'enregistrement de {a} à {b} : lecture arrière de l'enregistrement "
                   "d'avant.")
DETAIL_REVERSE_KEYS = ("Lecture arrière : groupe d'images trop long pour la mémoire de la "
                       "vignette, images clés seules.")
SPAN_SLACK = timedelta(seconds=2)  # the last image of a span is this close to its end

StateSink = Callable[[TileState, str], None]


# -- the recorders' time formats ---------------------------------------------------------------

def clock_range(start_utc: datetime) -> str:
    """ONVIF ``Range: clock=`` value (UTC, milliseconds)."""
    t = start_utc.astimezone(timezone.utc)
    return "clock=" + t.strftime("%Y%m%dT%H%M%S") + f".{t.microsecond // 1000:03d}Z-"


# The vendors' URL times (Hikvision's ISAPI UTC, Dahua's local wall time) are the drivers'
# business: csu_wall.recorders.hikvision.isapi_time and csu_wall.recorders.dahua, one each.


# -- the readers the session runs instead of FFmpeg ---------------------------------------------

Credentials = Callable[[str], "tuple[str, str] | None"]


def open_reader(source: StreamSource, credentials: Credentials | None, *, open_timeout: float,
                read_timeout: float, stop: threading.Event,
                on_state: StateSink | None = None) -> PacketReader:
    """The reader for an RTSP_REPLAY or SNAPSHOT source, connected. ``on_state`` (the
    session's) hears what a recording says on the way: a gap, its end."""
    from csu_wall.core.ports import SourceKind
    from csu_wall.media.snapshot_poll import SnapshotReader

    cred = None
    if source.credential_ref is not None and credentials is not None:
        cred = credentials(source.credential_ref)
        if cred is not None:
            register_secret(cred[1])
    reader: PacketReader
    if source.kind is SourceKind.SNAPSHOT:
        reader = SnapshotReader(source, cred, open_timeout=open_timeout,
                                read_timeout=read_timeout, stop=stop)
    else:
        reader = ReplayReader(source, cred, open_timeout=open_timeout,
                              read_timeout=read_timeout, stop=stop, on_state=on_state)
    try:
        reader.open()
    except BaseException:
        reader.close()
        raise
    return reader


class ReplayReader(PacketReader):
    """Opened by the session (``open``), pumped by it (``pump``), closed by it.

    Exact positions: every access unit has a recorded time (the ONVIF extension's NTP time,
    else RTP time counted from the start the PLAY reply's ``Range`` announces, else from the
    asked time). A PLAY starts at a keyframe at or before the asked time: the units before
    ``show_from`` are decoded but not shown, so the first image shown is the asked one, and a
    resume, a speed change or a step never shows an image older than the one on screen."""

    def __init__(self, source: StreamSource, credentials: tuple[str, str] | None, *,
                 open_timeout: float, read_timeout: float, stop: threading.Event,
                 on_state: StateSink | None = None) -> None:
        self.source = source
        self.read_timeout = read_timeout
        self.stop = stop
        self.on_state = on_state
        self.onvif = source.options.get("onvif") == "1"
        # A vendor recording addressed in seconds from its start (``Range: npt=``): the UTC
        # time of its start (epoch seconds).
        self.npt_origin = _float(source.options.get("npt-origin"))
        self.seekable = self.onvif or self.npt_origin is not None
        always = {"Require": "onvif-replay"} if self.onvif else {}
        self.client = RtspClient(source.url, timeout=open_timeout, credentials=credentials,
                                 stop=stop, always=always)
        self.control = source.replay or ReplayControl(
            source.playback_start or datetime.now(timezone.utc), source.speed)
        self._held: deque[AccessUnit] = deque()
        self._remote_paused = False
        self._first_ts: int | None = None
        self._base: datetime | None = None  # the time of the first unit after a PLAY
        self._keyed = False
        self._keepalive_at = time.monotonic()
        self.show_from: datetime | None = None
        self._asked: datetime | None = None  # the start the last PLAY asked for
        self._range: tuple[float | None, float | None] = (None, None)  # its reply's Range
        self._gap_from: datetime | None = None  # a declared gap (E) is being waited out
        self._gap_notice_until: float | None = None
        self._gap_until: float | None = None  # a silent gap (spans) is waited out until then
        self._asked_again = False  # a PLAY answered by no video at all was asked once more
        self._last_time: datetime | None = None  # of the last unit handed on
        self._ended = False  # T flag or RTCP BYE: the server sends nothing more
        self._shift: float | None = None  # see _ntp_shift
        self._history: deque[datetime] = deque(maxlen=BACK_HISTORY)  # times shown, in order
        self._speed = self.control.speed  # the speed of the last PLAY
        self._rev: ReverseGops | None = None  # playing backwards (a negative speed)
        self._say_playing = False  # the next image shown says "playing" (after a refusal)
        self._anchor: tuple[float, float] | None = None  # (monotonic, pace) of the pacing
        self._last_rx = time.monotonic()
        self._seen: Callable[[], None] = lambda: None
        self._decoder: Decoder | None = None

    # -- RTSP -----------------------------------------------------------------------------

    def open(self) -> None:
        self.client.connect()
        self.client.describe()
        self.client.setup()
        control = self.control
        if self.seekable and control.frames and control.shown is not None:
            # A reconnection: on from the image shown (a vendor URL restarts at its own start).
            self._play_from(control.shown, control.speed, after=True)
        else:
            self._play_from(control.requested, control.speed, after=False)

    def close(self) -> None:
        self.client.teardown()

    def _play_headers(self, start: datetime | None, speed: float) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.onvif and start is not None:
            headers["Range"] = clock_range(start)
            headers["Rate-Control"] = "yes"
        elif self.npt_origin is not None and start is not None:
            headers["Range"] = f"npt={max(0.0, start.timestamp() - self.npt_origin):.3f}-"
        if speed != 1.0:
            headers["Scale"] = f"{speed:g}"
        return headers

    def _play_from(self, start: datetime, speed: float, *, after: bool,
                   rescale: bool = False) -> None:
        """PLAY from ``start`` (ONVIF) or from where the recorder is (vendors); ``after``: the
        image at ``start`` was shown already, show only later ones."""
        self._held.clear()
        self._keyed = False
        self._first_ts, self._base = None, None
        self._ended = False
        self._shift = None
        self.show_from = start + timedelta(milliseconds=1) if after else start
        self._speed, self._rev = speed, None
        if speed < 0 and not self.onvif:
            self._refuse_reverse()  # only ONVIF replay says how to play backwards
            return
        headers = self._play_headers(start if self.seekable else None, speed)
        if rescale and "Scale" not in headers:
            headers["Scale"] = "1"  # back to ×1: said, or the recorder keeps its speed
        self._asked = start if self.seekable else None
        reply = self._play(headers, speed)
        if reply is None or (speed < 0 and _scale(reply) > 0):
            self._refuse_reverse()  # an error to the negative Scale, or ×1 said
            return
        if speed < 0:
            self._history.clear()
            self._rev = ReverseGops(start if after else start + timedelta(milliseconds=1))
        if self.npt_origin is not None:
            self._range = parse_npt_range(reply.header("range"), self.npt_origin)
        else:
            lo, hi = parse_clock_range(reply.header("range"))
            # backwards, the range runs from the newest image back to the recording's start
            self._range = (hi, lo) if lo is not None and hi is not None and lo > hi else (lo, hi)
        if self._range[0] is not None:
            self._base = datetime.fromtimestamp(self._range[0], timezone.utc)
        self._remote_paused = False
        self._check_range()

    def _play(self, headers: dict[str, str], speed: float) -> Response | None:
        """PLAY; backwards, a refusal is an answer (None), not the end of the replay."""
        try:
            return self.client.play(headers)
        except RecorderBadAnswer:  # 4xx, 5xx (ReplayRefused among them)
            if speed >= 0:
                raise
            return None

    def _check_range(self) -> None:
        """The PLAY reply's ``Range`` says where the server really plays: a time it does not
        hold is told at once, with the recording's ends when they are believable."""
        asked = self._asked
        lo, hi = self._range
        if asked is None or (lo is None and hi is None):
            return
        t = asked.timestamp()
        tolerance = 1.0  # s: a server's rounding of the asked time
        if (hi is not None and (t > hi + tolerance or hi < _BELIEVABLE)):
            raise ReplayFinished(TileState.NO_RECORDING, no_recording_text(asked, lo, hi))
        if lo is not None and lo > t + tolerance:  # before the recording, or in a gap
            self._state(TileState.NO_RECORDING, DETAIL_GAP.format(
                a=paris_hms(asked), b=paris_hms(datetime.fromtimestamp(lo, timezone.utc))))

    # -- times ----------------------------------------------------------------------------

    def _media_time(self, au: AccessUnit) -> datetime:
        if au.ntp_utc is not None:
            return datetime.fromtimestamp(au.ntp_utc + self._ntp_shift(au), timezone.utc)
        if self._first_ts is None:
            self._first_ts = au.rtp_ts
        elapsed = ((au.rtp_ts - self._first_ts) & 0xFFFFFFFF) / 90000.0
        # Without ONVIF's NTP extension: from the start the PLAY reply announced, else the
        # first access unit is taken for the asked time (the IDR before it: a GOP early).
        base = self._base or self.control.requested
        return base + timedelta(seconds=elapsed * self.control.speed)

    def _ntp_shift(self, au: AccessUnit) -> float:
        """Seconds to add to the extension's times. Some recorders stamp their local time as
        if it were UTC: the first unit after a PLAY (a keyframe at most a GOP before the asked
        time) far from where the PLAY was to start says so, and by how much (whole quarters of
        an hour)."""
        if self._shift is None:
            assert au.ntp_utc is not None
            expected = self._range[0] if self._range[0] is not None and self._rev is None \
                else (self._asked or self.control.requested).timestamp()
            off = expected - au.ntp_utc
            self._shift = round(off / 900.0) * 900.0 if abs(off) > NTP_TRUST_S else 0.0
        return self._shift

    def _pace(self, au: AccessUnit) -> float:
        """Seconds of playback of ``au`` (its recorded time over the speed, or RTP time)."""
        if au.ntp_utc is not None:
            return au.ntp_utc / max(abs(self._speed), 0.01)
        if self._first_ts is None:
            self._first_ts = au.rtp_ts
        return ((au.rtp_ts - self._first_ts) & 0xFFFFFFFF) / 90000.0

    def _hidden(self, au: AccessUnit) -> bool:
        show_from = self.show_from
        return show_from is not None and \
            self._media_time(au) < show_from - timedelta(microseconds=500)

    # -- the reader thread ----------------------------------------------------------------

    def _state(self, state: TileState, detail: str) -> None:
        if self.on_state is not None:
            self.on_state(state, detail)

    def pump(self, decoder: Decoder, seen: Callable[[], None]) -> str:
        """Reads the socket into a queue and hands the queue on paced by the recorded time:
        while paused the recorder keeps sending and everything is kept, so a step goes on
        exactly from the image shown. Past HOLD_S of kept video the recorder is paused for real
        (RTSP PAUSE); a resume asks again from the image shown. The end of the recording (T
        flag, RTCP BYE) and a time the recorder does not hold are terminal states; a declared
        gap (E ... D) is waited out without the read timeout. A negative speed plays the
        recording backwards (``_reverse_turn``)."""
        self._spec = DecoderSpec(codec="h264", extradata=None, width=0, height=0,
                                 time_base=_TIME_BASE)
        self._decoder, self._seen = decoder, seen
        decoder.new_connection()
        self._restart_pacing()
        while not self.stop.is_set():
            turn = self._take_controls(decoder)
            if turn is None:
                continue
            paused, may_push = turn
            if self._rev is not None:
                self._reverse_turn(decoder, paused, may_push)
            else:
                self._forward_turn(decoder, paused, may_push)
        return "stopped"

    def _restart_pacing(self) -> None:
        self._anchor, self._last_rx = None, time.monotonic()

    def _take_controls(self, decoder: Decoder) -> tuple[bool, bool] | None:
        """What the playback service asked: a new speed, steps back, a resume. None when one
        was carried out (the turn starts again); else (paused, may show one image now)."""
        control = self.control
        paused, may_push, speed = control.take()
        if speed is not None:
            self._rescale(speed, decoder)
            self._restart_pacing()
            return None
        back = control.take_back()
        if back and self.seekable and control.shown is not None:
            self._step_back(back, decoder)
            self._restart_pacing()
            return None
        if not paused and self._remote_paused:
            self._resume(decoder)
            self._restart_pacing()
        if paused:
            self._anchor = None
        return paused, may_push

    def _forward_turn(self, decoder: Decoder, paused: bool, may_push: bool) -> None:
        held = self._held
        while held and self._hidden(held[0]):
            self._hand_on(decoder, held.popleft(), show=False)
        self._receive(paused)
        self._upkeep()
        if not held:
            self._idle(decoder, paused, may_push)
        elif paused and not may_push:
            if self._remote_paused:
                self.stop.wait(0.05)
        else:
            self._show_due(decoder, paused)

    def _receive(self, paused: bool) -> None:
        """Reads one access unit into the queue, waiting at most until the next is due; past
        HOLD_S kept while paused, the recorder is paused for real."""
        held, anchor = self._held, self._anchor
        wait = 0.05
        if held and not paused and anchor is not None:
            due = anchor[0] + self._pace(held[0]) - anchor[1]
            wait = min(wait, max(0.0, due - time.monotonic()))
        if self._ended or self._remote_paused or not (wait > 0 or not held):
            return
        au = self._read(wait)
        if au is None or (not self._keyed and not au.key):
            return  # a step must show an image: nothing before the IDR
        self._keyed = True
        held.append(au)
        if paused and self._span() > HOLD_S:
            self._pause_remote()

    def _pause_remote(self) -> None:
        self.client.pause()
        self._remote_paused = True
        self._keepalive_at = time.monotonic()

    def _read(self, timeout: float) -> AccessUnit | None:
        """The next access unit (None: none in ``timeout``); notes the end the server says
        (T flag, RTCP BYE)."""
        try:
            au = self.client.read_access_unit(timeout)
        except EOFError:
            # Closed without the end said (T, BYE): where the reader can ask again from the
            # image shown (ONVIF, npt), lost unless at the recording's announced end; a
            # vendor URL would start over: its end.
            if not self.control.frames or (self.seekable and not self._near_end()):
                raise
            au, self._ended = None, True
        if self.client.bye:
            self._ended = True
        if au is not None:
            self._last_rx = time.monotonic()
            self._seen()
            if au.flags & FLAG_T:
                self._ended = True
        return au

    def _upkeep(self) -> None:
        """Keep-alives while the server is paused or silent, the end of a gap notice."""
        if (self._remote_paused or self._gap_from is not None) \
                and time.monotonic() - self._keepalive_at > KEEPALIVE_S:
            self.client.keepalive()  # servers end idle sessions
            self._keepalive_at = time.monotonic()
        if self._gap_notice_until is not None and time.monotonic() > self._gap_notice_until:
            self._gap_notice_until = None
            self._state(TileState.LIVE, DETAIL_PLAYING)

    def _idle(self, decoder: Decoder, paused: bool, may_push: bool) -> None:
        """Nothing kept to show: a step past what was kept, the end, a gap, or silence."""
        control = self.control
        if paused and may_push and self._remote_paused:
            self._resume(decoder)  # a step past what was kept
            self._last_rx = time.monotonic()
        elif self._ended:
            self._finish()
        elif self._gap_from is not None:
            if self._gap_until is not None and time.monotonic() > self._gap_until:
                self._finish()  # the recorder never went on after the gap
            self._last_rx = time.monotonic()  # a declared gap: no read timeout
        elif not self._remote_paused and time.monotonic() - self._last_rx > self.read_timeout:
            if control.frames and self._silent_gap():
                return  # a gap the recorder's spans tell: waited out, bounded
            if control.frames:
                self._finish()  # the recording (or the asked interval) ended
            if not self._asked_again:
                # Nothing at all since the PLAY: asked once more on this session (a recorder
                # slow to seek), then said, never a reconnect loop.
                self._asked_again = True
                self._play_from(control.requested, control.speed, after=False)
                self._last_rx = time.monotonic()
                return
            asked = self._asked or control.requested
            raise ReplayFinished(TileState.NO_RECORDING, no_recording_text(
                asked, *self._range) + " " + DETAIL_SILENT)

    def _show_due(self, decoder: Decoder, paused: bool) -> None:
        """The first unit kept, shown when due (at once when stepping)."""
        now = time.monotonic()
        au = self._held[0]
        if self._hidden(au):
            return  # handed on at once, unseen, at the top of the next turn
        if au.flags & FLAG_D and self._gap_from is not None:
            self._anchor = None  # after a gap: the pacing starts again
        if not paused:
            anchor = self._anchor
            if anchor is None or now - (anchor[0] + self._pace(au) - anchor[1]) > 1.0:
                self._anchor = (now, self._pace(au))  # start, or far behind: no burst
            elif anchor[0] + self._pace(au) - anchor[1] > now:
                return  # not due yet
        self._hand_on(decoder, self._held.popleft(), show=True)
        if paused:
            self.control.stepped()
        if self._gap_from is not None and self._cross_gap():
            self._restart_pacing()

    # -- reverse play -----------------------------------------------------------------------

    def _reverse_turn(self, decoder: Decoder, paused: bool, may_push: bool) -> None:
        """Backwards: GOPs come newest first, each forward; the oldest GOP not shown yet is
        decoded whole into the decoder's bounded buffer and its images shown newest first,
        paced by their recorded times at the speed. At most two GOPs wait compressed (the
        socket is not read beyond: TCP holds the server back); paused, the server is."""
        rev = self._rev
        assert rev is not None
        wait = self._reverse_wait(paused)
        # A read returns with the next packet, not at its timeout: none while a GOP's first
        # image waits only for the decoder.
        imminent = bool(rev.showing) and (not rev.decoded or (
            rev.anchor is None and (not paused or may_push)))
        if not self._ended and not self._remote_paused and len(rev.ready) < 2 \
                and not imminent:
            au = self._read(max(wait, 0.002))  # a read without time reads nothing
            if au is not None:
                self._reverse_take(au)
                if self._rev is not rev:
                    return  # a forward stream: reverse play refused, forward again
        elif wait > 0:
            self.stop.wait(wait)
        self._upkeep()
        if self._ended:
            rev.close()
        if not rev.showing and rev.ready:
            self._reverse_decode(decoder)
        if rev.showing and not rev.decoded:
            self._reverse_decoded(decoder)
        elif rev.showing:
            if not paused or may_push:
                self._reverse_show(decoder, paused)
            elif rev.ready and not self._remote_paused and not self._ended:
                self._pause_remote()
        elif paused and may_push and self._remote_paused:
            self._resume(decoder)  # a step past what was kept
            self._last_rx = time.monotonic()
        elif not rev.ready and (self._ended or (
                not self._remote_paused
                and time.monotonic() - self._last_rx > self.read_timeout)):
            self._reverse_end()

    def _reverse_decoded(self, decoder: Decoder) -> None:
        """Showing a GOP starts once the decoder has it: its first image, late by the
        decoding, sets the pacing afresh (no burst)."""
        rev = self._rev
        assert rev is not None
        if not decoder.kept_ready(rev.gop):
            return
        rev.decoded = True
        now = time.monotonic()
        if rev.anchor is not None and rev.due(rev.showing[-1][0], self._speed) < now:
            rev.anchor = (now, rev.showing[-1][0])

    def _reverse_wait(self, paused: bool) -> float:
        rev = self._rev
        assert rev is not None
        if rev.showing and not rev.decoded:
            return 0.002
        if not rev.showing or paused:
            return 0.05
        if rev.anchor is None:
            return 0.0
        return min(0.05, max(0.0, rev.due(rev.showing[-1][0], self._speed) - time.monotonic()))

    def _reverse_take(self, au: AccessUnit) -> None:
        """One unit of the reverse stream: a keyframe starts a GOP (one later than the last
        begun: the server plays forward, reverse play is refused); a GOP longer than the
        buffer keeps its keyframe alone, and says so."""
        rev = self._rev
        assert rev is not None
        when = self._media_time(au)
        if au.key:
            if rev.last_start is not None and when > rev.last_start + timedelta(milliseconds=1):
                self._refuse_reverse()
                return
            rev.start_gop(au, when)
            return
        room = gop_capacity(self._decoder.size if self._decoder is not None else (640, 360))
        if rev.add(au, when, room):
            log.info("reverse play: a GOP over %d images, shown by its keyframe alone", room)
            self._state(TileState.LIVE, DETAIL_REVERSE_KEYS)

    def _reverse_decode(self, decoder: Decoder) -> None:
        rev = self._rev
        assert rev is not None
        gop = rev.ready.popleft()
        rev.gop += 1
        first = gop[0][0].rtp_ts
        packets = []
        for au, _ in gop:
            packet = av.Packet(au.data)
            packet.pts = packet.dts = (au.rtp_ts - first) & 0xFFFFFFFF
            packet.is_keyframe = au.key
            packets.append(packet)
        decoder.push_gop(self._spec, packets, rev.gop)
        rev.show(gop)

    def _reverse_show(self, decoder: Decoder, paused: bool) -> None:
        rev = self._rev
        assert rev is not None
        when, pts = rev.showing[-1]
        now = time.monotonic()
        last = self.control.shown
        if last is not None and last - when > SPAN_SLACK:  # a hole in the recording, crossed
            self._state(TileState.NO_RECORDING, DETAIL_GAP_BACK.format(
                a=paris_hms(when), b=paris_hms(last)))
            self._gap_notice_until = now + GAP_NOTICE_S
            rev.anchor = None  # at once: the hole is not waited out
        if not paused:
            if rev.anchor is None or now - rev.due(when, self._speed) > 1.0:
                rev.anchor = (now, when)  # start, after a jump back over a gap, far behind
            elif rev.due(when, self._speed) > now:
                return
        rev.showing.pop()
        decoder.show_kept(rev.gop, pts)
        rev.limit = when
        self.control.shown = when
        self.control.frames += 1
        self._last_time = when
        if paused:
            self.control.stepped()

    def _reverse_end(self) -> None:
        """Nothing more comes backwards: the start of the recording (T, BYE), or nothing."""
        shown = self.control.shown
        if self.control.frames and shown is not None:
            raise ReplayFinished(TileState.ENDED, DETAIL_START.format(a=paris_hms(shown)))
        asked = self._asked or self.control.requested
        raise ReplayFinished(TileState.NO_RECORDING, no_recording_text(asked, *self._range))

    def _refuse_reverse(self, *, play: bool = True) -> None:
        """The recorder cannot play backwards (an error to the negative ``Scale``, or video
        going forward): said on the tile, paused at the image shown, ×1 from there (``play``:
        asked of the recorder now)."""
        control = self.control
        control.refuse_reverse()
        log.info("reverse play refused by the recorder of %s", self.source.camera_id)
        self._state(TileState.REFUSED, DETAIL_NO_REVERSE)
        self._say_playing = True
        if play:
            start = control.shown or control.requested
            self._play_from(start, 1.0, after=control.shown is not None, rescale=True)

    def _hand_on(self, decoder: Decoder, au: AccessUnit, *, show: bool) -> None:
        packet = av.Packet(au.data)
        if self._first_ts is None:
            self._first_ts = au.rtp_ts
        packet.pts = packet.dts = (au.rtp_ts - self._first_ts) & 0xFFFFFFFF
        packet.is_keyframe = au.key
        when = self._media_time(au)
        if show and au.flags & FLAG_D and self._gap_from is not None:
            self._state(TileState.NO_RECORDING, DETAIL_GAP.format(
                a=paris_hms(self._gap_from), b=paris_hms(when)))
            self._gap_notice_until = time.monotonic() + GAP_NOTICE_S
            self._gap_from = None
        elif show and self._gap_until is not None:  # video again after a silent gap
            self._gap_notice_until = time.monotonic() + GAP_NOTICE_S
            self._gap_from = self._gap_until = None
        decoder.push(self._spec, packet, show)
        self._last_time = when
        if not show:
            return
        if self._say_playing:
            self._say_playing = False
            self._state(TileState.LIVE, DETAIL_PLAYING)
        self.control.shown = when
        self.control.frames += 1
        self._history.append(when)
        if au.flags & FLAG_E and not au.flags & FLAG_T:
            self._gap_from = when
            self._state(TileState.NO_RECORDING, DETAIL_GAP_OPEN.format(a=paris_hms(when)))

    def _cross_gap(self) -> bool:
        """A gap just opened (E): when the recorder told its recorded spans, PLAY at once at
        the start of the next one instead of waiting the hole out in real time."""
        gap_from = self._gap_from
        assert gap_from is not None
        spans = self.source.recorded
        nxt = min((a for a, _ in spans if a > gap_from + timedelta(milliseconds=1)),
                  default=None)
        if nxt is None or not self.onvif:  # one recording: its clock range reaches the next
            return False
        ends = [b for a, b in spans if a <= gap_from < b]
        self._state(TileState.NO_RECORDING, DETAIL_GAP.format(
            a=paris_hms(ends[0] if ends else gap_from), b=paris_hms(nxt)))
        self._gap_notice_until = time.monotonic() + GAP_NOTICE_S
        self._gap_from = None
        # Same decoder connection: the section starts at a keyframe, and the notice stays
        # on the tile (a new connection would say "live" at its first image).
        self._play_from(nxt, self.control.speed, after=False)
        return True

    def _near_end(self) -> bool:
        """The image shown is within a couple of seconds of the end the PLAY reply gave (of
        its start, backwards)."""
        lo, hi = self._range
        shown = self.control.shown
        if shown is None:
            return False
        if self._rev is not None:
            return lo is not None and shown.timestamp() <= lo + 2.0
        return hi is not None and shown.timestamp() >= hi - 2.0

    def _silent_gap(self) -> bool:
        """Silence at the end of a recorded span the recorder told, with another after it (a
        vendor stream has no E flag): a gap. ONVIF replay goes to the next span at once;
        other streams wait for the recorder to go on, at most the gap's length at the speed
        plus the read timeout, saying which times are missing."""
        shown = self.control.shown
        spans = self.source.recorded
        if shown is None or not spans:
            return False
        ends = [b for a, b in spans if a <= shown < b + SPAN_SLACK]
        end = min(ends, default=None)
        if end is None or shown < end - SPAN_SLACK:
            return False  # silent in the middle of a span: not a gap
        nxt = min((a for a, _ in spans if a >= end), default=None)
        if nxt is None:
            return False
        self._gap_from = shown
        if self.onvif:
            return self._cross_gap()
        self._state(TileState.NO_RECORDING, DETAIL_GAP.format(a=paris_hms(end),
                                                              b=paris_hms(nxt)))
        self._gap_until = time.monotonic() + (nxt - shown).total_seconds() / max(
            self.control.speed, 0.01) + self.read_timeout
        self._keepalive_at = time.monotonic()
        return True

    def _finish(self) -> None:
        """The server sends nothing more: the end of the recording, or nothing at this time."""
        if self.control.frames and self.control.shown is not None:
            shown = self.control.shown
            text = DETAIL_END.format(a=paris_hms(shown))
            later = min((a for a, _ in self.source.recorded if a > shown + SPAN_SLACK),
                        default=None)
            if later is not None:
                text += " " + DETAIL_NEXT.format(a=paris_hms(later, date=True))
            raise ReplayFinished(TileState.ENDED, text)
        asked = self._asked or self.control.requested
        raise ReplayFinished(TileState.NO_RECORDING,
                             no_recording_text(asked, *self._range))

    def _span(self) -> float:
        """Seconds of video kept to be shown (units decoded unseen do not count)."""
        first = next((au for au in self._held if not self._hidden(au)), None)
        if first is None:
            return 0.0
        return (self._media_time(self._held[-1]) - self._media_time(first)).total_seconds()

    def _resume(self, decoder: Decoder) -> None:
        """PLAY after a real RTSP PAUSE: from the image shown (what was kept is asked again:
        the recorder restarts at a keyframe, the images up to the one shown are not shown)."""
        control = self.control
        if self.seekable:
            self._play_from(control.shown or control.requested, control.speed,
                            after=control.shown is not None)
        else:
            self._keyed = False
            self.client.play({})
            self._remote_paused = False
        decoder.new_connection()

    def _step_back(self, frames: int, decoder: Decoder) -> None:
        """``frames`` images back: PLAY again from the image that many before the one shown
        (the recorder starts at the keyframe before it; what comes before it is decoded, not
        shown), and show exactly that one."""
        history = self._history
        assert self.control.shown is not None
        if len(history) > frames:
            target = history[-1 - frames]
        else:
            period = (history[-1] - history[-2]) if len(history) >= 2 else timedelta(
                seconds=0.04)
            target = self.control.shown - period * frames
        while history and history[-1] >= target:
            history.pop()  # shown again when it comes
        self._play_from(target, self.control.speed, after=False)
        self.control.step(1)
        decoder.new_connection()

    def _rescale(self, speed: float, decoder: Decoder) -> None:
        """Same position, new speed: recorders take a PLAY with the new ``Scale:``."""
        control = self.control
        if speed < 0 and not self.onvif and control.frames:
            # Only ONVIF replay says how to play backwards: said, the stream kept as it is
            # (a vendor URL asked again would go on from where the recorder is, not the image).
            self._refuse_reverse(play=False)
            return
        start = control.shown or control.requested
        control.requested = start
        self._play_from(start, speed, after=control.shown is not None, rescale=True)
        decoder.new_connection()


def _scale(reply: Response) -> float:
    """The ``Scale:`` a PLAY reply says (0.0 when it says none)."""
    value = _float((reply.header("scale") or "").strip())
    return value if value is not None else 0.0


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def parse_npt_range(value: str | None, origin: float) -> tuple[float | None, float | None]:
    """``npt=12.5-60`` of a recording starting at ``origin`` -> (start, end) epoch seconds."""
    if not value or not value.strip().lower().startswith("npt="):
        return None, None
    lo, _, hi = value.strip()[4:].split(";")[0].partition("-")
    a, b = _float(lo.strip()), _float(hi.strip())
    return (origin + a if a is not None else None, origin + b if b is not None else None)


class ReplayFinished(StreamError):
    """The recording says no more (its end, or nothing at the asked time): terminal for the
    session, which shows ``state`` with the message."""

    terminal = True

    def __init__(self, state: TileState, message: str) -> None:
        super().__init__(message)
        self.state = state


def no_recording_text(asked: datetime, lo: float | None, hi: float | None) -> str:
    text = DETAIL_NO_RECORDING.format(a=paris_hms(asked))
    if lo is not None and hi is not None and lo < hi and lo > _BELIEVABLE:
        a = datetime.fromtimestamp(lo, timezone.utc)
        b = datetime.fromtimestamp(hi, timezone.utc)
        text += " " + DETAIL_AVAILABLE.format(a=paris_hms(a), b=paris_hms(b))
    return text
