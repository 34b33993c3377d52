"""Real-time pacing of local files' packets by their timestamps (demo clips, benchmark): one
shared :class:`FilePump` thread for all of them."""

from __future__ import annotations

import functools
import heapq
import itertools
import threading
import time
from collections.abc import Callable, Iterator

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
        # Demuxed packets carry the stream's time base: a float once, not a Fraction product
        # per packet (Fraction arithmetic was a visible share of the pump's CPU).
        self._tick = float(stream.time_base) if stream.time_base else None
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
        ts = packet.pts
        if ts is None:
            ts = packet.dts
        if ts is None:
            return None
        if self._tick is not None:
            return ts * self._tick
        tb = packet.time_base
        return float(ts * tb) if tb is not None else None

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


# -- one thread pacing every real-time file -----------------------------------------------------

_SLACK = 0.005  # s: packets due this soon go now; a hundred files cost ~200 wake-ups/s, not 2500
_PER_TURN = 8  # packets of one file per turn at most (a late file cannot starve the others)


class PacedFile:
    """One open file played by the :class:`FilePump`. The session thread that opened it waits
    on :attr:`done`; only then may it close the container (the pump no longer touches it)."""

    def __init__(self, container: av.container.InputContainer,
                 stream: av.video.stream.VideoStream, pacer: Pacer, loop: bool,
                 push: Callable[[av.Packet], None]) -> None:
        self.container = container
        self.stream = stream
        self.pacer = pacer
        self.loop = loop
        self.push = push
        self.done = threading.Event()
        self.outcome = "stopped"  # "file-end", "stopped" or "error"
        self.error: BaseException | None = None
        self.cancelled = False
        self._packets: Iterator[av.Packet] = container.demux(stream)
        self._pending: av.Packet | None = None
        self._due = 0.0  # on the pacer's clock

    def _next(self) -> av.Packet | None:
        """The next video packet, looping at the end; None at the end of a non-looping file."""
        for _ in range(3):  # an empty file must not spin: give up after a few loops
            for packet in self._packets:
                if packet.size:
                    return packet
            if not self.loop:
                return None
            self.container.seek(0)
            self.pacer.restart()
            self._packets = self.container.demux(self.stream)
        raise EOFError("no video packet in the file")

    def step(self) -> float | None:
        """Hand on what is due; the delay (s) until the next packet, None when finished."""
        clock = self.pacer.clock
        for _ in range(_PER_TURN):
            if self.cancelled:
                return None
            now = clock.monotonic()
            if self._pending is None:
                packet = self._next()
                if packet is None:
                    self.outcome = "file-end"
                    return None
                self._pending = packet
                self._due = self.pacer.target(self.pacer._seconds(packet), now)
            delay = self._due - now
            if delay > _SLACK:
                return delay
            packet, self._pending = self._pending, None
            self.push(packet)
        return 0.0


class FilePump:
    """One thread for every real-time file source (demo, benchmark): a heap of next-due times
    instead of a thread per file waking 25 times a second — with a hundred tiles those wake-ups
    and their GIL hand-offs cost more than the decoding. RTSP sessions keep their own reader
    thread (a silent recorder must block nothing but itself); files never block."""

    def __init__(self, name: str = "csu-media-pacer",
                 around_round: Callable[[Callable[[], None]], None] | None = None) -> None:
        self._name = name
        self._around = around_round
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, PacedFile]] = []
        self._order = itertools.count()
        self._cancelled = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    def play(self, job: PacedFile) -> None:
        with self._cond:
            if self._stopping:
                job.done.set()
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            heapq.heappush(self._heap, (time.monotonic(), next(self._order), job))
            self._cond.notify()

    def cancel(self, job: PacedFile) -> None:
        """Stop playing ``job``; its ``done`` is set as soon as the pump lets go of it."""
        with self._cond:
            job.cancelled = True
            self._cancelled = True
            self._cond.notify()

    def threads(self) -> list[threading.Thread]:
        t = self._thread
        return [t] if t is not None and t.is_alive() else []

    def shutdown(self, deadline: float, clock: Callable[[], float]) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(max(0.0, deadline - clock()))

    def _due(self) -> list[PacedFile]:
        """Wait for the next due files (or cancellations); [] when stopping."""
        with self._cond:
            while not self._stopping:
                finished = []
                if self._cancelled:
                    self._cancelled = False
                    finished = [e[2] for e in self._heap if e[2].cancelled]
                    if finished:
                        self._heap = [e for e in self._heap if not e[2].cancelled]
                        heapq.heapify(self._heap)
                now = time.monotonic()
                due = finished
                while self._heap and self._heap[0][0] <= now + _SLACK:
                    due.append(heapq.heappop(self._heap)[2])
                if due:
                    return due
                self._cond.wait(self._heap[0][0] - now if self._heap else None)
            return []

    def _run(self) -> None:
        try:
            while True:
                due = self._due()
                if not due:
                    return
                if self._around is None:
                    self._round(due)
                else:
                    self._around(functools.partial(self._round, due))
        finally:
            with self._cond:
                left = [e[2] for e in self._heap]
                self._heap.clear()
            for job in left:
                job.done.set()

    def _round(self, due: list[PacedFile]) -> None:
        for job in due:
            self._turn(job)

    def _turn(self, job: PacedFile) -> None:
        try:
            delay = job.step()
        except Exception as exc:  # the session thread translates it (stalled, lost...)
            job.outcome, job.error, delay = "error", exc, None
        if delay is None:
            job.done.set()
            return
        with self._cond:
            if job.cancelled:
                job.done.set()
                return
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._order), job))
