"""Figures of the demo wall as an operator sees it: launch to all 16 tiles painting, CPU over
a window, peak memory. Runs the real app pieces (launcher, engine, main window) offscreen.

    python -m csu_wall.benchmark.demo_wall [--seconds 30] [--data-dir DIR]

Prints one JSON object. "Launch" is the process start time read from /proc, so interpreter
start-up and imports are included. The demo clips are encoded on first use: run twice with
the same --data-dir to see the warm figure (``clips_cached`` says which one this was).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import sys
import tempfile
import time
from pathlib import Path


def _seconds_since_process_start() -> float:
    with open("/proc/self/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    start_ticks = int(fields[19])  # field 22 of proc(5), counted after the ")"
    with open("/proc/uptime", encoding="ascii") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csu_wall.benchmark.demo_wall")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="csu-demo-bench-"))

    from PySide6.QtWidgets import QApplication

    from csu_wall.composition import AppLauncher, Paths
    from csu_wall.gui.bridge import StateBridge
    from csu_wall.gui.main_window import MainWindow

    paths = Paths.resolve(str(data_dir), None, demo=True)
    clips_cached = any((paths.cache_dir / "demo-clips").glob("*"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    bridge = StateBridge()
    wall_service = AppLauncher(paths, workstation=socket.gethostname()).open_demo(bridge.post)
    window = MainWindow(wall_service, demo=True, bridge=bridge)
    window.resize(1600, 1000)
    window.show()
    tiles = window.wall.tiles
    deadline = time.monotonic() + 120
    while any(t.frames_painted == 0 for t in tiles) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    all_live_s = _seconds_since_process_start()
    live = sum(1 for t in tiles if t.frames_painted > 0)

    cpu0, wall0 = time.process_time(), time.monotonic()
    painted0 = [t.frames_painted for t in tiles]
    end = wall0 + args.seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)
    cpu = (time.process_time() - cpu0) / (time.monotonic() - wall0) * 100.0
    fps = [(t.frames_painted - p) / args.seconds for t, p in zip(tiles, painted0, strict=True)]
    window.close()
    app.processEvents()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({
        "kind": "demo_wall",
        "tiles": len(tiles),
        "tiles_live": live,
        "launch_to_all_tiles_live_s": round(all_live_s, 2),
        "clips_cached": clips_cached,
        "window_s": args.seconds,
        "cpu_percent_of_one_core": round(cpu, 1),
        "painted_fps_min": round(min(fps), 1),
        "painted_fps_mean": round(sum(fps) / len(fps), 1),
        "peak_rss_mib": round(peak_mib, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
