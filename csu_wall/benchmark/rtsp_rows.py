"""The benchmark's loopback RTSP rows alone (64 and 128 streams by default), with the same
clips, server, warm-up and window as a full ``csu-wall bench`` run, to compare engine
variants quickly: ``python -m csu_wall.benchmark.rtsp_rows --clips-dir DIR [--readers
gui|process] [--streams 64 --streams 128]``. Each row prints one JSON line.

``--readers`` sets ``CSU_WALL_READERS`` for the measured process (where the RTSP readers live
with decoder processes: in them, or in the GUI process passing packets).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from csu_wall.benchmark._clips import to_annexb
from csu_wall.benchmark._rtsp import RtspServer, default_server_script
from csu_wall.benchmark.cli import Plan, Runner


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clips-dir", type=Path, required=True)
    parser.add_argument("--streams", type=int, action="append", default=[])
    parser.add_argument("--decoders", choices=("process", "thread"), default="process")
    parser.add_argument("--readers", choices=("gui", "process"), default=None)
    parser.add_argument("--window", type=float, default=None)
    args = parser.parse_args(argv)
    from csu_wall.benchmark._clips import ensure_clips

    plan = Plan(False, args.window, args.decoders)
    runner = Runner(sys.stdout, None)
    folder = args.clips_dir
    clips = ensure_clips(folder, plan.clips_sd)
    mounts = {f"clip{i}": to_annexb(c, folder / f"clip{i}.h264") for i, c in enumerate(clips)}
    script = default_server_script()
    if script is None:
        parser.error("no RTSP test server (tests/rtsp/server.py)")
    env = {"CSU_WALL_READERS": args.readers} if args.readers else None
    server = RtspServer(script, mounts, folder)
    try:
        urls = [a for name in mounts for a in ("--url", server.url(name))]
        for n in args.streams or list(plan.rtsp_streams):
            server.cpu_pct_since()
            over = runner.worker("pipeline", ["--streams", str(n), "--label", "640x360",
                                              "--warmup", str(plan.warmup_s),
                                              "--decoders", args.decoders,
                                              "--first-frame-timeout",
                                              str(plan.rtsp_first_frame_timeout_s),
                                              "--seconds", str(plan.window_s), *urls],
                                 plan.probe_cost(n) + 60, env=env)
            keys = ("ok", "streams", "streams_with_frames", "worst_fps", "median_fps",
                    "first_frame_ms_median", "first_frame_ms_p95", "gui_lag_p99_ms",
                    "cpu_pct", "decoder_cpu_pct", "mib_per_stream", "reconnects",
                    "packets_dropped", "error", "stderr_tail")
            runner.emit({"kind": "rtsp_row", "readers": args.readers or "default",
                         "decoders": args.decoders, "server_cpu_pct": server.cpu_pct_since(),
                         **{k: over[k] for k in keys if k in over}})
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
