"""Decode-only limit of this machine: one thread per core, each decoding pre-encoded clips with
PyAV as fast as it can (``thread_count=1``, no conversion). Frames per second ÷ 25 = streams.

Run as ``python -m csu_wall.benchmark.decode_limit --seconds 3 CLIP...``; prints one JSON line.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import av

from csu_wall.benchmark._clips import FPS
from csu_wall.benchmark._proc import cores, cpu_seconds, emit, rounded


def _packets(path: Path) -> list[av.Packet]:
    with av.open(str(path)) as container:
        return [p for p in container.demux(video=0) if p.size]


def _codec(path: Path) -> av.VideoCodecContext:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        ctx = av.CodecContext.create(stream.codec_context.name, "r")
        ctx.extradata = stream.codec_context.extradata
    ctx.thread_count = 1
    return ctx  # type: ignore[return-value]


def _worker(path: Path, ready: threading.Barrier, stop: list[float], counts: list[int],
            slot: int) -> None:
    # Packets are demuxed into memory first: this measures decoding alone. The clip starts on
    # an IDR frame, so looping its packets through one decoder is a valid stream.
    packets = _packets(path)
    ctx = _codec(path)
    ready.wait()
    stop_at = stop[0]
    frames = 0
    while time.monotonic() < stop_at:
        for packet in packets:
            frames += len(ctx.decode(packet))
        counts[slot] = frames
    counts[slot] = frames


def measure(clips: list[Path], seconds: float, threads: int) -> dict[str, object]:
    counts = [0] * threads
    stop = [0.0]
    start: list[float] = []

    def _go() -> None:  # runs once, when every worker has its packets: time starts here
        start.extend((cpu_seconds(), time.monotonic()))
        stop[0] = start[1] + seconds

    ready = threading.Barrier(threads, action=_go)
    workers = [
        threading.Thread(target=_worker, args=(clips[i % len(clips)], ready, stop, counts, i),
                         name=f"bench-decode-{i}", daemon=True)
        for i in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(seconds + 30)
    cpu0, t0 = start
    wall = time.monotonic() - t0
    cpu = cpu_seconds() - cpu0
    fps = sum(counts) / wall
    return {
        "kind": "decode_limit",
        "threads": threads,
        "cores": cores(),
        "seconds": rounded(wall),
        "frames_per_s": rounded(fps, 1),
        "ms_per_frame_per_core": rounded(1000.0 * cpu / max(sum(counts), 1), 3),
        "cpu_pct": rounded(100.0 * cpu / wall, 1),
        "streams": rounded(fps / FPS, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=0, help="0: one per core")
    parser.add_argument("--label", default="")
    parser.add_argument("clips", nargs="+", type=Path)
    args = parser.parse_args(argv)
    result = measure(args.clips, args.seconds, args.threads or cores())
    result["resolution"] = args.label
    emit(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
