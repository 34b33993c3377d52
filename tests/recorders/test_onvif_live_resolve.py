"""The ONVIF driver never asks the device when the wall asks it for a live source (the GUI
thread does): the address is asked by the source's resolver, which the media session calls in
its reader thread, and a session stopped meanwhile (the tile closed) abandons it at once.
Against the loopback ONVIF device of tests/recorders/onvif_site_device.py, slowed down."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from csu_wall.core.errors import RecorderUnreachable
from csu_wall.core.model import Camera, Recorder, StreamKind
from csu_wall.recorders.onvif import OnvifDriver
from tests.rtsp.fixture import RECORDED_START
from tests.scenarios._slow_onvif import SlowOnvifDevice, slow_onvif_device

pytestmark = pytest.mark.timeout(60)

LIVE = "rtsp://127.0.0.1:9/onvif/live/sub"
CAMERA = Camera("cam-1", "Parvis", "roncq", "onvif-1", channel=1)


@pytest.fixture()
def device() -> Iterator[SlowOnvifDevice]:
    end = RECORDED_START + timedelta(seconds=60)
    with slow_onvif_device(SlowOnvifDevice("rtsp://127.0.0.1:9/replay", RECORDED_START, end,
                                           live_uri=LIVE, delay=2.0)) as dev:
        yield dev


def driver(dev: SlowOnvifDevice, timeout: float = 8.0) -> OnvifDriver:
    rec = Recorder("onvif-1", "roncq", "onvif", "127.0.0.1", http_port=dev.port)
    return OnvifDriver(rec, lambda _ref: (dev.user, dev.password), timeout=timeout)


def test_live_source_asks_nothing_and_its_resolver_gets_the_address(
        device: SlowOnvifDevice) -> None:
    drv = driver(device)
    started = time.monotonic()
    source = drv.live_source(CAMERA, StreamKind.SUB)
    assert time.monotonic() - started < 0.05 and device.calls == []  # no SOAP here
    assert source.resolve is not None and source.url.startswith("onvif://onvif-1/")
    assert source.resolve(threading.Event()) == LIVE  # slow: answered after 2 s
    assert device.held == 1
    again = drv.live_source(CAMERA, StreamKind.SUB)  # cached: no resolver needed any more
    assert again.url == LIVE and again.resolve is None


def test_a_stopped_session_abandons_the_request_at_once(device: SlowOnvifDevice) -> None:
    source = driver(device).live_source(CAMERA, StreamKind.SUB)
    assert source.resolve is not None
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    with pytest.raises(RecorderUnreachable, match="abandonnée"):
        source.resolve(stop)
    assert time.monotonic() - started < 1.5  # not the device's 2 s


def test_past_the_drivers_timeout_the_device_is_said_unreachable_in_french(
        device: SlowOnvifDevice) -> None:
    source = driver(device, timeout=1.0).live_source(CAMERA, StreamKind.SUB)
    assert source.resolve is not None
    started = time.monotonic()
    with pytest.raises(RecorderUnreachable, match="ne répond pas dans le délai"):
        source.resolve(threading.Event())
    assert time.monotonic() - started < 1.8
