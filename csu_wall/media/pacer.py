"""Real-time pacing of a local file's packets by their timestamps (demo clips)."""

from __future__ import annotations

import threading

import av

from csu_wall.core.ports import Clock

_MAX_LATE = 1.0  # s: behind more than this (machine busy), re-anchor rather than burst
_MAX_GAP = 2.0  # s: a larger timestamp jump is a discontinuity, not a wait


class Pacer:
    """Holds each packet until ``anchor_wall + (pts - anchor_pts)`` on the clock. A timestamp
    going backwards (loop, reset) or jumping re-anchors one frame after the previous one."""

    def __init__(self, clock: Clock, stop: threading.Event,
                 stream: av.video.stream.VideoStream) -> None:
        self.clock = clock
        self.stop = stop
        self.time_base = stream.time_base
        rate = stream.average_rate or stream.guessed_rate
        self.interval = float(1 / rate) if rate else 0.04
        self._anchor_wall: float | None = None
        self._anchor_pts = 0.0
        self._last_pts = 0.0
        self._last_target = 0.0

    def restart(self) -> None:
        """The file loops: the next packet follows the last one by one frame interval."""
        if self._anchor_wall is not None:
            self._anchor_wall = self._last_target + self.interval
            self._anchor_pts = float("nan")  # set by the next packet

    def _seconds(self, packet: av.Packet) -> float | None:
        ts = packet.pts if packet.pts is not None else packet.dts
        tb = packet.time_base or self.time_base
        if ts is None or tb is None:
            return None
        return float(ts * tb)

    def target(self, pts: float | None, now: float) -> float:
        if pts is None:  # no timestamp: one interval after the previous packet
            pts = self._last_pts + self.interval
        if self._anchor_wall is None:
            self._anchor_wall, self._anchor_pts = now, pts
        elif self._anchor_pts != self._anchor_pts:  # NaN: first packet after a loop
            self._anchor_pts = pts
        elif pts < self._last_pts or pts - self._last_pts > _MAX_GAP:
            self._anchor_wall, self._anchor_pts = self._last_target + self.interval, pts
        target = self._anchor_wall + (pts - self._anchor_pts)
        if target < now - _MAX_LATE:
            self._anchor_wall, self._anchor_pts, target = now, pts, now
        self._last_pts = pts
        self._last_target = target
        return target

    def wait(self, packet: av.Packet) -> bool:
        """Sleep until the packet is due; False when stopped meanwhile."""
        now = self.clock.monotonic()
        delay = self.target(self._seconds(packet), now) - now
        if delay > 0:
            return not self.stop.wait(delay)
        return not self.stop.is_set()
