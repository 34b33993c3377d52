"""Reconnection delays: capped exponential backoff with full jitter.

Full jitter (a uniform draw in [0, min(cap, base·2^n)]) spreads the reconnections of many
workstations after a recorder reboot instead of hitting it in waves.
"""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    def __init__(self, base: float = 0.5, cap: float = 30.0,
                 uniform: Callable[[float, float], float] | None = None) -> None:
        if base <= 0 or cap < base:
            raise ValueError("backoff needs 0 < base <= cap")
        self.base = base
        self.cap = cap
        self._uniform = uniform or random.Random().uniform

    def ceiling(self, attempt: int) -> float:
        """The largest delay after ``attempt`` consecutive failures (attempt 0 = first)."""
        if attempt >= 64:  # 2**64 overflows nothing in Python, but the cap is long reached
            return self.cap
        return min(self.cap, self.base * (2 ** max(0, attempt)))

    def delay(self, attempt: int) -> float:
        return self._uniform(0.0, self.ceiling(attempt))
