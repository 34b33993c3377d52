"""The overload ladder's decisions on injected load (issue point 4 asks for exactly this).

No engine here: load samples are built by the test, sometimes from a small cost model of the
rungs (HQ costs more than SD, SD much more than I) to close the loop."""

from __future__ import annotations

from csu_wall.media.ladder import LadderConfig, LoadSample, OverloadLadder, Rung, TilePriority

OVER = dict(busy=1.0, lag_s=1.0, dropped_per_s=0.0)
SEVERE = dict(busy=1.0, lag_s=1.5, dropped_per_s=20.0)
CALM = dict(busy=0.3, lag_s=0.01, dropped_per_s=0.0)
BORDER = dict(busy=0.9, lag_s=0.3, dropped_per_s=0.0)  # neither over nor calm


def tiles(n: int, top: Rung = Rung.SD, maximised: str | None = None,
          alarmed: set[str] | None = None) -> list[TilePriority]:
    ids = [f"tile-{i:02d}" for i in range(n)]
    return [TilePriority(i, 0, i == maximised, i in (alarmed or set()),
                         Rung.HQ if i == maximised else top) for i in ids]


def run(ladder: OverloadLadder, ts: list[TilePriority], load: dict[str, float],
        start: float, seconds: float, step: float = 0.5) -> tuple[float, dict[str, Rung]]:
    t, rungs = start, {}
    while t < start + seconds:
        rungs = ladder.decide(LoadSample(at=t, **load), ts)
        t += step
    return t, rungs


def test_no_load_keeps_every_tile_at_its_top() -> None:
    ladder = OverloadLadder()
    ts = tiles(4, top=Rung.HQ)
    assert set(ladder.decide(LoadSample(at=0, **CALM), ts).values()) == {Rung.HQ}


def test_overload_steps_the_lowest_priority_tile_first_one_rung_at_a_time() -> None:
    ladder = OverloadLadder()
    ts = tiles(4, top=Rung.HQ)
    r = ladder.decide(LoadSample(at=0, **OVER), ts)
    assert r == {"tile-00": Rung.HQ, "tile-01": Rung.HQ, "tile-02": Rung.HQ,
                 "tile-03": Rung.SD}
    r = ladder.decide(LoadSample(at=0.2, **OVER), ts)  # within the dwell: no second step
    assert r["tile-02"] is Rung.HQ
    r = ladder.decide(LoadSample(at=1.0, **OVER), ts)
    assert r["tile-02"] is Rung.SD and r["tile-03"] is Rung.SD  # level by level


def test_full_descent_order_and_the_maximised_tile_last() -> None:
    ladder = OverloadLadder(LadderConfig(down_dwell=0.0))
    ts = tiles(3, top=Rung.SD, maximised="tile-00", alarmed={"tile-01"})
    seen = []
    for k in range(20):
        r = ladder.decide(LoadSample(at=k, **OVER), ts)
        seen.append((r["tile-00"], r["tile-01"], r["tile-02"]))
    H, S, I, P = Rung.HQ, Rung.SD, Rung.I, Rung.PAUSE  # noqa: E741
    assert seen[:10] == [
        (H, S, I), (H, S, P),  # the plain tile goes all the way down first
        (H, I, P), (H, P, P),  # then the alarmed one
        (S, P, P), (I, P, P), (P, P, P),  # the maximised tile last
        (P, P, P), (P, P, P), (P, P, P)]


def test_severe_overload_steps_several_tiles_at_once() -> None:
    ladder = OverloadLadder()
    ts = tiles(16)
    r = ladder.decide(LoadSample(at=0, **SEVERE), ts)  # an eighth of the tiles at once
    assert sorted(k for k, v in r.items() if v is Rung.I) == [f"tile-{i}" for i in range(14, 16)]


