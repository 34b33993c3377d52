"""Loopback RTSP server for csu-wall's tests (Debian gst-rtsp-server).

Run under Debian's ``/usr/bin/python3`` (python3-gi is importable only there); it imports
nothing from csu_wall or the venv. Usage::

    server.py --port 0 --config mounts.json

The config file (written by tests/rtsp/fixture.py, mode 0600, removed once READY is printed)::

    {"auth": {"user": "u", "password": "p"} | null,          # whole server
     "mounts": {"cam1": {"kind": "file", "path": "a.h264", "fps": 25,
                         "auth": null},                      # per-mount auth
                "live": {"kind": "testsrc", "width": 640, "height": 360, "fps": 25}}}

Kinds: ``file`` loops an Annex-B file paced in real time (the fixture also makes its
resolution-change and garbage files, which are served the same way); ``testsrc`` encodes
``videotestsrc`` with x264; ``clock`` encodes, with x264, 320×192 pictures drawn each frame
with this server's wall clock in the time code of tests/rtsp/clockface.py (one IDR every
``gop`` frames, 25 by default: a live camera whose pixels say when they were taken);
``playback`` serves a recorded clip by time (see playback.py:
the start comes from the URL's ``starttime=`` or from ``Range: clock=``, one media per client,
PAUSE/PLAY and ``Scale:``/``Speed:`` honoured).

stdout carries only the protocol: ``READY <port> <pid>`` once listening, then one reply per
command read on stdin (``stop <mount>``, ``resume <mount>``, ``ping``, ``requests``
(the playback requests understood so far, as JSON), ``quit``): ``OK ...`` or
``ERR ...``. EOF on stdin stops the server. Logs go to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
import clockface  # noqa: E402  (tests/rtsp/clockface.py, next to this script)
import playback  # noqa: E402  (tests/rtsp/playback.py, next to this script)
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

_H264_CAPS = "video/x-h264,stream-format=byte-stream,alignment=au"
_START = b"\x00\x00\x00\x01"


def log(msg: str) -> None:
    print(f"rtsp-server: {msg}", file=sys.stderr, flush=True)


def reply(msg: str) -> None:
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


# --- Annex-B -----------------------------------------------------------------------------------

def split_nals(data: bytes) -> list[bytes]:
    """NAL units (without start codes) of an Annex-B byte stream."""
    starts: list[int] = []
    i = data.find(b"\x00\x00\x01")
    while i >= 0:
        starts.append(i + 3)
        i = data.find(b"\x00\x00\x01", i + 3)
    nals = []
    for n, s in enumerate(starts):
        end = starts[n + 1] - 3 if n + 1 < len(starts) else len(data)
        nal = data[s:end].rstrip(b"\x00")  # trailing zeros belong to the next 4-byte start code
        if nal:
            nals.append(nal)
    return nals


def access_units(data: bytes) -> list[tuple[bytes, bool]]:
    """Group NAL units into access units: (Annex-B bytes, starts with an IDR)."""
    aus: list[tuple[bytes, bool]] = []
    cur: list[bytes] = []
    has_vcl = False
    sps: bytes | None = None
    pps: bytes | None = None

    def flush() -> None:
        nonlocal cur, has_vcl
        if cur:
            types = [n[0] & 0x1F for n in cur]
            key = 5 in types
            if key and 7 not in types and sps is not None and pps is not None:
                # An IDR without in-band headers: give it the latest ones, so a client
                # joining (or a resume) at this IDR can decode it.
                cur = [sps, pps, *cur]
            aus.append((b"".join(_START + n for n in cur), key))
        cur, has_vcl = [], False

    for nal in split_nals(data):
        t = nal[0] & 0x1F
        if t in (1, 5):
            first_slice = len(nal) > 1 and bool(nal[1] & 0x80)  # first_mb_in_slice == 0
            if has_vcl and first_slice:
                flush()
            has_vcl = True
        elif has_vcl and t in (6, 7, 8, 9, 14, 15, 16, 17, 18):
            flush()
        cur.append(nal)
        if t == 7:
            sps = nal
        elif t == 8:
            pps = nal
    flush()
    return aus


# --- mounts ------------------------------------------------------------------------------------

class Mount:
    """One mount point: its settings, its stop state and the media currently built for it."""

    def __init__(self, name: str, spec: dict) -> None:
        self.name = name
        self.spec = spec
        self.kind = spec.get("kind", "file")
        self.fps = float(spec.get("fps", 25))
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.valves: list[Gst.Element] = []
        self.aus: list[tuple[bytes, bool]] = []
        if self.kind in ("file", "playback"):
            with open(spec["path"], "rb") as f:
                self.aus = access_units(f.read())
            if not self.aus or not self.aus[0][1]:
                raise ValueError(f"{name}: {spec['path']} does not start with an IDR")

    def launch(self) -> str:
        if self.kind == "clock":
            fps, gop = int(self.fps), int(self.spec.get("gop", 25))
            caps = (f"video/x-raw,format=I420,width={clockface.WIDTH},"
                    f"height={clockface.HEIGHT},framerate={fps}/1")
            return (
                f"( appsrc name=src is-live=true format=time do-timestamp=true caps={caps} "
                f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} "
                f"bframes=0 option-string=scenecut=0:min-keyint={gop} threads=1 "
                "! video/x-h264,profile=constrained-baseline "
                "! rtph264pay name=pay0 pt=96 config-interval=-1 )"
            )
        if self.kind == "testsrc":
            w, h = int(self.spec.get("width", 640)), int(self.spec.get("height", 360))
            fps = int(self.fps)
            pattern = self.spec.get("pattern", "ball")
            # The valve sits before the encoder: on resume x264 simply goes on.
            return (
                f"( videotestsrc is-live=true pattern={pattern} "
                f"! video/x-raw,width={w},height={h},framerate={fps}/1 "
                "! valve name=gate drop=false "
                f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={2 * fps} "
                "! rtph264pay name=pay0 pt=96 config-interval=-1 )"
            )
        # appsrc stamps each buffer with the running time at push; the feeder paces them.
        return (
            f"( appsrc name=src is-live=true format=time do-timestamp=true caps={_H264_CAPS} "
            "! rtph264pay name=pay0 pt=96 config-interval=-1 )"
        )

    def set_stopped(self, stopped: bool) -> None:
        if stopped:
            self.stopped.set()
        else:
            self.stopped.clear()
        with self.lock:
            for valve in self.valves:
                valve.set_property("drop", stopped)

    def on_media_configure(self, _factory: object, media: GstRtspServer.RTSPMedia) -> None:
        bin_ = media.get_element()
        if self.kind == "testsrc":
            valve = bin_.get_by_name("gate")
            valve.set_property("drop", self.stopped.is_set())
            with self.lock:
                self.valves.append(valve)

            def forget(_m: object) -> None:
                with self.lock:
                    if valve in self.valves:
                        self.valves.remove(valve)

            media.connect("unprepared", forget)
            return
        feeder: Feeder | ClockFeeder = (ClockFeeder(self, bin_.get_by_name("src"))
                                        if self.kind == "clock"
                                        else Feeder(self, bin_.get_by_name("src")))
        media.connect("unprepared", lambda _m: feeder.stop())
        feeder.start()


class Feeder:
    """Pushes a mount's access units into one media's appsrc, in real time, looping."""

    def __init__(self, mount: Mount, src: Gst.Element) -> None:
        self.mount = mount
        self.src = src
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"feed-{mount.name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._halt.set()

    def _run(self) -> None:
        aus = self.mount.aus
        period = 1.0 / self.mount.fps
        duration = int(Gst.SECOND * period)
        idx = 0
        next_t = time.monotonic()
        was_stopped = False
        while not self._halt.is_set():
            if self.mount.stopped.is_set():
                was_stopped = True
                self._halt.wait(0.02)
                continue
            if was_stopped:
                # Resume at the next IDR so the client decodes cleanly at once.
                was_stopped = False
                while not aus[idx][1]:
                    idx = (idx + 1) % len(aus)
                next_t = time.monotonic()
            data, _key = aus[idx]
            buf = Gst.Buffer.new_wrapped(data)
            buf.duration = duration
            ret = self.src.emit("push-buffer", buf)
            if ret not in (Gst.FlowReturn.OK, Gst.FlowReturn.FLUSHING):
                log(f"{self.mount.name}: push-buffer returned {ret}")
            idx += 1
            if idx >= len(aus):
                idx = 0
            next_t += period
            delay = next_t - time.monotonic()
            if delay < -1.0:  # far behind (machine stalled): do not burst to catch up
                next_t = time.monotonic()
            elif delay > 0:
                self._halt.wait(delay)


class ClockFeeder:
    """Draws this server's wall clock (tests/rtsp/clockface.py) into one media's appsrc, one
    raw picture per frame period, for x264 to encode. While the mount is stopped nothing is
    pushed; on resume the clock simply goes on."""

    def __init__(self, mount: Mount, src: Gst.Element) -> None:
        self.mount = mount
        self.src = src
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"clock-{mount.name}",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._halt.set()

    def _run(self) -> None:
        fps = self.mount.fps
        period = 1.0 / fps
        duration = int(Gst.SECOND * period)
        tick = 0
        next_t = time.monotonic()
        while not self._halt.is_set():
            if self.mount.stopped.is_set():
                self._halt.wait(0.02)
                next_t = time.monotonic()
                continue
            now = time.time()
            second = int(now)
            frame_no = min(int((now - second) * fps), int(fps) - 1)
            buf = Gst.Buffer.new_wrapped(clockface.i420_frame(second, frame_no, tick))
            buf.duration = duration
            ret = self.src.emit("push-buffer", buf)
            if ret not in (Gst.FlowReturn.OK, Gst.FlowReturn.FLUSHING):
                log(f"{self.mount.name}: push-buffer returned {ret}")
            tick += 1
            next_t += period
            delay = next_t - time.monotonic()
            if delay < -1.0:
                next_t = time.monotonic()
            elif delay > 0:
                self._halt.wait(delay)


# --- server ------------------------------------------------------------------------------------

class MountAuth(GstRtspServer.RTSPAuth):
    """Basic auth where only some mounts are protected.

    A default token would make the server answer 404 (not 401) on a protected mount, and FFmpeg
    sends credentials only after a 401 challenge: so anonymous requests get a token here, and
    only for the open mounts.
    """

    def __init__(self, protected: set[str]) -> None:
        super().__init__()
        self._protected = protected
        self._anonymous = _token("anonymous")

    def do_authenticate(self, ctx: GstRtspServer.RTSPContext) -> bool:
        ok = GstRtspServer.RTSPAuth.do_authenticate(self, ctx)
        if ctx.token is None and ctx.uri is not None:
            first = ctx.uri.abspath.strip("/").split("/")[0]
            if first not in self._protected:
                ctx.set_token(self._anonymous)
        return ok


def _token(role: str) -> GstRtspServer.RTSPToken:
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", role)
    return token


def _allow(factory: GstRtspServer.RTSPMediaFactory, role: str) -> None:
    factory.add_role_from_structure(Gst.Structure.new_from_string(
        f"{role}, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
    ))


def build_server(config: dict, port: int) -> tuple[GstRtspServer.RTSPServer, dict[str, Mount]]:
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(port))
    server.set_backlog(128)  # default 5: 16 clients connecting at once waited ~20 s
    server.get_thread_pool().set_max_threads(8)  # default 1

    server_auth = config.get("auth")
    mount_specs: dict[str, dict] = config.get("mounts", {})
    creds: dict[str, str] = {}  # role -> basic string
    if server_auth:
        creds["server"] = GstRtspServer.RTSPAuth.make_basic(
            server_auth["user"], server_auth["password"])
    for name, spec in mount_specs.items():
        if spec.get("auth"):
            creds[f"mount-{name}"] = GstRtspServer.RTSPAuth.make_basic(
                spec["auth"]["user"], spec["auth"]["password"])
    if creds:
        protected = set(mount_specs) if server_auth else {
            name for name, spec in mount_specs.items() if spec.get("auth")}
        auth = MountAuth(protected)
        for role, basic in creds.items():
            auth.add_basic(basic, _token(role))
        server.set_auth(auth)

    mounts: dict[str, Mount] = {}
    points = server.get_mount_points()
    replay = playback.Replay(server)
    for name, spec in mount_specs.items():
        mount = Mount(name, spec)
        if mount.kind == "playback":
            factory = replay.factory(mount, mount.launch())
        else:
            factory = GstRtspServer.RTSPMediaFactory()
            factory.set_launch(mount.launch())
            factory.set_shared(True)
            factory.connect("media-configure", mount.on_media_configure)
        if creds:
            if spec.get("auth"):
                roles = [f"mount-{name}"]
            elif server_auth:
                roles = ["server"]
            else:
                roles = ["anonymous", *creds]
            for role in roles:
                _allow(factory, role)
        points.add_factory(f"/{spec.get('path_in_url', name)}", factory)
        mounts[name] = mount
    server.replay = replay  # type: ignore[attr-defined]
    return server, mounts


def control_loop(mounts: dict[str, Mount], loop: GLib.MainLoop,
                 replay: playback.Replay | None = None) -> None:
    """Reads commands on stdin; EOF (the test process went away) stops the server."""
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        cmd, args = words[0], words[1:]
        if cmd == "ping":
            reply("OK ping")
        elif cmd == "requests":
            reply("OK " + json.dumps(replay.requests if replay else []))
        elif cmd == "quit":
            reply("OK quit")
            break
        elif cmd in ("stop", "resume") and len(args) == 1:
            mount = mounts.get(args[0])
            if mount is None:
                reply(f"ERR unknown mount {args[0]}")
                continue
            mount.set_stopped(cmd == "stop")
            reply(f"OK {cmd} {args[0]}")
        else:
            reply(f"ERR bad command {cmd}")
    GLib.idle_add(loop.quit)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    Gst.init(None)
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)
    server, mounts = build_server(config, args.port)
    loop = GLib.MainLoop()
    if server.attach(None) == 0:
        log("cannot listen")
        return 1
    threading.Thread(target=control_loop, args=(mounts, loop, server.replay),
                     daemon=True).start()
    reply(f"READY {server.get_bound_port()} {os.getpid()}")
    log(f"listening on 127.0.0.1:{server.get_bound_port()}, mounts: {', '.join(mounts)}")
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
