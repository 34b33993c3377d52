"""Which driver serves a recorder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from csu_wall.core.errors import RecorderNotSupported
from csu_wall.core.model import Recorder
from csu_wall.core.ports import RecorderDriver
from csu_wall.recorders._base import Credentials
from csu_wall.recorders.axis import AxisDriver
from csu_wall.recorders.dahua import DahuaDriver
from csu_wall.recorders.demo import DemoDriver
from csu_wall.recorders.hikvision import HikvisionDriver
from csu_wall.recorders.mjpeg import MjpegDriver
from csu_wall.recorders.onvif import OnvifDriver
from csu_wall.recorders.rtsp import GenericRtspDriver

Factory = Callable[[Recorder, Credentials | None], RecorderDriver]
_HTTP_FAMILIES: dict[str, Factory] = {
    "hikvision": HikvisionDriver, "dahua": DahuaDriver, "axis": AxisDriver,
    "mjpeg": MjpegDriver, "snapshot": MjpegDriver}


def driver_for(recorder: Recorder, *, clip_dir: Path,
               credentials: Credentials | None = None) -> RecorderDriver:
    """The driver for ``recorder.driver``. ``credentials(ref) -> (user, password) | None``
    (the credential vault) serves the drivers' own HTTP and ONVIF calls; RTSP credentials
    are resolved by the media layer. RecorderNotSupported (French) for an unknown family."""
    if recorder.driver == "demo":
        return DemoDriver(recorder, clip_dir)
    if recorder.driver == "rtsp":
        return GenericRtspDriver(recorder)
    if recorder.driver == "onvif":
        return OnvifDriver(recorder, credentials)
    family = _HTTP_FAMILIES.get(recorder.driver)
    if family is not None:
        return family(recorder, credentials)
    raise RecorderNotSupported(
        f"L'enregistreur {recorder.id} utilise le pilote « {recorder.driver} », inconnu de "
        "cette version : choisissez rtsp, onvif, hikvision, dahua, axis, mjpeg ou snapshot.")
