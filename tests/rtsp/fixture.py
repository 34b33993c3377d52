"""Pytest fixtures: a real loopback RTSP server with faults the test controls, and real H.264.

Registered by tests/conftest.py (``pytest_plugins = ["tests.rtsp.fixture"]``).

- ``rtsp_server(mounts, auth=None) -> RtspServer``: one gst-rtsp-server per call (Debian's
  ``/usr/bin/python3 tests/rtsp/server.py`` wrapped in ``timeout 600``), killed at teardown.
- ``silent_rtsp_server``: a TCP listener that never answers (DESCRIBE hangs).
- ``refused_rtsp_url``: an RTSP URL whose port refuses connections.
- ``h264_clip(width, height, seconds, ...)``: Annex-B clips, cached for the session.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.rtsp import media

SERVER_SCRIPT = Path(__file__).resolve().with_name("server.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # python3-gi is importable only from Debian's interpreter
READY_DEADLINE_S = 20.0
REPLY_DEADLINE_S = 5.0

CLOCK_FPS = 25  # the ``clock`` mount: frames per second and frames per GOP (one IDR a second)
CLOCK_GOP = 25


def clock_mounts(cameras: int) -> dict[str, dict[str, object]]:
    """Live ``clock`` mounts for cameras 1…N, main and sub, at ``live/{n}/{main|sub}`` (the
    site files' ``/live/{channel}/main`` and ``/live/{channel}/sub`` paths)."""
    clock = {"kind": "clock", "fps": CLOCK_FPS, "gop": CLOCK_GOP}
    return {f"c{n}{kind}": {**clock, "path_in_url": f"live/{n}/{kind}"}
            for n in range(1, cameras + 1) for kind in ("main", "sub")}

Credentials = tuple[str, str]
MountSpec = Mapping[str, Any] | str | Path


def _user_url(host: str, port: int, mount: str, user: str | None, password: str | None) -> str:
    cred = ""
    if user is not None:
        cred = quote(user, safe="")
        if password is not None:
            cred += ":" + quote(password, safe="")
        cred += "@"
    return f"rtsp://{cred}{host}:{port}/{mount}"


class RtspServer:
    """A running loopback RTSP server (see module docstring of server.py for the mounts)."""

    host = "127.0.0.1"

    def __init__(self, proc: subprocess.Popen[bytes], log_path: Path, mounts: list[str]) -> None:
        self._proc = proc
        self._buf = b""
        self._frozen = False
        self.log_path = log_path
        self.mounts = mounts
        ready = self._read_line(READY_DEADLINE_S).split()
        if len(ready) != 3 or ready[0] != "READY":
            raise RuntimeError(f"RTSP server did not start: {ready!r}; log:\n{self.log()}")
        self.port = int(ready[1])
        self.pid = int(ready[2])  # the Python server itself, not the `timeout` wrapper
        self.wrapper_pid = proc.pid

    def url(self, mount: str, user: str | None = None, password: str | None = None) -> str:
        return _user_url(self.host, self.port, mount, user, password)

    def stop_sending(self, mount: str) -> None:
        """The mount stops sending media; TCP sessions stay open (RTCP may still flow)."""
        self._command(f"stop {mount}")

    def resume(self, mount: str) -> None:
        """The mount sends again, from the next keyframe of its clip."""
        self._command(f"resume {mount}")

    def playback_requests(self) -> list[dict[str, Any]]:
        """What the playback mounts understood of each request (start/end epoch s, scale)."""
        assert self._proc.stdin is not None
        self._proc.stdin.write(b"requests\n")
        self._proc.stdin.flush()
        answer = self._read_line(REPLY_DEADLINE_S)
        if not answer.startswith("OK "):
            raise RuntimeError(f"RTSP server refused 'requests': {answer}")
        return list(json.loads(answer[3:]))

    def freeze(self) -> None:
        """SIGSTOP the server: sockets stay open, nothing at all is sent."""
        os.kill(self.pid, signal.SIGSTOP)
        self._frozen = True

    def thaw(self) -> None:
        os.kill(self.pid, signal.SIGCONT)
        self._frozen = False

    def kill(self) -> None:
        """SIGKILL the server (a crash): the kernel closes its sockets."""
        if self._frozen:
            self.thaw()
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._proc.wait(timeout=5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def close(self) -> None:
        """Teardown: SIGCONT if frozen, then terminate, then kill; by PID only."""
        if self._proc.poll() is None:
            if self._frozen:
                self.thaw()
            if self._proc.stdin:
                try:
                    self._proc.stdin.close()  # EOF on stdin stops the server cleanly
                except BrokenPipeError:
                    pass
            try:
                self._proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self._proc.terminate()  # `timeout` forwards SIGTERM to the server
                try:
                    self._proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    for pid in (self.pid, self._proc.pid):
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                    self._proc.wait(timeout=5)
        if self._proc.stdout:
            self._proc.stdout.close()

    def _command(self, line: str) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.write(line.encode() + b"\n")
        self._proc.stdin.flush()
        answer = self._read_line(REPLY_DEADLINE_S)
        if not answer.startswith("OK"):
            raise RuntimeError(f"RTSP server refused {line!r}: {answer}")

    def _read_line(self, deadline_s: float) -> str:
        """One stdout line, without a reader thread (the suite fails tests that leave threads)."""
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        end = time.monotonic() + deadline_s
        while b"\n" not in self._buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"RTSP server silent for {deadline_s} s; log:\n{self.log()}")
            readable, _, _ = select.select([fd], [], [], left)
            if readable:
                chunk = os.read(fd, 4096)
                if not chunk:
                    raise RuntimeError(f"RTSP server exited; log:\n{self.log()}")
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode()


class ClipMaker:
    """Makes (and caches for the session) the H.264 files the mounts serve."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache

    def __call__(self, width: int = 640, height: int = 360, seconds: float = 4.0, fps: int = 25,
                 gop: int = 50, label: str = "CAM 1") -> Path:
        name = f"clip-{width}x{height}-{seconds}s-{fps}fps-g{gop}-{quote(label, safe='')}.h264"
        path = self.cache / name
        if not path.exists():
            media.make_clip(path, width, height, seconds, fps=fps, gop=gop, label=label)
        return path

    def resolution_change(self, sizes: tuple[tuple[int, int], ...] = ((640, 360), (320, 240)),
                          seconds: float = 2.0, fps: int = 25, gop: int = 25) -> Path:
        tag = "_".join(f"{w}x{h}" for w, h in sizes)
        path = self.cache / f"rc-{tag}-{seconds}s-{fps}fps-g{gop}.h264"
        if not path.exists():
            media.make_resolution_change(path, self.cache, sizes, seconds, fps=fps, gop=gop)
        return path

    def garbage(self, every: int = 7, width: int = 640, height: int = 360,
                seconds: float = 4.0, gop: int = 25) -> Path:
        path = self.cache / f"garbage-{width}x{height}-{seconds}s-g{gop}-e{every}.h264"
        if not path.exists():
            src = self(width, height, seconds, gop=gop, label="GARBAGE")
            media.corrupt_clip(path, src, every=every)
        return path

    def annexb(self, src: Path) -> Path:
        """An .mp4 (or other container) remuxed to Annex-B; Annex-B files are returned as is."""
        if src.suffix in (".h264", ".264"):
            return src
        digest = hashlib.sha1(str(src.resolve()).encode()).hexdigest()[:12]
        path = self.cache / f"remux-{digest}-{src.stem}.h264"
        if not path.exists():
            media.to_annexb(path, src)
        return path


def _server_spec(name: str, spec: MountSpec, clips: ClipMaker) -> dict[str, Any]:
    """Turns the test's mount description into the server's JSON (clips made here, in the venv)."""
    if isinstance(spec, str | Path):
        spec = {"kind": "file", "path": spec}
    spec = dict(spec)
    kind = spec.pop("kind", "file")
    out: dict[str, Any] = {"fps": spec.get("fps", 25)}
    user_pass = spec.pop("auth", None)
    if user_pass:
        out["auth"] = {"user": user_pass[0], "password": user_pass[1]}
    if kind == "playback":
        # A recorded clip served by time (tests/rtsp/playback.py); ``path`` is made by the test
        # (tests/rtsp/timecode.py), ``start`` the epoch seconds of its first frame.
        out.update(kind="playback", path=str(spec["path"]), start=float(spec["start"]),
                   shape=spec.get("shape", "hikvision"), tz=spec.get("tz", "Europe/Paris"),
                   path_in_url=spec.get("path_in_url", name))
        return out
    if kind == "clock":
        # Live video of the server's wall clock in the time code (tests/rtsp/clockface.py).
        out.update(kind="clock", gop=spec.get("gop", CLOCK_GOP),
                   path_in_url=spec.get("path_in_url", name))
        return out
    if kind == "testsrc":
        out.update(kind="testsrc", width=spec.get("width", 640), height=spec.get("height", 360),
                   pattern=spec.get("pattern", "ball"))
        return out
    if kind == "resolution_change":
        path = clips.resolution_change(**{k: spec[k] for k in ("sizes", "seconds", "gop")
                                          if k in spec})
    elif kind == "garbage":
        path = clips.garbage(**{k: spec[k] for k in ("every", "width", "height", "seconds", "gop")
                                if k in spec})
    elif kind == "file":
        if "path" in spec:
            path = clips.annexb(Path(spec["path"]))
        else:
            keys = ("width", "height", "seconds", "fps", "gop", "label")
            path = clips(**{k: spec[k] for k in keys if k in spec})
    else:
        raise ValueError(f"mount {name}: unknown kind {kind!r}")
    out.update(kind="file", path=str(path))
    return out


@pytest.fixture(scope="session")
def h264_clip(tmp_path_factory: pytest.TempPathFactory) -> ClipMaker:
    """``h264_clip(width, height, seconds, fps=25, gop=50, label="CAM 1") -> Path`` (cached)."""
    return ClipMaker(tmp_path_factory.mktemp("h264"))


@pytest.fixture()
def rtsp_server(tmp_path: Path, h264_clip: ClipMaker) -> Iterator[Callable[..., RtspServer]]:
    """Factory: ``rtsp_server(mounts={"cam1": {"kind": "file"}}, auth=("u", "p"))``."""
    if not Path(SYSTEM_PYTHON).exists() or shutil.which("timeout") is None:
        pytest.skip("needs Debian's /usr/bin/python3 with python3-gi and gst-rtsp-server")
    servers: list[RtspServer] = []

    def start(mounts: Mapping[str, MountSpec], auth: Credentials | None = None) -> RtspServer:
        n = len(servers)
        config = {
            "auth": {"user": auth[0], "password": auth[1]} if auth else None,
            "mounts": {name: _server_spec(name, spec, h264_clip) for name, spec in mounts.items()},
        }
        # Passwords go through a private file removed once the server has read it: never argv.
        cfg_path = tmp_path / f"rtsp-server-{n}.json"
        fd = os.open(cfg_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(config, f)
        log_path = tmp_path / f"rtsp-server-{n}.log"
        env = {k: v for k, v in os.environ.items()
               if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                ["timeout", "600", SYSTEM_PYTHON, str(SERVER_SCRIPT),
                 "--port", "0", "--config", str(cfg_path)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env,
                bufsize=0,
            )
        try:
            server = RtspServer(proc, log_path, list(mounts))
        except BaseException:
            proc.kill()
            proc.wait(timeout=5)
            raise
        finally:
            cfg_path.unlink(missing_ok=True)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


class SilentServer:
    """Accepts TCP connections (the kernel does, from the backlog) and never answers."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((self.host, 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]

    def url(self, mount: str = "stream", user: str | None = None,
            password: str | None = None) -> str:
        return _user_url(self.host, self.port, mount, user, password)


@pytest.fixture()
def silent_rtsp_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.sock.close()


@pytest.fixture()
def refused_rtsp_url() -> Iterator[str]:
    """A URL on a port held bound but not listening: connecting gets RST (refused)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield f"rtsp://127.0.0.1:{sock.getsockname()[1]}/stream"
    sock.close()


# --- recorded video by time (playback) ------------------------------------------------------

# A minute of recording across the end of summer time in Paris: 02:59:30 CEST (00:59:30Z) to
# 02:00:30 CET (01:00:30Z); 25 fps, one IDR per second, each frame's UTC time in its pixels.
RECORDED_START = datetime(2026, 10, 25, 0, 59, 30, tzinfo=timezone.utc)
RECORDED_SECONDS = 60
RECORDED_FPS = 25
RECORDED_GOP = 25
PLAYBACK_MOUNTS = {
    "hik": {"shape": "hikvision", "path_in_url": "Streaming/tracks/101"},
    "dahua": {"shape": "dahua", "path_in_url": "cam/playback"},
    "onvif": {"shape": "onvif", "path_in_url": "onvif/replay/rec1"},
}


@pytest.fixture(scope="session")
def recorded_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.rtsp.timecode import make_timecoded_clip

    return make_timecoded_clip(tmp_path_factory.mktemp("recorded") / "recorded.h264",
                               RECORDED_START, RECORDED_SECONDS, fps=RECORDED_FPS,
                               gop=RECORDED_GOP)


@pytest.fixture()
def playback_server(rtsp_server: Callable[..., RtspServer], recorded_clip: Path) -> RtspServer:
    """One server with the three playback shapes: ``/Streaming/tracks/101?starttime=``
    (Hikvision, UTC), ``/cam/playback?channel=1&starttime=`` (Dahua, Paris local time) and
    ``/onvif/replay/rec1`` (ONVIF replay: ``Require: onvif-replay``, ``Range: clock=``); and
    ``/live``, a looped clip standing for the camera's live stream."""
    mounts = {name: {"kind": "playback", "path": recorded_clip, "fps": RECORDED_FPS,
                     "start": RECORDED_START.timestamp(), **extra}
              for name, extra in PLAYBACK_MOUNTS.items()}
    mounts["live"] = {"kind": "file", "width": 320, "height": 192, "seconds": 2.0,
                      "gop": 25, "label": "LIVE"}
    return rtsp_server(mounts)
