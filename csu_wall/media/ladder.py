"""The overload ladder: main → sub → sub keyframes only → paused, lowest priority first.

Pure logic: :meth:`OverloadLadder.decide` takes a load sample measured by the engine and the
tiles with their priorities, and returns each tile's rung. Deterministic: the same samples
and tiles give the same rungs.

- Overloaded (packets waited too long for a worker, the pool threw packets away, or the
  workers were busy all the time for ``busy_for`` — measured: paced readers then fall behind
  first): step down. Busy alone for a shorter while is a burst (a wall opening: every
  camera's probing and keyframe at once; cameras' keyframes meeting), not overload: read as
  overload, it sent a tile down at start-up that never came back at 72-80 % busy.
  Within the lowest priority class, tiles go down level by level (every tile leaves HQ
  before one goes to I); a higher class is touched only once every lower tile is paused.
  The maximised tile is the highest class, alarmed tiles the next.
- Calm for a while: step up one rung, highest class first, lowest rung first.
- In between: hold. A climb followed by overload within ``probe_window`` doubles the calm
  needed before the next climb (up to ``max_calm``), so a steady borderline load settles
  instead of oscillating.
- Steps already taken take a while to show: packets queued before them still wait. While
  the wait falls and no more packets are thrown away than at the previous sample, the
  ladder holds instead of stepping again (measured at twice the capacity: stepping on
  while the queues drained paused every tile but the priority ones).
- After an opening (``hold``) the ladder settles: the opening's backlog (every connection's
  probing and first keyframe at once) drains only as fast as the headroom allows, several
  seconds near capacity. Until packets wait less than ``lag_low`` again (``settle_max`` at
  most), a wait up to twice ``lag_high`` with nothing thrown away is held, not overload
  (measured at 145 file streams: the wait peaked at 0.54 s four seconds after the opening
  and sent a tile to keyframes only for the rest of the run; the decoders' own skip-ahead
  still bounds the wait at a second). For ``flush_for`` after the hold, neither the wait
  nor the packets the decoders' skip-ahead throws away is overload: that skip-ahead is what
  empties the opening's backlog (a reader past a second behind goes to its next keyframe),
  all of it within about two seconds (measured at 130-145 file streams: the wait rose to
  1.5-1.6 s with the skip-ahead's drops, then fell to 0.0-0.1 s 1.5-2.5 s after the hold;
  read as severe overload, it had sent 16-36 tiles to keyframes only, back only after the
  calm and two climbs, 8-10 s later). Busy all the time still is.
- Climbs double the tiles raised while they hold (slow start) but never again past half
  the batch that last brought overload back (measured: 128 tiles raised at once from
  keyframes to full rate sent the whole wall down again, every 30 s). When the pool is
  calm with room to spare, a climb raises at least as many tiles as half that room holds,
  reckoned from what each tile at full rate costs now (``headroom_use``): a wall knocked
  down by a moment of contention (measured: a 2 s CPU hog at 140 streams sent 17 tiles
  to keyframes only, then the pool sat at 43-71 % busy) comes back in a climb or two,
  not after five climbs of 3 s each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from csu_wall.core.feed import Rung

__all__ = ["LadderConfig", "LoadSample", "OverloadLadder", "Rung", "TilePriority"]


@dataclass(frozen=True)
class LoadSample:
    """The pool's load over the last window, measured by the engine."""

    at: float  # monotonic seconds
    busy: float = 0.0  # workers' busy share of the window, 0..1
    lag_s: float = 0.0  # worst wait of a packet between its reader and a worker
    dropped_per_s: float = 0.0  # packets thrown away because the pool fell behind


@dataclass(frozen=True)
class TilePriority:
    tile_id: str
    priority: int = 0  # larger is more important
    maximised: bool = False
    alarmed: bool = False
    top: Rung = Rung.SD  # the best rung the tile wants: HQ when its size asks for main

    @property
    def rank(self) -> tuple[int, int]:
        cls = 2 if self.maximised else 1 if self.alarmed else 0
        return cls, self.priority


