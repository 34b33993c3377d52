"""The media engine: one session per tile, one decoding pool for all, one mailbox per tile.

The GUI pulls frames with :meth:`TileStream.latest`; only state changes are pushed, through
``on_state`` (called from reader or worker threads: the caller bridges to its own thread).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from csu_wall.core.errors import StreamError
from csu_wall.core.feed import Rung, StreamChoice
from csu_wall.core.frames import Frame, TileState
from csu_wall.core.model import PrivacyMask, StreamKind
from csu_wall.core.ports import Clock, StreamSource, SystemClock
from csu_wall.media import _interrupt
from csu_wall.media.backoff import Backoff
from csu_wall.media.decode import tile_width
from csu_wall.media.gate import RecorderGate
from csu_wall.media.mailbox import Mailbox
from csu_wall.media.masks import Masker
from csu_wall.media.pool import DecodePool, Decoder
from csu_wall.media.procpool import ProcessDecodePool
from csu_wall.media.quality import initial_kind
from csu_wall.media.redact import route_ffmpeg_logs
from csu_wall.media.session import DETAIL_CONNECTING, StreamSession
from csu_wall.media.views import MSG_SNAPSHOT_NO_STREAM, SnapshotRequest, View

log = logging.getLogger(__name__)

StateCallback = Callable[[str, int, TileState, str], None]
CLOSE_WAIT = 3.0  # s: close() never waits longer for a reader thread
DETAIL_HELD = "Relecture en pause."
SWITCH_TIMEOUT = 15.0  # s: a quality switch with no first frame by then is abandoned
# s: a live tile off the screen keeps its session this long (a maximise and restore, a quick
# look at another tab come back at the next keyframe), then closes it (no network at all)
KEEP_WARM_S = 10.0


class TileStream:
    """A tile's feed (:class:`~csu_wall.core.feed.TileFeed`): ONE object per tile id for the
    engine's whole life. Opening another source on the tile (another camera, a recording, back
    to live) binds the same feed to a new generation; a quality switch moves it to a new
    generation at the instant the new stream's first frame replaces the old one's. What the
    GUI asked of the feed (size, visibility, zoom, priority) carries over to every binding."""

    def __init__(self, tile_id: str, mailbox: Mailbox, size: tuple[int, int],
                 on_change: Callable[[], None] | None = None, *,
                 monotonic: Callable[[], float] | None = None,
                 on_shown: Callable[[TileStream], None] | None = None) -> None:
        self.tile_id = tile_id
        self._generation = 0
        self.binding = 0  # bumped by each open: what the ladder's decisions are about
        self.state = TileState.IDLE
        self.detail = ""
        self.kind = StreamKind.SUB  # the stream playing now
        self.pending_kind: StreamKind | None = None  # the stream being switched to
        self.sub_height = 0  # the sub stream's height, when known (quality switcher)
        self.priority = 0
        self.maximised = False
        self.alarmed = False
        self.choice: StreamChoice | None = None  # asks for the other stream (live only)
        # A recording held still by the operator (pause, frame step): the tile says
        # "paused", not "stream frozen", however old its frame; the source's own LIVE
        # reports wait until it is released.
        self.held = False
        self._source_state: tuple[TileState, str] = (TileState.IDLE, "")
        self.masks: tuple[PrivacyMask, ...] = ()
        self._mailbox = mailbox
        self._size = (tile_width(size[0]), max(2, int(size[1])))
        self._size_set = False  # the GUI gave the size: it wins over the opener's guess
        self._visible = True
        self._fit = True  # aspect kept (letterbox); False: the picture fills the tile
        self._view: View | None = None
        self._decoder: Decoder | None = None
        self._session: StreamSession | None = None
        self._pending: StreamSession | None = None
        self._pending_since = 0.0
        self._retired = True  # nothing bound yet
        self._on_change = on_change
        # Nothing plays unseen: a binding opened while the tile is off the screen, or kept off
        # it longer than the engine's keep-warm time, has no session (no network, no
        # decoding); ``_source`` is what it reconnects to when the tile is shown again.
        self._source: StreamSource | None = None
        self.deferred = False
        self._hidden_since: float | None = None
        self._monotonic = monotonic or SystemClock().monotonic
        self._on_shown = on_shown

    @property
    def generation(self) -> int:
        """The engine's generation of what plays now (media-internal: the GUI never needs
        it; tests and the engine's own bookkeeping read it)."""
        return self._generation

    @property
    def active(self) -> bool:
        return not self._retired

    @property
    def recording(self) -> bool:
        """Recorded video plays (not live)."""
        source = self._source
        return source is not None and source.playback_start is not None and self.active

    def latest(self) -> Frame | None:
        """The newest frame of what plays now (of this generation or, after a quality
        switch, the newer one), or None; never blocks."""
        return self._current(self._mailbox.latest)

    def next_frame(self) -> Frame | None:
        """The frame for the render loop's turn (:meth:`Mailbox.next_frame`: the newest, or
        once, one a burst replaced before it was shown), or None; never blocks."""
        return self._current(self._mailbox.next_frame)

    @property
    def news(self) -> bool:
        """A frame :meth:`next_frame` has not given yet waits (no lock taken)."""
        return self._mailbox.news

    def _current(self, read: Callable[[], Frame | None]) -> Frame | None:
        """What ``read`` takes from the mailbox, if it is of what plays now."""
        if self._retired:
            return None
        generation = self._generation  # read before the frame: a switch may happen between
        frame = read()
        if frame is None or frame.generation < generation:
            return None
        return frame

    @property
    def rung(self) -> Rung | None:
        """Where the overload ladder holds this tile now (what it really decodes)."""
        d = self._decoder
        if d is None or self._retired:
            return None
        if d.paused:
            return Rung.PAUSE
        if d.keyframes_only:
            return Rung.I
        return Rung.HQ if self.kind is StreamKind.MAIN else Rung.SD

    @property
    def visible(self) -> bool:
        return self._visible

    def set_priority(self, *, priority: int | None = None, maximised: bool | None = None,
                     alarmed: bool | None = None) -> None:
        """Ladder priority: maximised, then alarmed tiles are stepped down last."""
        if priority is not None:
            self.priority = priority
        if maximised is not None:
            self.maximised = maximised
        if alarmed is not None:
            self.alarmed = alarmed
        for d in self._decoders():
            d.set_urgent(self.urgent)
        if self._on_change is not None:
            self._on_change()  # maximise and restore act at once, not at the next tick

    @property
    def urgent(self) -> bool:
        """Maximised or alarmed: its packets are decoded before the others' and never
        skipped because the others' are behind."""
        return self.maximised or self.alarmed

    def _dress(self, decoder: Decoder, *, visible: bool, view: View | None,
               keyframes_only: bool = False) -> None:
        """A new decoder of this feed takes what the GUI and the ladder asked of it."""
        decoder.fit = self._fit
        decoder.set_visible(visible)
        if view is not None:
            decoder.set_view(view)
        if keyframes_only:
            decoder.set_keyframes_only(True)
        decoder.set_urgent(self.urgent)

    def set_paused(self, paused: bool) -> None:
        """The ladder's last rung: no decoding, the last frame stays (shown with its age)."""
        if self._decoder is not None:
            self._decoder.set_paused(paused)

    def _decoders(self) -> list[Decoder]:
        pending = self._pending
        current = [self._decoder] if self._decoder is not None else []
        return current + ([pending.decoder] if pending is not None else [])

    def set_size(self, width: int, height: int) -> None:
        """Frames that follow come at this size (width rounded down to a multiple of 4)."""
        self._size = (tile_width(width), max(2, int(height)))
        self._size_set = True
        for d in self._decoders():
            d.set_size(*self._size)

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    def set_visible(self, visible: bool) -> None:
        """A hidden tile costs no decoding; shown again, it resumes at the next keyframe.
        Hidden longer than the engine's keep-warm time, it costs no network either (its
        session closes) and reconnects when shown again."""
        was = self._visible
        self._visible = visible
        self._hidden_since = None if visible else (
            self._hidden_since if not was else self._monotonic())
        for d in self._decoders():
            d.set_visible(visible)
        if visible and self.deferred and self._on_shown is not None:
            self._on_shown(self)

    def set_fill(self, fill: bool) -> None:
        """False (the default): the picture keeps its aspect ratio inside the tile
        (letterbox); True: it fills the tile."""
        self._fit = not fill
        for d in self._decoders():
            d.fit = self._fit

    def set_view(self, view: tuple[float, float, float, float] | None) -> None:
        """Digital zoom: the following frames show this part (normalised x, y, w, h) of the
        source picture, cropped in source pixels and scaled to the tile, privacy masks
        burned at source coordinates first; None shows the whole picture again."""
        decoders = self._decoders()
        for d in decoders:
            d.set_view(view)
        self._view = decoders[0].view if decoders else view

    @property
    def view(self) -> View | None:
        return self._view

    def snapshot(self, timeout: float = 3.0) -> Frame:
        """The next decoded picture at full source resolution (BGRA), privacy masks applied.
        Blocks up to ``timeout`` s (call it off the GUI thread); raises :class:`StreamError`
        with a French message when the tile has no stream or no picture comes in time."""
        decoders = self._decoders()
        if self._retired or not decoders:
            raise StreamError(MSG_SNAPSHOT_NO_STREAM)
        request = SnapshotRequest()
        for d in decoders:
            d.request_snapshot(request)
        try:
            return request.wait(timeout)
        finally:
            for d in decoders:
                d.cancel_snapshot(request)

    def set_keyframes_only(self, on: bool) -> None:
        """Decode keyframes only (about 1 frame in 50 with a 2 s GOP): the pool's last step
        before pausing a tile under load."""
        for d in self._decoders():
            d.set_keyframes_only(on)

    def stats(self) -> dict[str, float]:
        d = self._decoder
        if d is None:
            return {}
        return {"packets_in": d.packets_in, "packets_dropped": d.packets_dropped,
                "frames_decoded": d.frames_decoded, "frames_delivered": d.frames_delivered,
                "decode_errors": d.decode_errors, "backlog": d.backlog(),
                "attempts": s.attempts if (s := self._session) else 0,
                "connections": s.connections if (s := self._session) else 0,
                "probes": s.probes if (s := self._session) else 0}

    def _set_state(self, state: TileState, detail: str) -> bool:
        changed = (state, detail) != (self.state, self.detail)
        self.state, self.detail = state, detail
        return changed


