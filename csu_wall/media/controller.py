"""The engine's quality and overload controller: every tick it measures the pool's load,
asks the quality switcher which stream each visible tile wants, asks the overload ladder for
each tile's rung, and applies it (keyframes only, paused, or a main/sub switch requested from
the wall service, which goes through the access gate).

One thread, owned by the engine, started on the first ``open`` and stopped by ``shutdown``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Protocol

from csu_wall.core.feed import StreamChoice
from csu_wall.core.frames import Frame
from csu_wall.core.model import StreamKind
from csu_wall.core.ports import Clock, StreamSource
from csu_wall.media.ladder import LadderConfig, LoadSample, OverloadLadder, Rung, TilePriority
from csu_wall.media.quality import QualitySwitcher

log = logging.getLogger(__name__)


class TileStream(Protocol):
    """What the controller reads and sets of a tile's stream (``engine.TileStream``)."""

    tile_id: str
    kind: StreamKind
    pending_kind: StreamKind | None
    binding: int
    sub_height: int
    priority: int
    maximised: bool
    alarmed: bool
    choice: StreamChoice | None

    @property
    def visible(self) -> bool: ...
    @property
    def size(self) -> tuple[int, int]: ...
    def latest(self) -> Frame | None: ...
    def set_paused(self, paused: bool) -> None: ...
    def set_keyframes_only(self, on: bool) -> None: ...


class DecodeLoad(Protocol):
    """The decoding pool's counters (``pool.DecodePool``, ``procpool.ProcessDecodePool``)."""

    @property
    def size(self) -> int: ...
    def load_counters(self) -> tuple[float, int, float]: ...


class MediaEngine(Protocol):
    """What the controller uses of the engine that starts it (``engine.MediaEngine``)."""

    @property
    def clock(self) -> Clock: ...
    @property
    def pool(self) -> DecodeLoad: ...
    @property
    def keep_warm(self) -> float: ...
    def tiles(self) -> Sequence[TileStream]: ...
    def tile(self, tile_id: str) -> TileStream | None: ...
    def expire_switches(self) -> None: ...
    def suspend_hidden(self, keep_warm: float) -> object: ...
    def switch(self, tile_id: str, source: StreamSource, *,
               binding: int | None = None) -> object: ...

TICK_S = 0.5
REQUEST_RETRY_S = 3.0  # s: a refused or failed stream request is not repeated sooner
# A burst of tiles opening (a layout, a wall: this many new in one tick) holds the ladder this
# long: one GOP at the cameras' usual 2 s plus a second, for every connection's probing and
# first keyframe. Read as overload, such a burst sent a quarter of a 100-tile wall to
# keyframes only with the decoders 35-45 % busy (measured).
BURST_TILES = 4
BURST_HOLD_S = 3.0