@dataclass(frozen=True)
class LadderConfig:
    lag_high: float = 0.5  # s: above, overloaded
    lag_low: float = 0.2  # s: below (with the rest), calm
    drop_high: float = 0.5  # packets/s thrown away: above, overloaded
    busy_high: float = 0.95  # share: above, no headroom left (the readers fall behind first)
    busy_for: float = 1.5  # s: busy above busy_high this long (3 ticks) is overload by itself
    # share: below (with the rest), calm. Between the two, hold. Measured: a pool holding every
    # tile at full rate hovered at 0.71-0.80 with short peaks; calm below 0.75 then never
    # lasted 3 s, and a tile sent down stayed down on a machine with a fifth of it idle.
    busy_low: float = 0.85
    down_dwell: float = 0.5  # s between two steps down (the next sample must see the first)
    # s: at most this long between two steps down when packets waited longer than
    # down_dwell: a step shows in the wait only once the packets queued before it are
    # decoded, about one wait later (measured at 128 RTSP streams: stepping every 0.5 s
    # while the wait still rose from 1.0 to 1.3 s sent 98 tiles down in 1 s)
    down_wait_max: float = 2.0
    calm_for: float = 3.0  # s of continuous calm before a step up
    max_calm: float = 60.0  # s: the calm needed after repeated failed climbs stops growing
    probe_window: float = 10.0  # s: overload this soon after a climb means the climb failed
    settle_max: float = 10.0  # s after an opening's hold: its backlog drains (see above)
    flush_for: float = 3.0  # s after an opening's hold: the skip-ahead empties it (see above)
    headroom_use: float = 0.5  # share of the room below busy_low a climb may fill at once


@dataclass
class _State:
    caps: dict[str, Rung] = field(default_factory=dict)  # the ladder's limit per tile
    maximised: set[str] = field(default_factory=set)
    last_down: float = float("-inf")
    last_up: float = float("-inf")
    calm_since: float | None = None
    busy_since: float | None = None  # the pool above busy_high since (None: it is not)
    calm_needed: float = 0.0
    # Tiles raised per climb: 1 after a climb that brought overload back, doubled after each
    # climb that held (slow start): 64 tiles sent down together by one burst (every camera's
    # keyframe at once, measured over RTSP at start-up) come back in 6 climbs, not 64.
    climb_batch: int = 1
    climb_limit: int | None = None  # half the batch of the last climb that failed
    last_lag: float = 0.0  # the previous sample's
    down_wait: float = 0.0  # s before the next step down may follow the last one
    last_dropped: float = 0.0
    settle_until: float = float("-inf")  # an opening's backlog drains until then
    flush_until: float = float("-inf")  # ... the decoders' skip-ahead empties it until then


