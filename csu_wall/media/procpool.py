"""Decoder processes: decoding, scaling and masking outside the GUI process's interpreter lock.

The readers stay where they are (one I/O thread per stream in this process: the access gate,
the per-recorder session cap, backoff, watchdog and the RTSP replay client are unchanged); each
stream's packets go to one of a few decoder processes (one per core by default, started with
``spawn`` so the same code runs on Windows and in the frozen build). A decoder process keeps a
decoder per stream, decodes every packet it gets, converts the last picture of each batch to
the tile's size in BGRA, burns the privacy masks, and writes it into one of three slots of the
stream's shared-memory segment. It then says which slot holds which frame; this process wraps
that slot as a numpy array (no copy) and puts the frame into the tile's mailbox, so the tile's
feed and the GUI see exactly what they saw with decoding threads.

Shared memory: every segment is created (and unlinked) here; a decoder process maps it by
name without Python's resource tracker (on Python 3.11 an attaching process would unlink the
segment when it exits). A decoder process that dies — a crash inside FFmpeg on a corrupt
stream, or a SIGKILL in the tests — is restarted; its streams say "reconnexion" and are fed
again from their next keyframe, the other processes and the GUI never stop.

Backpressure: at most ``MAX_INFLIGHT`` packets of a stream are on their way to its decoder
process; beyond, the stream skips to its next keyframe (counted as dropped: the overload
ladder reads that as load).

Live RTSP streams and local files are read in the decoder processes themselves
(``CSU_WALL_READERS=gui`` puts their readers back here, to compare; a process paces its
real-time files on one thread, as this process's FilePump does): the session here still
decides everything — the access gate, the recorder's session cap, the camera's backoff, the
tile's states and texts — and asks the stream's decoder process to connect
(:meth:`ProcStreamDecoder.open_remote`, the URL with its credentials going over the pipe
only); that process's reader thread demuxes, drops what would not be shown, and its packets
never cross the pipe. It says back only "opened", "open failed", "ended" or "failed" (the
error's kind, its French text, the seconds since its last packet), then "gone" once the
connection is closed, so the session's watchdog, backoff, texts and session cap are those
of a reader here. A restarted decoder process is asked to connect again at once (no
backoff: the camera is not at fault).
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing import shared_memory
from multiprocessing.connection import Connection
from typing import Any

import av
import numpy as np

from csu_wall.core.errors import (
    CsuWallError,
    RecorderAuthError,
    RecorderUnreachable,
    StreamError,
)
from csu_wall.core.frames import Frame
from csu_wall.media._decoder_process import SLOTS, decoder_main
from csu_wall.media.decode import DecoderSpec, tile_width
from csu_wall.media.decoder_base import DecoderBase
from csu_wall.media.mailbox import Mailbox
from csu_wall.media.masks import Masker
from csu_wall.media.pacer import FilePump
from csu_wall.media.views import SnapshotRequest, View, normalise_view

log = logging.getLogger(__name__)

MAX_INFLIGHT = 25  # packets (1 s at 25 fps) on their way to a decoder process, per stream
RESTART_MSG = "Décodeur redémarré : reprise de l'image…"
READERS_ENV = "CSU_WALL_READERS"  # "gui": live readers in this process (the older way)
BUSY_REACH_S = 1.0  # s: how long a process's last reported CPU share is carried on


# -- this process's side ------------------------------------------------------------------


class _Segment:
    """One stream's shared memory: SLOTS frames of ``slot_bytes`` each. The mapping is never
    closed by hand: frames (numpy views holding a buffer export) keep it mapped while a tile
    may still paint them, and it goes with the last of them. The name is unlinked when the
    segment is replaced or its stream closed."""

    def __init__(self, slot_bytes: int) -> None:
        self.slot_bytes = slot_bytes
        shm = shared_memory.SharedMemory(create=True, size=slot_bytes * SLOTS)
        self.name = shm.name
        self._shm = shm
        self._buf: memoryview | None = shm.buf

    def view(self, slot: int, width: int, height: int) -> np.ndarray:
        # np.frombuffer holds a buffer export on the mapping (np.ndarray(buffer=...) holds
        # none: the mapping could go away under a QImage being painted — a crash, measured)
        assert self._buf is not None
        return np.frombuffer(self._buf, dtype=np.uint8, count=width * height * 4,
                             offset=slot * self.slot_bytes).reshape(height, width, 4)

    def release(self) -> bool:
        """Unlink the name; the mapping goes when no frame points into it any more."""
        try:
            self._shm.unlink()
        except FileNotFoundError:
            pass
        # SharedMemory.close() would fail while frames exist (and warn when collected):
        # hand the mapping to the garbage collector through the frames instead.
        self._shm._buf = None  # type: ignore[attr-defined]
        self._shm._mmap = None  # type: ignore[attr-defined]
        self._buf = None
        return True


_MAIN_SWAP = threading.Lock()


@contextmanager
def _main_module_left_out() -> Iterator[None]:
    """While a decoder process starts, this process's main module is an empty one.

    ``spawn`` runs the parent's main module again in the child before its target: the
    ``csu-wall`` script imports the whole application (791 modules), the benchmark's module
    the wall and Qt. The decoder loop needs none of it: without it, a decoder process holds
    less memory and starts (and restarts, after a crash) sooner — DESIGN §4. In the frozen
    build a decoder process is a copy of the executable, handed to the decoder loop by
    ``multiprocessing.freeze_support`` at the start of :func:`csu_wall.app.main`."""
    with _MAIN_SWAP:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main
            else:
                del sys.modules["__main__"]


class _Proc:
    """One decoder process, its command pipe (fed by a sender thread, so a reader never
    waits on a pipe) and its result pipe (read by a listener thread)."""

    def __init__(self, pool: ProcessDecodePool, index: int) -> None:
        self.pool = pool
        self.index = index
        self.streams: dict[int, ProcStreamDecoder] = {}
        # streams with a connection read in the process (kept until it says it is gone)
        self.readers: dict[int, ProcStreamDecoder] = {}
        self.outbox: queue.SimpleQueue[tuple[Any, ...] | None] = queue.SimpleQueue()
        self.busy_s = 0.0  # the process's CPU time, as it last reported it
        self.busy_base = 0.0  # CPU time of its earlier incarnations (restarts)
        self.busy_at: float | None = None  # when that report came (the pool's clock)
        self.busy_rate = 0.0  # its CPU share between its two last reports
        self.drops = 0
        self.paired = 0  # pictures it decoded in pairs (under load), as it last said
        self.paired_base = 0  # ... in its earlier incarnations
        self.lag = 0.0
        self.restarts = 0
        self._threads: list[threading.Thread] = []
        self._spawn()

    def _spawn(self) -> None:
        ctx = mp.get_context("spawn")
        cmd_recv, self.cmd = ctx.Pipe(duplex=False)
        self.res, res_send = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=decoder_main, args=(cmd_recv, res_send),
                                   name=f"csu-decoder-{self.index}", daemon=True)
        with _main_module_left_out():
            self.process.start()
        cmd_recv.close()
        res_send.close()
        self.alive = True
        self._threads = [
            threading.Thread(target=self._send_loop, args=(self.cmd, self.outbox),
                             name=f"csu-decoder-{self.index}-send", daemon=True),
            threading.Thread(target=self._listen, args=(self.res, self.process),
                             name=f"csu-decoder-{self.index}-listen", daemon=True),
        ]
        for t in self._threads:
            t.start()

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def post(self, message: tuple[Any, ...]) -> None:
        self.outbox.put(message)

    def threads(self) -> list[threading.Thread]:
        return [t for t in self._threads if t.is_alive()]

    def _send_loop(self, conn: Connection, outbox: queue.SimpleQueue[Any]) -> None:
        # Messages go in batches (one pickling and one system call for all that waits): at
        # 64 streams, one send per packet cost more of this process's interpreter lock than
        # the decoding it moved out.
        done = False
        while not done:
            batch = [outbox.get()]
            while len(batch) < 512:
                try:
                    batch.append(outbox.get_nowait())
                except queue.Empty:
                    break
            if None in batch:
                batch = batch[:batch.index(None)]
                done = True
            if not batch:
                continue
            try:
                conn.send(batch)
            except (OSError, ValueError):  # the process is gone: the listener restarts it
                break
        try:
            conn.close()
        except OSError:
            pass

    def _listen(self, conn: Connection, process: Any) -> None:
        while True:
            try:
                batch = conn.recv()
            except (EOFError, OSError):
                break
            for message in batch:
                try:
                    self._handle(message)
                except Exception:  # a listener must never die on one odd message
                    log.exception("decoder process %d: message %r failed", self.index,
                                  message[:1])
        conn.close()
        process.join(1.0)
        if not self.pool.stopping and self.alive:
            self.alive = False
            self.pool.restart(self, process.exitcode)

    def _handle(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "frame":
            decoder = self.streams.get(message[1])
            if decoder is not None:
                decoder.on_frame(message)
        elif kind == "snap":
            decoder = self.streams.get(message[1])
            if decoder is not None:
                decoder.on_snapshot(message)
        elif kind == "kept":
            decoder = self.streams.get(message[1])
            if decoder is not None:
                decoder.on_kept(message[2])
        elif kind == "rd":
            decoder = self.streams.get(message[1]) or self.readers.get(message[1])
            if decoder is not None:
                decoder.on_reader(message)
        elif kind == "load":
            _, busy, drops, lag, paired = message
            now, total = self.pool.monotonic(), self.busy_base + busy
            if self.busy_at is not None and now > self.busy_at:
                self.busy_rate = max(0.0, (total - self.busy_s) / (now - self.busy_at))
            self.busy_s, self.busy_at = total, now
            self.drops = drops
            self.lag = max(self.lag, lag)
            self.paired = self.paired_base + paired

    def busy_now(self, now: float) -> float:
        """The process's CPU seconds at ``now``: its last report, carried on at the share
        it had between its two last reports (for ``BUSY_REACH_S`` at most: a process that
        says nothing is not assumed to keep working). A process reports every quarter of a
        second or so, on its own schedule; its reports alone, read every half second, put
        one report in one sample and two in the next (measured: 0.44-0.98 around 0.75, which
        kept the ladder from seeing three calm seconds at 130 streams)."""
        if self.busy_at is None:
            return self.busy_s
        return self.busy_s + self.busy_rate * min(max(0.0, now - self.busy_at), BUSY_REACH_S)

    def stop(self, deadline: float) -> None:
        self.alive = False
        self.outbox.put(("quit",))
        self.outbox.put(None)
        self.process.join(max(0.05, deadline - time.monotonic()))
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1.0)
        for t in self._threads:
            t.join(max(0.05, deadline - time.monotonic()))


class ProcessDecodePool:
    """A few decoder processes serving every stream (the same interface as the threads'
    :class:`~csu_wall.media.pool.DecodePool` for the engine and the overload ladder)."""

    def __init__(self, workers: int | None = None,
                 monotonic: Callable[[], float] = time.monotonic,
                 readers: str | None = None) -> None:
        self.size = max(1, workers or os.cpu_count() or 1)
        # live RTSP streams read in the decoder processes ("process") or here ("gui")
        self.remote_readers = (readers or os.environ.get(READERS_ENV) or "process") != "gui"
        self.monotonic = monotonic
        self.pump = FilePump()
        self.stopping = False
        self._lock = threading.Lock()
        self._procs: list[_Proc] = []
        self._keys = itertools.count(1)
        self._gui_drops = 0

    def start(self) -> None:
        """Start the processes now (they take about a second to import PyAV)."""
        with self._lock:
            if not self._procs and not self.stopping:
                self._procs = [_Proc(self, i) for i in range(self.size)]

    def processes(self) -> list[Any]:
        """The decoder processes (tests kill one)."""
        with self._lock:
            return [p.process for p in self._procs]

    def decoder(self, tile_id: str, generation: int, mailbox: Mailbox, size: tuple[int, int],
                masker: Masker, on_first_frame: Callable[[], None],
                monotonic: Callable[[], float],
                on_trouble: Callable[[str], None] | None = None) -> ProcStreamDecoder:
        self.start()
        with self._lock:
            proc = min(self._procs, key=lambda p: len(p.streams))
            key = next(self._keys)
        decoder = ProcStreamDecoder(self, proc, key, tile_id, generation, mailbox, size,
                                    masker, on_first_frame, monotonic, on_trouble)
        proc.streams[key] = decoder
        decoder.announce_to_process()
        return decoder

    def restart(self, proc: _Proc, exitcode: int | None) -> None:
        """A decoder process died: start a new one for its streams."""
        with self._lock:
            if self.stopping:
                return
            log.error("decoder process %d ended (exit code %s): restarted, %d stream(s) "
                      "resume at their next keyframe", proc.index, exitcode, len(proc.streams))
            proc.busy_base = proc.busy_s
            proc.paired_base = proc.paired
            proc.restarts += 1
            proc.readers.clear()  # their connections died with it
            proc.outbox.put(None)  # ends the old sender thread
            proc.outbox = queue.SimpleQueue()
            proc._spawn()
            streams = list(proc.streams.values())
        for decoder in streams:
            decoder.process_restarted()

    def forget(self, decoder: ProcStreamDecoder) -> None:
        decoder.proc.streams.pop(decoder.key, None)

    def note_backlog_drops(self, n: int) -> None:
        with self._lock:
            self._gui_drops += n

    def queue_depth(self) -> int:
        with self._lock:
            procs = list(self._procs)
        return sum(p.outbox.qsize() for p in procs)

    def load_counters(self) -> tuple[float, int, float]:
        """(CPU seconds of the decoder processes, packets thrown away, cumulative; the worst
        packet wait reported since the previous call)."""
        with self._lock:
            procs = list(self._procs)
            drops = self._gui_drops
        lag = 0.0
        for p in procs:
            lag, p.lag = max(lag, p.lag), 0.0
        now = self.monotonic()
        return (sum(p.busy_now(now) for p in procs), drops + sum(p.drops for p in procs),
                lag)

    def frames_paired(self) -> int:
        """Pictures the decoder processes decoded in pairs (under load), cumulative."""
        with self._lock:
            procs = list(self._procs)
        return sum(p.paired for p in procs)

    def threads(self) -> list[threading.Thread]:
        with self._lock:
            procs = list(self._procs)
        return [t for p in procs for t in p.threads()] + self.pump.threads()

    def shutdown(self, deadline: float, clock: Callable[[], float]) -> None:
        self.pump.shutdown(deadline, clock)
        with self._lock:
            self.stopping = True
            procs, self._procs = self._procs, []
        end = time.monotonic() + max(0.5, deadline - clock())
        for p in procs:
            p.stop(end)
        for p in procs:
            for decoder in list(p.streams.values()):
                decoder.release_memory()


class ProcStreamDecoder(DecoderBase):
    """One stream's decoding, carried out in a decoder process: the same interface as the
    threads' :class:`~csu_wall.media.pool.StreamDecoder` (``push`` from the reader thread,
    settings from any thread, frames into ``mailbox``)."""

    def __init__(self, pool: ProcessDecodePool, proc: _Proc, key: int, tile_id: str,
                 generation: int, mailbox: Mailbox, size: tuple[int, int], masker: Masker,
                 on_first_frame: Callable[[], None], monotonic: Callable[[], float],
                 on_trouble: Callable[[str], None] | None) -> None:
        super().__init__(tile_id, generation, mailbox, (tile_width(size[0]), max(2, int(size[1]))),
                         masker, on_first_frame, monotonic)
        self.pool = pool
        self.proc = proc
        self.key = key
        self._on_trouble = on_trouble
        self._segment = _Segment(self._slot_bytes(self._size))
        self._old_segments: list[_Segment] = []
        self._spec_ids: dict[int, int] = {}  # id(DecoderSpec) -> the number sent
        self._specs: deque[DecoderSpec] = deque(maxlen=4)  # keeps the ids above valid
        self._spec_numbers = itertools.count(1)
        self._sent = 0  # packets sent to the process
        self._consumed = 0  # ... and taken by it (as it last said)
        self._snaps: dict[int, SnapshotRequest] = {}
        self._snap_ids = itertools.count(1)
        self._seq = 0
        self._fit = True
        self._kept_gop = -1  # reverse replay: the last GOP the decoder process kept
        self._kept_lost = False  # ... lost with a decoder process restarted: none to wait for
        # read in the decoder process (open_remote): its connection number and what it says
        self._conn = 0
        self._events: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self._remote_counts = (0, 0)  # (dropped, demuxed) as the process last said
        self._gone = threading.Event()  # the current connection is closed in the process

    @staticmethod
    def _slot_bytes(size: tuple[int, int]) -> int:
        return max(4096, tile_width(size[0]) * max(2, int(size[1])) * 4)

    def announce_to_process(self) -> None:
        with self._lock:
            self.proc.post(("open", self.key, self._segment.name, self._segment.slot_bytes,
                            self._size, list(self.masker.masks), self._view,
                            self._keyframes_only))
            if not self._fit:
                self.proc.post(("fit", self.key, False))
            if not self._visible:
                self.proc.post(("vis", self.key, False))
            if self._paused:
                self.proc.post(("pause", self.key, True))
            if self._urgent:
                self.proc.post(("urgent", self.key, True))

    # -- settings (any thread) -------------------------------------------------------------

    def set_size(self, width: int, height: int) -> None:
        size = (tile_width(width), max(2, int(height)))
        with self._lock:
            if size == self._size or self._closed:
                return
            self._size = size
            needed = self._slot_bytes(size)
            if needed > self._segment.slot_bytes:
                self._old_segments.append(self._segment)
                self._segment = _Segment(needed)
                self.proc.post(("shm", self.key, self._segment.name,
                                self._segment.slot_bytes))
            # the replaced segments are unlinked once a frame shows the decoder process
            # mapped the new one (unlinked earlier, a process still on its way to map it
            # could not, and the stream would never show a frame again)
            self.proc.post(("size", self.key, size))

    def set_visible(self, visible: bool) -> None:
        with self._lock:
            changed = visible != self._visible
        super().set_visible(visible)
        if changed:  # a stream read in the decoder process is filtered there
            with self._lock:
                if not self._closed:
                    self.proc.post(("vis", self.key, visible))

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            changed = paused != self._paused
        super().set_paused(paused)
        if changed:
            with self._lock:
                if not self._closed:
                    self.proc.post(("pause", self.key, paused))

    def set_view(self, view: View | None) -> None:
        with self._lock:
            self._view = normalise_view(view)
            self.proc.post(("view", self.key, self._view))

    def request_snapshot(self, request: SnapshotRequest) -> None:
        with self._lock:
            number = next(self._snap_ids)
            self._snaps[number] = request
            self.proc.post(("snap", self.key, number))

    def cancel_snapshot(self, request: SnapshotRequest) -> None:
        with self._lock:
            for number, pending in list(self._snaps.items()):
                if pending is request:
                    del self._snaps[number]

    def _keyframes_only_set(self, on: bool) -> None:
        self.proc.post(("skip", self.key, on))

    def _urgent_set(self, on: bool) -> None:
        if not self._closed:
            self.proc.post(("urgent", self.key, on))

    @property
    def fit(self) -> bool:
        return self._fit

    @fit.setter
    def fit(self, on: bool) -> None:
        with self._lock:
            self._fit = on
            self.proc.post(("fit", self.key, on))

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self.proc.post(("close", self.key))
            self._snaps.clear()  # their waiters time out with the usual French message
            self._events.put(("rd", self.key, self._conn, "closed"))
        self.pool.forget(self)
        self.release_memory()

    def backlog(self) -> int:
        return max(0, self._sent - self._consumed)

    def release_memory(self) -> None:
        with self._lock:
            self._old_segments.append(self._segment)
            self._tidy_segments()

    def _tidy_segments(self) -> None:
        """Segments replaced (or of a closed stream) go once no frame points into them."""
        keep = []
        for segment in self._old_segments:
            if not segment.release():
                keep.append(segment)
        self._old_segments = keep

    # -- reader side ------------------------------------------------------------------------

    def push(self, spec: DecoderSpec, packet: av.Packet, show: bool = True) -> None:
        key = bool(packet.is_keyframe)
        with self._lock:
            if not self._arrived():
                return
            # hidden, paused or keyframes only: what would not be shown is never sent
            wanted = self._visible and not self._paused and (key or not self._keyframes_only)
            if not wanted and not (key and self._snaps and self._visible):
                self.packets_dropped += 1
                return
            if self._need_key:
                if not key:
                    self.packets_dropped += 1
                    return
                self._need_key = False
                flush = True
            else:
                flush = False
            if self._sent - self._consumed >= MAX_INFLIGHT:
                # the decoder process is behind: skip to the next keyframe rather than lag
                self.packets_dropped += 1
                self.pool.note_backlog_drops(1)
                self._need_key = True
                return
            number = self._spec_number(spec)
            self._sent += 1
            self.proc.post(("pkt", self.key, number, bytes(packet), packet.pts, key, show,
                            flush, time.monotonic()))

    # -- read in the decoder process ----------------------------------------------------------

    @property
    def remote_reader(self) -> bool:
        """Live streams of this decoder are read in its decoder process."""
        return self.pool.remote_readers

    def open_remote(self, url: str, fmt: str | None, options: dict[str, str],
                    open_timeout: float, read_timeout: float, stop: threading.Event,
                    how: dict[str, bool] | None = None) -> RemoteConnection:
        """Have the decoder process connect to ``url`` (the session's thread waits here):
        the connection once opened, or the translated error of the attempt. A decoder
        process restarted meanwhile is asked again. ``how``: a local file (``file``),
        played in real time (``realtime``), looping (``loop``)."""
        while True:
            with self._lock:
                self._conn += 1
                conn = self._conn
                while True:  # words of earlier connections
                    try:
                        self._events.get_nowait()
                    except queue.Empty:
                        break
                if self._closed:
                    raise StreamError(_MSG_CLOSED)
                self._gone.clear()
                self.proc.readers[self.key] = self
                self.proc.post(("read", self.key, conn, url, fmt, dict(options), open_timeout,
                                read_timeout, dict(how or {})))
            connection = RemoteConnection(self, conn)
            while True:
                event = connection.next_event(0.25)
                if event is None:
                    if stop.is_set():
                        connection.close()
                        raise StreamError(_MSG_CLOSED)
                    continue
                word = event[3]
                if word == "opened":
                    return connection
                if word == "closed":
                    connection.close()  # the slot is freed once the process closed it
                    raise StreamError(_MSG_CLOSED)
                connection.ended = True
                if word == "restarted":
                    break
                if word == "open_failed":
                    raise remote_error(*event[4:7])
                # ended or failed before the open was said: cannot happen in order
                raise StreamError(_MSG_CLOSED)

    def on_reader(self, message: tuple[Any, ...]) -> None:
        """What the stream's reader in the decoder process says (the listener thread)."""
        if message[2] != self._conn:
            return
        if message[3] == "gone":
            if self.proc.readers.get(self.key) is self:
                del self.proc.readers[self.key]
            self._gone.set()
            return
        if message[3] == "opened":
            self.new_connection()  # before this connection's first frame, in order
        self._events.put(message)

    def _spec_number(self, spec: DecoderSpec) -> int:
        """The number the decoder process knows ``spec`` by (sent once); under the lock."""
        number = self._spec_ids.get(id(spec))
        if number is None:
            number = next(self._spec_numbers)
            self._spec_ids[id(spec)] = number
            self._specs.append(spec)
            if len(self._spec_ids) > 8:
                alive = {id(s) for s in self._specs}
                self._spec_ids = {k: v for k, v in self._spec_ids.items() if k in alive}
            tb = spec.time_base
            self.proc.post(("spec", self.key, number, spec.codec, spec.extradata,
                            spec.width, spec.height,
                            (tb.numerator, tb.denominator) if tb else None))
        return number

    def push_gop(self, spec: DecoderSpec, packets: list[av.Packet], gop: int) -> None:
        """Reverse replay: the GOP goes to the decoder process whole; its pictures are kept
        there (bounded, csu_wall.media.decode.gop_capacity) until ``show_kept``."""
        with self._lock:
            self.packets_in += len(packets)
            if self._closed or not self._visible or self._paused:
                self.packets_dropped += len(packets)
                self._kept_gop = gop  # nothing to show: the reader goes on
                return
            if self._keyframes_only:
                packets = packets[:1]
            self._kept_lost = False
            number = self._spec_number(spec)
            self._sent += len(packets)
            self.proc.post(("gop", self.key, number, gop,
                            [(bytes(p), p.pts) for p in packets], time.monotonic()))

    def show_kept(self, gop: int, pts: int) -> None:
        with self._lock:
            if not self._closed:
                self.proc.post(("show", self.key, gop, pts))

    def kept_ready(self, gop: int) -> bool:
        return self._kept_gop == gop or self._kept_lost

    def on_kept(self, gop: int) -> None:
        """The decoder process kept the pictures of ``gop`` (the listener thread)."""
        self._kept_gop = gop

    # -- results (the listener thread) ------------------------------------------------------

    def on_frame(self, message: tuple[Any, ...]) -> None:
        (_, _, name, slot, width, height, pts, source_w, source_h, keyframe, consumed,
         decoded, errors, dropped, demuxed) = message
        with self._lock:
            self._consumed = consumed
            self.frames_decoded = decoded
            self.decode_errors = errors
            if (dropped, demuxed) != self._remote_counts:  # read in the decoder process
                old_dropped, old_demuxed = self._remote_counts
                self.packets_dropped += max(0, dropped - old_dropped)
                self.packets_in += max(0, demuxed - old_demuxed)
                self._remote_counts = (dropped, demuxed)
            if self._closed or slot < 0:
                return
            segment = self._segment
            if name != segment.name or width * height * 4 > segment.slot_bytes:
                return  # written into a segment replaced meanwhile (a resize)
            if self._old_segments:
                self._tidy_segments()  # the process writes into the new one now
            self._seq += 1
            frame = Frame(image=segment.view(slot, width, height), generation=self.generation,
                          seq=self._seq, pts=pts, decoded_at=self._monotonic(),
                          source_width=source_w, source_height=source_h, keyframe=keyframe)
            announce, self._announce = self._announce, False
        if self.mailbox.put(frame):
            self.frames_delivered += 1
        if announce:
            self._on_first_frame()

    def on_snapshot(self, message: tuple[Any, ...]) -> None:
        _, _, number, data, width, height, pts, keyframe = message
        with self._lock:
            request = self._snaps.pop(number, None)
        if request is None:
            return
        image = np.frombuffer(data, dtype=np.uint8).reshape(height, width, 4).copy()
        request.fulfil(Frame(image=image, generation=self.generation, seq=self._seq, pts=pts,
                             decoded_at=self._monotonic(), source_width=width,
                             source_height=height, keyframe=keyframe))

    def process_restarted(self) -> None:
        """Its decoder process was restarted: open the stream there again; the next keyframe
        brings the picture back."""
        with self._lock:
            if self._closed:
                return
            self._need_key = True
            self._announce = True
            self._spec_ids.clear()
            self._specs.clear()
            self._sent = self._consumed = 0
            self._kept_lost = True
            self._remote_counts = (0, 0)
            snaps = list(self._snaps)
        self.announce_to_process()
        # after "open": the session's new "read" must reach the new process behind it
        self._events.put(("rd", self.key, self._conn, "restarted"))
        for number in snaps:
            self.proc.post(("snap", self.key, number))
        if self._on_trouble is not None:
            self._on_trouble(RESTART_MSG)


_MSG_CLOSED = "stream closed"  # never shown: the session has stopped
GONE_WAIT_S = 2.0  # a stopped reader closes within ~0.1 s (FFmpeg's interrupt poll)


def remote_error(kind: str, text: str, detail: str) -> CsuWallError:
    """A reader's failure in a decoder process, as the session's own reader would have
    raised it (the French text chosen there by csu_wall.media._errors.translate)."""
    err: CsuWallError = (RecorderAuthError(text) if kind == "auth"
                         else RecorderUnreachable(text) if kind == "unreachable"
                         else StreamError(text))
    err.__cause__ = _RemoteDetail(detail)
    return err


class _RemoteDetail(Exception):
    """The redacted developer text of a decoder process's reader error (logs only)."""


class RemoteConnection:
    """A live stream read in its decoder process: what the session pumps (it waits for the
    reader's words) and closes."""

    def __init__(self, decoder: ProcStreamDecoder, conn: int) -> None:
        self.decoder = decoder
        self.conn = conn
        self.ended = False

    def next_event(self, timeout: float) -> tuple[Any, ...] | None:
        """The reader's next word about this connection (None after ``timeout``)."""
        try:
            event = self.decoder._events.get(timeout=timeout)
        except queue.Empty:
            return None
        if event[2] != self.conn and event[3] not in ("closed", "restarted"):
            return None
        return event

    def close(self) -> None:
        """Stop the reader and wait (bounded) until the decoder process has closed the
        connection: the session frees its slot of the recorder's cap only then."""
        decoder = self.decoder
        with decoder._lock:
            live = not self.ended and decoder._conn == self.conn
            if live and not decoder._closed:
                decoder.proc.post(("rstop", decoder.key, self.conn))
        self.ended = True
        if live:
            decoder._gone.wait(GONE_WAIT_S)
