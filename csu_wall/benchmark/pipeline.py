"""The real pipeline under load: N streams through :class:`MediaEngine` (reader threads
demuxing in process, the decoding pool scaling to tile size, masks, mailboxes) painted by the
GUI's own :class:`WallWidget` and :class:`TileWidget` (one render timer per wall) offscreen.

Each wall is the real 8×8 ``WallWidget`` sized so its tiles are 240×135; above 64 streams
several walls are opened (one per 64 tiles, as several monitors). Tiles are fed engine
``TileStream`` objects directly (``TileWidget.set_stream``): the access and audit layer of
``services.wall`` is not part of what is measured.

With ``--priority``, the first tile is given the ladder's highest class (as a maximised
tile on another monitor's wall) and the second is alarmed; the line then says, per rung,
how many tiles the ladder holds there, their frame rates, and whether each tile's badge
says its rung (the overload row: twice the capacity must degrade by priority, not evenly).

Run as ``python -m csu_wall.benchmark.pipeline --streams N CLIP...`` (or ``--url URL...`` for
RTSP); prints one JSON line.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QTimer

from csu_wall.benchmark._proc import (
    cpu_seconds,
    emit,
    pid_cpu_seconds,
    pss_mib,
    rss_mib,
    summarise,
)
from csu_wall.benchmark._qt import PER_WALL, TILE_H, TILE_W, LagProbe, make_app, spin
from csu_wall.core.model import Camera
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.tile import TileWidget
from csu_wall.gui.wall import WallWidget
from csu_wall.gui.wall_render import MARGIN, SPACING
from csu_wall.media.engine import MediaEngine, TileStream

_MARGIN, _SPACING = MARGIN, SPACING  # the wall's grid layout


def _sources(clips: list[Path], urls: list[str], streams: int) -> list[StreamSource]:
    out = []
    for i in range(streams):
        if urls:
            out.append(StreamSource(url=urls[i % len(urls)], kind=SourceKind.RTSP,
                                    camera_id=f"bench-{i}", recorder_id="bench"))
        else:
            out.append(StreamSource(url=str(clips[i % len(clips)]), kind=SourceKind.FILE,
                                    camera_id=f"bench-{i}", recorder_id="bench",
                                    realtime=True, loop=True))
    return out


def _walls(streams: int, bridge: StateBridge) -> list[WallWidget]:
    walls = []
    for _ in range((streams + PER_WALL - 1) // PER_WALL):
        # The service is only used when a camera is dropped on a tile; here tiles are fed
        # streams directly, so none is needed.
        wall = WallWidget(cast(Any, None), bridge, rows=8, columns=8)
        wall.resize(8 * TILE_W + 2 * _MARGIN + 7 * _SPACING,
                    8 * TILE_H + 2 * _MARGIN + 7 * _SPACING)
        wall.show()
        walls.append(wall)
    return walls


def measure(sources: list[StreamSource], warmup_s: float, seconds: float,
            workers: int | None, first_frame_timeout_s: float = 10.0,
            decoders: str = "thread", priority: bool = False) -> dict[str, Any]:
    make_app()
    probe = LagProbe()
    probe.start()
    bridge = StateBridge()
    streams = len(sources)
    walls = _walls(streams, bridge)
    tiles: list[TileWidget] = [t for w in walls for t in w.tiles][:streams]
    spin(0.3)  # layouts settle: tiles know their size
    engine = MediaEngine(workers, on_state=bridge.post, decoders=decoders)
    children = _decoder_pids(engine)
    if children:  # decoder processes: let them finish importing PyAV before the baseline
        _settle(children)
    rss_base = _memory(children)
    handles, opened_at = _open_all(engine, tiles, sources)
    if priority and len(handles) >= 2:
        handles[0].set_priority(maximised=True)
        handles[1].set_priority(alarmed=True)
    sizes = sorted({tile.physical_size() for tile in tiles})

    firsts: dict[int, float] = {}

    def _first_frames() -> None:
        for i, stream in enumerate(handles):
            if i not in firsts:
                frame = stream.latest()
                if frame is not None:
                    firsts[i] = frame.decoded_at - opened_at[i]

    watcher = QTimer()
    watcher.setInterval(10)
    watcher.timeout.connect(_first_frames)
    watcher.start()
    # Warm-up: until every tile has its first frame (an RTSP client joining a shared stream
    # waits for the next keyframe), then ``warmup_s`` more for the pool to settle.
    spin(first_frame_timeout_s, lambda: len(firsts) == streams)
    spin(warmup_s)
    watcher.stop()
    _first_frames()
    stats0 = engine.stats()
    painted0 = [t.frames_painted for t in tiles]
    cpu0, t0 = cpu_seconds(), time.monotonic()
    child0 = sum(pid_cpu_seconds(pid) for pid in children)
    probe.record(True)
    spin(seconds)
    probe.record(False)
    window = time.monotonic() - t0
    child_cpu = sum(pid_cpu_seconds(pid) for pid in children) - child0
    cpu = cpu_seconds() - cpu0 + child_cpu  # the decoder processes' work is the pipeline's
    painted = [t.frames_painted - p for t, p in zip(tiles, painted0, strict=True)]
    rss_end = _memory(children)
    stats1 = engine.stats()
    rungs = _by_rung(handles, tiles, painted, window) if priority else {}
    probe.stop()
    for wall in walls:
        wall.stop()
    engine.shutdown()
    leftover = [t.name for t in engine.live_threads()]
    for wall in walls:
        wall.close()
    result = summarise(kind="pipeline", streams=streams, window_s=window, painted=painted,
                       lags_ms=probe.lags_ms, cpu_s=cpu, rss_base=rss_base, rss_end=rss_end,
                       first_frame_s=list(firsts.values()))
    result.update(
        source="rtsp" if sources and sources[0].kind is SourceKind.RTSP else "file",
        workers=engine.pool.size,
        tile_sizes=[list(s) for s in sizes],
        threads_left=leftover,
        decoder_processes=len(children),
        decoder_cpu_pct=round(100.0 * child_cpu / window, 1),
        # with decoder processes, memory is the PSS of all of them (shared frame buffers
        # counted once); with threads, this process's RSS as before
        memory="pss" if children else "rss",
        **_engine_rates(stats0, stats1, window),
        **rungs,
    )
    return result


def _by_rung(handles: list[TileStream], tiles: list[TileWidget], painted: list[int],
             window: float) -> dict[str, Any]:
    """The overload row: the priority tiles' rates, and per rung where the ladder holds the
    others at the end of the window, how many, their median rate, and whether each tile's
    badge shows it (the rung read by the tile, as painted)."""
    fps = [round(p / window, 2) for p in painted]
    per: dict[str, list[float]] = {}
    badges = 0
    for handle, tile, rate in list(zip(handles, tiles, fps, strict=True))[2:]:
        rung = handle.rung
        label = rung.label if rung is not None else "none"
        per.setdefault(label, []).append(rate)
        badges += tile.rung == label or (label == "pause" and tile.rung != "")
    return {
        "priority_fps": {"maximised": fps[0], "alarmed": fps[1]},
        "priority_rungs": [h.rung.label if h.rung is not None else "none"
                           for h in handles[:2]],
        "rungs": {label: {"tiles": len(rates),
                          "median_fps": sorted(rates)[len(rates) // 2]}
                  for label, rates in sorted(per.items())},
        "badges_showing_rung": badges,
        "other_tiles": len(handles) - 2,
    }


def _open_all(engine: MediaEngine, tiles: list[TileWidget],
              sources: list[StreamSource]) -> tuple[list[TileStream], list[float]]:
    """Open one stream per tile; returns the streams and the instant each was opened."""
    handles: list[TileStream] = []
    opened_at: list[float] = []
    for i, (tile, source) in enumerate(zip(tiles, sources, strict=True)):
        camera = Camera(id=source.camera_id, name=f"Caméra {i + 1}", commune_id="bench",
                        recorder_id="bench")
        opened_at.append(time.monotonic())
        stream = engine.open(tile.tile_id + f"-w{i // PER_WALL}", source,
                             size=tile.physical_size())
        tile.set_feed(camera, stream)
        handles.append(stream)
    return handles, opened_at


def _engine_rates(stats0: dict[str, Any], stats1: dict[str, Any],
                  window: float) -> dict[str, Any]:
    """What the engine decoded, delivered and dropped during the window."""
    return {
        "frames_decoded_per_s": round(
            (stats1["frames_decoded"] - stats0["frames_decoded"]) / window, 1),
        "frames_delivered_per_s": round(
            (stats1["frames_delivered"] - stats0["frames_delivered"]) / window, 1),
        "packets_dropped": int(stats1["packets_dropped"] - stats0["packets_dropped"]),
        # pictures decoded two at a time by the decoder processes (under load)
        "frames_paired_per_s": round(
            (stats1["frames_paired"] - stats0["frames_paired"]) / window, 1),
        "reconnects": int(stats1.get("reconnects", 0)),
    }


def _decoder_pids(engine: MediaEngine) -> list[int]:
    processes = getattr(engine.pool, "processes", None)
    if processes is None:
        return []
    return [p.pid for p in processes() if p.pid is not None]


def _memory(children: list[int]) -> float:
    if not children:
        return rss_mib()
    return pss_mib() + sum(pss_mib(pid) for pid in children)


def _settle(children: list[int], timeout_s: float = 5.0) -> None:
    """Wait (running the event loop) until the decoder processes' memory stops growing."""
    last = -1.0
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        spin(0.2)
        now = sum(pss_mib(pid) for pid in children)
        if now > 0 and abs(now - last) < 1.0:
            return
        last = now


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--streams", type=int, required=True)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=0, help="decoding workers; 0: engine's")
    parser.add_argument("--first-frame-timeout", type=float, default=10.0,
                        help="warm-up waits at most this long for every tile's first frame")
    parser.add_argument("--switch-interval", type=float, default=0.0,
                        help="sys.setswitchinterval for this run (experiments; 0: Python's)")
    parser.add_argument("--decoders", choices=("thread", "process"), default="thread",
                        help="decoding threads in this process, or decoder processes")
    parser.add_argument("--label", default="")
    parser.add_argument("--url", action="append", default=[], help="RTSP URL (repeatable)")
    parser.add_argument("--priority", action="store_true",
                        help="first tile maximised, second alarmed; report tiles per rung")
    parser.add_argument("clips", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if not args.clips and not args.url:
        parser.error("give clips or --url")
    if args.switch_interval > 0:
        sys.setswitchinterval(args.switch_interval)
    sources = _sources(args.clips, args.url, args.streams)
    result = measure(sources, args.warmup, args.seconds, args.workers or None,
                     args.first_frame_timeout, args.decoders, args.priority)
    result.update(resolution=args.label, switch_interval_s=sys.getswitchinterval(),
                  decoders=args.decoders)
    emit(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
