"""A loopback ONVIF device (Profile S and G, tests/recorders/onvif_site_device.py) that is slow
to give an address: GetStreamUri (first live open) and GetReplayUri (playback) are answered
``delay`` seconds late, the way a loaded recorder answers, every other call at once. Whatever
the action, the recorder as a whole answers it ``delay`` seconds after it was asked."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.recorders.onvif_site_device import OnvifSiteDevice
from tests.rtsp.onvif_soap import onvif_device

SLOW_CALLS = ("GetStreamUri", "GetReplayUri")


@dataclass
class SlowOnvifDevice(OnvifSiteDevice):
    delay: float = 0.0
    slow_calls: tuple[str, ...] = SLOW_CALLS
    # Set when the test ends: a request still held is answered at once (no thread left).
    released: threading.Event = field(default_factory=threading.Event)
    held: int = 0  # requests held so far

    def answer(self, body: str) -> tuple[int, str]:
        status, text = super().answer(body)
        if self.calls and self.calls[-1] in self.slow_calls:
            self.held += 1
            self.released.wait(self.delay)
        return status, text


@contextmanager
def slow_onvif_device(device: SlowOnvifDevice) -> Iterator[SlowOnvifDevice]:
    with onvif_device(device):
        try:
            yield device
        finally:
            device.released.set()
