"""Event-loop lag while dragging tiles on an 8×8 wall of demo video.

    python -m csu_wall.benchmark.wall_drag [--seconds 20] [--clips DIR] [--grid 8×8]

Builds the real wall (demo site, media engine, 64 live tiles), then, while a probe timer
measures how late the GUI thread runs it (every 10 ms), drags one tile onto another with the
mouse every 100 ms (press, five moves, release: the wall swaps them). Prints one JSON line:
lag p50 / p99 / max in ms, swaps done, tiles live, frames painted per second. Offscreen unless
QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from csu_wall.gui.main_window import MainWindow
    from csu_wall.gui.wall import WallWidget

PROBE_MS = 10
DRAG_EVERY_MS = 100


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=120.0, help="max wait for live tiles")
    parser.add_argument("--clips", type=Path, default=None, help="demo clips cache folder")
    parser.add_argument("--grid", default="8×8")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(json.dumps(run(args.seconds, args.warmup, args.clips, args.grid)), flush=True)
    return 0


def _bench_window(clips: Path | None) -> MainWindow:
    """The real main window over the demo site, every commune habilitated, no audit writes."""
    from csu_wall.core.audit import AuditEntry, AuditSink
    from csu_wall.core.security import Habilitation, Operator
    from csu_wall.core.sitefile import load_demo_site
    from csu_wall.gui.bridge import StateBridge
    from csu_wall.gui.main_window import MainWindow
    from csu_wall.media.engine import MediaEngine
    from csu_wall.recorders.registry import driver_for
    from csu_wall.services.access import AccessGate
    from csu_wall.services.wall import WallService

    class _Audit(AuditSink):  # the bench measures the GUI; audit writes are not its subject
        def append(self, entry: AuditEntry) -> int:
            return 1

    site = load_demo_site()
    operator = Operator("bench", "Banc d'essai", demo=True)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    habs = [Habilitation(operator.id, c.id, "bench", "bench", start) for c in site.communes]
    gate = AccessGate(site, operator, habs, _Audit(), workstation="bench")
    clip_dir = clips or Path(tempfile.gettempdir()) / "csu-wall-bench-clips"
    bridge = StateBridge()
    engine = MediaEngine(on_state=bridge.post)
    service = WallService(site, gate, engine, lambda rec: driver_for(rec, clip_dir=clip_dir),
                          demo=True)
    return MainWindow(service, demo=True, bridge=bridge,
                      data_dir=Path(tempfile.gettempdir()) / "csu-wall-bench")


def _drag(wall: WallWidget, rng: random.Random) -> bool:
    """Drag a tile onto another with the mouse; True when they swapped."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    tiles = wall.tiles
    source, target = rng.sample(tiles, 2)
    begin = QPoint(source.width() // 2, source.height() // 2)
    end = source.mapFromGlobal(target.mapToGlobal(QPoint(target.width() // 2,
                                                         target.height() // 2)))
    QTest.mousePress(source, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, begin)
    for step in range(1, 6):
        QTest.mouseMove(source, begin + (end - begin) * step / 5)
    QTest.mouseRelease(source, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    return wall.tiles.index(source) != tiles.index(source)


def run(seconds: float, warmup: float, clips: Path | None, grid_name: str) -> dict[str, object]:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from csu_wall.core.frames import TileState
    from csu_wall.core.layout import Grid, Layout
    from csu_wall.core.sitefile import load_demo_site

    app = QApplication.instance() or QApplication(sys.argv[:1])
    costs = _time_tile_methods()
    site = load_demo_site()
    window = _bench_window(clips)
    window.resize(1920, 1080)
    window.show()
    grid = Grid.preset(grid_name)
    cameras = tuple(c.id for c in site.cameras[: len(grid.cells)])
    wall = window.wall
    wall.set_layout(Layout("bench", grid, cameras))

    def live() -> int:
        return sum(1 for t in wall.tiles if t.state is TileState.LIVE and t.frames_painted > 0)

    deadline = time.monotonic() + warmup
    while live() < len(wall.tiles) * 0.9 and time.monotonic() < deadline:
        QTest.qWait(200)
    lags: list[float] = []
    last = [time.perf_counter()]

    def probe() -> None:
        now = time.perf_counter()
        lags.append(max(0.0, (now - last[0]) * 1000.0 - PROBE_MS))
        last[0] = now

    swaps = [0]
    rng = random.Random(4)

    def drag() -> None:
        swaps[0] += _drag(wall, rng)

    probe_timer = QTimer()
    probe_timer.setTimerType(Qt.TimerType.PreciseTimer)
    probe_timer.setInterval(PROBE_MS)
    probe_timer.timeout.connect(probe)
    drag_timer = QTimer()
    drag_timer.setInterval(DRAG_EVERY_MS)
    drag_timer.timeout.connect(drag)
    painted_before = sum(wall.frames_painted().values())
    for entry in costs.values():
        entry[:] = [0.0, 0]
    live_at_start = live()
    began = time.perf_counter()
    last[0] = began
    probe_timer.start()
    drag_timer.start()
    QTest.qWait(int(seconds * 1000))
    probe_timer.stop()
    drag_timer.stop()
    elapsed = time.perf_counter() - began
    painted = sum(wall.frames_painted().values()) - painted_before
    measured = {name: list(entry) for name, entry in costs.items()}
    _untime_tile_methods()
    window.close()
    app.processEvents()
    ordered = sorted(lags) or [0.0]

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {
        "grid": grid_name, "tiles": len(wall.tiles), "live_at_start": live_at_start,
        "seconds": round(elapsed, 1), "swaps": swaps[0], "probes": len(lags),
        "lag_p50_ms": pct(0.50), "lag_p99_ms": pct(0.99), "lag_max_ms": round(ordered[-1], 1),
        "frames_painted_per_s": round(painted / elapsed, 1), "cpus": os.cpu_count(),
        # GUI-thread cost of the render loop: mean µs per TileWidget.pull / paintEvent call,
        # and ms per second of both together (the wrappers add ~0.3 µs per call, A and B alike)
        "pull_us": _mean_us(measured["pull"]), "paint_us": _mean_us(measured["paint"]),
        "render_ms_per_s": round((measured["pull"][0] + measured["paint"][0]) * 1000 / elapsed,
                                 1),
    }


_ORIGINALS: dict[str, object] = {}


def _time_tile_methods() -> dict[str, list[float]]:
    """Wrap TileWidget.pull and paintEvent (class level, before any tile exists) with timers."""
    from csu_wall.gui.tile import TileWidget

    costs: dict[str, list[float]] = {"pull": [0.0, 0], "paint": [0.0, 0]}
    for name, attr in (("pull", "pull"), ("paint", "paintEvent")):
        original = getattr(TileWidget, attr)
        _ORIGINALS[attr] = original

        def timed(self: object, *args: object, _f: object = original,
                  _c: list[float] = costs[name]) -> object:
            began = time.perf_counter()
            try:
                return _f(self, *args)  # type: ignore[operator]
            finally:
                _c[0] += time.perf_counter() - began
                _c[1] += 1

        setattr(TileWidget, attr, timed)
    return costs


def _untime_tile_methods() -> None:
    from csu_wall.gui.tile import TileWidget

    for attr, original in _ORIGINALS.items():
        setattr(TileWidget, attr, original)
    _ORIGINALS.clear()


def _mean_us(entry: list[float]) -> float:
    return round(entry[0] / entry[1] * 1e6, 2) if entry[1] else 0.0


if __name__ == "__main__":
    sys.exit(main())