def test_recovery_climbs_back_one_rung_at_a_time_highest_priority_first() -> None:
    """Each climb raises distinct tiles one rung each, highest priority first, after its own
    calm period; a climb that held doubles the next one (1, 2, 4 … tiles: slow start)."""
    ladder = OverloadLadder(LadderConfig(down_dwell=0.0, calm_for=3.0))
    ts = tiles(3, top=Rung.HQ)
    t, r = run(ladder, ts, OVER, 0, 12, step=1.0)
    assert set(r.values()) == {Rung.PAUSE}
    history: list[tuple[float, list[str]]] = []
    while t < 200 and set(r.values()) != {Rung.HQ}:
        before = r
        r = ladder.decide(LoadSample(at=t, **CALM), ts)
        if r != before:
            changed = sorted(k for k in r if r[k] != before[k])
            assert all(r[k] == before[k] + 1 for k in changed)
            history.append((t, changed))
        t += 0.5
    assert set(r.values()) == {Rung.HQ}
    assert [h[1] for h in history[:3]] == [["tile-00"], ["tile-01", "tile-02"],
                                           ["tile-00", "tile-01", "tile-02"]]
    gaps = [b[0] - a[0] for a, b in zip(history, history[1:], strict=False)]
    assert min(gaps) >= 3.0  # each climb waits for its own calm period


def test_a_wall_sent_down_together_comes_back_in_a_few_climbs() -> None:
    """64 tiles stepped down by one burst (every keyframe at once) are back at their top in
    log2(64) + 1 climbs instead of 64; a climb that brings overload back restarts at one."""
    ladder = OverloadLadder(LadderConfig(down_dwell=0.0, calm_for=3.0))
    ts = tiles(64)
    t, r = run(ladder, ts, SEVERE, 0, 16, step=1.0)  # 8 tiles per wait (1.5 s) shown
    assert list(r.values()).count(Rung.SD) < 8  # nearly the whole wall went down
    climbs = 0
    while t < 600 and set(r.values()) != {Rung.SD}:
        before = r
        r = ladder.decide(LoadSample(at=t, **CALM), ts)
        climbs += r != before
        t += 0.5
    assert set(r.values()) == {Rung.SD} and climbs <= 8
    r = ladder.decide(LoadSample(at=t, **OVER), ts)  # right after the last climb: it failed
    assert ladder._s.climb_batch == 1


def test_steady_borderline_load_changes_nothing() -> None:
    ladder = OverloadLadder()
    ts = tiles(8, top=Rung.HQ)
    ladder.decide(LoadSample(at=0, **OVER), ts)
    first = ladder.decide(LoadSample(at=1, **OVER), ts)
    _, last = run(ladder, ts, BORDER, 2, 300)
    assert last == first


def simulate(seconds: float, capacity: float, n: int = 16) -> list[dict[str, Rung]]:
    """A closed loop: the pool's load follows the rungs (HQ 4, SD 1, I 0.08 units/s)."""
    cost = {Rung.HQ: 4.0, Rung.SD: 1.0, Rung.I: 0.08, Rung.PAUSE: 0.0}
    ladder = OverloadLadder()
    ts = tiles(n, top=Rung.HQ)
    rungs = {t.tile_id: Rung.HQ for t in ts}
    out, t = [], 0.0
    while t < seconds:
        demand = sum(cost[r] for r in rungs.values())
        ratio = demand / capacity  # above 1 the queues grow: lag, then drops
        lag = 0.05 if ratio < 0.9 else 0.3 if ratio <= 1.0 else 0.8 + ratio - 1.0
        load = LoadSample(at=t, busy=min(1.0, ratio), lag_s=lag,
                          dropped_per_s=20.0 * (ratio - 1.0) if ratio > 1.2 else 0.0)
        rungs = ladder.decide(load, ts)
        out.append(rungs)
        t += 0.5
    return out


