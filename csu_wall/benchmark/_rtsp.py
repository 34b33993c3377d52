"""The loopback RTSP server the benchmark receives streams from.

The launcher is the project's test server (``tests/rtsp/server.py``, Debian gst-rtsp-server
under ``/usr/bin/python3``); the package never imports it: the benchmark runs it as a program,
found through ``--rtsp-server PATH`` (default: the repository's copy when it exists).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"  # python3-gi is importable only from Debian's interpreter


def default_server_script() -> Path | None:
    candidate = Path(__file__).resolve().parents[2] / "tests" / "rtsp" / "server.py"
    return candidate if candidate.is_file() else None


def _cpu_ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime


class RtspServer:
    """One server process serving ``mounts`` (name -> Annex-B file), ended by its PID."""

    def __init__(self, script: Path, mounts: dict[str, Path], workdir: Path,
                 lifetime_s: int = 900) -> None:
        config = {"auth": None, "mounts": {name: {"kind": "file", "path": str(path), "fps": 25}
                                           for name, path in mounts.items()}}
        cfg = workdir / "rtsp-mounts.json"
        cfg.write_text(json.dumps(config), encoding="utf-8")
        self.log_path = workdir / "rtsp-server.log"
        env = {k: v for k, v in os.environ.items()
               if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
        with open(self.log_path, "wb") as log:
            self._proc = subprocess.Popen(
                ["timeout", str(lifetime_s), SYSTEM_PYTHON, str(script), "--port", "0",
                 "--config", str(cfg)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env, bufsize=0)
        try:
            words = self._read_line(20.0).split()
            if len(words) != 3 or words[0] != "READY":
                raise RuntimeError(f"RTSP server did not start: {words!r}")
        except BaseException:
            self.close()
            raise
        self.port = int(words[1])
        self.pid = int(words[2])
        self._ticks0 = _cpu_ticks(self.pid)
        self._t0 = time.monotonic()

    def url(self, mount: str) -> str:
        return f"rtsp://127.0.0.1:{self.port}/{mount}"

    def cpu_pct_since(self) -> float | None:
        """The server's own CPU % since the last call (it competes for the same cores)."""
        ticks = _cpu_ticks(self.pid)
        now = time.monotonic()
        if ticks is None or self._ticks0 is None or now <= self._t0:
            return None
        pct = 100.0 * (ticks - self._ticks0) / os.sysconf("SC_CLK_TCK") / (now - self._t0)
        self._ticks0, self._t0 = ticks, now
        return round(pct, 1)

    def close(self) -> None:
        """EOF on stdin stops it; then SIGTERM, then SIGKILL, by PID only."""
        proc = self._proc
        if proc.poll() is None:
            if proc.stdin:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        if proc.stdout:
            proc.stdout.close()

    def _read_line(self, deadline_s: float) -> str:
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        end = time.monotonic() + deadline_s
        buf = b""
        while b"\n" not in buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("RTSP server silent")
            readable, _, _ = select.select([fd], [], [], left)
            if readable:
                chunk = os.read(fd, 4096)
                if not chunk:
                    raise RuntimeError("RTSP server exited")
                buf += chunk
        return buf.split(b"\n", 1)[0].decode()
