"""One stream session: a reader thread that only does I/O — connect, demux, hand packets on.

A silent or stalled recorder blocks nothing but this thread; every blocking FFmpeg call has a
timeout and ends within ~100 ms once the session is stopped (see ``_interrupt``).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import quote, urlsplit, urlunsplit

import av

from csu_wall.core.errors import CsuWallError, RecorderAuthError, RecorderUnreachable, StreamError
from csu_wall.core.frames import TileState
from csu_wall.core.ports import Clock, SourceKind, StreamSource
from csu_wall.media import _errors, _interrupt
from csu_wall.media.backoff import Backoff
from csu_wall.media.decode import DecoderSpec
from csu_wall.media.gate import RecorderGate
from csu_wall.media.pacer import PacedFile, Pacer
from csu_wall.media.packet_reader import PacketReader
from csu_wall.media.pool import Decoder
from csu_wall.media.procpool import RemoteConnection, remote_error
from csu_wall.media.redact import redact, register_secret
from csu_wall.media.replay import open_reader

log = logging.getLogger(__name__)
_SESSION_IDS = itertools.count(1)
# s: how long a session whose stream is read in its decoder process waits for the reader's
# next word. Until the stream is healthy it looks at the decoded frames this often (the
# backoff's health); then only a word wakes it (stopping puts one), and the timeout is a
# fallback. A tile's thread waking 4 times a second cost little alone, but 310 of them
# (twice the capacity) took the interpreter lock 1,240 times a second, and the GUI thread,
# waiting its turn among them, stalled 100-150 ms several times a second (measured: the GUI
# thread blocked, neither running nor runnable).
REMOTE_POLL_S = 0.25
REMOTE_IDLE_S = 5.0

Credentials = Callable[[str], "tuple[str, str] | None"]
StateSink = Callable[[TileState, str], None]

DETAIL_CONNECTING = "Connexion au flux vidéo…"
DETAIL_LIVE = "En direct."
DETAIL_STALLED = ("Le flux ne reçoit plus d'images depuis {s:.0f} s : reconnexion "
                  "automatique en cours.")
DETAIL_ENDED = "Le flux s'est arrêté : reconnexion automatique en cours."
DETAIL_FILE_END = "Fin de la vidéo."
DETAIL_RETRY = " Nouvelle tentative dans {s:.0f} s."
NO_RECONNECT = {"reconnect": "0", "reconnect_streamed": "0", "reconnect_at_eof": "0",
                "reconnect_on_network_error": "0", "multiple_requests": "0", "seekable": "0"}


class StreamSession:
    def __init__(self, tile_id: str, source: StreamSource, decoder: Decoder, *,
                 clock: Clock, on_state: StateSink, credentials: Credentials | None,
                 open_timeout: float, read_timeout: float, backoff: Backoff,
                 gate: RecorderGate | None = None) -> None:
        self.tile_id = tile_id
        self.source = source
        self.decoder = decoder
        self.clock = clock
        self._on_state = on_state
        self._credentials = credentials
        self.open_timeout = open_timeout
        self.read_timeout = read_timeout
        self.backoff = backoff
        self.stop_event = threading.Event()
        self._paced: PacedFile | None = None  # a real-time file being played by the pump
        self.attempts = 0  # failed connections in a row
        # One backoff per camera (shared by its sessions: a reopened tile, a switch).
        self._backoff_key = (f"{source.recorder_id}/{source.camera_id}" if source.camera_id
                             else source.url)
        self._frames_seen = 0  # the decoder's count at the last check (``_progress``)
        self._decoding_since: float | None = None  # this connection's first decoded frame
        self._healthy = False  # this connection delivered decoded frames long enough
        self.connections = 0
        self.probes = 0  # connection attempts that reached the network (av.open calls)
        # Files are not a recorder's sessions: only network sources pass the gate.
        self._gate = gate if source.kind is not SourceKind.FILE else None
        # Unique per session: a tile's replaced or pending session never frees this one's slot.
        self._gate_key = f"{tile_id}#{next(_SESSION_IDS)}"
        self._last_packet_at = 0.0
        self._opening_at = 0.0  # when the last network open started (the probing's start)
        # Stall watchdog: armed while a network connection is pumping (see ``_overdue``).
        self._watching = False
        self._tripped = False  # latched once the watchdog fired, until the next connection
        self.thread = threading.Thread(target=self._run, name=f"csu-media-reader-{tile_id}",
                                       daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        self.decoder.close()
        paced = self._paced
        if paced is not None:
            self.decoder.pool.pump.cancel(paced)
        if self._gate is not None:
            self._gate.wake()  # a session waiting for a slot ends at once

    @property
    def stopped(self) -> bool:
        return self.stop_event.is_set()

    def _overdue(self) -> bool:
        """The stall watchdog, polled (reader thread, ~every 100 ms) by FFmpeg's interrupt
        callback while a call blocks: no packet for the read timeout ends the call, so the
        tile is STALLED within about the read timeout (FFmpeg's own timeout restarts with
        every call, and FFmpeg's RTSP demuxer answers its first timeout with the last
        packet it held back: it took about twice that). Latched: the packet FFmpeg hands on
        when interrupted does not re-arm it."""
        if not self._watching:
            return False
        if not self._tripped and \
                self.clock.monotonic() - self._last_packet_at >= self.read_timeout:
            self._tripped = True
        return self._tripped

    def _state(self, state: TileState, detail: str) -> None:
        if not self.stopped:
            self._on_state(state, detail)

    # -- the reader thread -------------------------------------------------------------------

    def _run(self) -> None:
        watchdog = self._overdue if self.source.kind is not SourceKind.FILE else None
        _interrupt.register(self.stop_event, watchdog)
        try:
            self._loop()
        except Exception as exc:  # last resort: the tile says so, the app goes on
            log.error("tile %s: reader failed: %s", self.tile_id, _errors.describe(exc))
            self._state(TileState.LOST, _errors.MSG_STREAM)
        finally:
            _interrupt.unregister()
            if self._gate is not None:
                self._gate.release(self.source.recorder_id, self.source.credential_ref,
                                   self._gate_key)

    def _loop(self) -> None:
        prepared = self.source.prepare is None
        # A file's prepare (encode the demo clip) runs once; a network source's (the TLS pin
        # check) before EVERY connection, so a certificate swapped between two is caught.
        once = self.source.kind is SourceKind.FILE
        self._state(TileState.CONNECTING, DETAIL_CONNECTING)
        # A new session of a camera that is backing off (the tile reopened, another stream)
        # waits for the camera's next attempt; after its own failures ``_retry`` does.
        wait = self.backoff.wait(self._backoff_key, self.clock.monotonic())
        if wait > 0:
            self._state(TileState.CONNECTING,
                        DETAIL_CONNECTING + DETAIL_RETRY.format(s=max(1.0, wait)))
            if self.stop_event.wait(wait):
                return
        while not self.stopped:
            if self._gate is not None and not self._gate.enter(
                    self.source.recorder_id, self.source.credential_ref, self._gate_key,
                    self.stop_event, self._state):
                return
            started = self.clock.monotonic()
            self._watching = False  # opening is bounded by the open timeout
            try:
                if self.source.resolve is not None:  # the address, asked of the recorder here
                    url = self.source.resolve(self.stop_event)
                    self.source = replace(self.source, url=url, resolve=None)
                if not prepared:
                    self.source.prepare()  # type: ignore[misc]
                    prepared = once
                container = self._open()
            except Exception as exc:
                if self.stopped:
                    return
                timed_out = self.clock.monotonic() - started >= 0.9 * self.open_timeout
                if not self._failed(_errors.translate(exc, timed_out=timed_out), exc):
                    return
                continue
            if self._gate is not None:
                self._gate.opened(self.source.recorder_id, self.source.credential_ref,
                                  self._gate_key)
            try:
                outcome = self._pump(container)
            except Exception as exc:
                if self.stopped:
                    return
                self._read_failed(exc)
                continue
            finally:
                container.close()
                if self._gate is not None:  # the slot frees while the tile backs off
                    self._gate.release(self.source.recorder_id, self.source.credential_ref,
                                       self._gate_key)
            if outcome == "file-end":
                self._state(TileState.PAUSED, DETAIL_FILE_END)
                return
            if outcome == "ended":
                self._retry(TileState.LOST, DETAIL_ENDED)

    def _failed(self, err: CsuWallError, exc: BaseException) -> bool:
        """Report a failed connection; False when it is terminal (wrong credentials)."""
        log.warning("tile %s: cannot open %s: %s", self.tile_id, redact(self.source.url),
                    _errors.describe(exc))
        if _errors.is_terminal(err):
            # A wrong or unapproved certificate: no retry until the site changes (the session
            # ends; a new site opens new sessions). Not the gate's business: the recorder's
            # credentials are not in question, and none was sent. A recorder's refusal of a
            # replay request (its ``state``) is terminal for this request too.
            self._state(getattr(err, "state", TileState.UNAUTHORISED), str(err))
            return False
        if isinstance(err, RecorderAuthError):
            self._state(TileState.UNAUTHORISED, str(err))
            if self._gate is None:
                return False
            # Terminal for the recorder's credential: the gate keeps this tile (and every
            # other tile of the recorder) from connecting until the credentials change.
            self._gate.failed(self.source.recorder_id, self.source.credential_ref,
                              self._gate_key, TileState.UNAUTHORISED, str(err))
            return True
        state = TileState.UNREACHABLE if isinstance(err, RecorderUnreachable) else TileState.LOST
        if self._gate is not None:
            self._gate.failed(self.source.recorder_id, self.source.credential_ref,
                              self._gate_key, state, str(err))
        self._retry(state, str(err))
        return True

    def _read_failed(self, exc: BaseException) -> None:
        if _errors.is_terminal(exc):  # e.g. the end of a recording: said, never retried
            self._state(getattr(exc, "state", TileState.LOST), str(exc))
            self.stop_event.set()
            return
        silent_for = self.clock.monotonic() - self._last_packet_at
        if silent_for >= 0.9 * self.read_timeout:
            log.info("tile %s: no packet for %.1f s", self.tile_id, silent_for)
            self._retry(TileState.STALLED, DETAIL_STALLED.format(s=silent_for))
            return
        err = _errors.translate(exc)
        if isinstance(err, RecorderAuthError):
            self._state(TileState.UNAUTHORISED, str(err))
            self.stop_event.set()
            return
        log.warning("tile %s: stream lost: %s", self.tile_id, _errors.describe(exc))
        self._retry(TileState.LOST, str(err))

    def _retry(self, state: TileState, detail: str) -> None:
        delay = self.backoff.failed(self._backoff_key, self.clock.monotonic())
        self.attempts += 1
        self._state(state, detail + DETAIL_RETRY.format(s=max(1.0, delay)))
        self.stop_event.wait(delay)

    def _url(self) -> str:
        url = self.source.url
        ref = self.source.credential_ref
        if ref is None or self._credentials is None:
            return url
        cred = self._credentials(ref)
        if cred is None:
            return url
        user, password = cred
        register_secret(password)
        parts = urlsplit(url)
        host = parts.netloc.rsplit("@", 1)[-1]
        userinfo = quote(user, safe="") + ":" + quote(password, safe="")
        return urlunsplit(parts._replace(netloc=f"{userinfo}@{host}"))

    def _open(self) -> av.container.InputContainer | PacketReader | RemoteConnection:
        src = self.source
        if src.kind in (SourceKind.RTSP_REPLAY, SourceKind.SNAPSHOT):
            # What FFmpeg cannot speak: ONVIF replay / Scale (our RTSP client), JPEG polling.
            self.probes += 1
            return open_reader(src, self._credentials, open_timeout=self.open_timeout,
                               read_timeout=self.read_timeout, stop=self.stop_event,
                               on_state=self._state)
        options = dict(src.options)
        fmt = options.pop("f", None) or options.pop("format", None)
        if src.kind is SourceKind.FILE:
            if getattr(self.decoder, "remote_reader", False):  # read in the decoder process
                return self.decoder.open_remote(  # type: ignore[attr-defined, no-any-return]
                    src.url, fmt, options, self.open_timeout, self.read_timeout,
                    self.stop_event,
                    {"file": True, "realtime": src.realtime, "loop": src.loop})
            return av.open(src.url, mode="r", format=fmt, options=options)
        # A first frame in 0.2 s instead of 1.2 s (measured on the loopback server); never
        # fflags=nobuffer, which discards the first keyframe.
        options.setdefault("probesize", "32768")
        options.setdefault("analyzeduration", "500000")
        if src.kind is SourceKind.RTSP:
            options.setdefault("rtsp_transport", src.transport or "tcp")
            # FFmpeg's socket timeout (µs): no byte for the read timeout ends a read in every
            # phase — the handshake and the probing too, which the stall watchdog (armed once
            # open) does not see; without it a source silent after PLAY spent the whole open
            # timeout probing before the watchdog started.
            options.setdefault("timeout", str(int(self.read_timeout * 1_000_000)))
        if src.kind is SourceKind.RTSP and not src.realtime \
                and getattr(self.decoder, "remote_reader", False):
            # Connected and demuxed in the stream's decoder process (procpool.py): this
            # thread waits for what that reader says; the packets never come here.
            # (Replay, JPEG polling and HTTP are read here and their packets sent.)
            self.probes += 1
            self._opening_at = self.clock.monotonic()
            return self.decoder.open_remote(  # type: ignore[attr-defined, no-any-return]
                self._url(), fmt, options, self.open_timeout, self.read_timeout,
                self.stop_event)
        if src.tls_pin is not None and src.kind is SourceKind.HTTP:
            # FFmpeg cannot pin: it must open no connection of its own (reconnect, seek),
            # each one goes through this loop and the source's pin check (prepare).
            options.update(NO_RECONNECT)
        self.probes += 1
        self._opening_at = self.clock.monotonic()
        return av.open(self._url(), mode="r", format=fmt, options=options,
                       timeout=(self.open_timeout, self.read_timeout))

    def _packet_seen(self) -> None:
        self._last_packet_at = now = self.clock.monotonic()
        self._progress(now)

    def _connected(self) -> None:
        """A new connection pumps: its health is measured afresh."""
        self.connections += 1
        self._frames_seen = self.decoder.frames_decoded
        self._decoding_since = None
        self._healthy = False

    def _progress(self, now: float) -> None:
        """Called with each packet: once this connection has delivered decoded frames for
        the backoff's ``healthy_after`` seconds, the camera's failures are forgotten. Packets
        alone prove nothing (a camera may send what no decoder can show)."""
        if self._healthy:
            return
        frames = self.decoder.frames_decoded
        if frames <= self._frames_seen:
            return
        self._frames_seen = frames
        if self._decoding_since is None:
            self._decoding_since = now
        elif now - self._decoding_since >= self.backoff.healthy_after:
            self._healthy = True
            self.attempts = 0
            self.backoff.healthy(self._backoff_key)

    def _pump_paced(self, container: av.container.InputContainer,
                    stream: av.video.stream.VideoStream, spec: DecoderSpec,
                    pacer: Pacer) -> str:
        """A real-time file is played by the pool's shared pump; this thread only waits
        (without waking) for the end, an error or the stop, then closes the container."""
        decoder = self.decoder
        clock = self.clock

        def push(packet: av.Packet) -> None:
            self._last_packet_at = now = clock.monotonic()
            self._progress(now)
            decoder.push(spec, packet)

        job = PacedFile(container, stream, pacer, self.source.loop, push)
        pump = decoder.pool.pump
        self._paced = job
        pump.play(job)
        if self.stopped:  # stop() may have run before _paced was set
            pump.cancel(job)
        job.done.wait()
        self._paced = None
        if job.error is not None:
            raise job.error
        return "stopped" if self.stopped else job.outcome

    def _pump_remote(self, connection: RemoteConnection) -> str:
        """A stream read in its decoder process: wait for its end, following the decoded
        frames for the backoff's health (``_progress``)."""
        self._connected()
        self._last_packet_at = self.clock.monotonic()
        while not self.stopped:
            event = connection.next_event(REMOTE_IDLE_S if self._healthy else REMOTE_POLL_S)
            now = self.clock.monotonic()
            self._progress(now)
            if event is None:
                continue
            word = event[3]
            if word == "restarted":  # its decoder process died: connect again at once
                connection.ended = True
                return "restarted"
            if word == "closed":
                return "stopped"
            connection.ended = True
            if word == "ended":
                _, _, _, _, outcome, silent = event
                self._last_packet_at = now - silent
                return "stopped" if self.stopped else str(outcome)
            if word == "failed":
                kind, text, detail, silent = event[4:8]
                self._last_packet_at = now - silent
                raise remote_error(kind, text, detail)
        return "stopped"

    def _pump(self, container: av.container.InputContainer | PacketReader
              | RemoteConnection) -> str:
        """Demux video packets to the decoder until stopped or the end of the stream."""
        if isinstance(container, RemoteConnection):
            return self._pump_remote(container)
        if isinstance(container, PacketReader):
            self._connected()
            self._last_packet_at = self.clock.monotonic()
            return container.pump(self.decoder, self._packet_seen)
        if not container.streams.video:
            raise StreamError(_errors.MSG_NO_VIDEO)
        stream = container.streams.video[0]
        spec = DecoderSpec.of(stream)
        is_file = self.source.kind is SourceKind.FILE
        pacer = Pacer(self.clock, self.stop_event, stream) if self.source.realtime else None
        self.decoder.new_connection()
        self._connected()
        self._last_packet_at = self.clock.monotonic()
        if not is_file and not spec.width:
            # Probing decoded nothing (no picture size): the source may have gone silent
            # right after PLAY. Counted from the probing's start (no later than its last
            # byte), a silent source is STALLED at most the read timeout after its last
            # byte, not a read timeout after the open gave up.
            self._last_packet_at = self._opening_at
        self._tripped = False
        self._watching = True  # disarmed before the next open (close is cut short too)
        if is_file and pacer is not None:
            return self._pump_paced(container, stream, spec, pacer)
        while not self.stopped:
            for packet in container.demux(stream):
                if self.stopped:
                    return "stopped"
                if packet.size == 0:
                    continue
                if self._tripped:  # held back by FFmpeg, handed on when interrupted
                    raise StreamError("stalled: no packet within the read timeout")
                self._last_packet_at = now = self.clock.monotonic()
                self._progress(now)
                if pacer is not None and not pacer.wait(packet):
                    return "stopped"
                self.decoder.push(spec, packet)
            if self.stopped:
                return "stopped"
            if not is_file:
                return "ended"
            if not self.source.loop:
                return "file-end"
            container.seek(0)
            if pacer is not None:
                pacer.restart()
        return "stopped"
