"""Process figures for one measurement: CPU time, resident memory, percentiles."""

from __future__ import annotations

import json
import math
import os
import resource
import sys
from collections.abc import Sequence
from typing import Any

TILE_W, TILE_H = 240, 135  # a tile of an 8×8 wall filling 1920×1080


def cpu_seconds() -> float:
    """User + system CPU of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mib() -> float:
    """Resident set size now (VmRSS), in MiB; 0.0 where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def pid_cpu_seconds(pid: int) -> float:
    """User + system CPU of another process (a decoder process), from /proc; 0.0 if gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def pss_mib(pid: int | None = None) -> float:
    """Proportional set size (a page mapped by N processes counts 1/N in each) of a process
    (this one by default), in MiB: summed over the GUI and its decoder processes it counts
    their shared frame buffers once. Falls back to the RSS where smaps_rollup is missing."""
    path = f"/proc/{pid if pid is not None else 'self'}/smaps_rollup"
    try:
        with open(path, encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return rss_mib() if pid is None else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return float(ordered[min(rank, len(ordered)) - 1])


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def emit(result: dict[str, Any]) -> None:
    """A worker's result: one JSON line on stdout (the parent reads the last one)."""
    sys.stdout.write(json.dumps(result, sort_keys=True) + "\n")
    sys.stdout.flush()


def rounded(value: float, digits: int = 2) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


MIN_FPS = 24.0
MAX_LAG_P99_MS = 50.0


def summarise(
    *,
    kind: str,
    streams: int,
    window_s: float,
    painted: Sequence[int],
    lags_ms: Sequence[float],
    cpu_s: float,
    rss_base: float,
    rss_end: float,
    first_frame_s: Sequence[float],
) -> dict[str, Any]:
    """The figures of one measurement window, and whether it sustained the streams
    (worst tile ≥ 24 distinct frames painted per second and GUI lag p99 < 50 ms)."""
    fps = [count / window_s for count in painted] or [0.0]
    worst = min(fps)
    lag_p99 = percentile(lags_ms, 99)
    cpu_pct = 100.0 * cpu_s / window_s
    ok = (
        len(painted) == streams
        and worst >= MIN_FPS
        and not math.isnan(lag_p99)
        and lag_p99 < MAX_LAG_P99_MS
    )
    return {
        "kind": kind,
        "streams": streams,
        "ok": ok,
        "window_s": rounded(window_s),
        "worst_fps": rounded(worst),
        "median_fps": rounded(percentile(fps, 50)),
        "gui_lag_p99_ms": rounded(lag_p99),
        "gui_lag_max_ms": rounded(max(lags_ms, default=math.nan)),
        "cpu_pct": rounded(cpu_pct, 1),
        "cpu_pct_per_stream": rounded(cpu_pct / max(streams, 1), 3),
        "rss_base_mib": rounded(rss_base, 1),
        "rss_mib": rounded(rss_end, 1),
        "mib_per_stream": rounded((rss_end - rss_base) / max(streams, 1), 3),
        "first_frame_ms_median": rounded(1000.0 * percentile(first_frame_s, 50), 1),
        "first_frame_ms_p95": rounded(1000.0 * percentile(first_frame_s, 95), 1),
        "streams_with_frames": len(first_frame_s),
    }