class OverloadLadder:
    def __init__(self, config: LadderConfig | None = None) -> None:
        self.config = config or LadderConfig()
        self._s = _State(calm_needed=self.config.calm_for)

    def overloaded(self, load: LoadSample) -> bool:
        """Packets late or thrown away now, or the pool busy all the time for ``busy_for``
        (as of the samples :meth:`decide` has seen). While an opening's backlog drains, a
        wait up to twice ``lag_high`` alone is not; while the skip-ahead empties it, neither
        the wait nor what it throws away is."""
        c, s = self.config, self._s
        sustained = (load.busy > c.busy_high and s.busy_since is not None
                     and load.at - s.busy_since >= c.busy_for)
        if load.at < s.flush_until:
            return sustained
        lag_high = 2 * c.lag_high if load.at < s.settle_until else c.lag_high
        return load.lag_s > lag_high or load.dropped_per_s > c.drop_high or sustained

    def calm(self, load: LoadSample) -> bool:
        c = self.config
        return load.lag_s < c.lag_low and load.dropped_per_s == 0 and load.busy < c.busy_low

    @property
    def calm_needed(self) -> float:
        return self._s.calm_needed

    def decide(self, load: LoadSample, tiles: list[TilePriority], *,
               hold: bool = False) -> dict[str, Rung]:
        """Each tile's rung. ``hold``: tiles are opening in a burst (a layout, a wall): their
        connections and first keyframes are no overload to step down for, nor a calm to
        climb in; only what is known of new tiles is set."""
        s, c, now = self._s, self.config, load.at
        ids = {t.tile_id for t in tiles}
        for gone in set(s.caps) - ids:
            del s.caps[gone]
        for t in tiles:
            s.caps.setdefault(t.tile_id, Rung.HQ)
            if t.maximised and t.tile_id not in s.maximised:
                s.caps[t.tile_id] = Rung.HQ  # the operator asked for this one: uncapped
        s.maximised = {t.tile_id for t in tiles if t.maximised}
        if load.busy > c.busy_high:
            s.busy_since = now if s.busy_since is None else s.busy_since
        else:
            s.busy_since = None

        draining = (now - s.last_down < c.probe_window and load.lag_s < s.last_lag
                    and load.dropped_per_s <= s.last_dropped)
        s.last_lag, s.last_dropped = load.lag_s, load.dropped_per_s
        if load.lag_s < c.lag_low and not hold:
            # the opening's backlog is decoded
            s.settle_until = s.flush_until = float("-inf")
        if hold:
            s.settle_until = now + c.settle_max
            s.flush_until = now + c.flush_for
            s.calm_since = None
            s.busy_since = None
        elif self.overloaded(load):
            s.calm_since = None
            if now - s.last_up < c.probe_window:  # the last climb brought the overload
                s.calm_needed = min(c.max_calm, 2 * s.calm_needed)
                s.last_up = float("-inf")
                s.climb_limit = max(1, s.climb_batch // 2)
                s.climb_batch = 1
            if now - s.last_down >= max(c.down_dwell, s.down_wait) and not draining:
                severe = load.dropped_per_s > c.drop_high or load.lag_s > 2 * c.lag_high
                steps = max(1, len(tiles) // 8) if severe else 1
                if any([self._step_down(tiles) for _ in range(steps)]):  # not lazy: all steps
                    s.last_down = now
                    s.down_wait = min(load.lag_s, c.down_wait_max)
        elif self.calm(load):
            if s.calm_since is None:
                s.calm_since = now
            ready = now - s.calm_since >= s.calm_needed and now - s.last_down >= s.calm_needed
            if ready and s.last_up != float("-inf"):  # the previous climb held until now
                batch = min(max(1, len(tiles)), 2 * s.climb_batch,
                            s.climb_limit or len(tiles))
            else:
                batch = s.climb_batch
            if ready:
                batch = max(batch, min(self._room(load, tiles), s.climb_limit or len(tiles)))
            if ready and self._step_up(tiles, batch):
                s.climb_batch = batch
                s.last_up = now
                s.calm_since = now  # the next climb needs its own calm period
            elif s.last_up != float("-inf") and now - s.last_up >= c.probe_window:
                s.calm_needed = max(c.calm_for, s.calm_needed / 2)  # the climb held
                s.last_up = float("-inf")
                s.climb_batch = 1  # all the way up: the next descent starts afresh
                s.climb_limit = None
        else:
            s.calm_since = None
        return {t.tile_id: self._rung(t) for t in tiles}

    # -- internals ---------------------------------------------------------------------------

    def _rung(self, t: TilePriority) -> Rung:
        return Rung(min(t.top, self._s.caps[t.tile_id]))

    def _room(self, load: LoadSample, tiles: list[TilePriority]) -> int:
        """How many tiles half the room left below ``busy_low`` holds, each costing what a
        tile at full rate costs now (an overestimate: the tiles below their top cost a
        little too)."""
        full = sum(1 for t in tiles if self._rung(t) >= t.top)
        if full == 0 or load.busy <= 0.0:
            return 0
        per_tile = load.busy / full
        return int(self.config.headroom_use * (self.config.busy_low - load.busy) / per_tile)

    def _step_down(self, tiles: list[TilePriority]) -> bool:
        candidates = [t for t in tiles if self._rung(t) > Rung.PAUSE]
        if not candidates:
            return False
        # lowest class first; within it the highest rung; among equals the last tile id
        # (bottom-right of the wall) first
        candidates.sort(key=lambda t: t.tile_id, reverse=True)
        candidates.sort(key=lambda t: (t.rank, -self._rung(t)))
        t = candidates[0]
        self._s.caps[t.tile_id] = Rung(self._rung(t) - 1)
        return True

    def _step_up(self, tiles: list[TilePriority], count: int = 1) -> bool:
        """Raise ``count`` distinct tiles one rung each: highest priority first, then the
        lowest rung."""
        candidates = [t for t in tiles if self._rung(t) < t.top]
        if not candidates:
            return False
        candidates.sort(key=lambda t: t.tile_id)
        candidates.sort(key=lambda t: (tuple(-r for r in t.rank), self._rung(t)))
        for t in candidates[:count]:
            up = Rung(self._rung(t) + 1)
            self._s.caps[t.tile_id] = Rung.HQ if up >= t.top else up
        return True