class MediaEngine:
    def __init__(self, workers: int | None = None, *, clock: Clock | None = None,
                 on_state: StateCallback | None = None,
                 credentials: Callable[[str], tuple[str, str] | None] | None = None,
                 open_timeout: float = 5.0, read_timeout: float = 5.0,
                 backoff: Backoff | None = None, ladder: bool = True,
                 gate: RecorderGate | None = None, keep_warm: float = KEEP_WARM_S,
                 decoders: str = "thread") -> None:
        from csu_wall.media.controller import LadderController

        self.clock: Clock = clock or SystemClock()
        # Decoding in this process's threads, or in decoder processes (one per core) outside
        # its interpreter lock (csu_wall/media/procpool.py): the application uses processes.
        self.pool: DecodePool | ProcessDecodePool = (
            ProcessDecodePool(workers, self.clock.monotonic) if decoders == "process"
            else DecodePool(workers, self.clock.monotonic))
        if isinstance(self.pool, ProcessDecodePool):
            self.pool.start()  # they import PyAV meanwhile: the first tile does not wait
        self.on_state = on_state
        self.credentials = credentials
        self.open_timeout = open_timeout
        self.read_timeout = read_timeout
        self.backoff = backoff or Backoff()
        self.gate = gate or RecorderGate()  # per-recorder session cap, one-probe credentials
        self.keep_warm = keep_warm
        self._lock = threading.RLock()
        self._sessions: dict[str, StreamSession] = {}
        self._handles: dict[str, TileStream] = {}
        self._mailboxes: dict[str, Mailbox] = {}
        self._generations: dict[str, int] = {}
        self._retired: list[threading.Thread] = []  # closed readers not yet finished
        self._closed_totals = {"frames_decoded": 0, "frames_delivered": 0, "packets_dropped": 0}
        self._shut = False
        self.controller: LadderController | None = LadderController(self) if ladder else None
        route_ffmpeg_logs()
        _interrupt.install()

    def feed(self, tile_id: str, size: tuple[int, int] = (640, 360)) -> TileStream:
        """The tile's feed, made (idle) on first use; the same object from then on."""
        with self._lock:
            handle = self._handles.get(tile_id)
            if handle is None:
                mailbox = self._mailboxes.setdefault(tile_id, Mailbox())
                handle = TileStream(tile_id, mailbox, size,
                                    self.controller.poke if self.controller else None,
                                    monotonic=self.clock.monotonic, on_shown=self._resume)
                self._handles[tile_id] = handle
            return handle

    def open_live(self, tile_id: str, choice: StreamChoice, *, size: tuple[int, int],
                  sub_height: int = 0, masks: Sequence[PrivacyMask] = ()) -> TileStream:
        """Play a camera live on the tile: the stream (main or sub) is chosen here, from the
        tile's size and whether it is maximised (the quality switcher), and asked of
        ``choice``; the quality switcher and the ladder ask ``choice`` again later."""
        handle = self.feed(tile_id, size)
        height = handle.size[1] if handle.active else size[1]
        kind = (StreamKind.MAIN if handle.maximised
                else initial_kind(height, sub_height))
        source = choice.source_for(kind)
        handle = self.open(tile_id, source, size=size, masks=masks, choice=choice)
        handle.sub_height = sub_height
        return handle

    def open(self, tile_id: str, source: StreamSource, *, size: tuple[int, int],
             masks: Sequence[PrivacyMask] = (), choice: StreamChoice | None = None,
             keep_view: bool = False) -> TileStream:
        """Play ``source`` on the tile's feed, replacing what it played (new generation).
        The feed keeps the GUI's size and visibility; the zoom is kept only when
        ``keep_view`` (a recording of the same camera), not for another camera."""
        with self._lock:
            if self._shut:
                raise RuntimeError("media engine is shut down")
            fresh = tile_id not in self._handles
            handle = self.feed(tile_id, size)
            self._stop_session(tile_id)
            if fresh or not handle._size_set:
                handle._size = (tile_width(size[0]), max(2, int(size[1])))
            generation = self._next_generation(tile_id)
            handle._mailbox.reset(generation)
            session_box: list[StreamSession] = []

            def first_frame() -> None:
                self._report(handle, TileState.LIVE, "En direct.", session_box[0])

            if not (keep_view and handle._view is not None):
                handle._view = None
            handle._generation = generation
            handle.binding += 1
            handle._decoder = None
            handle.kind = source.stream
            handle.pending_kind = None
            handle.sub_height = 0
            handle.choice = choice
            handle.masks = tuple(masks)
            handle._retired = False
            handle.held = False
            handle._source = source
            handle._session = None
            handle.deferred = not handle._visible
            session: StreamSession | None = None
            if not handle.deferred:  # off the screen: no connection until it is shown
                decoder = self.pool.decoder(tile_id, generation, handle._mailbox, handle.size,
                                            Masker(masks), first_frame, self.clock.monotonic,
                                            self._trouble(handle, session_box))
                handle._dress(decoder, visible=True, view=handle._view)
                handle._decoder = decoder
                session = self._session(handle, source, decoder)
                session_box.append(session)
                handle._session = session
                self._sessions[tile_id] = session
                session.start()
        self._report(handle, TileState.CONNECTING, DETAIL_CONNECTING, session)
        if self.controller is not None:
            self.controller.start()
        return handle

    def set_recorder_cap(self, recorder_id: str, cap: int | None) -> None:
        """At most ``cap`` sessions of the recorder connect at once; the others wait."""
        self.gate.set_cap(recorder_id, cap)

    def credentials_changed(self, recorder_id: str) -> None:
        """The recorder's credentials changed: tiles it refused probe it again (one first)."""
        self.gate.credentials_changed(recorder_id)

    def switch(self, tile_id: str, source: StreamSource, *,
               masks: Sequence[PrivacyMask] | None = None,
               binding: int | None = None) -> TileStream:
        """Switch the tile to another stream (main/sub) without a black frame: the old stream
        keeps feeding the tile until the new one's first frame, which replaces it at once
        (new generation: late frames of the old stream are dropped)."""
        with self._lock:
            if self._shut:
                raise RuntimeError("media engine is shut down")
            handle = self._handles.get(tile_id)
            if handle is None or not handle.active or handle._decoder is None:
                raise KeyError(f"no stream on tile {tile_id}")
            if binding is not None and binding != handle.binding:
                return handle  # the tile plays something else since the request was made
            if handle.deferred:  # off the screen: it will connect to this one when shown
                handle._source = source
                handle.kind = source.stream
                return handle
            if handle._pending is not None:
                if handle.pending_kind is source.stream:
                    return handle
                self._drop_pending(handle)
            generation = self._next_generation(tile_id)
            staging = Mailbox(generation)
            session_box: list[StreamSession] = []

            def first_frame() -> None:
                if not self._promote(handle, session_box[0], staging):
                    self._report(handle, TileState.LIVE, "En direct.", session_box[0])

            old = handle._decoder
            masks = handle.masks if masks is None else tuple(masks)
            decoder = self.pool.decoder(tile_id, generation, staging, old.size,
                                        Masker(masks), first_frame, self.clock.monotonic,
                                        self._trouble(handle, session_box))
            handle._dress(decoder, visible=old.visible, view=old.view,
                          keyframes_only=old.keyframes_only)
            session = self._session(handle, source, decoder)
            session_box.append(session)
            handle._pending = session
            handle._pending_since = self.clock.monotonic()
            handle.pending_kind = source.stream
            session.start()
            return handle

    def expire_switches(self) -> None:
        """Abandon switches whose new stream gave no frame within SWITCH_TIMEOUT (the old
        stream simply goes on)."""
        now = self.clock.monotonic()
        with self._lock:
            for handle in self._handles.values():
                if handle._pending is not None and now - handle._pending_since > SWITCH_TIMEOUT:
                    log.warning("tile %s: switch to the %s stream gave no frame, abandoned",
                                handle.tile_id, handle.pending_kind)
                    self._drop_pending(handle)

    def close(self, tile_id: str, state: TileState = TileState.IDLE, detail: str = "") -> None:
        """Stop the tile's stream (the feed stays, idle, in ``state``); waits at most ~3 s for
        its reader (a hung recorder's call is interrupted within ~0.1 s)."""
        with self._lock:
            thread = self._stop(tile_id)
            handle = self._handles.get(tile_id)
            if handle is not None:
                handle._set_state(state, detail)
            mailbox = self._mailboxes.get(tile_id)
            if mailbox is not None:
                mailbox.reset(self._next_generation(tile_id))
        if self.controller is not None:
            self.controller.poke()  # ends its thread if that was the last tile
        if thread is not None and thread is not threading.current_thread():
            thread.join(CLOSE_WAIT)

    def shutdown(self, timeout: float = 3.0) -> None:
        """Stop everything and join every thread started, within ``timeout`` overall."""
        deadline = self.clock.monotonic() + timeout
        with self._lock:
            self._shut = True
            for tile_id in list(self._sessions):
                self._stop(tile_id)
            threads = list(self._retired)
        if self.controller is not None:
            self.controller.stop(max(0.0, deadline - self.clock.monotonic()))
        for t in threads:
            if t is not threading.current_thread():
                t.join(max(0.0, deadline - self.clock.monotonic()))
        self.pool.shutdown(deadline, self.clock.monotonic)
        still = self.live_threads()
        if still:
            log.warning("media threads still running after shutdown: %s",
                        ", ".join(t.name for t in still))

    def tile(self, tile_id: str) -> TileStream | None:
        with self._lock:
            return self._handles.get(tile_id)

    def tiles(self) -> list[TileStream]:
        """The feeds that play something now."""
        with self._lock:
            return [h for h in self._handles.values() if h.active]

    def stats(self) -> dict[str, float]:
        with self._lock:
            decoders = [s.decoder for s in self._sessions.values()]
            totals = dict(self._closed_totals)
            reconnects = sum(max(0, s.connections - 1) for s in self._sessions.values())
        return {
            "sessions": len(decoders),
            "workers": self.pool.size,
            "frames_decoded": totals["frames_decoded"] + sum(d.frames_decoded for d in decoders),
            "frames_delivered": totals["frames_delivered"]
            + sum(d.frames_delivered for d in decoders),
            "packets_dropped": totals["packets_dropped"]
            + sum(d.packets_dropped for d in decoders),
            "decode_errors": sum(d.decode_errors for d in decoders),
            "queue_depth": sum(d.backlog() for d in decoders),
            "ready_streams": self.pool.queue_depth(),
            "reconnects": reconnects,
            "frames_paired": self.pool.frames_paired(),
        }

    def live_threads(self) -> list[threading.Thread]:
        with self._lock:
            readers = [t for t in self._retired if t.is_alive()]
            readers += [s.thread for s in self._sessions.values() if s.thread.is_alive()]
            readers += [h._pending.thread for h in self._handles.values()
                        if h._pending is not None and h._pending.thread.is_alive()]
            self._retired = [t for t in self._retired if t.is_alive()]
        ladder = self.controller.threads() if self.controller is not None else []
        return readers + ladder + self.pool.threads()

    # -- internals ---------------------------------------------------------------------------

    def _trouble(self, handle: TileStream,
                 session_box: list[StreamSession]) -> Callable[[str], None]:
        """What a stream's decoder calls when its decoder process was restarted: the tile
        says it is reconnecting until the next keyframe brings the picture back."""
        def report(detail: str) -> None:
            if session_box:
                self._report(handle, TileState.LOST, detail, session_box[0])
        return report

    def _next_generation(self, tile_id: str) -> int:
        generation = self._generations.get(tile_id, 0) + 1
        self._generations[tile_id] = generation
        return generation

    def _session(self, handle: TileStream, source: StreamSource,
                 decoder: Decoder) -> StreamSession:
        box: list[StreamSession] = []
        session = StreamSession(
            handle.tile_id, source, decoder, clock=self.clock,
            on_state=lambda state, detail: self._report(handle, state, detail, box[0]),
            credentials=self.credentials, open_timeout=self.open_timeout,
            read_timeout=self.read_timeout, backoff=self.backoff, gate=self.gate)
        box.append(session)
        return session

    def _promote(self, handle: TileStream, session: StreamSession, staging: Mailbox) -> bool:
        """The pending stream's first frame (a worker thread): swap it in. False when the
        session is not (or no longer) a pending switch."""
        with self._lock:
            if handle._pending is not session or not handle.active:
                return False
            frame = staging.latest()
            if frame is None:
                return False
            old = self._sessions[handle.tile_id]
            old_decoder = handle._decoder
            decoder = session.decoder

            def adopt() -> None:  # under the mailbox lock: readers see old or new, never none
                handle._generation = frame.generation
                handle._decoder = decoder
                handle.kind = session.source.stream

            handle._mailbox.promote(frame, adopt)
            decoder.mailbox = handle._mailbox
            if old_decoder is not None and old_decoder.paused:
                decoder.set_paused(True)
            handle._session = session
            handle._source = session.source
            handle._pending = None
            handle.pending_kind = None
            self._sessions[handle.tile_id] = session
            self._retire(old)
        log.info("tile %s: now on the %s stream", handle.tile_id, handle.kind.value)
        return True

    def _drop_pending(self, handle: TileStream) -> None:
        pending, handle._pending, handle.pending_kind = handle._pending, None, None
        if pending is not None:
            self._retire(pending)

    def _retire(self, session: StreamSession) -> threading.Thread | None:
        session.stop()
        d = session.decoder
        self._closed_totals["frames_decoded"] += d.frames_decoded
        self._closed_totals["frames_delivered"] += d.frames_delivered
        self._closed_totals["packets_dropped"] += d.packets_dropped
        if session.thread.ident is not None:
            self._retired.append(session.thread)
            return session.thread
        return None

    def hold(self, tile_id: str, held: bool) -> None:
        """A recording paused (or stepped) by the operator: the tile says "paused" until it
        is released (a live source is never held)."""
        with self._lock:
            handle = self._handles.get(tile_id)
            if handle is None or not handle.active or handle.held == held:
                return
            handle.held = held
            session = self._sessions.get(tile_id)
            state, detail = handle._source_state
        self._report(handle, state, detail, session)

    def suspend_hidden(self, keep_warm: float) -> list[str]:
        """Close the sessions of live tiles off the screen for longer than ``keep_warm``
        seconds (no network, no decoding); they reconnect when shown. Recordings are kept:
        their position lives in their session. Returns the tiles suspended."""
        now = self.clock.monotonic()
        done: list[str] = []
        with self._lock:
            for handle in self._handles.values():
                hidden = handle._hidden_since
                if (handle.active and not handle.deferred and handle.choice is not None
                        and hidden is not None and now - hidden >= keep_warm):
                    self._stop_session(handle.tile_id)
                    handle._session = None
                    handle.deferred = True
                    done.append(handle.tile_id)
        for tile_id in done:
            log.info("tile %s: off the screen for %.0f s, its session is closed", tile_id,
                     keep_warm)
        return done

    def _resume(self, handle: TileStream) -> None:
        """A deferred tile is on the screen: connect now (a new generation; the tile keeps
        painting its last frame, as resuming, until the first new one)."""
        with self._lock:
            if self._shut or not handle.deferred or not handle.active or handle._source is None:
                return
            if self._handles.get(handle.tile_id) is not handle:
                return
            generation = self._next_generation(handle.tile_id)
            handle._mailbox.reset(generation)
            session_box: list[StreamSession] = []

            def first_frame() -> None:
                self._report(handle, TileState.LIVE, "En direct.", session_box[0])

            old = handle._decoder
            if old is not None:
                old.close()
            decoder = self.pool.decoder(handle.tile_id, generation, handle._mailbox,
                                        handle.size, Masker(handle.masks), first_frame,
                                        self.clock.monotonic,
                                        self._trouble(handle, session_box))
            handle._dress(decoder, visible=handle._visible, view=handle._view,
                          keyframes_only=old is not None and old.keyframes_only)
            handle._generation = generation
            handle._decoder = decoder
            handle.deferred = False
            session = self._session(handle, handle._source, decoder)
            session_box.append(session)
            handle._session = session
            self._sessions[handle.tile_id] = session
            session.start()
        self._report(handle, TileState.CONNECTING, DETAIL_CONNECTING, session)
        if self.controller is not None:
            self.controller.start()

    def _stop(self, tile_id: str) -> threading.Thread | None:
        """The tile's feed goes idle (it stays the tile's feed)."""
        thread = self._stop_session(tile_id)
        handle = self._handles.get(tile_id)
        if handle is not None:
            handle._retired = True
            handle.deferred = False
            handle.choice = None
        return thread

    def _stop_session(self, tile_id: str) -> threading.Thread | None:
        session = self._sessions.pop(tile_id, None)
        handle = self._handles.get(tile_id)
        if handle is not None:
            self._drop_pending(handle)
            if session is None and handle._decoder is not None:
                handle._decoder.close()  # a deferred binding's decoder (no session owns it)
        if session is None:
            return None
        return self._retire(session)

    def _report(self, handle: TileStream, state: TileState, detail: str,
                session: StreamSession | None) -> None:
        with self._lock:
            current = (handle.active and self._sessions.get(handle.tile_id) is session)
            if current:
                handle._source_state = (state, detail)
                if handle.held and state is TileState.LIVE:
                    state, detail = TileState.PAUSED, DETAIL_HELD
            changed = current and handle._set_state(state, detail)
            generation = handle.generation
        if not changed or self.on_state is None:
            return
        try:
            self.on_state(handle.tile_id, generation, state, detail)
        except Exception:  # a listener must not kill the reader or worker reporting
            log.exception("on_state callback failed")
