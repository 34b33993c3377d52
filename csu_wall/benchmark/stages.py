"""Where a displayed frame's CPU goes: the benchmark's pipeline run (``pipeline.measure``)
with a timer around each stage — demux and packet handoff (the file pump), decoding,
conversion to the tile (swscale), masks, mailbox, the wall's render tick and tile repaint.

Each stage records its thread CPU time (``time.thread_time``) and its wall time; wall minus
CPU is time spent waiting (for the GIL, or for a core taken by another thread or process).
Figures are per frame delivered to a mailbox during the measurement window. The timers cost
about 1 µs per call; the stage figures are for finding where time goes, the capacity figures
come from ``csu-wall bench``.

Run as ``python -m csu_wall.benchmark.stages --streams N CLIP...``; prints one JSON line.
"""

from __future__ import annotations

import argparse
import functools
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from csu_wall.benchmark import _qt, pipeline
from csu_wall.benchmark._proc import emit, rounded

_lock = threading.Lock()
_acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # cpu, wall, calls


def _add(stage: str, cpu: float, wall: float) -> None:
    with _lock:
        entry = _acc[stage]
        entry[0] += cpu
        entry[1] += wall
        entry[2] += 1


def _timed(stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        c0, w0 = time.thread_time(), time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _add(stage, time.thread_time() - c0, time.perf_counter() - w0)
    return wrapper


def _wrap(owner: Any, name: str, stage: str) -> None:
    setattr(owner, name, _timed(stage, getattr(owner, name)))


class _TimedDecoder:
    """Stands in for a decoder context: ``decode`` is timed, the rest is forwarded."""

    def __init__(self, ctx: Any) -> None:
        object.__setattr__(self, "_ctx", ctx)
        object.__setattr__(self, "decode", _timed("decode", ctx.decode))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._ctx, name, value)


def install() -> None:
    """Put the timers in place (this process only)."""
    from csu_wall.gui.tile import TileWidget
    from csu_wall.gui.wall import WallWidget
    from csu_wall.media import pool
    from csu_wall.media.controller import LadderController
    from csu_wall.media.mailbox import Mailbox
    from csu_wall.media.masks import Masker
    from csu_wall.media.pacer import FilePump, PacedFile

    make = pool.make_decoder
    pool.make_decoder = lambda spec: _TimedDecoder(make(spec))  # type: ignore[assignment,return-value]
    _wrap(pool.StreamDecoder, "work", "worker_turn")
    _wrap(pool.StreamDecoder, "_deliver", "deliver")
    _wrap(pool.StreamDecoder, "push", "packet_handoff")
    _wrap(pool.Converter, "to_bgra", "convert")
    _wrap(Masker, "apply", "masks")
    _wrap(Mailbox, "put", "mailbox")
    _wrap(FilePump, "_turn", "pump_turn")
    _wrap(PacedFile, "_next", "demux")
    _wrap(WallWidget, "_on_tick", "gui_tick")
    _wrap(TileWidget, "paintEvent", "gui_paint")
    _wrap(LadderController, "tick", "ladder_tick")


def measure(clips: list[Path], streams: int, warmup: float, seconds: float,
            workers: int | None) -> dict[str, Any]:
    install()
    marks: dict[str, float] = {}
    snapshot: dict[str, list[float]] = {}
    record = _qt.LagProbe.record

    def recording(probe: _qt.LagProbe, on: bool) -> None:  # the measurement window
        record(probe, on)
        with _lock:
            if on:
                _acc.clear()
                marks.update(c0=time.process_time(), w0=time.perf_counter())
            else:
                marks.update(c1=time.process_time(), w1=time.perf_counter())
                snapshot.update({k: list(v) for k, v in _acc.items()})

    _qt.LagProbe.record = recording  # type: ignore[method-assign,assignment]
    sources = pipeline._sources(clips, [], streams)
    result = pipeline.measure(sources, warmup, seconds, workers)
    window = marks["w1"] - marks["w0"]
    frames = max(1, int(snapshot.get("deliver", [0, 0, 0])[2]))
    process_cpu = marks["c1"] - marks["c0"]
    per_frame = {
        stage: {"cpu_us": rounded(1e6 * cpu / frames, 1),
                "wall_us": rounded(1e6 * wall / frames, 1),
                "calls_per_frame": rounded(calls / frames, 2)}
        for stage, (cpu, wall, calls) in sorted(snapshot.items())
    }
    return {
        "kind": "stages",
        "streams": streams,
        "window_s": rounded(window),
        "frames_delivered_per_s": rounded(frames / window, 1),
        "process_cpu_pct": rounded(100 * process_cpu / window, 1),
        "process_cpu_us_per_frame": rounded(1e6 * process_cpu / frames, 1),
        "worst_fps": result.get("worst_fps"),
        "gui_lag_p99_ms": result.get("gui_lag_p99_ms"),
        "per_frame": per_frame,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--streams", type=int, required=True)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("clips", nargs="+", type=Path)
    args = parser.parse_args(argv)
    emit(measure(args.clips, args.streams, args.warmup, args.seconds, args.workers or None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
