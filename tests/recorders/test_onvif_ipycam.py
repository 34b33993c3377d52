"""The ONVIF Profile S driver against ipycam, a real ONVIF camera
simulator, run in a network namespace the test creates (it listens on every interface and
sends multicast): a veth pair joins the namespace (10.213.N.2) to the test (10.213.N.1).
Everything the test starts runs under ``timeout`` and is stopped by PID; the namespace and the
veth pair are deleted at teardown."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from csu_wall.core.errors import RecorderAuthError
from csu_wall.core.frames import TileState
from csu_wall.core.model import Camera, Recorder, StreamKind
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.errors import UnknownChannel
from csu_wall.recorders.onvif import OnvifDriver

pytestmark = pytest.mark.timeout(120)
USER, PASSWORD = "onvif", "Canary-Onvif-5d2e"
LAUNCHER = Path(__file__).with_name("ipycam_run.py")


def _ip(*args: str) -> None:
    subprocess.run(["timeout", "10", "ip", *args], check=True, capture_output=True)


@pytest.fixture()
def ipycam(tmp_path: Path) -> Iterator[str]:
    """The camera's address (10.213.N.2, port 8080)."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("needs root and iproute2 (ip netns) to isolate ipycam in a namespace")
    try:
        import ipycam  # noqa: F401
    except ImportError:
        pytest.skip("ipycam is not installed (pip install --no-deps ipycam)")
    n = os.getpid() % 200 + 20
    ns, host_if, ns_if = f"csu-onvif-{os.getpid()}", f"csuh{os.getpid()}", f"csun{os.getpid()}"
    host_ip, cam_ip = f"10.213.{n}.1", f"10.213.{n}.2"
    proc: subprocess.Popen[bytes] | None = None
    cfg = tmp_path / "ipycam.json"
    try:
        _ip("netns", "add", ns)
        _ip("link", "add", host_if[:15], "type", "veth", "peer", "name", ns_if[:15])
        _ip("link", "set", ns_if[:15], "netns", ns)
        _ip("addr", "add", f"{host_ip}/30", "dev", host_if[:15])
        _ip("link", "set", host_if[:15], "up")
        _ip("-n", ns, "addr", "add", f"{cam_ip}/30", "dev", ns_if[:15])
        _ip("-n", ns, "link", "set", ns_if[:15], "up")
        _ip("-n", ns, "link", "set", "lo", "up")
        fd = os.open(cfg, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"local_ip": cam_ip, "username": USER, "password": PASSWORD}, f)
        log = open(tmp_path / "ipycam.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            ["timeout", "110", "ip", "netns", "exec", ns, sys.executable, str(LAUNCHER),
             str(cfg)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
            cwd=tmp_path, start_new_session=True)
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        line = proc.stdout.readline().decode() if ready else ""
        cfg.unlink(missing_ok=True)
        if line.strip() != "READY":
            pytest.fail(f"ipycam did not start: {line!r}\n"
                        + (tmp_path / "ipycam.log").read_text(errors="replace")[-3000:])
        yield cam_ip
    finally:
        cfg.unlink(missing_ok=True)
        if proc is not None:
            if proc.stdin:
                proc.stdin.close()  # EOF: the launcher stops the camera
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # our own session: timeout and its child
                proc.wait(timeout=5)
            if proc.stdout:
                proc.stdout.close()
        subprocess.run(["timeout", "10", "ip", "link", "del", host_if[:15]],
                       capture_output=True)
        subprocess.run(["timeout", "10", "ip", "netns", "del", ns], capture_output=True)


def _driver(host: str, password: str = PASSWORD) -> OnvifDriver:
    rec = Recorder("cam-onvif", "c", "onvif", host, rtsp_port=8554, http_port=8080)
    return OnvifDriver(rec, {"recorder:cam-onvif": (USER, password)}.get, timeout=15)


def _resolved(source: StreamSource) -> StreamSource:
    if source.resolve is None:
        return source
    return replace(source, url=source.resolve(threading.Event()), resolve=None)


def _plays_live(source: StreamSource) -> None:
    """The stream URI the device gave plays through the media engine (point 5, ONVIF)."""
    engine = MediaEngine(workers=1, credentials={"recorder:cam-onvif": (USER, PASSWORD)}.get,
                         open_timeout=5.0, read_timeout=5.0)
    try:
        tile = engine.open("onvif", source, size=(160, 90))
        end = time.monotonic() + 30
        while time.monotonic() < end and tile.latest() is None:
            time.sleep(0.05)
        assert tile.state is TileState.LIVE and tile.latest() is not None, tile.detail
    finally:
        engine.shutdown(timeout=3.0)


def test_onvif_profile_s_against_ipycam(ipycam: str) -> None:
    drv = _driver(ipycam)
    health = drv.health()
    assert health.reachable and "VirtualCam-1" in health.model, health
    groups = drv.profiles()
    assert len(groups) == 1 and len(groups[0]) >= 2  # one source: main and sub profiles
    [chan] = drv.list_cameras()
    assert chan.channel == "1" and chan.main == (640, 360) and chan.sub == (320, 180)
    cam = Camera("onvif-1", "Caméra", "c", "cam-onvif", channel=1)
    # The device is asked in the reader thread (resolve), never when the source is made.
    main, sub = (_resolved(drv.live_source(cam, k)) for k in (StreamKind.MAIN, StreamKind.SUB))
    assert main.kind is SourceKind.RTSP and main.url.startswith(f"rtsp://{ipycam}:8554/")
    assert main.url != sub.url and "@" not in main.url
    assert main.credential_ref == "recorder:cam-onvif"
    assert drv.snapshot_uri(cam).startswith("http")
    time.sleep(0.5)  # a frame or two must have reached the camera for a snapshot
    assert drv.snapshot(cam).startswith(b"\xff\xd8")
    offset = drv.clock_offset()
    assert offset is not None and abs(offset) < 5
    with pytest.raises(UnknownChannel):
        _resolved(drv.live_source(Camera("x", "x", "c", "cam-onvif", channel=3),
                                  StreamKind.MAIN))
    _plays_live(sub)
    wrong = _driver(ipycam, password="Canary-Wrong-0000")
    with pytest.raises(RecorderAuthError) as info:
        wrong.list_cameras()
    assert "Canary" not in str(info.value)
