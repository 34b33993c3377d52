"""Capacity search: the largest stream count a measurement says is sustained.

Exponential steps from a first guess (up while it passes, down while it fails), then
bisection between the largest passing and the smallest failing count. Every count is
measured at most once, or with ``retry_failures`` a failed count once more (it passes if the
second measurement passes: this machine's speed drifts by 10-30 % within a run, and the
ceilings the capacity is compared with are the higher of two measurements too). The search
stops at the resolution, the probe limit or the deadline.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Measure = Callable[[int], dict[str, Any]]  # returns a result holding at least "ok": bool


@dataclass
class Search:
    capacity: int = 0  # largest count that passed (0: none did)
    failed_at: int | None = None  # smallest count that failed above the capacity
    capped: bool = False  # the ceiling passed: the real capacity may be higher
    probes: list[dict[str, Any]] = field(default_factory=list)
    stopped: str = ""  # why the search ended early ("time", "probes"), "" when resolved


def find_capacity(
    measure: Measure,
    *,
    start: int,
    ceiling: int,
    growth: float = 2.0,
    resolution: float = 0.1,
    max_probes: int = 12,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    probe_cost: Callable[[int], float] | None = None,
    retry_failures: bool = False,
) -> Search:
    """``resolution``: stop when the bracket is narrower than this fraction of the passing
    count (and never below one stream). ``probe_cost(n)`` estimates one probe's seconds, so
    no probe starts that would end after ``deadline``. A second measurement of a failed
    count is a probe too (the limit and the deadline apply); both are in ``probes``, the
    second marked ``"again": True``."""
    search = Search()
    results: dict[int, bool] = {}

    def can_probe(n: int) -> bool:
        if len(search.probes) >= max_probes:
            search.stopped = "probes"
            return False
        if deadline is not None:
            cost = probe_cost(n) if probe_cost is not None else 0.0
            if clock() + cost > deadline:
                search.stopped = "time"
                return False
        return True

    def probe(n: int) -> bool:
        for again in (False, True):
            if again and not (retry_failures and can_probe(n)):
                break
            result = dict(measure(n))
            result.setdefault("streams", n)
            if again:
                result["again"] = True
            search.probes.append(result)
            results[n] = bool(result.get("ok"))
            if results[n]:
                break
        return results[n]

    lo, hi = 0, None  # lo passed (0 trivially), hi failed
    n = max(1, min(start, ceiling))
    # Exponential phase.
    while can_probe(n):
        if probe(n):
            lo = n
            if n >= ceiling:
                search.capped = True
                break
            n = min(ceiling, max(n + 1, math.ceil(n * growth)))
        else:
            hi = n
            if lo > 0 or n <= 1:
                break
            n = max(1, math.floor(n / growth))
        if hi is not None and lo > 0:
            break
    # Bisection phase.
    while hi is not None and hi - lo > max(1.0, resolution * lo):
        mid = (lo + hi) // 2
        if mid in results or not can_probe(mid):
            break
        if probe(mid):
            lo = mid
        else:
            hi = mid
    search.capacity = lo
    search.failed_at = hi
    return search
