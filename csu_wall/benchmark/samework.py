"""Same-work ceiling of this machine: what the pipeline would reach if the work a tile needs
were all that cost anything.

One process per core (``multiprocessing``, spawn context: no interpreter lock shared, as
the frozen build and Windows would start them), each decoding a clip from packets held in
memory and converting EVERY frame to the tile's size and format (240×135 BGRA) with the
engine's own decoder settings and :class:`~csu_wall.media.decode.Converter`, each picture
written into a tile-sized buffer of its own as the engine writes it into the tile's slot —
as fast as it can: no pacing, no reader, no GUI, no masks. Frames per second ÷ 25 = streams.
The pipeline's capacity divided by this figure is how much of the machine the engine turns
into tiles.

With ``--streams-per-process K`` (informative), each process decodes K streams instead of
one: K decoders and K converters, each stream's packets in turn (clips taken in order, each
stream starting one GOP-less offset apart), as a decoder process serving K tiles must. Same
code, same work per frame; what changes is that K pictures, reference frames and scaler
contexts share the caches (measured here: 60 streams per process cost about 1.3-1.5× the
CPU per frame of one). The pipeline's capacity against this figure is how much of what the
machine can do *for that many streams* the engine turns into tiles.

Run as ``python -m csu_wall.benchmark.samework --seconds 3 CLIP...``; prints one JSON line.
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue
import resource
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from csu_wall.benchmark._proc import TILE_H, TILE_W, cores, emit, rounded
from csu_wall.recorders.clips import FPS


def _work(paths: list[str], seconds: float, ready: Barrier, results: Any) -> None:
    """One process: its clips' packets in memory, then decode + convert until the time is up
    (one stream per path, in turn). Module level, so the spawn context can start it by name."""
    import av
    import numpy as np

    from csu_wall.media.decode import Converter, DecoderSpec, make_decoder

    clips: dict[str, tuple[Any, list[Any]]] = {}
    for path in dict.fromkeys(paths):
        with av.open(path) as container:
            stream = container.streams.video[0]
            # The clip starts on an IDR: looping its packets through a decoder is a valid
            # stream.
            clips[path] = (DecoderSpec.of(stream),
                           [p for p in container.demux(stream) if p.size])
    streams = [(make_decoder(clips[p][0]), Converter(), clips[p][1]) for p in paths]
    tile = np.empty((TILE_H, TILE_W, 4), dtype=np.uint8)
    # Every process has its packets: the clock starts now, for all together (a sibling
    # that died breaks the barrier instead of leaving this one waiting).
    ready.wait(timeout=60)
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    stop_at = t0 + seconds
    frames = 0
    if len(streams) == 1:  # the ceiling: one stream, nothing between its frames
        decoder, converter, packets = streams[0]
        while time.monotonic() < stop_at:
            for packet in packets:
                for frame in decoder.decode(packet):
                    converter.into(frame, tile)
                    frames += 1
                if time.monotonic() >= stop_at:
                    break
    else:  # one packet of each stream in turn, as a decoder process serving many tiles
        index = 0
        while time.monotonic() < stop_at:
            for decoder, converter, packets in streams:
                for frame in decoder.decode(packets[index % len(packets)]):
                    converter.into(frame, tile)
                    frames += 1
            index += 1
    wall = time.monotonic() - t0
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    results.put((frames, wall, cpu))


def measure(clips: list[Path], seconds: float, processes: int,
            per_process: int = 1) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Barrier(processes)
    results = ctx.Queue()
    procs = [ctx.Process(target=_work,
                         args=([str(clips[(i * per_process + k) % len(clips)])
                                for k in range(per_process)], seconds, ready, results),
                         name=f"bench-samework-{i}", daemon=True)
             for i in range(processes)]
    for p in procs:
        p.start()
    got: list[tuple[int, float, float]] = []
    give_up = time.monotonic() + seconds + 60
    try:
        # Start-up (interpreter, PyAV, demuxing into memory) is not timed: the children
        # start their clocks together at the barrier.
        while len(got) < len(procs):
            try:
                got.append(results.get(timeout=0.5))
            except queue.Empty:
                failed = [p for p in procs if p.exitcode not in (None, 0)]
                if failed or time.monotonic() > give_up:
                    codes = [p.exitcode for p in procs]
                    raise RuntimeError(f"same-work processes failed: exit codes {codes}") from None
    finally:
        for p in procs:
            p.join(5)
            if p.is_alive():
                p.kill()
                p.join(5)
    frames = sum(f for f, _, _ in got)
    fps = sum(f / w for f, w, _ in got if w > 0)
    wall = max(w for _, w, _ in got)
    cpu = sum(c for _, _, c in got)
    return {
        "kind": "samework" if per_process == 1 else "samework_interleaved",
        "processes": processes,
        "streams_per_process": per_process,
        "cores": cores(),
        "tile": [TILE_W, TILE_H],
        "seconds": rounded(wall),
        "frames": frames,
        "frames_per_s": rounded(fps, 1),
        "ms_per_frame_per_core": rounded(1000.0 * cpu / max(frames, 1), 3),
        "cpu_pct": rounded(100.0 * cpu / wall, 1) if wall > 0 else None,
        "streams": rounded(fps / FPS, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--processes", type=int, default=0, help="0: one per core")
    parser.add_argument("--streams-per-process", type=int, default=1,
                        help="decode this many streams in turn in each process (informative)")
    parser.add_argument("--label", default="")
    parser.add_argument("--profile", default="")
    parser.add_argument("clips", nargs="+", type=Path)
    args = parser.parse_args(argv)
    result = measure(args.clips, args.seconds, args.processes or cores(),
                     max(1, args.streams_per_process))
    result.update(resolution=args.label, profile=args.profile or None)
    emit(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