class LadderController:
    def __init__(self, engine: MediaEngine, *, interval: float = TICK_S,
                 config: LadderConfig | None = None,
                 switcher: QualitySwitcher | None = None) -> None:
        self.engine = engine
        self.interval = interval
        self.ladder = OverloadLadder(config)
        self.switcher = switcher or QualitySwitcher(engine.clock.monotonic)
        self.last_load: LoadSample | None = None
        self.ticks = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._tick_lock = threading.Lock()
        self._seen: dict[str, tuple[TileStream, int]] = {}  # the feed and its binding
        self._requested: dict[str, tuple[StreamKind, float]] = {}
        self._applied: dict[str, Rung] = {}  # edge-triggered: a manual setting stays
        self._last_at: float | None = None
        self._last_busy = 0.0
        self._last_drops = 0
        self._hold_until = float("-inf")  # a burst of tiles opening: the ladder holds

    # -- thread ------------------------------------------------------------------------------

    def start(self) -> None:
        """Run the ticks (the engine calls it after each open, never holding its own lock);
        the thread ends by itself once no tile is left."""
        with self._start_lock:
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._run, name="csu-media-ladder",
                                                daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        with self._start_lock:
            self._stop.set()
            self._wake.set()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def poke(self) -> None:
        """Tick now (maximise, restore): the operator does not wait for the next tick."""
        self._wake.set()

    def threads(self) -> list[threading.Thread]:
        t = self._thread
        return [t] if t is not None and t.is_alive() else []

    def _run(self) -> None:
        while True:
            with self._start_lock:
                if self._stop.is_set() or not self.engine.tiles():
                    self._thread = None
                    return
            try:
                self.tick()
            except Exception:  # the ladder must keep running whatever one tick met
                log.exception("quality/overload tick failed")
            self._wake.wait(self.interval)
            self._wake.clear()

    # -- one tick ----------------------------------------------------------------------------

    def sample(self) -> LoadSample:
        """The pool's load since the previous sample."""
        pool = self.engine.pool
        now = self.engine.clock.monotonic()
        busy, drops, lag = pool.load_counters()
        dt = now - self._last_at if self._last_at is not None else self.interval
        dt = max(dt, 1e-3)
        share = (busy - self._last_busy) / (dt * pool.size)
        load = LoadSample(at=now, busy=min(1.0, max(0.0, share)),
                          lag_s=lag, dropped_per_s=(drops - self._last_drops) / dt)
        self._last_at, self._last_busy, self._last_drops = now, busy, drops
        return load

    def tick(self, load: LoadSample | None = None) -> dict[str, Rung]:
        """Measure (unless ``load`` is given), decide, apply. Returns the rungs decided."""
        with self._tick_lock:
            self.ticks += 1
            self.engine.expire_switches()
            self.engine.suspend_hidden(self.engine.keep_warm)
            load = load or self.sample()
            self.last_load = load
            tiles = [t for t in self.engine.tiles() if t.visible]
            if self._track(tiles) >= BURST_TILES:
                self._hold_until = load.at + BURST_HOLD_S
            priorities = [self._priority(t) for t in tiles]
            rungs = self.ladder.decide(load, priorities, hold=load.at < self._hold_until)
            requests = [r for t in tiles if (r := self._apply(t, rungs[t.tile_id], load.at))]
        for tile_id, kind in requests:  # outside the lock: the service audits, then switches
            self._request(tile_id, kind)
        return rungs

    def _track(self, tiles: Sequence[TileStream]) -> int:
        """Forget what was known of tiles gone or rebound; returns how many of ``tiles`` are
        new (opened or rebound since the previous tick)."""
        current = {t.tile_id: (t, t.binding) for t in self.engine.tiles()}
        for tile_id in list(self._seen):
            if current.get(tile_id) != self._seen[tile_id]:
                del self._seen[tile_id]
                self._requested.pop(tile_id, None)
                self._applied.pop(tile_id, None)
                self.switcher.forget(tile_id)
        new = 0
        for t in tiles:
            if t.tile_id not in self._seen:
                self._seen[t.tile_id] = (t, t.binding)
                self.switcher.start(t.tile_id, t.kind, maximised=t.maximised)
                new += 1
        return new

    def _priority(self, t: TileStream) -> TilePriority:
        if not t.sub_height and t.kind is StreamKind.SUB and (f := t.latest()) is not None:
            t.sub_height = f.source_height
        wanted = self.switcher.decide(t.tile_id, height_px=t.size[1], sub_height=t.sub_height,
                                      maximised=t.maximised)
        top = Rung.HQ if wanted is StreamKind.MAIN else Rung.SD
        return TilePriority(t.tile_id, t.priority, t.maximised, t.alarmed, top)

    def _apply(self, t: TileStream, rung: Rung, now: float) -> tuple[str, StreamKind] | None:
        before = self._applied.get(t.tile_id)
        self._applied[t.tile_id] = rung
        if before is not rung and (before is not None or rung < Rung.SD):
            t.set_paused(rung is Rung.PAUSE)
            if rung is not Rung.PAUSE:
                t.set_keyframes_only(rung is Rung.I)
        wanted = StreamKind.MAIN if rung is Rung.HQ else StreamKind.SUB
        if (t.pending_kind or t.kind) is wanted or t.choice is None:
            return None
        if t.latest() is None:
            # Nothing shown yet from what the tile plays (connecting, backing off, a camera
            # sending what no decoder can show): another stream would be a second session
            # to the same camera, not a better picture. Asked again once a frame came.
            return None
        last = self._requested.get(t.tile_id)
        if last is not None and last[0] is wanted and now - last[1] < REQUEST_RETRY_S:
            return None
        self._requested[t.tile_id] = (wanted, now)
        return t.tile_id, wanted

    def _request(self, tile_id: str, kind: StreamKind) -> None:
        """Ask the tile's stream choice (the wall service: the access gate confirms the
        operator may still view the camera) for the other stream, then switch to it."""
        t = self.engine.tile(tile_id)
        choice = t.choice if t is not None else None
        if t is None or choice is None:
            return
        binding = t.binding
        try:
            source = choice.source_for(kind)
            self.engine.switch(tile_id, source, binding=binding)
        except Exception as exc:  # refused (habilitation revoked) or no source: keep playing
            log.warning("tile %s: switch to the %s stream refused: %s", tile_id, kind.value,
                        type(exc).__name__)
