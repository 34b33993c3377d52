"""Reconnection delays: capped exponential backoff with full jitter, one per camera.

Full jitter (a uniform draw in [0, min(cap, base·2^n)]) spreads the reconnections of many
workstations after a recorder reboot instead of hitting it in waves.

The failures are counted per camera (a key the sessions give), not per session: a tile
reopened on a failing camera, or a second stream of it, waits for the camera's next attempt
instead of starting afresh. A camera's count starts again only once a stream of it delivered
decoded frames for ``healthy_after`` seconds (the session says so): a camera that accepts the
connection and sends what no decoder can show keeps backing off.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

HEALTHY_AFTER_S = 3.0  # s of decoded frames before a camera's failures are forgotten


@dataclass
class _Camera:
    failures: int = 0
    not_before: float = float("-inf")  # monotonic time of the camera's next attempt


class Backoff:
    def __init__(self, base: float = 0.5, cap: float = 30.0,
                 uniform: Callable[[float, float], float] | None = None,
                 healthy_after: float = HEALTHY_AFTER_S) -> None:
        if base <= 0 or cap < base:
            raise ValueError("backoff needs 0 < base <= cap")
        self.base = base
        self.cap = cap
        self.healthy_after = healthy_after
        self._uniform = uniform or random.Random().uniform
        self._lock = threading.Lock()
        self._cameras: dict[str, _Camera] = {}

    def ceiling(self, attempt: int) -> float:
        """The largest delay after ``attempt`` consecutive failures (attempt 0 = first)."""
        if attempt >= 64:  # 2**64 overflows nothing in Python, but the cap is long reached
            return self.cap
        return min(self.cap, self.base * (2 ** max(0, attempt)))

    def delay(self, attempt: int) -> float:
        return self._uniform(0.0, self.ceiling(attempt))

    # -- per camera --------------------------------------------------------------------------

    def failed(self, key: str, now: float) -> float:
        """A connection to camera ``key`` failed at ``now`` (monotonic): draws the camera's
        next delay from its failures so far and returns the seconds to wait before its next
        attempt (never before an attempt already scheduled by another session)."""
        with self._lock:
            camera = self._cameras.setdefault(key, _Camera())
            delay = self.delay(camera.failures)
            camera.failures += 1
            camera.not_before = max(camera.not_before, now + delay)
            return camera.not_before - now

    def wait(self, key: str, now: float) -> float:
        """Seconds before camera ``key`` may be tried again (0.0: now)."""
        with self._lock:
            camera = self._cameras.get(key)
            return max(0.0, camera.not_before - now) if camera is not None else 0.0

    def healthy(self, key: str) -> None:
        """A stream of camera ``key`` delivered decoded frames for ``healthy_after`` s: its
        next failure starts from the base delay again."""
        with self._lock:
            self._cameras.pop(key, None)

    def failures(self, key: str) -> int:
        """Consecutive failures of camera ``key`` since it was last healthy."""
        with self._lock:
            camera = self._cameras.get(key)
            return camera.failures if camera is not None else 0