def test_closed_loop_settles_without_oscillating() -> None:
    history = simulate(1200, capacity=20.0)
    changes = [i for i, (a, b) in enumerate(zip(history, history[1:], strict=False)) if a != b]
    late = [i for i in changes if i > len(history) // 2]
    assert len(late) <= 6, f"{len(late)} changes in the last 10 minutes"
    final = history[-1]
    cost = {Rung.HQ: 4.0, Rung.SD: 1.0, Rung.I: 0.08, Rung.PAUSE: 0.0}
    assert sum(cost[r] for r in final.values()) <= 20.0
    assert Rung.PAUSE not in final.values()  # capacity for everyone at SD: nobody paused


def test_decisions_are_deterministic() -> None:
    assert simulate(300, capacity=12.0) == simulate(300, capacity=12.0)


def test_tiles_coming_and_going() -> None:
    ladder = OverloadLadder(LadderConfig(down_dwell=0.0))
    ts = tiles(2)
    ladder.decide(LoadSample(at=0, **OVER), ts)
    r = ladder.decide(LoadSample(at=1, **OVER), ts[:1])  # tile-01 closed
    assert list(r) == ["tile-00"]
    r = ladder.decide(LoadSample(at=2, **BORDER), ts)  # reopened: starts uncapped
    assert r["tile-01"] is Rung.SD


def test_a_short_busy_burst_is_not_overload_a_sustained_one_is() -> None:
    """A wall opening (every camera's probing and keyframe at once) keeps the pool busy for a
    second or so with no packet late: nothing goes down. Busy all the time for ``busy_for``
    is overload even before packets are late."""
    ladder = OverloadLadder()
    ts = tiles(8)
    burst = dict(busy=1.0, lag_s=0.1, dropped_per_s=0.0)
    _, r = run(ladder, ts, burst, 0, 1.5)  # at 0, 0.5 and 1.0 s: under busy_for
    assert set(r.values()) == {Rung.SD}
    r = ladder.decide(LoadSample(at=1.5, **burst), ts)  # 1.5 s busy without a pause
    assert list(r.values()).count(Rung.I) == 1
    # a burst that stops resets the count
    ladder = OverloadLadder()
    for k, busy in enumerate([1.0, 1.0, 1.0, 0.8, 1.0, 1.0, 1.0]):
        r = ladder.decide(LoadSample(at=k * 0.5, busy=busy, lag_s=0.1), ts)
    assert set(r.values()) == {Rung.SD}


def test_a_tile_sent_down_climbs_back_while_the_pool_has_headroom() -> None:
    """Measured: a pool holding every tile at full rate hovered at 0.71-0.80 busy; a tile sent
    down by a burst must come back there, not wait for a calm below 0.75 that never lasts."""
    ladder = OverloadLadder()
    ts = tiles(8)
    ladder.decide(LoadSample(at=0, busy=1.0, lag_s=1.0), ts)  # late packets: one step down
    t, r = 0.5, {}
    for k in range(20):  # 10 s at 0.72-0.80 busy, packets on time
        r = ladder.decide(LoadSample(at=t, busy=0.72 + 0.02 * (k % 5), lag_s=0.02), ts)
        t += 0.5
    assert set(r.values()) == {Rung.SD}


def test_no_step_while_the_wait_falls_after_one() -> None:
    """Packets queued before a step still wait after it: while their wait falls and no more
    are thrown away, the ladder holds; when it stops falling, it steps again."""
    ladder = OverloadLadder()
    ts = tiles(16)
    r = ladder.decide(LoadSample(at=0.0, busy=0.9, lag_s=0.95), ts)
    assert list(r.values()).count(Rung.I) == 1
    for k, lag in enumerate([0.9, 0.8, 0.7, 0.6]):  # draining: holds
        r = ladder.decide(LoadSample(at=0.5 * (k + 1), busy=0.9, lag_s=lag), ts)
        assert list(r.values()).count(Rung.I) == 1, f"stepped at lag {lag}"
    r = ladder.decide(LoadSample(at=3.0, busy=0.9, lag_s=0.65), ts)  # no longer falling
    assert list(r.values()).count(Rung.I) == 2


def test_a_failed_climb_caps_the_next_climbs_at_half_its_batch() -> None:
    ladder = OverloadLadder(LadderConfig(down_dwell=0.0, calm_for=1.0))
    ts = tiles(64)
    t, r = run(ladder, ts, SEVERE, 0, 12, step=1.0)  # most of the wall sent down
    calm = dict(busy=0.8, lag_s=0.01)  # calm, with little room: the climbs' own pace
    batches = []
    while t < 120 and len(batches) < 4:  # climbs double: 1, 2, 4, 8
        before = r
        r = ladder.decide(LoadSample(at=t, **calm), ts)
        if r != before:
            batches.append(ladder._s.climb_batch)
        t += 0.5
    assert batches == [1, 2, 4, 8]
    failed = batches[-1]
    ladder.decide(LoadSample(at=t, busy=0.9, lag_s=0.8), ts)  # that climb brought it back
    assert ladder._s.climb_limit == failed // 2
    t += 0.5
    sizes = []
    while t < 600 and len(sizes) < 8:
        before = r
        r = ladder.decide(LoadSample(at=t, **calm), ts)
        if r != before:
            sizes.append(ladder._s.climb_batch)
        t += 0.5
    # doubling again, up to the cap and not past it
    assert max(sizes) == failed // 2 and sizes.count(failed // 2) >= 3, sizes


def test_tiles_opening_in_a_burst_hold_the_ladder() -> None:
    """While a layout opens (``hold``), late packets and drops move no tile; once the
    skip-ahead has had its time to empty the backlog (``flush_for``), they do."""
    ladder = OverloadLadder()
    ts = tiles(16)
    r = {}
    for k in range(6):  # 3 s of a burst's worst, held
        r = ladder.decide(LoadSample(at=0.5 * k, **SEVERE), ts, hold=True)
    assert set(r.values()) == {Rung.SD}
    after = 2.5 + LadderConfig().flush_for + 0.5
    r = ladder.decide(LoadSample(at=after, **SEVERE), ts)  # the burst is over: it still is
    assert list(r.values()).count(Rung.I) > 1


def test_after_a_step_the_next_waits_about_as_long_as_packets_waited() -> None:
    """A step shows in the wait only once the packets queued before it are decoded: with
    packets waiting 1.2 s, the next step comes 1.2 s after the first, not 0.5 s."""
    ladder = OverloadLadder()
    ts = tiles(16)
    steady = dict(busy=0.9, lag_s=0.8, dropped_per_s=0.0)  # over, not severe, not falling
    counts = [list(ladder.decide(LoadSample(at=0.5 * k, **steady), ts).values()).count(Rung.I)
              for k in range(5)]
    assert counts == [1, 1, 2, 2, 3]  # 0.8 s apart: at 0, 1.0 and 2.0 s
    ladder = OverloadLadder()
    counts = [list(ladder.decide(LoadSample(at=0.5 * k, busy=0.9, lag_s=3.0), ts).values())
              .count(Rung.I) for k in range(6)]
    assert counts[0] == 2 and counts[3] == 2 and counts[4] == 4  # capped at 2 s


def test_an_openings_backlog_draining_is_held_until_it_is_decoded() -> None:
    """After a layout opens, its backlog (every keyframe at once) drains slowly near
    capacity: a wait up to twice the limit with nothing thrown away moves no tile until
    packets wait little again; a longer wait or packets thrown away still step down."""
    ts = tiles(16)
    draining = dict(busy=0.9, lag_s=0.9, dropped_per_s=0.0)
    ladder = OverloadLadder()
    for k in range(6):
        ladder.decide(LoadSample(at=0.5 * k, **draining), ts, hold=True)
    for k in range(6, 20):  # 7 s more of the backlog draining
        r = ladder.decide(LoadSample(at=0.5 * k, **draining), ts)
    assert set(r.values()) == {Rung.SD}
    r = ladder.decide(LoadSample(at=10.0, busy=0.9, lag_s=1.2), ts)  # past twice the limit
    assert list(r.values()).count(Rung.I) == 2  # severe: an eighth of the tiles
    ladder = OverloadLadder()
    ladder.decide(LoadSample(at=0.0, **draining), ts, hold=True)
    r = ladder.decide(LoadSample(at=3.5, busy=0.9, lag_s=0.6, dropped_per_s=5.0), ts)
    assert list(r.values()).count(Rung.I) == 2  # thrown away past the flush: severe
    ladder = OverloadLadder()
    ladder.decide(LoadSample(at=0.0, **draining), ts, hold=True)
    ladder.decide(LoadSample(at=0.5, **CALM), ts)  # the backlog is decoded: settled
    r = ladder.decide(LoadSample(at=1.0, **draining), ts)
    assert list(r.values()).count(Rung.I) == 1
    ladder = OverloadLadder()
    ladder.decide(LoadSample(at=0.0, **draining), ts, hold=True)
    r = ladder.decide(LoadSample(at=10.5, **draining), ts)  # settle_max is over
    assert list(r.values()).count(Rung.I) == 1


def test_the_skip_ahead_emptying_an_openings_backlog_moves_no_tile() -> None:
    """Measured at 130 file streams: after the opening's hold, the wait rose to 1.6 s while
    the decoders' skip-ahead threw packets away, then fell to 0.1 s by itself two seconds
    later. None of that is overload; the same wait and drops once the flush is over, or a
    pool busy all the time during it, still are."""
    ts = tiles(130)
    opening = [(0.5, 0.13, 0.0), (1.0, 0.29, 0.0), (1.5, 0.56, 0.0), (2.1, 0.86, 0.0),
               (2.6, 1.03, 140.3), (3.1, 1.37, 6.0)]
    flushing = [(3.6, 1.49, 128.9), (4.1, 1.60, 0.0), (4.6, 1.61, 0.0), (5.2, 0.13, 0.0),
                (5.7, 0.16, 0.0)]
    ladder = OverloadLadder()
    for at, lag, dropped in opening:
        ladder.decide(LoadSample(at=at, busy=0.74, lag_s=lag, dropped_per_s=dropped), ts,
                      hold=True)
    for at, lag, dropped in flushing:
        r = ladder.decide(LoadSample(at=at, busy=0.7, lag_s=lag, dropped_per_s=dropped), ts)
        assert set(r.values()) == {Rung.SD}, at
    # the backlog was decoded (the wait fell below lag_low): the next drops are overload
    r = ladder.decide(LoadSample(at=6.2, busy=0.7, lag_s=1.2, dropped_per_s=50.0), ts)
    assert list(r.values()).count(Rung.I) == 130 // 8
    # a wait that never falls: held for the flush, stepped down for after it
    ladder = OverloadLadder()
    ladder.decide(LoadSample(at=0.0, busy=0.7, lag_s=1.0), ts, hold=True)
    counts = [list(ladder.decide(LoadSample(at=at, busy=0.7, lag_s=1.5, dropped_per_s=80.0),
                                 ts).values()).count(Rung.I) for at in (1.0, 2.5, 3.5)]
    assert counts == [0, 0, 130 // 8]
    # busy all the time is overload even while the skip-ahead flushes
    ladder = OverloadLadder()
    ladder.decide(LoadSample(at=0.0, busy=0.99, lag_s=1.0), ts, hold=True)
    counts = [list(ladder.decide(LoadSample(at=at, busy=0.99, lag_s=1.5), ts).values())
              .count(Rung.I) for at in (0.5, 1.0, 1.5, 2.0)]
    assert counts[0] == 0 and counts[-1] > 0


def test_a_calm_pool_with_room_raises_as_many_tiles_as_half_the_room_holds() -> None:
    """A moment of contention (another program, the host) knocks an eighth of a 140-tile
    wall to keyframes only; the pool then sits calm at 70 % busy. The first climb raises as
    many tiles as half the room below ``busy_low`` holds at what a full tile costs now,
    not one: the wall is back in two climbs. With little room, the slow start stays."""
    ts = tiles(140)
    ladder = OverloadLadder()
    r = ladder.decide(LoadSample(at=0.0, **SEVERE), ts)
    assert list(r.values()).count(Rung.I) == 17
    t, climbs = 0.5, []
    while t < 30 and Rung.I in r.values():
        before = list(r.values()).count(Rung.I)
        r = ladder.decide(LoadSample(at=t, busy=0.7, lag_s=0.01), ts)
        if list(r.values()).count(Rung.I) != before:
            climbs.append(before - list(r.values()).count(Rung.I))
        t += 0.5
    # 123 full tiles at 0.7 busy: 0.0057 each; half of 0.15 of room holds 13
    assert climbs[0] == 13 and len(climbs) == 2 and Rung.I not in r.values()
    ladder = OverloadLadder()
    r = ladder.decide(LoadSample(at=0.0, **SEVERE), ts)
    r = {}
    for k in range(1, 12):  # 0.84 busy: room for less than one tile
        r = ladder.decide(LoadSample(at=0.5 * k, busy=0.84, lag_s=0.01), ts)
    assert list(r.values()).count(Rung.I) == 16  # one tile, after the calm period
